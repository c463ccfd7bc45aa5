#pragma once
// Path relinking between elite partitions (docs/model.md §3.12), the
// recombination step of the timed search of lns.h.
//
// Walk. From partition A toward partition B, move one unit (a group-contracted
// class, so groups stay whole) at a time from its stage in A to its stage in
// B. A unit that moves to an earlier stage may go once its predecessors all
// sit at or before its B stage; one that moves later, once its successors sit
// at or after it. Such a move always exists until the walk reaches B: the
// topologically first unit still to move earlier has every predecessor at its
// B stage or at an A stage no later than its own B stage (a predecessor that
// moves later does so to a stage <= the unit's B stage, since B is valid), and
// every successor at or after its A stage; symmetrically for the last unit to
// move later. So every partition on the path respects the order rule and the
// groups; one over the memory limit is walked through but never kept. At each
// step at most `candidates` of the first 8 x `candidates` movable units in
// topological order (spread evenly over them) are tried and the one giving
// the lowest bottleneck, then the lowest cost of the two stages it touches,
// then the lowest unit index, is taken: the walk is deterministic. The best partition strictly inside the
// path is returned (the endpoints are known).
//
// Search. relinkSearch walks A -> B and B -> A, polishes each walk's best
// partition with refine's descent (§3.5) and the window re-solve (lns.h),
// and returns the best of A, B and the two polished partitions: never worse
// than the better endpoint, always valid when both endpoints are.
//
// Complexity: a walk has d steps for d units that differ, each at most O(d)
// to find the movable units plus `candidates` incremental moves and undos
// (O(degree * stages touched) each, core/cost/incremental.h). Reference: Glover, Laguna
// and Martí, "Fundamentals of scatter search and path relinking", Control and
// Cybernetics 29 (2000).
//
// Example (docs/model.md §1.5, k = 3): from {a} | {b} | {c, d} (T = 8) toward
// {a, b, c} | {} | {d} (T = 9) the walk moves b first, to {a, b} | {} | {c, d}
// (T = 8; moving c first gives {a, c} | {b} | {d}, T = 9), then c.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/topology.h"
#include "core/util/progress.h"

#include <cstdint>

namespace pipecut {

struct RelinkWalk {
    Partition partition; // the best partition strictly between the endpoints (or `from` when none)
    double bottleneck = 0.0; // its bottleneck (infinity when no inner partition fits the memory limit)
    int64_t steps = 0; // units moved
};

// `from` and `to` must be valid partitions with the same k.
RelinkWalk relinkWalk(const Graph &graph, const CostParams &params, const Contraction &units, const Partition &from,
    const Partition &to, const StopToken &stop, const Deadline &deadline, int candidates = 32);

struct RelinkOutcome {
    Partition partition;
    double bottleneck = 0.0;
    int64_t steps = 0; // over both walks
    bool improved = false; // strictly better than both endpoints
};

RelinkOutcome relinkSearch(const Graph &graph, const CostParams &params, const Contraction &units, const Partition &a,
    const Partition &b, const StopToken &stop, const Deadline &deadline, int candidates = 32);

} // namespace pipecut
