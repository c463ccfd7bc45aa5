#pragma once
// Collapsing a large graph into at most `maxBoxes` boxes for drawing (reports),
// by scope, never mixing stages.
//
// Problem: draw a graph of any size legibly with its stage colours. Each box
// must hold nodes of one stage (in every partition given, so that the same
// drawing can be coloured by two partitions side by side), and the box graph
// must stay a DAG so that the layered or dot layout can draw it.
// Method: sort the nodes by (stage in each partition, position in the graph's
// topological order); that is again a topological order because stages never
// decrease along an edge. A box is a maximal run of consecutive nodes in this
// order that share their stages and the first d components of their `scope`
// path; d is the deepest level giving at most `maxBoxes` boxes. Runs of a
// topological order can only have edges from earlier to later runs, so the box
// graph is acyclic. When even d = 1 gives too many boxes, consecutive d = 1
// runs of a stage share boxes ("layer_0 ... layer_3"), about maxBoxes in all,
// sized by node count; a graph without scopes is cut the same way into runs of
// consecutive nodes, labelled by their first node.
// Complexity: O(n log n + m + n * D) with D the deepest scope path.
// Deterministic: yes.
// Example: a chain a -> b -> c -> d with scopes enc/l0, enc/l0, enc/l1, dec and
// one stage, maxBoxes 3: depth 2 gives runs {a, b}, {c}, {d} (3 boxes,
// labelled "enc/l0", "enc/l1", "dec"), edges box0 -> box1 -> box2.

#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/result.h"

#include <span>
#include <string>
#include <vector>

namespace pipecut {

struct CollapsedGraph {
    Graph graph; // one node per box, ids "b0", "b1", ...; work = the members' sum
    std::vector<int32_t> boxOf; // per original node index
    std::vector<std::string> labels; // per box: the node id, the scope prefix, or "first id ..."
    std::vector<int32_t> sizes; // per box: number of member nodes
    // per box and partition: the stage all members share
    std::vector<std::vector<int32_t>> stages; // stages[partition][box]
    bool collapsed = false; // false: one box per node
    int scopeDepth = 0; // the d used (0 when chunked or not collapsed)
    bool mergedScopes = false; // d = 1 had too many runs: consecutive ones share boxes ("a ... b")
    std::string how; // e.g. "collapsed by scope (depth 2): 57 boxes for 2,012 nodes"
};

// `partitions` must all have graph.nodeCount() stages in range; maxBoxes >= 1.
// Fails only if the box graph cannot be built (which would be a bug).
Result<CollapsedGraph> collapseForDrawing(const Graph &graph, std::span<const Partition> partitions, int maxBoxes);

} // namespace pipecut
