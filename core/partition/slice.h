#pragma once
// slice: the optimal cut of ONE fixed topological order into at most k
// contiguous segments (docs/model.md §3.1), honouring groups and the memory limit.
//
// Problem. Positions 0..n-1 of the order; segment [i, j) is a stage. A cut c
// (between positions c-1 and c) is forbidden when a group has members on both
// sides (a group need not be contiguous in the order: then the whole span
// between its first and last member stays in one segment). Minimise the
// largest segment cost f(i, j) over cuts into <= k segments with
// param(i, j) <= M.
//
// Segment costs from intervals. With W, P prefix sums of work and param and
// A(c) = sum of out(u) over tensors live across cut c (pos(u) < c <= last
// consumer of u),
//     f(i, j) = W(j) - W(i) + (A(i) + A(j) - D(i, j)) / B,
//     D(i, j) = sum of w over the intervals (a, b, w) with a < i and b >= j.
// Each tensor u (position p, consumers c1 < ... < cm, bytes o) gives the
// intervals (p, cm, o) and (p, c1, o), (c1, c2, o), ..., (c(m-1), cm, o)
// (one interval of 2o when m = 1): a segment [i, j) with p < i and j <= cm
// does not write u (comm out is A(j) minus the first kind), and one lying
// between two consecutive uses (or the producer and the first use) reads
// nothing of u (comm in is A(i) minus the second kind). So there are at most
// I <= n + m intervals, however long the tensors stay live: the cost of a
// 100,000-node U-Net whose skip tensors span most of the order is O(n + m),
// not O(sum of live lengths). (Storing, per start, the events of every
// tensor live there would cost O(sum over cuts of the cut width), 10^8 and
// more on such graphs.)
//
// Algorithm. Bisection on the bottleneck T, alternating with a probe just
// below the incumbent. Feasibility of T is a breadth-first search over cut
// positions (level = number of segments used; a position is expanded once,
// at its smallest level, which dominates). One level: the starts i, sorted,
// lie in [lo, hi]; their ends j in windows bounded by work and memory (both
// monotone in i, found by walking pointers), all inside [d0, H] with
// d0 = max(lo + 1, first end that can still finish within the k stages). A
// min segment tree with range add holds key(j) = W(j) + A(j)/B - D(i, j)/B
// over [d0, H], built for i = lo from D(lo, j) = Lambda(lo) - (bytes of the
// intervals that start before lo and end in [lo + 1, j)), where Lambda(x) =
// sum of w over a < x < b (a difference array). Moving i to the next start
// adds every interval starting in between: -w/B on [d0, b] (one walk up from
// leaf b), a constant offset when b >= H, nothing when b <= i (no later end
// is covered). The unreached ends with f(i, j) <= T are then exactly the
// leaves of i's window with key(j) <= T + W(i) - A(i)/B (with the offset),
// extracted and set to +inf in one walk. The parameter-overflow term
// max(0, P(j) - P(i) - F)/B_s is handled by a second tree holding
// key(j) + P(j)/B_s for the ends past the split P(j) - P(i) > F. A relative
// slack of 1e-11 on the threshold absorbs rounding; every partition found is
// re-evaluated with evaluate()'s rules, so the reported cost is exact.
//
// Complexity. Precomputation O(n + m) (the uses of every tensor come out
// sorted by walking the order once). Per tested T, level by level:
// O(H - lo + intervals ending in [lo, H]) to build, plus O(log n) per interval
// starting in [lo, hi) that ends inside (hi, H) and per start, plus
// O(log n) per end reached. Near the optimum the levels are bands of about
// n/k positions, so a test costs O((n + I) log n) in practice, and
// O(k (n + I) log n) at worst (levels spanning the whole order); about 15-30
// tests at the default relative tolerance 1e-10. Memory O(n + I). Figures:
// bench_partition slice (docs/benchmarks.md#bench_partition-slice). The plain incremental sweep (O(sum over the window
// of in-degrees) per start) needs no precomputation: given k, solve() sweeps
// first and switches to the intervals once the sweeps have scanned
// 2 (n + m) positions and edges; forceSweep keeps the sweep (the reference
// the tests compare with).
//
// Deterministic: yes (no randomness; an end goes to the first start, in
// order, that reaches it at the smallest level).
// Reference: Archer, Fahrbach, Liu, Prabhu, arXiv 2311.03703, the "slice" step
// of SliceGraph; docs/model.md §3.1.
//
// Example (docs/model.md §1.5, B = 1): the order a, b, c, d at k = 2 gives {a, b} | {c, d},
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
    double bottleneck = 0.0; // by evaluate()'s rules
    int thresholdsTried = 0;
    bool aboveCutoff = false; // solve() with a cutoff: the optimum exceeds it (no partition)
};

class OrderSlicer {
public:
    // `order` must be a topological order of all nodes of `graph`. With k > 0
    // (the k that solve() will get), solve() sweeps first and builds the
    // intervals once the sweeps have cost more than that would (adaptive; the
    // object is then not safe for concurrent solve() calls); else intervals,
    // or the sweep when forced.
    OrderSlicer(const Graph &graph, const CostParams &params, std::span<const NodeId> order, bool forceSweep = false,
        int k = 0);

    int32_t size() const { return m_n; }
    // f of the segment of positions [i, j), 0 <= i < j <= n.
    double segmentCost(int32_t i, int32_t j) const;
    double segmentParam(int32_t i, int32_t j) const { return m_P[j] - m_P[i]; }
    bool cutAllowed(int32_t c) const { return m_allowed[c] != 0; }
    bool usesIntervals() const { return !m_sweep; }
    int64_t intervalCount() const { return static_cast<int64_t>(m_ivA.size()); }

    // The optimal cut into at most k segments, or an error when no cut of this
    // order fits the memory limit. `stop` and `deadline` are polled between
    // bisection steps (one threshold test, O((n + I) log n), apart): once either
    // fires, the best cut found so far comes back (a real cut with its exact
    // cost, possibly not optimal for the order); the first test always runs.
    // With a finite `cutoff`, an order whose optimum exceeds it costs one
    // threshold test and returns aboveCutoff (slicegraph only needs exact
    // values for orders that could become elite).
    Result<SliceOutcome> solve(int k, const StopToken *stop = nullptr, double tolerance = 1e-10,
        double cutoff = std::numeric_limits<double>::infinity(), const Deadline *deadline = nullptr) const;

    // The baselines: minimise the largest sum of `weight` (one value >= 0 per
    // position) over cuts into <= k segments, with the same group and memory
    // rules; the outcome's bottleneck is still the true cost. Weights are
    // monotone, so a bisection with a greedy farthest-reach sweep is exact:
    // O(n log n * log2(range / tol)).
    Result<SliceOutcome> solveByWeight(std::span<const double> weight, int k, double tolerance = 1e-10) const;
    // balanced-work: solveByWeight with the work of each stage's device, so
    // that segment b holds up to X s_b of device b's own work column
    // (docs/model.md §1.7); the graph's work without per-device work.
    Result<SliceOutcome> solveByDeviceWork(int k, double tolerance = 1e-10) const;

private:
    struct Interval {
        int32_t end; // the other end: b in m_ivA, a in m_ivB
        double bytes;
    };
    class Search;
    friend class Search;

    Partition toPartition(const std::vector<int32_t> &cuts, int k) const;
    // Prefix work of stage b's device (m_W without per-device work).
    const std::vector<double> &workPrefix(int b) const
    {
        return m_devColumn.empty() ? m_W : m_columnW[static_cast<size_t>(m_devColumn[static_cast<size_t>(b)])];
    }
    void buildDeviceWork(std::span<const NodeId> order);
    // The greedy bisection of solveByWeight() with the prefix sums of stage b
    // in prefix[b] (one for all stages when prefix has one entry), from the
    // lower bound `lo` on the largest weight over speed.
    Result<SliceOutcome> solveByPrefixes(
        const std::vector<const std::vector<double> *> &prefix, double lo, int k, double tolerance) const;
    void buildIntervals() const;
    static constexpr int64_t kSweepBudget = 2;

    const Graph *m_graph;
    CostParams m_params;
    int32_t m_n = 0;
    mutable bool m_sweep = false;
    bool m_adaptive = false;
    std::vector<NodeId> m_order;
    std::vector<int32_t> m_pos; // node index -> position
    std::vector<int32_t> m_last; // position -> last consumer position, -1 if none
    std::vector<double> m_W, m_P, m_A; // prefix work, prefix param, live tensors per cut
    // Per-device work (core/cost/device_work.h): the prefix work of each
    // distinct column, each stage's column, and the prefix of every node's
    // least work over speed (min over j of work_j(v) / s_j) with its largest
    // term and the sum of the least works (every stage costs at least them).
    std::vector<std::vector<double>> m_columnW;
    std::vector<int> m_devColumn;
    std::vector<double> m_leastW;
    double m_leastMax = 0, m_leastTotal = 0;
    std::vector<char> m_allowed; // per cut 0..n
    mutable std::vector<double> m_lambda; // per cut x: sum of bytes of intervals with a < x < b
    mutable std::vector<int32_t> m_ivAOffset, m_ivBOffset; // CSR by a and by b, positions 0..n
    mutable std::vector<Interval> m_ivA, m_ivB;
};

// Convenience: slice `order` (the graph's default order when empty).
Result<SliceOutcome> sliceOrder(const Graph &graph, const CostParams &params, std::span<const NodeId> order, int k,
    const StopToken *stop = nullptr);

} // namespace pipecut
