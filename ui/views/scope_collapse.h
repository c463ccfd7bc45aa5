#pragma once
// Collapsing the drawing by `scope` (docs/model.md §5: a '/'-separated module path).
//
// Problem: given a graph and a set of collapsed scope prefixes, map every node
// to one visible element (itself, or the group of its shortest collapsed
// prefix), aggregate the edges between elements, and give the layout engine an
// acyclic graph of the elements.
// Complexity: O(n * depth + m log m) for n nodes, m edges.
// Deterministic: elements are numbered by the topological position of their
// first member; element edges in order of (from, to).
// Cycles: two groups can depend on each other (a -> b in one scope, b -> a' in
// another). The layout graph keeps every element edge but orients it along
// the element order (a back edge is reversed, as dot does), so it is acyclic;
// the drawing still uses the real direction.
// Tiny example: scopes {a: "enc/l0", b: "enc/l0", c: "enc/l1", d: ""} with the
// chain a->b->c->d collapsed at {"enc/l0"} gives elements [enc/l0 {a, b}],
// [c], [d] and element edges 0->1, 1->2.

#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/graph/scope.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pipecut::ui {

// Boxes as the report draws a large graph (core/layout/scope_collapse.h): each
// node in one box (or -1), the box labels, and the scope depth a box opens to.
struct DrawingBoxes {
    std::vector<int32_t> boxOf; // per node index; -1: not boxed (drawn by scope)
    std::vector<std::string> labels; // per box
    int openDepth = 1; // an opened box shows its members collapsed at this depth
};

struct ScopeView {
    std::vector<int32_t> elementOf; // node index -> element
    std::vector<std::vector<NodeId>> members; // element -> its nodes (one for a plain node)
    std::vector<std::string> scope; // element -> collapsed prefix ("" = plain node)
    std::vector<std::pair<int32_t, int32_t>> edges; // element edges, real direction, deduplicated
    std::vector<int32_t> edgeOffset; // CSR: element edge -> its graph edges
    std::vector<std::pair<NodeId, NodeId>> edgeMembers;
    Graph layoutGraph; // one node per element, acyclic

    int32_t elementCount() const { return int32_t(members.size()); }
    bool isGroup(int32_t element) const { return !scope[size_t(element)].empty(); }
    int32_t groupCount() const;
};

// `collapsed` holds scope prefixes; a node belongs to the group of the shortest
// collapsed prefix of its scope (prefixes end at a '/'), else it is drawn alone.
// With `boxes`, a boxed node is drawn by its box whatever its scope.
ScopeView collapseByScope(
    const Graph &graph, const std::set<std::string> &collapsed, const DrawingBoxes *boxes = nullptr);

// The boxes the report would draw for `partition` (at most about `maxBoxes`),
// or none when collapsing fails.
DrawingBoxes reportBoxes(const Graph &graph, const Partition &partition, int maxBoxes);
// Opens every box labelled `label`: its nodes leave the boxes and their scopes
// at the boxes' open depth join `collapsed`. False when no box has that label.
bool openBoxes(const Graph &graph, DrawingBoxes &boxes, std::set<std::string> &collapsed, const std::string &label);

// Every distinct non-empty depth-`depth` prefix of the graph's scopes.
std::set<std::string> scopesAtDepth(const Graph &graph, int depth);
// The deepest depth whose collapse shows at most `maxElements` elements (or 1
// when even depth 1 shows more); 0 when the graph has no scopes.
int collapseDepthFor(const Graph &graph, int maxElements);
// `collapsed` with `prefix` opened one level: its members with a deeper scope
// form groups of the next component, the others are drawn alone.
std::set<std::string> expandScope(const Graph &graph, std::set<std::string> collapsed, const std::string &prefix);
// `collapsed` with the scope `prefix` collapsed (groups inside it are merged).
std::set<std::string> collapseScope(std::set<std::string> collapsed, const std::string &prefix);

} // namespace pipecut::ui
