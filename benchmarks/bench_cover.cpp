// Cover bound probes (core/bounds/cover.h) on one graph: for each threshold T,
// whether z*(T) > k is proven, the proven lower bound on z*(T), the last
// restricted master value, columns, rounds, pricing MIPs, cut pricing scans and seconds.
// Usage: bench_cover GRAPH PARTITION.json K T1,T2,... [SECONDS per probe]
// (environment COVER_TRACE=1: print the progress reports of each probe).
// Example: bench_cover r1.json p1.json 16 7.2,7.5 120 (the partition gives the
// incumbent's order and the upper bound; one probe after another, reusing columns).
#include "core/bounds/cover.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace pipecut;
using namespace pipecut::bounds;

int main(int argc, char **argv)
{
    if (argc < 5) {
        std::fprintf(stderr, "usage: bench_cover GRAPH PARTITION K T1,T2,... [SECONDS]\n");
        return 2;
    }
    auto g = loadGraph(argv[1]);
    if (!g.ok()) {
        std::fprintf(stderr, "%s\n", g.error().c_str());
        return 3;
    }
    const int k = std::atoi(argv[3]);
    auto part = loadPartition(argv[2], *g);
    if (!part.ok()) {
        std::fprintf(stderr, "%s\n", part.error().c_str());
        return 3;
    }
    Partition p = *part;
    if (p.k() != k)
        p = Partition(std::vector<int32_t>(p.stages().begin(), p.stages().end()), k);
    const double seconds = argc > 5 ? std::atof(argv[5]) : 60;
    const CostParams params = CostParams::fromGraph(*g);
    const NodeClasses classes = buildClasses(*g);
    BoundContext ctx { *g, params, k, classes };
    ctx.incumbent = &p;
    ctx.upper = bottleneckOf(*g, params, p.stages(), k);
    std::printf("upper %.4f classes %d\n", ctx.upper, classes.count);
    if (std::getenv("COVER_TRACE"))
        ctx.progress = [](const Progress &pr) {
            std::printf(
                "  %7.2f s  master %.4f  lowerZ %.4f  %s\n", pr.seconds, pr.incumbent, pr.bound, pr.stage.c_str());
        };
    CoverSolver solver(ctx);
    std::stringstream ts(argv[4]);
    std::string item;
    while (std::getline(ts, item, ',')) {
        const double t = std::atof(item.c_str());
        BoundContext c = ctx.withBudget(seconds);
        const auto t0 = std::chrono::steady_clock::now();
        const CoverProbe r = solver.probe(t, c);
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf(
            "T %.3f proven %d settled %d lowerZ %.4f master %.4f columns %d rounds %d mips %d cuts %d  %.1f s\n", t,
            r.proven, r.settled, r.lowerZ, r.masterValue, r.columns, r.rounds, r.pricingMips, r.cutPricings, took);
        std::fflush(stdout);
    }
    return 0;
}
