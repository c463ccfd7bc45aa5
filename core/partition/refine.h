#pragma once
// refine: local search on a feasible partition (docs/model.md §3.5), applied after any method.
//
// Problem: given a feasible partition, lower (bottleneck T, number of stages
// costing T) lexicographically by moving units across stage boundaries. A unit
// is a node of the group-contracted graph (core/graph/topology.h): a group with
// the nodes on paths between its members, or one ungrouped node, so every move
// keeps groups whole. A unit in a bottleneck stage s moves to s-1 or s+1 when
// all its outside inputs (outputs) already sit in stages <= s-1 (>= s+1) and the
// target stage stays within the memory limit. Best-improvement: among the moves
// out of the first improvable bottleneck stage, take the one with the smallest
// max(new cost of s, new cost of the target), accepted when that is below T.
//
// Complexity: a move touches only the two stages involved (a tensor's read and
// write status changes only for the stages of its producer and consumers that
// moved), so evaluating a move of unit X costs O(sum of out-degrees over X and
// its inputs); one round scans the units of one stage. Rounds are capped at
// 20 n and by the deadline; costs are re-summed from scratch every 1024 moves.
//
// Two stronger searches share the move machinery (declared below): the plateau
// descent (any stage of a unit's movable range, lexicographic score with the
// sum of squared stage costs, so it also moves off non-bottleneck stages) and
// the iterated descent (random kicks + descent, sideways acceptance). slicegraph
// uses them as its memetic step and final polish.
//
// Deterministic: yes (scan order by unit index; ties keep the first; the
// iterated search draws from its own seeded generator).
// Reference: docs/model.md §3.5; it plays the role of the FM-style
// boundary refinement of multilevel partitioners (e.g. KaHyPar), restricted to
// moves that keep stages ordered; the iterated descent is iterated local search
// (Lourenco, Martin, Stutzle, "Iterated local search", Handbook of
// Metaheuristics, 2003).
//
// Example (docs/model.md §1.5, B = 1, k = 2): from {a} | {b, c, d} (costs 3 and 9) moving b
// to stage 1 gives {a, b} | {c, d}, costs 8 and 8: T drops from 9 to 8.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"

namespace pipecut {

struct RefineOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int64_t moves = 0;
};

// `start` must be feasible. `units` may be given to reuse a contraction of `graph`.
RefineOutcome refinePartition(const Graph &graph, const CostParams &params, const Partition &start,
    const StopToken &stop, const Deadline &deadline, const Contraction *units = nullptr);

// The plateau descent: a stronger refine for graphs where communication
// dominates and single moves off the bottleneck stage stall. Every unit, in
// index order, moves to the stage of its movable range (any stage between its
// outside inputs' and its outside consumers' stages, memory permitting) that
// lowers (T, number of stages at T, sum of squared stage costs)
// lexicographically; passes repeat until one makes no move, at most
// `maxPasses` times. The sum of squares lets it cross plateaus of T: moves that
// shed communication or even out two stages below T prepare later moves off
// the bottleneck. Complexity per pass: O(sum over units X of (range of X) *
// (sum of out-degrees over X and its inputs) + k). Deterministic.
RefineOutcome refinePlateau(const Graph &graph, const CostParams &params, const Partition &start, const StopToken &stop,
    const Deadline &deadline, const Contraction *units = nullptr, int maxPasses = 100);

// Iterated plateau descent: descend, then repeat { a few random feasible
// moves (1..kicks), descend; keep the result when its bottleneck is not above
// the current one (sideways steps walk plateaus), else go back }, returning the
// best seen. Each iteration costs about one descent (a pass or two near a local
// optimum). Deterministic for a seed unless the deadline or stop cuts it short.
struct IteratedOptions {
    int64_t iterations = 1000;
    int kicks = 3;
    int maxPasses = 100;
    uint64_t seed = 1;
};
RefineOutcome refineIterated(const Graph &graph, const CostParams &params, const Partition &start,
    const StopToken &stop, const Deadline &deadline, const IteratedOptions &options,
    const Contraction *units = nullptr);

} // namespace pipecut
