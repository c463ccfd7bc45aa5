#pragma once
// Topology utilities over a Graph: group contraction, reachability queries,
// ancestor and descendant work, forced moves for the editor, and the width
// (largest antichain).
//
// Everything here is deterministic: the same graph gives the same contraction,
// the same labels and the same answers (randomised labels use a fixed seed).

#include "core/graph/graph.h"
#include "core/util/result.h"

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace pipecut {

// ---------------------------------------------------------------------------
// Group contraction
//
// Problem: find the coarsest DAG whose monotone maps are exactly the valid
// partitions (docs/model.md §1.2, rules 1 and 2) of the graph. Build the quotient Q
// of the graph by its groups (ungrouped nodes are singletons). A partition is
// valid iff it is constant on groups and monotone on edges, i.e. iff it is a
// monotone map on Q. A monotone map is constant around every cycle of Q, so it
// is constant on Q's strongly connected components; conversely any monotone
// map on the condensation of Q is one on Q. The condensation is acyclic, so a
// single pass is stable: there is nothing left to repeat. This also closes
// groups under paths: a node x on a path a ->* x ->* b between members a, b of
// one group lies on a cycle of Q through that group, so x joins it.
//
// Complexity: O(n + m) for the quotient and Tarjan's SCC (iterative), plus
// O(m log m) for GraphBuilder to sort the contracted edges.
// Deterministic: contracted nodes are numbered by their smallest original node
// index, so a graph without groups contracts to itself with the same indices.
// Reference: Tarjan, "Depth-first search and linear graph algorithms" (1972);
// the contracted DAG is what Tarnawski et al. (NeurIPS 2020) run ideals on.
//
// Example: a -> x -> b with a, b in group "g" and c -> b: the contracted DAG
// has nodes "g" = {a, x, b} and "c", and the edge c -> g.
//
// A contracted node's id is the name of its first group (smallest group index)
// or, when it holds one ungrouped node, that node's id; a clash with another
// contracted id gets the suffix "~1", "~2", ... Its work and param are sums;
// its out is the sum of out over members with a successor outside it; its op is
// the member's op (or "group"); its scope is the members' longest common scope
// prefix. The cost of a contracted partition equals that of the expanded one
// only when no two members' tensors go to the same stage twice: use the
// contraction for ideals and structure, and evaluate costs on the original.
struct Contraction {
    Graph graph; // the contracted DAG, no groups
    std::vector<int32_t> nodeToContracted; // original node index -> contracted node index
    // Original node indices per contracted node (CSR: members of c are
    // memberArray[memberOffset[c] .. memberOffset[c + 1]), in increasing index).
    std::vector<int32_t> memberOffset;
    std::vector<NodeId> memberArray;

    std::span<const NodeId> members(int32_t contracted) const
    {
        return std::span<const NodeId>(memberArray)
            .subspan(memberOffset[contracted], memberOffset[contracted + 1] - memberOffset[contracted]);
    }
};
//
// `shouldStop` (optional) is asked between the phases and every 65,536
// contracted nodes: on a million nodes the contraction takes a second or
// more. When it answers true the result is a Stopped error.
Result<Contraction> contractGroups(const Graph &graph, const std::function<bool()> &shouldStop = {});

// The node map of contractGroups alone (original node index -> contracted
// node index, numbered the same way) and the contracted node count, without
// building the contracted graph: for callers that need only the classes.
struct ContractionMap {
    std::vector<int32_t> nodeToContracted;
    int32_t count = 0;
};
ContractionMap contractionMap(const Graph &graph);

// ---------------------------------------------------------------------------
// Reachability
//
// Problem: answer "is there a path u ->* v?" on graphs of 100k..1M nodes
// without a transitive closure. Filters, in order:
//   1. u == v: true; topological position pos(u) >= pos(v): false;
//   2. GRAIL interval labels (Yildirim, Chaoji, Zaki, "GRAIL: scalable
//      reachability index for large graphs", VLDB 2010): for each of
//      `labellings` DFS traversals, post(v) is the post-order rank and low(v)
//      the smallest post rank reachable from v; u ->* v implies [low(v),
//      post(v)] inside [low(u), post(u)] in every labelling, so one
//      non-containment is a fast "no";
//   3. tree intervals: v inside u's DFS subtree in any traversal is a fast
//      "yes". The first traversal visits children nearest in topological
//      order first, so on chain-like models (a residual stream with long
//      skips) a node's subtree is everything downstream of it and nearly
//      every positive query ends here; the others rotate the children by a
//      fixed hash, for diverse intervals;
//   4. otherwise a DFS from u that skips every node failing filters 1-2
//      against v and stops at a node passing 3, with a visited stamp (no
//      clearing between queries).
// Build O(labellings * (n + m) + m log m); a query is O(labellings) when
// filtered and at worst O(n + m). Deterministic (no random state). Memory
// 12 * labellings + 4 bytes per node plus the graph.
// A query mutates the visited stamp: one Reachability per thread.
//
// Example: a -> b -> c, a -> d: reaches(a, c) is true (tree interval),
// reaches(d, c) is false (d has no successors, so its interval is a point).
class Reachability {
public:
    // labellings is clamped to 1..8.
    explicit Reachability(const Graph &graph, int labellings = 3);
    bool reaches(NodeId from, NodeId to) const; // true when from == to
    int labellings() const { return m_labellings; }

private:
    // Per node and labelling: low, treeLow (smallest post in the DFS
    // subtree), post.
    const int32_t *labels(int32_t v) const { return &m_labels[size_t(v) * 3 * m_labellings]; }
    // Label containment of v's intervals in u's, in every labelling.
    bool contains(int32_t u, int32_t v) const
    {
        const int32_t *a = labels(u), *b = labels(v);
        for (int i = 0; i < 3 * m_labellings; i += 3)
            if (b[i] < a[i] || b[i + 2] > a[i + 2])
                return false;
        return true;
    }
    // v in u's DFS subtree in some traversal (implies u ->* v).
    bool treeContains(int32_t u, int32_t v) const
    {
        const int32_t *a = labels(u), *b = labels(v);
        for (int i = 0; i < 3 * m_labellings; i += 3)
            if (a[i + 1] <= b[i + 2] && b[i + 2] <= a[i + 2])
                return true;
        return false;
    }

    const Graph *m_graph;
    int m_labellings;
    std::vector<int32_t> m_labels;
    mutable std::vector<int32_t> m_visited;
    mutable std::vector<int32_t> m_stack;
    mutable int32_t m_stamp = 0;
};

// ---------------------------------------------------------------------------
// Closure work
//
// Problem: for every node c of a DAG, the work of its ancestors A(c) or of
// its descendants D(c), c included (docs/model.md §3.13 step 1, §4.11): the
// windows that force classes in or out of an ideal. Optionally also the
// closures themselves as bitsets.
// Algorithm: bit-parallel reachability over chunks of 1,024 sources, taken in
// `order`: in one pass per chunk each node ORs the chunk rows of its lists
// (nodes before the chunk reach none of its sources) and sums its row a byte
// at a time from tables of the chunk's work sums. The nodes are 0 .. n - 1
// with n = order.size(); `into` lists each node's predecessors (for A, with
// `order` topological) or successors (for D, with `order` reversed).
// Complexity: O(n (n + m) / 64) time and 128 bytes per node; with `closure`,
// O(pairs in a closure) more and n^2 / 8 bytes.
// Stop: `shouldStop` (optional) is asked every 4,096 nodes of a pass. Stopped,
// each sum is the work over the sources processed or the heaviest path to
// the node, whichever is larger: still a lower bound on the closure's work
// (`closure` is then incomplete). Deterministic.
//
// Example: a -> b, a -> c with works 1, 2, 4: predecessor lists and the order
// a, b, c give A = 1, 3, 5; successor lists and c, b, a give D = 7, 2, 4.

// Each node's list of predecessors or successors, as compressed rows.
struct Adjacency {
    std::vector<int32_t> offset; // per node and one more: where its list starts
    std::vector<int32_t> target;
    std::span<const int32_t> operator[](int32_t c) const
    {
        return { target.data() + offset[c], target.data() + offset[c + 1] };
    }
};
// `closure` (when given) is filled with n rows of (n + 63) / 64 words: bit y
// of row x set when y is in x's closure.
std::vector<double> closureWork(std::span<const int32_t> order, const Adjacency &into, std::span<const double> work,
    const std::function<bool()> &shouldStop = {}, std::vector<uint64_t> *closure = nullptr);

// The same on a graph's nodes and work, exact (no stop): A(x) or D(x) for
// every node x; `closure` as above, indexed by node index.
enum class ClosureOf { Ancestors, Descendants };
std::vector<double> closureWork(const Graph &graph, ClosureOf which, std::vector<uint64_t> *closure = nullptr);

// ---------------------------------------------------------------------------
// Forced moves (for the editor's drag and drop)
//
// Problem: `moving` nodes go to `targetStage`; which other nodes must go there
// too so that the partition stays valid (edges forward, groups whole)? Moving
// later pushes every descendant with a smaller stage to the target; moving
// earlier pulls every ancestor with a larger stage; a forced node's group
// comes along; repeat until stable (a worklist, each node forced once:
// O(n + m)). Nodes already at the target are never forced. The answer is
// minimal in the sense that each forced node is forced by a chain of edges or
// groups from a moving node: leaving any one of them out leaves a backward
// edge or a split group. Only edges touched by the moves are examined: a
// violation elsewhere in `stage` is left alone.
// Deterministic: the result is sorted by node index and excludes `moving`.
//
// Example: a -> b -> c with stages 0, 1, 1; moving a to stage 2 forces b and
// c to stage 2.
std::vector<NodeId> forcedMoves(
    const Graph &graph, std::span<const int32_t> stage, std::span<const NodeId> moving, int32_t targetStage);

// ---------------------------------------------------------------------------
// Width
//
// Problem: the size of a largest antichain (a set of pairwise unreachable
// nodes); the ideal DP is exponential in it. Exact by Dilworth's theorem when
// the graph has at most exactLimit nodes: width = n - maximum matching in the
// bipartite graph {(u, v) : u ->+ v} of the transitive closure (bitset
// closure O(n * m / 64) time and n^2 / 8 bytes, Hopcroft-Karp O(E sqrt n)
// with E <= n^2 / 2 pairs; under 0.1 s and 15 MB at the default 2000 on
// generated models).
// Beyond exactLimit: the largest level of the longest-path layering from the
// sources and of the one from the sinks (a level is an antichain because a
// path strictly increases the level), so the estimate is a lower bound on the
// width, flagged exact = false. O(n + m).
// Deterministic. Reference: Dilworth (1950); Fulkerson (1956) for the
// matching reduction; Hopcroft and Karp (1973).
//
// Example: docs/model.md §1.5's a -> {b, c} -> d has width 2 ({b, c}).
struct Width {
    int64_t value = 0;
    bool exact = false;
};
Width graphWidth(const Graph &graph, int32_t exactLimit = 2000);

} // namespace pipecut
