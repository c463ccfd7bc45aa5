// Reachability queries (GRAIL interval labels plus a pruned search) and the
// editor's forced moves. See topology.h.
#include "core/graph/topology.h"

#include <algorithm>
#include <cassert>
#include <climits>

namespace pipecut {

namespace {

// A fixed mix of (node, labelling) for the traversal's child rotation, so the
// labellings differ without a random generator or shuffled copies.
uint32_t mix(uint32_t v, uint32_t labelling)
{
    uint64_t z = (uint64_t(v) << 8 | labelling) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return uint32_t(z ^ (z >> 31));
}

} // namespace

Reachability::Reachability(const Graph &graph, int labellings)
    : m_graph(&graph)
    , m_labellings(std::clamp(labellings, 1, 8))
{
    const int32_t n = graph.nodeCount();
    const int L = m_labellings;
    m_labels.assign(size_t(n) * 3 * L, 0);
    m_visited.assign(n, 0);
    const auto offsets = graph.succOffsets();
    const auto topo = graph.topologicalOrder();
    // Successors sorted by topological position, for the first traversal.
    std::vector<NodeId> nearest(graph.successorArray().begin(), graph.successorArray().end());
    for (int32_t v = 0; v < n; ++v)
        std::sort(nearest.begin() + offsets[v], nearest.begin() + offsets[v + 1],
            [&](NodeId a, NodeId b) { return graph.topoPosition(a) < graph.topoPosition(b); });

    std::vector<char> seen(n);
    std::vector<int32_t> callNode, callStep;
    for (int i = 0; i < L; ++i) {
        std::fill(seen.begin(), seen.end(), 0);
        int32_t counter = 0;
        auto enter = [&](int32_t v) {
            seen[v] = 1;
            m_labels[size_t(v) * 3 * L + 3 * i + 1] = counter; // treeLow
            callNode.push_back(v);
            callStep.push_back(0);
        };
        // Roots in topological order (forwards: every root is a source) for
        // even labellings, backwards for odd ones, to vary the intervals. Any
        // root order is correct: a node's low label is taken over all its
        // children, which are finished when it finishes (no back edges).
        for (int32_t r = 0; r < n; ++r) {
            const int32_t root = index(topo[i % 2 == 0 ? r : n - 1 - r]);
            if (seen[root])
                continue;
            enter(root);
            while (!callNode.empty()) {
                const int32_t v = callNode.back();
                const int32_t deg = offsets[v + 1] - offsets[v];
                int32_t &step = callStep.back();
                if (step < deg) {
                    int32_t k = step++;
                    if (i > 0) {
                        k = int32_t((mix(uint32_t(v), uint32_t(i)) + uint32_t(k)) % uint32_t(deg));
                        if (i % 2 == 1)
                            k = deg - 1 - k;
                    }
                    const int32_t w = index(nearest[offsets[v] + k]);
                    if (!seen[w])
                        enter(w);
                    continue;
                }
                // Finished: children are all finished (no back edges in a DAG).
                int32_t *label = &m_labels[size_t(v) * 3 * L + 3 * i];
                label[2] = counter++;
                int32_t low = label[2];
                for (int32_t e = offsets[v]; e < offsets[v + 1]; ++e)
                    low = std::min(low, m_labels[size_t(index(nearest[e])) * 3 * L + 3 * i]);
                label[0] = low;
                callNode.pop_back();
                callStep.pop_back();
            }
        }
    }
}

bool Reachability::reaches(NodeId from, NodeId to) const
{
    const int32_t u = index(from), v = index(to);
    if (u == v)
        return true;
    const Graph &g = *m_graph;
    const int32_t target = g.topoPosition(to);
    if (g.topoPosition(from) >= target || !contains(u, v))
        return false;
    if (treeContains(u, v))
        return true;
    if (m_stamp == INT_MAX) {
        std::fill(m_visited.begin(), m_visited.end(), 0);
        m_stamp = 0;
    }
    const int32_t stamp = ++m_stamp;
    const auto offsets = g.succOffsets();
    const auto succ = g.successorArray();
    m_stack.clear();
    m_stack.push_back(u);
    m_visited[u] = stamp;
    while (!m_stack.empty()) {
        const int32_t x = m_stack.back();
        m_stack.pop_back();
        for (int32_t e = offsets[x]; e < offsets[x + 1]; ++e) {
            const int32_t w = index(succ[e]);
            if (w == v)
                return true;
            if (m_visited[w] == stamp)
                continue;
            m_visited[w] = stamp;
            if (g.topoPosition(succ[e]) >= target || !contains(w, v))
                continue;
            if (treeContains(w, v))
                return true;
            m_stack.push_back(w);
        }
    }
    return false;
}

std::vector<NodeId> forcedMoves(
    const Graph &graph, std::span<const int32_t> stage, std::span<const NodeId> moving, int32_t targetStage)
{
    const int32_t n = graph.nodeCount();
    assert(stage.size() == size_t(n));
    std::vector<char> atTarget(n, 0);
    std::vector<int32_t> work;
    std::vector<NodeId> forced;
    for (NodeId m : moving)
        if (!atTarget[index(m)]) {
            atTarget[index(m)] = 1;
            work.push_back(index(m));
        }
    auto force = [&](NodeId y) {
        atTarget[index(y)] = 1;
        forced.push_back(y);
        work.push_back(index(y));
    };
    while (!work.empty()) {
        const NodeId x = nodeId(work.back());
        work.pop_back();
        for (NodeId y : graph.successors(x))
            if (!atTarget[index(y)] && stage[index(y)] < targetStage)
                force(y);
        for (NodeId w : graph.predecessors(x))
            if (!atTarget[index(w)] && stage[index(w)] > targetStage)
                force(w);
        if (const GroupId g = graph.group(x); g != kNoGroup)
            for (NodeId z : graph.groupMembers(g))
                if (!atTarget[index(z)] && stage[index(z)] != targetStage)
                    force(z);
    }
    std::sort(forced.begin(), forced.end());
    return forced;
}

} // namespace pipecut
