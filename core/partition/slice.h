#pragma once
// slice: the optimal cut of ONE fixed topological order into at most k
// contiguous segments (SPEC 2), honouring groups and the memory limit.
//
// Problem. Positions 0..n-1 of the order; segment [i, j) is a stage. A cut c
// (between positions c-1 and c) is forbidden when a group has members on both
// sides (a group need not be contiguous in the order: then the whole span
// between its first and last member stays in one segment). Minimise the
// largest segment cost f(i, j) over cuts into <= k segments with
// param(i, j) <= M.
//
// Segment costs in O(1) + events. With W, P prefix sums of work and param and
// A(c) = sum of out(u) over tensors live across cut c (pos(u) < c <= last
// consumer of u),
//     f(i, j) = W(j) - W(i) + (A(i) + A(j) - C(i, j)) / B,
//     C(i, j) = sum over u live at i of out(u) * ([last(u) >= j] + [next_i(u) >= j]),
// where next_i(u) is u's first consumer at or after i: a tensor crossing the
// whole segment is not written by it, and not read either when the segment
// has none of its consumers. C(i, .) is a step function that drops at two
// "events" per tensor live at i, so each start i carries 2 |live(i)| events.
//
// Algorithm. Bisection on the bottleneck T. Feasibility of T is a breadth-first
// search over cut positions (level = number of segments used; a position is
// expanded once, at its smallest level, which dominates). From a start i the
// candidate ends j lie in a window bounded by work and memory (both monotone);
// between consecutive events C is constant, so the ends with f(i, j) <= T are
// exactly the not-yet-reached j with W(j) + A(j)/B <= threshold, found with a
// min segment tree (find-first, then mark). Reconstruction from BFS parents.
//
// Complexity. Precomputation O((n + m) log n + L log L), L = sum over cuts of
// the number of live tensors (the "cut width" summed over the order).
// Per tested T: O((n + L) log n). Total O((n + L) log n * log2(range / tol)),
// about 35-45 bisection steps at the default relative tolerance 1e-10.
// With the parameter-overflow term (not separable) or when L exceeds
// kMaxLiveEntries, each expansion sweeps its window incrementally instead,
// O(sum over the window of in-degrees) per start.
//
// Deterministic: yes (no randomness; ties resolved by the BFS order).
// Reference: Archer, Fahrbach, Liu, Prabhu, arXiv 2311.03703, the "slice" step
// of SliceGraph; SPEC 2.
//
// Example (SPEC 1, B = 1): the order a, b, c, d at k = 2 gives {a, b} | {c, d},
// T = 8. At k = 3 it still gives 8 ({a} | {b} | {c, d} costs 3, 6, 8), while
// the order a, c, b, d reaches the optimum 7 ({a} | {c} | {b, d}): the order
// matters, which is what slicegraph searches over.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace pipecut {

struct SliceOutcome {
    Partition partition;
    std::vector<int32_t> cuts; // segment b covers positions [cuts[b], cuts[b+1])
    double bottleneck = 0.0;   // by evaluate()'s rules
    int thresholdsTried = 0;
    bool aboveCutoff = false; // solve() with a cutoff: the optimum exceeds it (no partition)
};

class OrderSlicer {
public:
    // `order` must be a topological order of all nodes of `graph`. With k > 0
    // (the k that solve() will get), solve() sweeps first and builds the
    // events once the sweeps have cost more than that would (adaptive; the
    // object is then not safe for concurrent solve() calls); else events unless
    // they would be too many, or the sweep when forced.
    OrderSlicer(const Graph &graph, const CostParams &params, std::span<const NodeId> order,
                bool forceSweep = false, int k = 0);

    int32_t size() const { return m_n; }
    // f of the segment of positions [i, j), 0 <= i < j <= n.
    double segmentCost(int32_t i, int32_t j) const;
    double segmentParam(int32_t i, int32_t j) const { return m_P[j] - m_P[i]; }
    bool cutAllowed(int32_t c) const { return m_allowed[c] != 0; }
    bool usesEvents() const { return !m_sweep; }

    // The optimal cut into at most k segments, or an error when no cut of this
    // order fits the memory limit. `stop` is polled between bisection steps.
    // With a finite `cutoff`, an order whose optimum exceeds it costs one
    // threshold test and returns aboveCutoff (slicegraph only needs exact
    // values for orders that could become elite).
    Result<SliceOutcome> solve(int k, const StopToken *stop = nullptr, double tolerance = 1e-10,
                               double cutoff = std::numeric_limits<double>::infinity()) const;

    // The baselines: minimise the largest sum of `weight` (one value >= 0 per
    // position) over cuts into <= k segments, with the same group and memory
    // rules; the outcome's bottleneck is still the true cost. Weights are
    // monotone, so a bisection with a greedy farthest-reach sweep is exact:
    // O(n log n * log2(range / tol)).
    Result<SliceOutcome> solveByWeight(std::span<const double> weight, int k, double tolerance = 1e-10) const;

    static constexpr int64_t kMaxLiveEntries = int64_t(1) << 25;

private:
    struct Event {
        int32_t pos;
        double drop;
    };
    class Search;
    friend class Search;

    Partition toPartition(const std::vector<int32_t> &cuts, int k) const;
    void buildEvents() const;
    static constexpr int64_t kSweepBudget = 8;

    const Graph *m_graph;
    CostParams m_params;
    int32_t m_n = 0;
    mutable bool m_sweep = false;
    bool m_adaptive = false;
    int64_t m_totalLive = 0;
    std::vector<NodeId> m_order;
    std::vector<int32_t> m_pos;      // node index -> position
    std::vector<int32_t> m_last;     // position -> last consumer position, -1 if none
    std::vector<double> m_W, m_P, m_A; // prefix work, prefix param, live tensors per cut
    std::vector<char> m_allowed;     // per cut 0..n
    std::vector<double> m_beta;      // W(j) + A(j)/B, +inf where the cut is forbidden
    mutable std::vector<int64_t> m_eventOffset; // per start position i, CSR into m_events
    mutable std::vector<Event> m_events;
};

// Convenience: slice `order` (the graph's default order when empty).
Result<SliceOutcome> sliceOrder(const Graph &graph, const CostParams &params, std::span<const NodeId> order,
                                int k, const StopToken *stop = nullptr);

} // namespace pipecut
