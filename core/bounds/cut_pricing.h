#pragma once
// Anchored Lagrangian cut bound on the cover bound's pricing problem.
//
// Problem: given duals pi >= 0 per class and a threshold T, bound from above
// max { pi(S) : S an admissible block, f(S) <= T } (cover.h), or find a block
// worth more than a target. Every block has a first class in a fixed
// topological order of the classes, its anchor a: a is in S and every class
// before a is not. Its other classes lie in a's window: the classes x after a
// such that some union of classes holding a, x and every class on a path
// between them, and none before a, costs at most T (a minimum cut).
// For one anchor, relax the block's convexity and memory limit (the overflow
// term only adds cost) and move f(S) <= T into the objective with a
// multiplier lambda >= 0:
//     max pi(S) <= lambda T + max { pi(S) - lambda f(S) : a in S, S in a's window }.
// Without convexity f(S) is a sum of cut functions (work per class, one read
// per tensor outside S with a consumer inside, one write per tensor inside
// with a consumer outside), so the inner maximum is one s-t minimum cut
// (pi(S) on source arcs, lambda f(S) as in a hyperedge cut; Lawler 1973).
// The bound is convex in lambda; it is minimised by intersecting the lines
// pi(S) + lambda (T - f(S)) of the cuts found (Kelley's cutting planes in one
// dimension). Unlike the LP relaxation of the pricing MIP, which spreads a
// fraction T / W of every class and pays no communication, a cut is a set:
// it pays for its boundary, and the window keeps out sets far larger than T.
// When an anchor's bound is above the target, branch depth first on a class
// that breaks the convexity of the cut within T (it lies on a path between
// two of the cut's classes), else on one where the two cuts around the
// minimum disagree: in (with every class on a path between it and the
// classes already in) or out (with the classes a path through it would
// need), within a node budget. Admissible blocks met on the way are returned.
// Between calls at one threshold each anchor keeps its last bound and duals:
// a block's value grows by at most the sum of the duals' increases over the
// window, so when the last bound plus that growth is at most the target the
// anchor is not searched again.
// Soundness: the value used is the flow, never above the minimum cut, so each
// bound holds even when rounding stops a flow early (and is deflated by 1e-9);
// costs are compared with T (1 + 1e-9), so that a block of cost exactly T
// summed in another order is never excluded; a search cut short returns the
// bound of its unexplored nodes.
// Complexity: windows O(n) minimum cuts per anchor, once per threshold; then
// per search node a few max flows (Dinic) on the window's classes and tensors.
// Deterministic. Reference: Fisher (1981), "The Lagrangian relaxation method
// for solving integer programming problems", Management Science 27(1).
// Example: chain a -> b -> c, work 1 each, no communication, T = 1.5,
// pi = (1, 1, 1): a's window is empty ({a, b} costs 2), so blocks anchored at
// a are worth at most 1.

#include "core/bounds/bound_context.h"
#include "core/util/max_flow.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace pipecut::bounds {

class CutPricing {
public:
    // `order`: a topological order of the classes (anchors are positions in it).
    CutPricing(const Graph &graph, const CostParams &params, const NodeClasses &classes, std::vector<int32_t> order);
    ~CutPricing();

    struct Result {
        double bound = 0; // >= pi(S) of every admissible block anchored here (-inf: none)
        bool complete = true; // false: the node budget ran out (the bound still holds)
        int nodes = 0, flows = 0;
        // Admissible blocks met on the way (convex, f(S) <= T, memory fits)
        // worth more than `useful`, as sorted class lists.
        std::vector<std::vector<int32_t>> blocks;
    };

    // Upper bound on max pi(S) over admissible blocks whose first class is
    // order[anchorPosition]. The search stops once the bound is at most
    // `target`, or once it meets a block worth more than `target`; `stop`
    // (checked per search node) cuts it short like the node budget.
    Result anchorBound(int32_t anchorPosition, double threshold, const std::vector<double> &pi, double target,
        double useful, int nodeBudget, const std::function<bool()> &stop = {});

    // Strict reachability between classes, as bitsets of (classes + 63) / 64 words.
    const uint64_t *descendants(int32_t c) const { return descOf(c); }
    const uint64_t *ancestors(int32_t c) const { return ancOf(c); }

private:
    struct Local;
    // Classes of the window of order[anchorPosition] at `threshold` (cached;
    // null when `stop` cut the computation short).
    const std::vector<int32_t> *window(int32_t anchorPosition, double threshold, const std::function<bool()> &stop);
    bool fillWindow(
        Local &local, int32_t a, double threshold, const std::function<bool()> &stop, std::vector<int32_t> &out);
    double cutCost(const Local &local, const std::vector<char> &inSet) const;
    double evaluate(Local &local, double lambda, const std::vector<double> &pi, const std::vector<signed char> &state,
        double threshold, std::vector<char> &cut, double &costOfCut, double &valueOfCut);
    double relaxed(Local &local, const std::vector<double> &pi, const std::vector<signed char> &state, double threshold,
        double target, const std::function<bool()> &stop, std::vector<char> &branchSet, std::vector<char> &feasibleCut,
        Result &r);
    double search(Local &local, const std::vector<double> &pi, std::vector<signed char> &state, double threshold,
        double target, double useful, int nodeBudget, const std::function<bool()> &stop, Result &r);
    bool setIn(const Local &local, std::vector<signed char> &state, int32_t x) const;
    bool setOut(const Local &local, std::vector<signed char> &state, int32_t x) const;
    bool reaches(int32_t from, int32_t to) const { return (descOf(from)[to / 64] >> (to % 64)) & 1; }
    const uint64_t *descOf(int32_t c) const { return m_desc.data() + size_t(c) * m_words; }
    const uint64_t *ancOf(int32_t c) const { return m_anc.data() + size_t(c) * m_words; }
    std::unique_ptr<Local> buildLocal(std::vector<int32_t> classes);
    // m_localOf maps the classes of one network to its local indices while it is in use.
    void bind(const Local &local);
    void unbind(const Local &local);

    const Graph &m_graph;
    const CostParams &m_params;
    const NodeClasses &m_classes;
    std::vector<int32_t> m_order, m_position;
    std::vector<std::vector<int32_t>> m_tensorsOf; // class -> nodes whose tensor it produces or reads
    std::vector<int32_t> m_localOf; // class -> local index in the bound network, else -1
    std::vector<int64_t> m_readStamp; // per node, window scratch
    int64_t m_stamp = 0;
    std::vector<uint64_t> m_dead; // window scratch: classes ruled out with an ancestor
    int32_t m_words = 0;
    std::vector<uint64_t> m_desc, m_anc; // strict reachability between classes
    double m_windowThreshold = -1;
    std::vector<std::vector<int32_t>> m_windows;
    std::vector<char> m_windowKnown;
    std::vector<std::unique_ptr<Local>> m_locals; // per anchor, at m_windowThreshold
    int64_t m_cachedArcs = 0;
};

} // namespace pipecut::bounds
