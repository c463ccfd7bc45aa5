#pragma once
// ideal-bb: the exact optimum of MTPP (docs/model.md §1) by threshold searches
// over the ideals of the group-contracted DAG, with memory proportional to the
// ideals the search reaches, not to the lattice (docs/model.md §3.8).
//
// Problem: is there a chain 0 = I_0 < I_1 < ... < I_g = V, g <= k, whose
// blocks I_b \ I_{b-1} all cost < T? With the incumbent U from a heuristic,
// "no" at T = U (1 - 1e-9) proves U optimal; "yes" gives a better partition
// and the search repeats at its cost.
//
// Algorithm (one search at threshold T): a breadth-first search by stage
// count. Layer g holds the ideals first reached with g blocks (an ideal
// reached again later is dominated: fewer blocks leave more for the rest).
// From each J of layer g: the last block V \ J is costed in O(n + m); then
// every extension I = J + S with f(S) < T is walked by a DFS that adds ready
// units in canonical order and prunes when work(S) + in(S)/B (+ overflow),
// which only grows with S, reaches T, or param(S) exceeds the memory limit.
// I joins layer g + 1 only when the rest can still fit:
//     work(V \ I) + out(S)/B < (k - g - 1) T
// (the stages after I cost < T each and together at least the rest's work
// plus the tensors S sends to them; docs/model.md §3.8 proves it), and
//     param(V \ I) <= (k - g - 1) M under a memory limit M.
// On wide graphs (docs/model.md §3.11) the walk also leaves a subtree when
// the units it has passed over, with their descendants, already overfill the
// stages left or the block; drops I = J + S when a ready heavy unit x (work
// >= its tensors / B) keeps f(S + x) < T, since I + x dominates it; and costs
// the last block as soon as one stage is left (k = 2: it keeps the best chain
// and lowers T, so one walk proves the optimum).
// Each layer keeps its ideals as bitsets (only while it is the frontier) and
// every reached ideal as two 64-bit Zobrist hashes plus its parent; the chain
// is rebuilt by re-walking from each parent to the child with the stored hash.
//
// Complexity: O(sum over reached J of (n + m + |extensions with lower < T|
// x deg)); memory O(reached x 32 bytes + frontier x units/8).
// Deterministic: yes, given the incumbent.
// Example (docs/model.md §1.5, k = 3, U = 7): at T just under 7 layer 1 is
// {a} alone ({a} costs 3, {a,b} 8, {a,c} 9). From {a} the last block {b,c,d}
// costs 9, {c} costs 7, and {b} costs 6 but leaves c and d, work 5 plus b's
// tensor (2) for the one stage left: not under 7. No chain: 7 is optimal.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <functional>

namespace pipecut {

struct FrontierOutcome {
    Partition partition;
    double bottleneck = 0.0;
    bool optimal = false; // false when stopped (then: the best partition found)
    int64_t reached = 0; // ideals reached over all searches
    int64_t blocks = 0; // blocks costed
    int searches = 0;
    int32_t units = 0; // after mergeFreeUnits
};

// `units` with every free unit (no work; no parameters under a memory limit
// or the overflow term; a sink with one
// predecessor unit, a unit with one predecessor unit that sends only empty
// tensors, or a source with one successor unit) merged into that neighbour:
// some optimal partition keeps each with it (docs/model.md §3.8), and each
// such unit would otherwise double the ideals. `units` itself when none.
Result<Contraction> mergeFreeUnits(const Graph &graph, const CostParams &params, const Contraction &units);

// Bytes the search needs per reached ideal (record and hash slots), and per
// frontier ideal for `units` units: the memory-budget estimate.
double frontierBytesPerIdeal(int32_t units);

// Proves `incumbent` (feasible; null: none) optimal or improves it until it
// is. Stops with the incumbent (not optimal) on `stop` or the deadline;
// refuses (LimitExceeded) when the reached ideals would exceed `memoryBudget`
// bytes (0: core/util/limits.h); Infeasible when no chain fits the memory limit.
// `report(bestSoFar, stage text)` is called every few hundred thousand blocks.
Result<FrontierOutcome> solveFrontier(const Graph &graph, const CostParams &params, const Contraction &units, int k,
    const Partition *incumbent, const StopToken &stop, const Deadline &deadline, int64_t memoryBudget = 0,
    const std::function<void(double, const std::string &)> &report = {});

} // namespace pipecut
