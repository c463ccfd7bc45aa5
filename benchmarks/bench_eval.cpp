// Figures for the engine foundation: full evaluation and incremental
// single-node moves at 10k, 100k and 1M generated nodes, and load times.
// Prints medians of several runs. Usage: bench_eval [max_nodes] [corpus_file...]
#include "core/cost/evaluate.h"
#include "core/cost/incremental.h"
#include "core/gen/generator.h"
#include "core/io/graph_io.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <thread>
#include <unistd.h>

using namespace pipecut;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

// CPU seconds (user + system) of this process: on a machine shared with other
// jobs the honest figure for single-threaded work, next to the wall time.
double cpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// A valid partition: cut the topological order into k equal-work pieces.
Partition contiguous(const Graph &g, int k)
{
    Partition p(g.nodeCount(), k);
    const double per = g.totalWork() / k;
    double acc = 0;
    for (NodeId v : g.topologicalOrder()) {
        int s = std::min(k - 1, per > 0 ? static_cast<int>(acc / per) : 0);
        p.setStage(v, stageId(s));
        acc += g.work(v);
    }
    return p;
}

} // namespace

int main(int argc, char **argv)
{
    const long long maxNodes = argc > 1 ? std::atoll(argv[1]) : 1000000;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::printf("bench_eval: %u hardware threads, host %s; medians of 5 runs (moves: median of 5 x 20000)\n\n",
        std::thread::hardware_concurrency(), host);
    std::printf("%-10s %9s %10s %12s %14s %16s %16s\n", "family", "nodes", "edges", "generate s", "full eval s",
        "move+undo us", "what-if us");
    const int k = 16;
    for (long long n : { 10000LL, 100000LL, 1000000LL }) {
        if (n > maxNodes)
            break;
        GeneratorOptions go;
        go.family = "transformer";
        go.nodes = n;
        go.seed = 1;
        auto t0 = Clock::now();
        auto g = generateGraph(go);
        auto t1 = Clock::now();
        if (!g) {
            std::printf("generate failed: %s\n", g.error().c_str());
            return 1;
        }
        const CostParams params = CostParams::fromGraph(*g);
        const Partition p = contiguous(*g, k);
        std::vector<double> full;
        double sink = 0;
        for (int r = 0; r < 5; ++r) {
            auto a = Clock::now();
            sink += evaluate(*g, params, p).bottleneck;
            full.push_back(seconds(a, Clock::now()));
        }
        IncrementalEvaluator inc(*g, params, p);
        std::mt19937_64 rng(3);
        std::vector<double> moveUs, whatIfUs;
        const int moves = 20000;
        for (int r = 0; r < 5; ++r) {
            // Random nodes to a neighbouring stage and back: two moves per iteration.
            std::vector<std::pair<NodeId, StageId>> plan;
            for (int i = 0; i < moves; ++i) {
                NodeId v = nodeId(static_cast<int32_t>(rng() % g->nodeCount()));
                int s = index(inc.partition().stage(v));
                plan.emplace_back(v, stageId(s + 1 < k ? s + 1 : s - 1));
            }
            auto a = Clock::now();
            for (auto [v, to] : plan) {
                const StageId from = inc.partition().stage(v);
                inc.move({ &v, 1 }, to);
                inc.move({ &v, 1 }, from);
            }
            moveUs.push_back(seconds(a, Clock::now()) * 1e6 / (2.0 * moves));
            a = Clock::now();
            for (auto [v, to] : plan)
                sink += inc.bottleneckIfMoved({ &v, 1 }, to);
            whatIfUs.push_back(seconds(a, Clock::now()) * 1e6 / moves);
        }
        std::printf("%-10s %9d %10lld %12.3f %14.4f %16.3f %16.3f\n", go.family.c_str(), g->nodeCount(),
            static_cast<long long>(g->edgeCount()), seconds(t0, t1), median(full), median(moveUs), median(whatIfUs));
        // Load time of the same graph written as pipecut JSON.
        const std::string path = "/tmp/pipecut_bench_" + std::to_string(n) + ".json";
        if (!writeFileAtomically(path, graphToJson(*g))) {
            std::printf("cannot write %s\n", path.c_str());
            continue;
        }
        std::vector<double> loads, loadCpu;
        for (int r = 0; r < 5; ++r) {
            auto a = Clock::now();
            const double c = cpuSeconds();
            auto h = loadGraph(path);
            loadCpu.push_back(cpuSeconds() - c);
            loads.push_back(seconds(a, Clock::now()));
            if (!h) {
                std::printf("load failed: %s\n", h.error().c_str());
                return 1;
            }
        }
        std::printf(
            "%-10s %9s load of %s: %.3f s wall, %.3f s CPU\n", "", "", path.c_str(), median(loads), median(loadCpu));
        std::remove(path.c_str());
        if (sink == 42.4242)
            std::printf(" ");
    }
    std::printf("\n");
    std::vector<std::string> files;
    for (int i = 2; i < argc; ++i)
        files.push_back(argv[i]);
    if (files.empty())
        files.push_back(std::string(PIPECUT_CORPUS_DIR)
            + "/dnn-partitioning/throughput-inputs/OperatorGraphs/bert_L-12_training.json");
    for (const std::string &f : files) {
        std::vector<double> loads, loadCpu;
        int nodes = 0;
        for (int r = 0; r < 5; ++r) {
            auto a = Clock::now();
            const double c = cpuSeconds();
            auto h = loadGraph(f);
            loadCpu.push_back(cpuSeconds() - c);
            loads.push_back(seconds(a, Clock::now()));
            if (!h) {
                std::printf("load failed: %s\n", h.error().c_str());
                return 1;
            }
            nodes = h->nodeCount();
        }
        std::printf("load %s (%d nodes): %.4f s wall, %.4f s CPU\n", f.c_str(), nodes, median(loads), median(loadCpu));
    }
    return 0;
}
