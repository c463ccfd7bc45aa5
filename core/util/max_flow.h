#pragma once
// Maximum flow (and so minimum s-t cut) with real capacities, by Dinic's
// algorithm: breadth-first levels, then blocking flows along level-increasing
// arcs with per-node arc pointers (an explicit path, no recursion).
//
// Complexity: O(V^2 E) in the worst case; a few tens of microseconds on the
// networks of a few hundred nodes built by core/bounds/cut_pricing.h.
// Deterministic. Reference: E. A. Dinic, "Algorithm for solution of a problem
// of maximum flow in networks with power estimation", Soviet Math. Doklady 11
// (1970).
// Soundness: the value returned is that of a feasible flow (capacities are
// never exceeded beyond rounding), so by weak duality it never exceeds the
// capacity of any s-t cut, even when the search is cut short.
// Example: arcs s->a (2), a->t (1), s->t (1): maximum flow 2.
#include <cstdint>
#include <vector>

namespace pipecut {

class MaxFlow {
public:
    explicit MaxFlow(int32_t nodes);

    // Adds an arc and its residual twin; returns the arc's index.
    int32_t addArc(int32_t from, int32_t to, double capacity);
    void setCapacity(int32_t arc, double capacity) { m_arcs[arc].capacity = capacity; }
    double capacity(int32_t arc) const { return m_arcs[arc].capacity; }

    // Maximum flow from source to sink, starting from zero flow, or with
    // `warm` from the last flow when no arc carries more than its capacity
    // (after raising capacities, or scaling the flow down with them).
    double run(int32_t source, int32_t sink, bool warm = false);
    // Multiplies every arc's flow (conservation holds at any factor).
    void scaleFlow(double factor);

    int32_t nodeCount() const { return static_cast<int32_t>(m_first.size()); }
    int64_t arcCount() const { return static_cast<int64_t>(m_arcs.size()); }

    // After run(): whether v is on the source side of the minimum cut found
    // (reachable from the source in the residual network).
    bool sourceSide(int32_t v) const { return m_level[v] >= 0; }

private:
    struct Arc {
        int32_t to;
        int32_t next; // next arc out of the same node, -1 at the end
        double capacity;
        double flow;
    };
    bool levels(int32_t source, int32_t sink);
    double blockingFlow(int32_t source, int32_t sink);

    std::vector<Arc> m_arcs; // arc i and i ^ 1 are twins
    std::vector<int32_t> m_first, m_level, m_current, m_queue, m_path;
    double m_epsilon = 0;
};

} // namespace pipecut
