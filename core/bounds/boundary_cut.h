#pragma once
// Boundary-cut bound (docs/model.md §4.11): the stages of a partition with
// bottleneck <= T cost at most kT together, and together they pay all the
// work plus, for every tensor crossing a stage boundary, one send and at least
// one receive. The boundary after stage j is an ideal I_j whose work lies in
// the window [W - (k - j) T, j T] (the stages before it and after it each hold
// at most T of work), so it cuts at least the cheapest tensor set of any ideal
// in that window. A tensor that crosses several boundaries is weighted down
// by the number of boundaries it can cross: every stage strictly between its
// producer's and its consumer's holds at least W - (k - 1) T of work, all of
// it neither an ancestor of the producer nor a descendant of the consumer.
// So if
//     W + overflow + (1 / B) sum over j = 1..k-1 of  c_j(T)  >  k T,
// with c_j(T) a lower bound on the weighted cut of every ideal in window j,
// no partition has bottleneck <= T. c_j(T) is a minimum s-t cut (a maximum
// flow, never above it) over the classes whose ancestors' and descendants'
// work leaves them free to lie on either side of window j; the others are
// forced into or out of the ideal. The stages up to j send, and those after
// j receive, every tensor crossing a boundary on their side, so window j
// narrows by half the cuts found on each side; three passes. The test is
// monotone in T (larger T widens the windows and lowers the weights), so the
// bound is the largest T so refuted, found by bisection between the best
// proven bound and the value of the left-hand side over k at that bound.
// Complexity: the exact ancestor and descendant work of every class (closureWork, topology.h), by
// bit-parallel reachability in chunks of 1,024 sources with byte tables of
// work sums, O(n (n + m) / 64) time and 128 bytes per class (stopped early it
// keeps the sums so far, still lower bounds, and the longest-path work); then
// per probe 3 (k - 1) maximum flows on the free classes of each window, a few
// hundred to a few thousand classes on 10^4 to 10^5-node graphs. Needs no
// incumbent and no solver. Deterministic.
// Example: a chain a -> b -> c -> d, work 1 each, out 1, B = 1, k = 2: the
// window of the one boundary at T = 2.4 is [1.6, 2.4], so the ideal is
// {a, b}, cutting the tensor of b; 4 + 2 * 1 = 6 > 4.8 refutes T = 2.4,
// and the bound reaches 3, the optimum (stages {a, b} and {c, d} cost 3).

#include "core/bounds/bound_context.h"

#include <memory>
#include <vector>

namespace pipecut::bounds {

class BoundaryCut {
public:
    // Computes the ancestor and descendant work of every class (within ctx's
    // limits). Every step polls ctx's stop and clock; a cut stopped in its
    // set-up proves nothing (its cuts are 0), so callers look at
    // ctx.stopped() before using it.
    explicit BoundaryCut(const BoundContext &ctx);
    ~BoundaryCut();

    // (W + overflow + (1 / B) sum_j c_j(threshold)) / k: every partition with
    // bottleneck <= threshold costs at least this, so a value above threshold
    // proves that none exists. Stops summing once above `stopAbove`.
    double averageAt(double threshold, const BoundContext &ctx, double stopAbove) const;

    // For the chain bound (chain_cut.h): W; per tensor 1 when it crosses at
    // most one boundary of any partition with bottleneck <= threshold, else 0;
    // a lower bound on Σ weight * out / B over the tensors leaving any ideal
    // whose work lies in [low, high] (infinity when there is none); with
    // exactVisits > 0, the exact minimum when a search of the ideals within
    // that many nodes settles it (ideal_cut_search.h); *open (when given) is
    // set when that search ran out of visits (more may settle it).
    double totalWork() const;
    std::vector<double> singleCrossingWeights(double threshold) const;
    double intervalCut(double low, double high, const std::vector<double> &weight, int64_t exactVisits = 0,
        bool *open = nullptr) const;
    // Per tensor, in the order of those weights: the most work a stage it
    // passes over (sent before it, received after it) can hold.
    std::vector<double> freeWork() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

BoundResult boundaryCutBound(const BoundContext &ctx);

} // namespace pipecut::bounds
