#pragma once
// slicegraph: a biased random-key genetic algorithm (BRKGA) over topological
// orders, each decoded by the optimal slice (docs/model.md §3.2).
//
// Problem: MTPP (docs/model.md §1) heuristically: search the space of topological orders
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
// combinatorial optimization", J. Heuristics 17 (2011).
//
// Memetic scheme (the default; each part can be switched off in the options,
// which gives back the plain BRKGA above):
// - the first population holds the default order, a warm start (when given)
//   and five depth-first topological orders (Kahn with a stack, forwards and
//   from the sinks, both neighbour orders, and a DFS reverse postorder), which
//   keep producers next to their consumers;
// - Lamarckian step: after each generation the best chromosome, unless already
//   polished, gets 100 iterations of the iterated plateau descent of refine.h
//   (memeticIterations, capped like the final polish; 0 = one plateau
//   descent); an improved partition is
//   written back as keys ranking the units by (stage, default position), which
//   decode to exactly that order, whose optimal slice is at most the polished
//   bottleneck (the partition is one of its cuts);
// - restart (off by default: it did not help in the measurements): after
//   `restartAfter` generations without a better bottleneck the best chromosome
//   stays and the rest of the population is drawn afresh;
// - final polish: refineIterated (refine.h) on the best partition, capped at
//   2,000,000 / (n + m) iterations; under a time limit the search stops at 90 %
//   of the remaining time, and when that stop came before the budget ran out
//   the polish iterates until the limit.
// The memetic parts pay off on wide, communication-heavy graphs (the random
// family) and cost nothing elsewhere: bench_partition wide
// (docs/benchmarks.md#bench_partition-wide).
//
// Budgets: population x generations evaluations, named as in Archer et al.
// (brkga-100 = 10x10, brkga-10000 = 100x100). Complexity: P*G decodes, each
// O((n + m) log n) plus one slice, plus at most one plateau descent per
// generation (O(n + m) per pass, a few passes) and the final polish.
//
// Deterministic: every random number derives from (seed, generation) on the
// calling thread; worker threads only evaluate chromosomes, which are pure
// functions, ties sort by index, and the memetic step and the polish run on
// the calling thread. Same seed -> same partition for any thread count (a time
// limit or stop request can of course cut the run short).
// Stop and deadline are polled between threshold tests of every slice and
// between chromosomes while a population is drawn, so the work after a stop
// request is a few ms of CPU (bench_ui cancel measures the explorer's Cancel).
//
// Example (docs/model.md §1.5, k = 3): the default order a, b, c, d slices to T = 8; the
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
    // Each generation, the best `memetic` chromosomes not yet polished get a
    // local search and take back the keys of its result (0 = the plain BRKGA).
    int memetic = 1;
    // The memetic step's search: 0 = the plateau descent, else this many
    // iterations of refineIterated (the default: on the random 300-node graphs
    // at k = 16 it found 9.2 where the descent stayed at 10.3).
    int64_t memeticIterations = 100;
    // Seed the first population with depth-first topological orders.
    bool structuredSeeds = true;
    // After this many generations without a better bottleneck, keep only the
    // best chromosome and draw the rest of the population afresh (0 = never).
    int restartAfter = 0;
    // At the end, this many iterations of refineIterated on the best partition
    // (capped at 2,000,000 / (n + m) so that big graphs stay cheap; 0 = none).
    int64_t polishIterations = 1000;
};

struct SliceGraphOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int generationsRun = 0;
    int64_t evaluations = 0;
    int64_t memeticImprovements = 0; // polished chromosomes that improved
};

// Called after each generation with the best bottleneck so far.
using GenerationFn = std::function<void(int generation, int generations, double best)>;

Result<SliceGraphOutcome> runBrkga(const Graph &graph, const CostParams &params, const Contraction &units,
    const SliceGraphOptions &options, const StopToken &stop, const Deadline &deadline,
    const GenerationFn &onGeneration = {});

// The default budget of the "slicegraph" method when none is given.
inline constexpr int kDefaultPopulation = 100;
inline constexpr int kDefaultGenerations = 100;

} // namespace pipecut
