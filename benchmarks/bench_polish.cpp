// The partition polishers of auto on one graph and one partition: the window
// re-solve (core/partition/lns.h) and refine (refine.h) in turn until neither
// changes the bottleneck, with the bottleneck after each and the seconds
// taken; and path relinking (relink.h) between the given partition and a
// second one when given.
//
// Usage: bench_polish GRAPH PARTITION [PARTITION2]
#include "benchmarks/bench_args.h"
#include "core/cost/evaluate.h"
#include "core/graph/topology.h"
#include "core/io/graph_io.h"
#include "core/partition/lns.h"
#include "core/partition/refine.h"
#include "core/partition/relink.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace pipecut;

namespace {

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_polish GRAPH PARTITION [PARTITION2]\n");
        return 2;
    }
    auto loaded = bench::loadGraphAndPartition(argv[1], argv[2]);
    if (!loaded)
        return 3;
    const Graph *g = &loaded->graph;
    const Partition *p = &loaded->partition;
    const Contraction *units = &loaded->units;
    const CostParams params = CostParams::fromGraph(*g);
    const int k = p->k();
    std::printf("start: %.6g (k = %d)\n", bottleneckOf(*g, params, p->stages(), k), k);
    auto t0 = std::chrono::steady_clock::now();
    Partition current = *p;
    for (int round = 1; round <= 20; ++round) {
        const WindowOutcome w = windowDescent(*g, params, *units, current, StopToken(), Deadline());
        const RefineOutcome r = refinePartition(*g, params, w.partition, StopToken(), Deadline(), &*units);
        std::printf("round %d: windows %.6g (%lld re-solved), refine %.6g, %.2f s so far\n", round, w.bottleneck,
            (long long)w.improvements, r.bottleneck, secondsSince(t0));
        const bool same = std::ranges::equal(r.partition.stages(), current.stages());
        current = r.partition;
        if (same)
            break;
    }
    if (argc > 3) {
        auto q = loadPartition(argv[3], *g);
        if (!q) {
            std::fprintf(stderr, "%s\n", q.error().c_str());
            return 3;
        }
        t0 = std::chrono::steady_clock::now();
        const RelinkOutcome l = relinkSearch(*g, params, *units, *p, *q, StopToken(), Deadline());
        std::printf("relink with %.6g: %.6g, %lld steps, %.2f s\n", bottleneckOf(*g, params, q->stages(), k),
            l.bottleneck, (long long)l.steps, secondsSince(t0));
    }
    return 0;
}
