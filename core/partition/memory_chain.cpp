#include "core/partition/memory_chain.h"

#include <algorithm>
#include <vector>

namespace pipecut {

namespace {

constexpr double kSlack = 1e-9;
constexpr int32_t kMaxUnits = 8192; // the enumeration recurses once per unit
constexpr size_t kMaxStoreWords = size_t(1) << 24; // 128 MiB of ideal bitsets

struct Ideal {
    double param = 0.0;
    size_t bits = 0; // offset of its bitset in the store
};

// Depth-first enumeration of the ideals with at most `cap` parameters.
class IdealEnumerator {
public:
    IdealEnumerator(const Graph &g, double cap, int64_t maxSteps, const std::function<bool()> &shouldStop)
        : m_g(g)
        , m_cap(cap)
        , m_maxSteps(maxSteps)
        , m_stop(shouldStop)
        , m_words((size_t(g.nodeCount()) + 63) / 64)
        , m_current(m_words, 0)
    {
    }

    // Calls `leaf(param, bitset)` per ideal; false when cut short.
    bool run(const std::function<void(double, const std::vector<uint64_t> &)> &leaf)
    {
        m_leaf = &leaf;
        m_aborted = false;
        visit(0, 0.0);
        return !m_aborted;
    }

private:
    bool has(int32_t v) const { return (m_current[size_t(v) / 64] >> (v % 64)) & 1u; }
    void flip(int32_t v) { m_current[size_t(v) / 64] ^= uint64_t(1) << (v % 64); }

    void visit(size_t i, double param)
    {
        if (m_aborted || ++m_steps > m_maxSteps || ((m_steps & 0xffff) == 0 && m_stop && m_stop())) {
            m_aborted = true;
            return;
        }
        const auto topo = m_g.topologicalOrder();
        if (i == topo.size()) {
            (*m_leaf)(param, m_current);
            return;
        }
        const NodeId v = topo[i];
        bool closed = param + m_g.param(v) <= m_cap;
        for (NodeId u : m_g.predecessors(v))
            closed = closed && has(index(u));
        if (closed) {
            flip(index(v));
            visit(i + 1, param + m_g.param(v));
            flip(index(v));
        }
        visit(i + 1, param);
    }

    const Graph &m_g;
    double m_cap;
    int64_t m_maxSteps, m_steps = 0;
    const std::function<bool()> &m_stop;
    size_t m_words;
    std::vector<uint64_t> m_current;
    const std::function<void(double, const std::vector<uint64_t> &)> *m_leaf = nullptr;
    bool m_aborted = false;
};

} // namespace

MemoryChain memoryChainCheck(const Graph &units, int k, double memoryLimit, const std::function<bool()> &shouldStop,
    int64_t maxSteps, int64_t maxPairs)
{
    if (k < 2 || memoryLimit <= 0 || units.nodeCount() == 0 || units.nodeCount() > kMaxUnits)
        return MemoryChain::Unknown;
    const double total = units.totalParam(), m = memoryLimit * (1 + kSlack);
    const size_t words = (size_t(units.nodeCount()) + 63) / 64;
    std::vector<uint64_t> store;
    bool overflow = false;
    std::vector<std::vector<Ideal>> window(static_cast<size_t>(k)); // window[j], j = 1 .. k-1
    IdealEnumerator e(units, (k - 1) * m, maxSteps, shouldStop);
    const bool complete = e.run([&](double param, const std::vector<uint64_t> &bits) {
        bool stored = false;
        for (int j = 1; j < k; ++j)
            if (param >= total - (k - j) * m && param <= j * m) {
                if (!stored) {
                    overflow = overflow || store.size() + words > kMaxStoreWords;
                    if (overflow)
                        return;
                    store.insert(store.end(), bits.begin(), bits.end());
                    stored = true;
                }
                window[size_t(j)].push_back({ param, store.size() - words });
            }
    });
    if (!complete || overflow)
        return MemoryChain::Unknown;
    auto inside = [&](const Ideal &a, const Ideal &b) { // a ⊆ b
        for (size_t w = 0; w < words; ++w)
            if (store[a.bits + w] & ~store[b.bits + w])
                return false;
        return true;
    };
    std::vector<Ideal> reached = window[1];
    int64_t pairs = 0;
    for (int j = 2; j < k && !reached.empty(); ++j) {
        std::sort(reached.begin(), reached.end(), [](const Ideal &a, const Ideal &b) { return a.param < b.param; });
        std::vector<Ideal> next;
        for (const Ideal &c : window[size_t(j)]) {
            // Candidates below c with at most M between them.
            auto it = std::lower_bound(
                reached.begin(), reached.end(), c.param - m, [](const Ideal &a, double p) { return a.param < p; });
            bool ok = false;
            for (; it != reached.end() && it->param <= c.param * (1 + kSlack) && !ok; ++it) {
                ok = inside(*it, c);
                if (++pairs > maxPairs || ((pairs & 0xffff) == 0 && shouldStop && shouldStop()))
                    return MemoryChain::Unknown;
            }
            if (ok)
                next.push_back(c);
        }
        reached = std::move(next);
    }
    return reached.empty() ? MemoryChain::Infeasible : MemoryChain::Feasible;
}

} // namespace pipecut
