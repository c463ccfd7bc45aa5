// Figures for the topology layer and the generator: generation time per family
// and size, reachability build and query times, group contraction and width
// estimate times. Every figure is the median of --runs runs (default 5).
// Times are process CPU seconds (what the code costs, robust on a shared
// machine) and, for generation and contraction, wall seconds too.
//
// Usage: bench_topology [--runs N] [--max-nodes N] [--only generate|reachability|contraction]
#include "core/gen/generator.h"
#include "core/graph/topology.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

using namespace pipecut;

namespace {

using Clock = std::chrono::steady_clock;

double cpuNow()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Wall and CPU seconds since construction.
struct Stopwatch {
    Clock::time_point wall0 = Clock::now();
    double cpu0 = cpuNow();
    double wall() const { return std::chrono::duration<double>(Clock::now() - wall0).count(); }
    double cpu() const { return cpuNow() - cpu0; }
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

Graph generateOrDie(const std::string &family, int64_t nodes, uint64_t seed)
{
    auto g = generateGraph({ family, nodes, seed });
    if (!g.ok()) {
        std::fprintf(stderr, "error: %s\n", g.error().c_str());
        std::exit(1);
    }
    return std::move(g).value();
}

// The graph with colocation groups added: every MatMul/Conv/Gemm joins the
// group named by its scope (weights colocated per module), which the
// contraction must close under paths and merge.
Graph withScopeGroups(const Graph &g)
{
    GraphBuilder b("grouped");
    b.reserve(g.nodeCount(), g.edges().size());
    for (int32_t v = 0; v < g.nodeCount(); ++v) {
        const NodeId x = nodeId(v);
        const std::string &op = g.op(x);
        const bool heavy = op == "MatMul" || op == "Conv" || op == "Gemm";
        b.addNode({ g.id(x), op, g.scope(x), heavy ? g.scope(x) : std::string(), g.work(x), g.out(x), g.param(x), 0 });
    }
    for (auto [a, c] : g.edges())
        b.addEdge(index(a), index(c));
    auto built = b.build();
    if (!built.ok()) {
        std::fprintf(stderr, "error: %s\n", built.error().c_str());
        std::exit(1);
    }
    return std::move(built).value();
}

// xorshift for query pairs (not the generator's stream).
struct Pairs {
    uint64_t s = 0x2545f4914f6cdd1dULL;
    uint64_t next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

} // namespace

int main(int argc, char **argv)
{
    int runs = 5;
    int64_t maxNodes = 1000000;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--only"))
            only = argv[i + 1];
        else if (!std::strcmp(argv[i], "--runs"))
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--max-nodes"))
            maxNodes = std::atoll(argv[i + 1]);
    }
    std::vector<int64_t> sizes;
    for (int64_t n : { 10000, 100000, 1000000 })
        if (n <= maxNodes)
            sizes.push_back(n);

    std::printf("bench_topology: median of %d runs; cpu = process CPU seconds, wall = elapsed seconds\n\n", runs);
    auto wanted = [&](const char *table) { return only.empty() || only == table; };
    if (wanted("generate")) {
        std::printf("## generateGraph (including freeing the graph)\n\n");
        std::printf("| family      |    nodes |    edges | cpu s | wall s |\n|---|---:|---:|---:|---:|\n");
        for (const std::string &family : generatorFamilies())
            for (int64_t n : sizes) {
                std::vector<double> cpu, wall;
                int64_t edges = 0;
                int32_t nodes = 0;
                for (int r = 0; r < runs; ++r) {
                    const Stopwatch watch;
                    {
                        const Graph g = generateOrDie(family, n, 1);
                        edges = g.edgeCount();
                        nodes = g.nodeCount();
                    } // freeing the graph is part of the cost
                    cpu.push_back(watch.cpu());
                    wall.push_back(watch.wall());
                }
                std::printf("| %-11s | %8d | %8lld | %5.2f | %6.2f |\n", family.c_str(), nodes, (long long)edges,
                    median(cpu), median(wall));
                std::fflush(stdout);
            }
    }

    if (wanted("reachability")) {
        std::printf(
            "\n## Reachability (3 labellings): build cpu seconds, cpu ns per query (share of reachable pairs)\n");
        std::printf(
            "random: uniform node pairs; ordered: pos(u) < pos(v) in the topological order; near: ordered with\n"
            "pos(v) - pos(u) <= 64 (parallel branches: the negatives the order cannot rule out)\n\n");
        std::printf("| family      |    nodes | build s | random ns (yes) | ordered ns (yes) | near ns (yes) |\n");
        std::printf("|---|---:|---:|---:|---:|---:|\n");
        const int queries = 200000;
        for (const std::string &family :
            { std::string("transformer"), std::string("unet"), std::string("inception"), std::string("random") })
            for (int64_t n : sizes) {
                if (n < 100000)
                    continue;
                const Graph g = generateOrDie(family, n, 1);
                const int32_t count = g.nodeCount();
                const auto topo = g.topologicalOrder();
                std::vector<double> build;
                std::vector<double> ns[3];
                double yes[3] = { 0, 0, 0 };
                for (int r = 0; r < runs; ++r) {
                    const Stopwatch buildWatch;
                    Reachability reach(g);
                    build.push_back(buildWatch.cpu());
                    Pairs pairs;
                    pairs.s += uint64_t(r) * 0x9e3779b97f4a7c15ULL;
                    std::vector<std::pair<NodeId, NodeId>> sets[3];
                    for (auto &set : sets)
                        set.resize(queries);
                    for (int q = 0; q < queries; ++q) {
                        const int32_t a = int32_t(pairs.next() % count), b = int32_t(pairs.next() % count);
                        sets[0][q] = { nodeId(a), nodeId(b) };
                        const int32_t lo = std::min(a, b), hi = std::max(a, b) == lo ? lo + 1 : std::max(a, b);
                        sets[1][q] = { topo[lo], topo[std::min(hi, count - 1)] };
                        const int32_t near = std::min(count - 1, lo + 1 + int32_t(pairs.next() % 64));
                        sets[2][q]
                            = { topo[std::min(lo, count - 2)], topo[std::max(near, std::min(lo, count - 2) + 1)] };
                    }
                    for (int k = 0; k < 3; ++k) {
                        int64_t hits = 0;
                        const Stopwatch watch;
                        for (const auto &[u, v] : sets[k])
                            hits += reach.reaches(u, v);
                        ns[k].push_back(watch.cpu() * 1e9 / queries);
                        yes[k] = double(hits) / queries;
                    }
                }
                std::printf("| %-11s | %8d | %7.3f | %8.0f (%3.0f%%) | %9.0f (%3.0f%%) | %6.0f (%3.0f%%) |\n",
                    family.c_str(), count, median(build), median(ns[0]), 100 * yes[0], median(ns[1]), 100 * yes[1],
                    median(ns[2]), 100 * yes[2]);
                std::fflush(stdout);
            }
    }

    if (wanted("contraction")) {
        std::printf("\n## contractGroups (MatMul/Conv/Gemm grouped by scope) and graphWidth estimate\n\n");
        std::printf("| family      |    nodes | groups | contracted | contract cpu s | wall s | width estimate | width "
                    "cpu s |\n");
        std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (const std::string &family : generatorFamilies())
            for (int64_t n : sizes) {
                const Graph g = withScopeGroups(generateOrDie(family, n, 1));
                std::vector<double> contract, contractWall, width;
                int32_t contracted = 0;
                int64_t w = 0;
                for (int r = 0; r < runs; ++r) {
                    const Stopwatch watch;
                    auto c = contractGroups(g);
                    contract.push_back(watch.cpu());
                    contractWall.push_back(watch.wall());
                    if (!c.ok()) {
                        std::fprintf(stderr, "error: %s\n", c.error().c_str());
                        return 1;
                    }
                    contracted = c->graph.nodeCount();
                    const Stopwatch widthWatch;
                    w = graphWidth(g, 0).value;
                    width.push_back(widthWatch.cpu());
                }
                std::printf("| %-11s | %8d | %6d | %10d | %14.3f | %6.2f | %14lld | %11.3f |\n", family.c_str(),
                    g.nodeCount(), g.groupCount(), contracted, median(contract), median(contractWall), (long long)w,
                    median(width));
                std::fflush(stdout);
            }
    }
    return 0;
}
