#pragma once
// Test and benchmark support (header-only): the instances on which the stop
// and time-limit checks run (tests/reliability/tst_stop_latency.cpp) and
// benchmarks/bench_limits.cpp measures, big enough that every long method
// needs the whole limit.

#include "core/bounds/bound.h"
#include "core/gen/generator.h"
#include "core/graph/graph.h"
#include "core/partition/partitioner.h"

#include <string>

namespace pipecut::test {

// The generator's graph of `family` with about `nodes` nodes, seed 7.
inline Graph generatedGraph(const std::string &family, int64_t nodes)
{
    GeneratorOptions o;
    o.family = family;
    o.nodes = nodes;
    o.seed = 7;
    return generateGraph(o).value();
}

// w parallel chains of length len between a source and a sink: (len + 1)^w + 2
// ideals, so that ideal-dp has real work and stays under its cap.
inline Graph parallelChains(int w, int len)
{
    GraphBuilder b("chains");
    const int32_t source = b.addNode({ .id = "s", .work = 1, .out = 1 });
    const int32_t sink = b.addNode({ .id = "t", .work = 1, .out = 1 });
    for (int c = 0; c < w; ++c) {
        int32_t prev = source;
        for (int i = 0; i < len; ++i) {
            const int32_t v = b.addNode({ .id = "c" + std::to_string(c) + "_" + std::to_string(i),
                .work = 1.0 + (i * 7 + c * 3) % 5,
                .out = 1.0 + (i + c) % 3 });
            b.addEdge(prev, v);
            prev = v;
        }
        b.addEdge(prev, sink);
    }
    return b.build().value();
}

// A chain of n nodes with varied work and tensor sizes: the million-node case
// of the limits, where the set-up before any method (node classes, group
// contraction, the heuristic's population) is itself seconds of work.
inline Graph longChain(int32_t n)
{
    GraphBuilder b("chain");
    b.reserve(n, n > 0 ? n - 1 : 0);
    for (int32_t i = 0; i < n; ++i) {
        b.addNode({ .id = "n" + std::to_string(i),
            .work = 0.5 + double(int64_t(i) * 7919 % 1000) / 1000.0,
            .out = 1000.0 + double(int64_t(i) * 104729 % 99000) });
        if (i > 0)
            b.addEdge(i - 1, i);
    }
    return b.build().value();
}

inline constexpr int kLimitStages = 16; // k of every check

// Partition `method` on g as the checks run it: slicegraph with a budget that
// never ends on its own, refine from the uniform partition, ideal-dp with a cap
// above the chains' ideals. The result is not needed, only when the call returns.
inline void runLimitPartition(const Graph &g, const std::string &method, double timeLimit, const StopToken &stop,
    const ProgressFn &progress = {}, int k = kLimitStages)
{
    const CostParams params = CostParams::fromGraph(g);
    PartitionOptions o;
    o.k = k;
    o.method = method;
    o.timeLimit = timeLimit;
    if (method == "slicegraph")
        o.population = 100, o.generations = 100000;
    if (method == "refine") {
        PartitionOptions u;
        u.k = kLimitStages;
        u.method = "uniform";
        o.start = runPartitioner(g, params, u).value().partition;
    }
    if (method == "ideal-dp")
        o.idealCap = 50'000'000;
    (void)runPartitioner(g, params, o, stop, progress);
}

// Bound `method` on g as the checks run it (no cache: every run does the work).
inline void runLimitBound(const Graph &g, const std::string &method, double timeLimit, const StopToken &stop,
    const ProgressFn &progress = {}, int k = kLimitStages)
{
    BoundOptions o;
    o.k = k;
    o.method = method;
    o.timeLimit = timeLimit;
    o.useCache = false;
    (void)runBound(g, CostParams::fromGraph(g), o, stop, progress);
}

} // namespace pipecut::test
