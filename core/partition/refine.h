#pragma once
// refine: local search on a feasible partition (SPEC 2), applied after any method.
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
// Deterministic: yes (scan order by unit index; ties keep the first).
// Reference: the "refine" step of SPEC 2; it plays the role of the FM-style
// boundary refinement of multilevel partitioners (e.g. KaHyPar), restricted to
// moves that keep stages ordered.
//
// Example (SPEC 1, B = 1, k = 2): from {a} | {b, c, d} (costs 3 and 9) moving b
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
                              const StopToken &stop, const Deadline &deadline,
                              const Contraction *units = nullptr);

} // namespace pipecut
