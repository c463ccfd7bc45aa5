#include "core/util/max_flow.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pipecut {

MaxFlow::MaxFlow(int32_t nodes)
    : m_first(nodes, -1)
    , m_level(nodes)
    , m_current(nodes)
{
}

int32_t MaxFlow::addArc(int32_t from, int32_t to, double capacity)
{
    const auto index = static_cast<int32_t>(m_arcs.size());
    m_arcs.push_back({ to, m_first[from], capacity, 0 });
    m_first[from] = index;
    m_arcs.push_back({ from, m_first[to], 0, 0 });
    m_first[to] = index + 1;
    return index;
}

bool MaxFlow::levels(int32_t source, int32_t sink)
{
    std::fill(m_level.begin(), m_level.end(), -1);
    m_queue.clear();
    m_queue.push_back(source);
    m_level[source] = 0;
    for (size_t head = 0; head < m_queue.size(); ++head) {
        const int32_t v = m_queue[head];
        // Past the sink's level no node is on a shortest path to it. (When
        // the sink is not reached the search is complete: the source side.)
        if (m_level[sink] >= 0 && m_level[v] >= m_level[sink])
            break;
        for (int32_t a = m_first[v]; a >= 0; a = m_arcs[a].next) {
            const Arc &arc = m_arcs[a];
            if (m_level[arc.to] < 0 && arc.capacity - arc.flow > m_epsilon) {
                m_level[arc.to] = m_level[v] + 1;
                m_queue.push_back(arc.to);
            }
        }
    }
    return m_level[sink] >= 0;
}

double MaxFlow::blockingFlow(int32_t source, int32_t sink)
{
    // Depth first along level-increasing arcs with an explicit path (no
    // recursion: level graphs can be as deep as the network); a dead end is
    // left by advancing the parent's arc pointer past the arc into it.
    m_current = m_first;
    m_path.clear();
    double total = 0;
    int32_t v = source;
    for (;;) {
        if (v == sink) {
            double pushed = std::numeric_limits<double>::infinity();
            for (int32_t a : m_path)
                pushed = std::min(pushed, m_arcs[a].capacity - m_arcs[a].flow);
            if (!std::isfinite(pushed))
                return pushed; // an uncapacitated path: no finite cut
            for (int32_t a : m_path) {
                m_arcs[a].flow += pushed;
                m_arcs[a ^ 1].flow -= pushed;
            }
            total += pushed;
            m_path.clear();
            v = source;
            continue;
        }
        int32_t &a = m_current[v];
        while (a >= 0 && (m_arcs[a].capacity - m_arcs[a].flow <= m_epsilon || m_level[m_arcs[a].to] != m_level[v] + 1))
            a = m_arcs[a].next;
        if (a >= 0) {
            m_path.push_back(a);
            v = m_arcs[a].to;
            continue;
        }
        if (v == source)
            return total;
        m_level[v] = -1; // a dead end for the rest of this phase
        const int32_t back = m_path.back();
        m_path.pop_back();
        v = m_arcs[back ^ 1].to;
        m_current[v] = m_arcs[back].next;
    }
}

void MaxFlow::scaleFlow(double factor)
{
    for (Arc &arc : m_arcs)
        arc.flow *= factor;
}

double MaxFlow::run(int32_t source, int32_t sink, bool warm)
{
    double scale = 0;
    for (const Arc &arc : m_arcs)
        if (std::isfinite(arc.capacity))
            scale = std::max(scale, arc.capacity);
    // Residuals below this are rounding noise; ignoring them only leaves a
    // smaller (still feasible) flow.
    m_epsilon = 1e-12 * std::max(scale, 1e-300);
    // A warm start keeps the last flow when it still fits the capacities.
    for (size_t a = 0; a < m_arcs.size() && warm; a += 2)
        warm = m_arcs[a].flow <= m_arcs[a].capacity;
    double total = 0;
    if (warm) {
        for (int32_t a = m_first[source]; a >= 0; a = m_arcs[a].next)
            total += m_arcs[a].flow;
    } else {
        for (Arc &arc : m_arcs)
            arc.flow = 0;
    }
    while (levels(source, sink)) {
        total += blockingFlow(source, sink);
        if (!std::isfinite(total))
            return total; // an uncapacitated path: no finite cut
    }
    return total;
}

} // namespace pipecut
