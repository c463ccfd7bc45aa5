#pragma once
// slicegraph: a biased random-key genetic algorithm (BRKGA) over topological
// orders, each decoded by the optimal slice (SPEC 2).
//
// Problem: MTPP (SPEC 1) heuristically: search the space of topological orders
// for one whose optimal cut into <= k segments has the smallest bottleneck.
//
// Chromosome: one key in [0, 1) per unit (a node of the group-contracted graph,
// so groups stay contiguous). Decoder: Kahn's algorithm taking the ready unit
// with the smallest key, members expanded in default topological order, then
// OrderSlicer (core/partition/slice.h). Fitness: the bottleneck (infinite when
// no cut of the order fits the memory limit). Each generation keeps the elite
// fraction, adds random mutants and fills the rest with biased uniform crossover
// of one elite and one non-elite parent (gene from the elite with probability
// rho), as in Goncalves & Resende, "Biased random-key genetic algorithms for
// combinatorial optimization", J. Heuristics 17 (2011). The first population
// holds the default order (and a warm start, when given).
//
// Budgets: population x generations evaluations, named as in Archer et al.
// (brkga-100 = 10x10, brkga-10000 = 100x100). Complexity: P*G decodes, each
// O((n + m) log n) plus one slice.
//
// Deterministic: every random number derives from (seed, generation) on the
// calling thread; worker threads only evaluate chromosomes, which are pure
// functions, and ties sort by index. Same seed -> same partition for any thread
// count (a time limit or stop request can of course cut the run short).
// Stop and deadline are polled between threshold tests of every slice and
// between chromosomes while a population is drawn, so the work after a stop
// request is a few ms of CPU (bench_ui cancel measures the explorer's Cancel).
//
// Example (SPEC 1, k = 3): the default order a, b, c, d slices to T = 8; the
// keys (0.1, 0.7, 0.3, 0.9) decode to a, c, b, d which slices to the optimum 7.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <functional>
#include <optional>

namespace pipecut {

struct SliceGraphOptions {
    int k = 4;
    int population = 10;
    int generations = 10;
    double eliteFraction = 0.2;
    double mutantFraction = 0.15;
    double crossoverBias = 0.7;
    uint64_t seed = 1;
    int threads = 0; // 0 = all cores
    std::optional<Partition> warmStart;
};

struct SliceGraphOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int generationsRun = 0;
    int64_t evaluations = 0;
};

// Called after each generation with the best bottleneck so far.
using GenerationFn = std::function<void(int generation, int generations, double best)>;

Result<SliceGraphOutcome> runBrkga(const Graph &graph, const CostParams &params, const Contraction &units,
                                   const SliceGraphOptions &options, const StopToken &stop,
                                   const Deadline &deadline, const GenerationFn &onGeneration = {});

// The default budget of the "slicegraph" method when none is given.
inline constexpr int kDefaultPopulation = 100;
inline constexpr int kDefaultGenerations = 100;

} // namespace pipecut
