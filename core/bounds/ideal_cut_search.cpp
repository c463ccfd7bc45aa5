#include "core/bounds/ideal_cut_search.h"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

class Search {
public:
    Search(const IdealCutInstance &inst, double low, double high, int64_t maxVisits)
        : m_inst(inst)
        , m_low(low)
        , m_high(high)
        , m_maxVisits(maxVisits)
    {
        const auto n = static_cast<int32_t>(inst.work.size());
        m_produces.resize(n);
        m_reads.resize(n);
        m_paid.assign(inst.tensors.size(), 0);
        for (std::size_t t = 0; t < inst.tensors.size(); ++t) {
            const auto &tensor = inst.tensors[t];
            if (tensor.producer >= 0)
                m_produces[tensor.producer].push_back(int32_t(t));
            else if (tensor.consumerForcedOut)
                pay(int32_t(t));
            for (int32_t c : tensor.consumers)
                m_reads[c].push_back(int32_t(t));
        }
        m_succ.resize(n);
        for (int32_t c = 0; c < n; ++c)
            for (int32_t p : inst.pred[c])
                m_succ[p].push_back(c);
        topologicalOrder();
        for (int32_t c = 0; c < n; ++c)
            m_potential += inst.work[c];
        m_in.assign(n, 0);
        m_dead.assign(n, 0);
    }

    double run()
    {
        if (m_order.size() != m_inst.work.size())
            return -1; // not a DAG: no answer
        visit(0, m_inst.baseWork);
        // The running sums drift by rounding: deflated by a relative 1e-9 of all capacities.
        double all = 0;
        for (const auto &t : m_inst.tensors)
            all += t.capacity;
        return m_aborted ? -1 : std::max(0.0, m_best - 1e-9 * all);
    }

private:
    void topologicalOrder()
    {
        const auto n = static_cast<int32_t>(m_inst.work.size());
        std::vector<int32_t> missing(n);
        for (int32_t c = 0; c < n; ++c) {
            missing[c] = static_cast<int32_t>(m_inst.pred[c].size());
            if (missing[c] == 0)
                m_order.push_back(c);
        }
        for (std::size_t i = 0; i < m_order.size(); ++i)
            for (int32_t s : m_succ[m_order[i]])
                if (--missing[s] == 0)
                    m_order.push_back(s);
    }

    void pay(int32_t t)
    {
        m_paid[t] = 1;
        m_cost += m_inst.tensors[t].capacity;
        m_undo.push_back(t);
    }
    void undoTo(std::size_t mark)
    {
        while (m_undo.size() > mark) {
            const int32_t t = m_undo.back();
            m_undo.pop_back();
            m_paid[t] = 0;
            m_cost -= m_inst.tensors[t].capacity;
        }
    }

    // An excluded class keeps its descendants out: they leave the work still
    // reachable, and one that must join makes the branch infeasible.
    void kill(int32_t c)
    {
        if (m_dead[c]++ > 0)
            return;
        m_potential -= m_inst.work[c];
        m_impossible += m_inst.required[c];
        for (int32_t s : m_succ[c])
            kill(s);
    }
    void revive(int32_t c)
    {
        if (--m_dead[c] > 0)
            return;
        m_potential += m_inst.work[c];
        m_impossible -= m_inst.required[c];
        for (int32_t s : m_succ[c])
            revive(s);
    }

    void visit(std::size_t pos, double work)
    {
        if (m_aborted || ++m_visits > m_maxVisits) {
            m_aborted = true;
            return;
        }
        if (m_impossible > 0 || m_cost >= m_best || work + m_potential < m_low)
            return;
        if (pos == m_order.size()) {
            if (work <= m_high)
                m_best = m_cost; // m_cost < m_best here
            return;
        }
        const int32_t c = m_order[pos];
        const std::size_t mark = m_undo.size();
        const bool dead = m_dead[c] > 0;
        const bool canJoin = !dead && !m_inst.blocked[c] && work + m_inst.work[c] <= m_high;
        if (!dead)
            m_potential -= m_inst.work[c]; // decided now
        if (canJoin) {
            m_in[c] = 1;
            for (int32_t t : m_produces[c])
                if (!m_paid[t] && m_inst.tensors[t].consumerForcedOut)
                    pay(t);
            visit(pos + 1, work + m_inst.work[c]);
            undoTo(mark);
            m_in[c] = 0;
        }
        if (!m_inst.required[c]) {
            for (int32_t t : m_reads[c]) {
                const int32_t producer = m_inst.tensors[t].producer;
                if (!m_paid[t] && (producer < 0 || m_in[producer]))
                    pay(t);
            }
            for (int32_t s : m_succ[c])
                kill(s);
            visit(pos + 1, work);
            for (int32_t s : m_succ[c])
                revive(s);
            undoTo(mark);
        }
        if (!dead)
            m_potential += m_inst.work[c];
    }

    const IdealCutInstance &m_inst;
    const double m_low, m_high;
    const int64_t m_maxVisits;
    std::vector<std::vector<int32_t>> m_produces, m_reads, m_succ;
    std::vector<int32_t> m_order, m_undo, m_dead;
    std::vector<uint8_t> m_in, m_paid;
    double m_cost = 0, m_best = kInfinity, m_potential = 0; // potential: work of the classes that may still join
    int32_t m_impossible = 0; // excluded classes that must join
    int64_t m_visits = 0;
    bool m_aborted = false;
};

} // namespace

double cheapestIdealCut(const IdealCutInstance &instance, double low, double high, int64_t maxVisits)
{
    return Search(instance, low, high, maxVisits).run();
}

} // namespace pipecut::bounds
