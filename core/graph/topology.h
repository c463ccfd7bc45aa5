#pragma once
// Topology utilities over a Graph: reachability, width, group contraction.

#include "core/graph/graph.h"

#include <cstdint>
#include <vector>

namespace pipecut {

// Answers "is there a path u ->* v?" quickly on graphs of 100k+ nodes:
// topological-position and interval-label pruning, then a pruned search.
class Reachability {
public:
    explicit Reachability(const Graph &graph);
    bool reaches(NodeId from, NodeId to) const; // true when from == to
private:
    const Graph *m_graph;
    struct Impl;
    std::vector<int32_t> m_post, m_low; // interval labels (see the .cpp)
    mutable std::vector<int32_t> m_visited;
    mutable int32_t m_stamp = 0;
};

// The width (size of a largest antichain). Exact (Dilworth via bipartite
// matching on the transitive closure) when the graph has at most exactLimit
// nodes; otherwise a documented lower estimate (the largest level of the
// longest-path layering), flagged by `exact`.
struct Width {
    int64_t value = 0;
    bool exact = false;
};
Width graphWidth(const Graph &graph, int32_t exactLimit = 2000);

// The group-contracted DAG: each group becomes one node, with edges between
// contracted nodes. Groups are closed first: a node on a path between two
// members must share their stage (a -> x -> b with a, b grouped forces x), and
// groups whose contraction would form a cycle must share a stage too, so the
// contraction merges strongly connected components of the quotient graph; the
// result is always a DAG and every valid partition of the original graph is a
// partition of it. A contracted node's work and param are sums; its out is the
// sum of out over members with a successor outside the contracted node (the
// cost of a contracted partition equals that of the expanded one only when
// no two members' tensors go to the same stage twice: use it for ideals and
// structure, and evaluate costs on the original graph).
struct Contraction {
    Graph graph;                        // contracted graph (ids: group name or node id)
    std::vector<int32_t> nodeToContracted; // original node index -> contracted node index
};
Result<Contraction> contractGroups(const Graph &graph);

} // namespace pipecut
