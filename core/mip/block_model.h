#pragma once
// Building blocks shared by every MIP bound of docs/model.md §4: a stage (or the block of
// a relaxation) is S = I' \ I for nested ideals I subset of I'. Per "class"
// (a set of nodes that must share a stage) a binary says "in I'" (x) or "in I"
// (y); ideals are down-closed, so for an edge (u, v): x_v <= x_u, y_v <= y_u.
// A tensor u is read by S when u is outside S and a successor is inside; it is
// written when u is inside and a successor is outside. Per tensor one
// continuous r_u (w_u) >= s_v - s_u (s_u - s_v) over its successor classes,
// s = x - y, linearises the "once per consuming stage" rule exactly at integer
// points, and is the strongest of the textbook forms at fractional ones.
//
// Classes: the nodes of one contracted node of contractGroups (group members,
// the nodes on paths between them, merged cycles). One class = one variable
// per ideal, so group constraints cost nothing in the model.
// Complexity: classes O(n + m); each block adds
// O(n) binaries, O(tensors) continuous columns and O(m) rows.
// Deterministic. Reference: docs/model.md §4.2 (blocks), §4.3-§4.6 (exact MIP, relaxations).
// Example: a -> b with out(a) = 2: the block {b} reads a (cost 2/B), {a} writes
// it (2/B), {a, b} pays nothing for it.

#include "core/cost/cost_params.h"
#include "core/graph/graph.h"
#include "core/mip/cbc_solve.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pipecut::mip {

struct NodeClasses {
    int32_t count = 0;
    std::vector<int32_t> classOf; // node index -> class
    std::vector<std::vector<int32_t>> members; // class -> node indices (sorted)
    std::vector<double> work, param; // per class
    std::vector<std::pair<int32_t, int32_t>> edges; // distinct class edges, endpoints differ
    // Per node u with out(u) > 0: the distinct classes of its successors other than u's.
    std::vector<std::vector<int32_t>> succClasses;
};

NodeClasses buildClasses(const Graph &graph);

// f(S) of an explicit node set (mask by node index), as evaluate() would charge it.
struct BlockTotals {
    double work = 0, commIn = 0, commOut = 0, param = 0, cost = 0;
};
BlockTotals blockTotals(const Graph &graph, const CostParams &params, const std::vector<char> &inBlock);

// The cheapest block that certainly contains v: its class (v alone when ungrouped).
std::vector<double> singletonCosts(const Graph &graph, const CostParams &params, const NodeClasses &classes);

// Checks that need no solver: a class heavier than the memory limit, or all
// parameters exceeding k times it. Empty string when none applies.
std::string memoryInfeasibility(const Graph &graph, const CostParams &params, const NodeClasses &classes, int k);

// Branching order for ideal variables: classes ranked by topological position
// get the depth of their rank in a balanced bisection (the middle class 0, the
// quartiles 1, ...; capped at kMaxBisectionLevel). Branching middle-first
// splits the possible cut positions in halves, as a binary search would.
inline constexpr int kMaxBisectionLevel = 10;
std::vector<int> bisectionLevels(const Graph &graph, const NodeClasses &classes);

// A reference to a column, or a constant.
inline constexpr int kZero = -1;
inline constexpr int kOne = -2;

// An affine expression over columns.
struct Lin {
    std::vector<mip::Term> terms;
    double constant = 0;
    void add(int ref, double coefficient);
    void add(const Lin &other, double factor = 1.0);
};

// Adds `lin <= rhs` (or >=) folding constants.
void addLessEqual(mip::MipModel &model, const Lin &lin, double rhs);
void addGreaterEqual(mip::MipModel &model, const Lin &lin, double rhs);

class BlockBuilder {
public:
    // Costs in the model are divided by `scale` (keeps objective values near 1).
    BlockBuilder(
        mip::MipModel &model, const Graph &graph, const CostParams &params, const NodeClasses &classes, double scale);

    // One binary per class with `objective` 0, plus the ideal rows along class edges.
    std::vector<int> addIdeal();
    // Ideal rows between two ideals: inner[c] <= outer[c] (refs may be constants).
    void addNested(const std::vector<int> &inner, const std::vector<int> &outer);

    // f(S)/scale for the block between ideals y (inner) and x (outer), adding
    // its tensor columns and rows; the memory limit row when one is set.
    Lin blockCost(const std::vector<int> &x, const std::vector<int> &y, bool memoryRow = true);
    // The same on stage `device`'s device of a cluster (docs/model.md §1.7).
    Lin blockCostOn(const std::vector<int> &x, const std::vector<int> &y, int device);
    // Work of the block /scale.
    Lin blockWork(const std::vector<int> &x, const std::vector<int> &y) const;
    // Cost of the prefix ideal y spread over `stages` stages: its work plus one
    // write per tensor leaving it (and the aggregated overflow), /scale; adds
    // the memory row param(I) <= stages * M.
    Lin prefixCost(const std::vector<int> &y, int stages);
    // Cost of the suffix V \ x over `stages` stages: its work plus one read per
    // tensor entering it (and aggregated overflow), /scale; memory row too.
    Lin suffixCost(const std::vector<int> &x, int stages);

    // With a cluster (docs/model.md §4.12): the set between ideals `minus` and
    // `plus` held by the stages [first, last), weighted by speed: its work plus
    // min_j s_j / B_j per byte of each tensor it reads (`reads`, B_in) or
    // writes (B_out) once, plus min_j s_j times its aggregated overflow, /scale;
    // at most the sum over those stages of s_j f_j(S_j). Adds the row
    // param <= sum of M_j when every one of them has a limit.
    Lin spanCostOn(const std::vector<int> &plus, const std::vector<int> &minus, bool reads, int first, int last);

    // A block containing every node of class c: x_c = 1, y_c = 0.
    void anchor(const std::vector<int> &x, const std::vector<int> &y, int32_t c);

    // Fills the tensor and overflow columns of a solution whose ideal columns
    // are set (for warm starts): each takes the smallest value its rows allow.
    void complete(std::vector<double> &solution) const;

    const NodeClasses &classes() const { return m_classes; }
    double scale() const { return m_scale; }

private:
    Lin tensorCost(
        const std::vector<int> &plus, const std::vector<int> &minus, bool reads, bool writes, int device = -1);
    Lin overflow(const Lin &param, int stages);

    struct TensorColumn {
        int column;
        int32_t node;
        double sign;
        int set; // index into m_sets
    };
    struct OverflowColumn {
        int column;
        Lin excess; // param - stages * F
    };

    mip::MipModel &m_model;
    std::vector<int> m_branchLevels; // per class, computed on first use
    std::vector<std::pair<std::vector<int>, std::vector<int>>> m_sets; // (plus, minus)
    std::vector<TensorColumn> m_tensorColumns;
    std::vector<OverflowColumn> m_overflowColumns;
    const Graph &m_graph;
    const CostParams &m_params;
    const NodeClasses &m_classes;
    double m_scale;
};

// Value of a reference in a solution vector.
inline double valueOf(const std::vector<double> &solution, int ref)
{
    return ref == kZero ? 0.0 : ref == kOne ? 1.0 : solution[ref];
}
inline double valueOf(const std::vector<double> &solution, const Lin &lin)
{
    double v = lin.constant;
    for (const auto &[c, a] : lin.terms)
        v += a * solution[c];
    return v;
}

} // namespace pipecut::mip
