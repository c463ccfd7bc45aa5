// Graph width: exact by Dilworth / Hopcroft-Karp on the transitive closure up
// to a size limit, a longest-path-level lower estimate beyond. See topology.h.
#include "core/graph/topology.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace pipecut {

namespace {

// The transitive closure as bitsets (row v: nodes reachable from v by a
// nonempty path), built in reverse topological order.
class Closure {
public:
    explicit Closure(const Graph &g)
        : m_n(g.nodeCount())
        , m_words((m_n + 63) / 64)
        , m_bits(size_t(m_n) * m_words, 0)
    {
        const auto topo = g.topologicalOrder();
        for (int32_t p = m_n - 1; p >= 0; --p) {
            const int32_t v = index(topo[p]);
            uint64_t *row = &m_bits[size_t(v) * m_words];
            for (NodeId w : g.successors(topo[p])) {
                const uint64_t *sub = &m_bits[size_t(index(w)) * m_words];
                for (int32_t k = 0; k < m_words; ++k)
                    row[k] |= sub[k];
                row[index(w) / 64] |= uint64_t(1) << (index(w) % 64);
            }
        }
    }
    // Calls f(w) for each w reachable from v.
    template <typename F> void forEach(int32_t v, F f) const
    {
        const uint64_t *row = &m_bits[size_t(v) * m_words];
        for (int32_t k = 0; k < m_words; ++k)
            for (uint64_t word = row[k]; word; word &= word - 1)
                f(k * 64 + std::countr_zero(word));
    }

private:
    int32_t m_n, m_words;
    std::vector<uint64_t> m_bits;
};

// Maximum matching in the bipartite graph (left u, right w) for u ->+ w.
int32_t maximumMatching(const Closure &closure, int32_t n)
{
    constexpr int32_t kFree = -1, kInf = std::numeric_limits<int32_t>::max();
    std::vector<int32_t> matchLeft(n, kFree), matchRight(n, kFree), dist(n);
    std::vector<int32_t> queue;
    // Greedy start: halves the number of phases on typical DAGs.
    int32_t matched = 0;
    for (int32_t u = 0; u < n; ++u)
        closure.forEach(u, [&](int32_t w) {
            if (matchLeft[u] == kFree && matchRight[w] == kFree) {
                matchLeft[u] = w;
                matchRight[w] = u;
                ++matched;
            }
        });
    // Explicit DFS stack of (left node, position in its closure row).
    std::vector<int32_t> rowOf, pathLeft;
    std::vector<std::vector<int32_t>> rows(n);
    for (int32_t u = 0; u < n; ++u)
        closure.forEach(u, [&](int32_t w) { rows[u].push_back(w); });
    std::vector<size_t> cursor(n);
    while (true) {
        // BFS layers from free left nodes.
        queue.clear();
        for (int32_t u = 0; u < n; ++u) {
            dist[u] = matchLeft[u] == kFree ? 0 : kInf;
            if (dist[u] == 0)
                queue.push_back(u);
        }
        bool found = false;
        for (size_t h = 0; h < queue.size(); ++h) {
            const int32_t u = queue[h];
            for (int32_t w : rows[u]) {
                const int32_t next = matchRight[w];
                if (next == kFree)
                    found = true;
                else if (dist[next] == kInf) {
                    dist[next] = dist[u] + 1;
                    queue.push_back(next);
                }
            }
        }
        if (!found)
            return matched;
        // Vertex-disjoint shortest augmenting paths (iterative DFS).
        std::fill(cursor.begin(), cursor.end(), 0);
        for (int32_t start = 0; start < n; ++start) {
            if (matchLeft[start] != kFree)
                continue;
            pathLeft.assign(1, start);
            while (!pathLeft.empty()) {
                const int32_t u = pathLeft.back();
                if (cursor[u] == rows[u].size()) {
                    dist[u] = kInf; // dead end for this phase
                    pathLeft.pop_back();
                    continue;
                }
                const int32_t w = rows[u][cursor[u]++];
                const int32_t next = matchRight[w];
                if (next == kFree) {
                    // Augment along the path: each left node takes the right
                    // node its cursor just passed.
                    for (int32_t left : pathLeft) {
                        const int32_t right = rows[left][cursor[left] - 1];
                        matchLeft[left] = right;
                        matchRight[right] = left;
                    }
                    ++matched;
                    pathLeft.clear();
                } else if (dist[next] == dist[u] + 1) {
                    pathLeft.push_back(next);
                }
            }
        }
    }
}

} // namespace

Width graphWidth(const Graph &graph, int32_t exactLimit)
{
    const int32_t n = graph.nodeCount();
    if (n <= exactLimit) {
        const Closure closure(graph);
        return Width { n - maximumMatching(closure, n), true };
    }
    // Longest-path levels from the sources and from the sinks; each level is
    // an antichain, so the largest is a lower bound on the width.
    const auto topo = graph.topologicalOrder();
    std::vector<int32_t> level(n, 0), count(n + 1, 0);
    int64_t best = 0;
    for (int pass = 0; pass < 2; ++pass) {
        std::fill(level.begin(), level.end(), 0);
        std::fill(count.begin(), count.end(), 0);
        for (int32_t p = 0; p < n; ++p) {
            const NodeId v = topo[pass == 0 ? p : n - 1 - p];
            for (NodeId w : pass == 0 ? graph.predecessors(v) : graph.successors(v))
                level[index(v)] = std::max(level[index(v)], level[index(w)] + 1);
            best = std::max<int64_t>(best, ++count[level[index(v)]]);
        }
    }
    return Width { best, false };
}

} // namespace pipecut
