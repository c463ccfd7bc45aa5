#include "core/util/max_flow.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pipecut {

MaxFlow::MaxFlow(int32_t nodes) : m_first(nodes, -1), m_level(nodes), m_current(nodes) {}

int32_t MaxFlow::addArc(int32_t from, int32_t to, double capacity)
{
    const auto index = static_cast<int32_t>(m_arcs.size());
    m_arcs.push_back({to, m_first[from], capacity, 0});
    m_first[from] = index;
    m_arcs.push_back({from, m_first[to], 0, 0});
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

double MaxFlow::push(int32_t v, int32_t sink, double limit)
{
    if (v == sink)
        return limit;
    for (int32_t &a = m_current[v]; a >= 0; a = m_arcs[a].next) {
        Arc &arc = m_arcs[a];
        const double residual = arc.capacity - arc.flow;
        if (residual <= m_epsilon || m_level[arc.to] != m_level[v] + 1)
            continue;
        const double pushed = push(arc.to, sink, std::min(limit, residual));
        if (pushed > 0) {
            arc.flow += pushed;
            m_arcs[a ^ 1].flow -= pushed;
            return pushed;
        }
    }
    return 0;
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
        m_current = m_first;
        for (;;) {
            const double pushed = push(source, sink, std::numeric_limits<double>::infinity());
            if (pushed <= 0)
                break;
            total += pushed;
            if (!std::isfinite(total))
                return total; // an uncapacitated path: no finite cut
        }
    }
    return total;
}

} // namespace pipecut
