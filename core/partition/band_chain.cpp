#include "core/partition/band_chain.h"

#include "core/cost/evaluate.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <optional>

namespace pipecut {

namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();
constexpr int kBisectionSteps = 40;

struct Candidate {
    double hi = 0.0, lo = 0.0;
    int32_t pos = 0; // start of its band in the order
    int32_t end = 0; // one past its last band node in the ideal (pos when none)
    uint32_t mask = 0; // band nodes in the ideal
};

// Enumerates the candidates of one order (band_chain.h), position by position.
class CandidateBuilder {
public:
    CandidateBuilder(const Graph &g, double bandwidth, std::span<const int32_t> order, const BandChainOptions &o)
        : m_g(g)
        , m_b(bandwidth)
        , m_order(order)
        , m_opt(o)
        , m_in(size_t(g.nodeCount()), 0)
        , m_remaining(size_t(g.nodeCount()), 0)
    {
    }

    // False when stopped.
    bool build(std::vector<Candidate> &out, const StopToken &stop, const Deadline &deadline)
    {
        const int32_t n = int32_t(m_order.size());
        int32_t prefix = 0;
        for (int32_t p = 0; p <= n; p += m_opt.step) {
            if (stop.stopRequested() || deadline.expired())
                return false;
            while (prefix < p)
                add(m_order[size_t(prefix++)]);
            m_pos = p;
            m_len = std::min<int32_t>(m_opt.bandLength, n - p);
            m_leaves.clear();
            enumerate(0, 0);
            keepFront(out);
        }
        return true;
    }

private:
    void add(int32_t v)
    {
        m_in[size_t(v)] = 1;
        m_work += m_g.work(nodeId(v));
        m_remaining[size_t(v)] = m_g.outDegree(nodeId(v));
        if (m_remaining[size_t(v)] > 0)
            m_cut += m_g.out(nodeId(v));
        for (NodeId u : m_g.predecessors(nodeId(v)))
            if (--m_remaining[size_t(index(u))] == 0)
                m_cut -= m_g.out(u);
    }
    void remove(int32_t v)
    {
        for (NodeId u : m_g.predecessors(nodeId(v)))
            if (m_remaining[size_t(index(u))]++ == 0)
                m_cut += m_g.out(u);
        if (m_remaining[size_t(v)] > 0)
            m_cut -= m_g.out(nodeId(v));
        m_work -= m_g.work(nodeId(v));
        m_in[size_t(v)] = 0;
    }
    void enumerate(int i, uint32_t mask)
    {
        if (int64_t(m_leaves.size()) >= m_opt.perBandCap)
            return;
        if (i == m_len) {
            const int32_t end = mask ? m_pos + 32 - std::countl_zero(mask) : m_pos;
            m_leaves.push_back({ m_work + m_cut / m_b, m_work - m_cut / m_b, m_pos, end, mask });
            return;
        }
        const int32_t v = m_order[size_t(m_pos + i)];
        bool closed = true;
        for (NodeId u : m_g.predecessors(nodeId(v)))
            closed = closed && m_in[size_t(index(u))];
        if (closed) {
            add(v);
            enumerate(i + 1, mask | (1u << i));
            remove(v);
        }
        enumerate(i + 1, mask);
    }
    void keepFront(std::vector<Candidate> &out)
    {
        std::sort(m_leaves.begin(), m_leaves.end(),
            [](const Candidate &a, const Candidate &b) { return a.hi < b.hi || (a.hi == b.hi && a.lo > b.lo); });
        double bestLo = kNone;
        for (const Candidate &c : m_leaves)
            if (c.lo > bestLo) {
                out.push_back(c);
                bestLo = c.lo;
            }
    }

    const Graph &m_g;
    double m_b;
    std::span<const int32_t> m_order;
    const BandChainOptions &m_opt;
    std::vector<char> m_in;
    std::vector<int32_t> m_remaining;
    double m_work = 0.0, m_cut = 0.0;
    int32_t m_pos = 0, m_len = 0;
    std::vector<Candidate> m_leaves;
};

// The chain DP over candidates sorted by position (band_chain.h): true when
// every stage can be kept <= t; `chain` gets the k - 1 candidate indices.
bool chainFits(const std::vector<Candidate> &cand, const std::vector<int32_t> &byEnd, int k, double total, double t,
    std::vector<int32_t> *chain)
{
    const size_t m = cand.size();
    std::vector<double> val(m), next(m);
    std::vector<std::vector<int32_t>> parent(chain ? size_t(std::max(0, k - 1)) : 0);
    for (auto &row : parent)
        row.assign(m, -1);
    for (size_t c = 0; c < m; ++c)
        val[c] = cand[c].hi <= t ? cand[c].lo : kNone;
    for (int j = 1; j < k - 1; ++j) {
        double best = kNone;
        int32_t arg = -1;
        size_t e = 0;
        for (size_t c = 0; c < m; ++c) {
            while (e < m && cand[size_t(byEnd[e])].end <= cand[c].pos) {
                if (val[size_t(byEnd[e])] > best) {
                    best = val[size_t(byEnd[e])];
                    arg = byEnd[e];
                }
                ++e;
            }
            const bool ok = best != kNone && best >= cand[c].hi - t;
            next[c] = ok ? cand[c].lo : kNone;
            if (chain)
                parent[size_t(j)][c] = ok ? arg : -1;
        }
        val.swap(next);
    }
    int32_t last = -1;
    for (size_t c = 0; c < m; ++c)
        if (val[c] != kNone && total - val[c] <= t && (last < 0 || val[c] > val[size_t(last)]))
            last = int32_t(c);
    if (last < 0)
        return false;
    if (chain) {
        chain->assign(size_t(k - 1), -1);
        for (int j = k - 2; j >= 0; --j) {
            (*chain)[size_t(j)] = last;
            last = j > 0 ? parent[size_t(j)][size_t(last)] : -1;
        }
    }
    return true;
}

// Orders of the units: by the start's stage, then a per-variant key.
std::vector<int32_t> unitOrder(const Graph &g, std::span<const int32_t> unitStage, int variant)
{
    const int32_t n = g.nodeCount();
    std::vector<int64_t> key(size_t(n), 0);
    const auto topo = g.topologicalOrder();
    if (variant == 0 || variant == 1) {
        std::vector<int64_t> depth(size_t(n), 0);
        if (variant == 0) // ASAP: longest path from a source
            for (NodeId v : topo)
                for (NodeId s : g.successors(v))
                    depth[size_t(index(s))] = std::max(depth[size_t(index(s))], depth[size_t(index(v))] + 1);
        else // ALAP: minus the longest path to a sink
            for (auto it = topo.rbegin(); it != topo.rend(); ++it)
                for (NodeId s : g.successors(*it))
                    depth[size_t(index(*it))] = std::min(depth[size_t(index(*it))], depth[size_t(index(s))] - 1);
        key = std::move(depth);
    } else
        for (int32_t v = 0; v < n; ++v)
            key[size_t(v)] = g.topoPosition(nodeId(v));
    std::vector<int32_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        if (unitStage[size_t(a)] != unitStage[size_t(b)])
            return unitStage[size_t(a)] < unitStage[size_t(b)];
        if (key[size_t(a)] != key[size_t(b)])
            return key[size_t(a)] < key[size_t(b)];
        return g.topoPosition(nodeId(a)) < g.topoPosition(nodeId(b));
    });
    return order;
}

// Unit stages from a chain of candidates over `order`.
std::vector<int32_t> stagesOfChain(
    const std::vector<Candidate> &cand, const std::vector<int32_t> &chain, std::span<const int32_t> order)
{
    std::vector<int32_t> stage(order.size(), 0);
    for (size_t q = 0; q < order.size(); ++q) {
        int s = 0;
        for (int32_t c : chain) {
            const Candidate &x = cand[size_t(c)];
            const int32_t q32 = int32_t(q);
            const bool inside = q32 < x.pos || (q32 < x.pos + 32 && q32 < x.end && (x.mask >> (q32 - x.pos)) & 1u);
            s += inside ? 0 : 1;
        }
        stage[size_t(order[q])] = s;
    }
    return stage;
}

// One order: candidates, bisection, the chain's partition of the original nodes.
std::optional<Partition> bestChain(const Graph &graph, const CostParams &params, const Contraction &units,
    std::span<const int32_t> order, int k, double upper, const StopToken &stop, const Deadline &deadline,
    const BandChainOptions &options)
{
    const Graph &g = units.graph;
    std::vector<Candidate> cand;
    CandidateBuilder builder(g, params.bandwidth, order, options);
    if (!builder.build(cand, stop, deadline) || cand.empty())
        return std::nullopt;
    std::vector<int32_t> byEnd(cand.size());
    std::iota(byEnd.begin(), byEnd.end(), 0);
    std::stable_sort(
        byEnd.begin(), byEnd.end(), [&](int32_t a, int32_t b) { return cand[size_t(a)].end < cand[size_t(b)].end; });
    const double total = g.totalWork();
    double lo = total / k, hi = upper * (1 + 1e-9); // rounding of the incremental sums
    std::vector<int32_t> chain;
    if (!chainFits(cand, byEnd, k, total, hi, nullptr))
        return std::nullopt;
    for (int i = 0; i < kBisectionSteps && !stop.stopRequested() && !deadline.expired(); ++i) {
        const double mid = 0.5 * (lo + hi);
        if (chainFits(cand, byEnd, k, total, mid, nullptr))
            hi = mid;
        else
            lo = mid;
    }
    chainFits(cand, byEnd, k, total, hi, &chain);
    const std::vector<int32_t> unitStage = stagesOfChain(cand, chain, order);
    Partition p(graph.nodeCount(), k);
    for (int32_t v = 0; v < graph.nodeCount(); ++v)
        p.setStage(nodeId(v), stageId(unitStage[size_t(units.nodeToContracted[size_t(v)])]));
    if (!checkFeasibility(graph, params, p, 1).empty())
        return std::nullopt;
    return p;
}

} // namespace

BandChainOutcome bandChainSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    const Partition &start, const StopToken &stop, const Deadline &deadline, const BandChainOptions &options)
{
    BandChainOutcome best { start, evaluate(graph, params, start).bottleneck, 0 };
    const int k = start.k();
    if (params.hasDevices() || k < 2 || options.bandLength < 1 || options.bandLength > 32 || options.step < 1)
        return best;
    constexpr int kVariants = 3;
    int failures = 0;
    for (int round = 0; round < options.maxRounds * kVariants && failures < kVariants; ++round) {
        if (stop.stopRequested() || deadline.expired())
            break;
        std::vector<int32_t> unitStage(size_t(units.graph.nodeCount()), 0);
        for (int32_t v = 0; v < graph.nodeCount(); ++v)
            unitStage[size_t(units.nodeToContracted[size_t(v)])] = index(best.partition.stage(nodeId(v)));
        const std::vector<int32_t> order = unitOrder(units.graph, unitStage, round % kVariants);
        auto p = bestChain(graph, params, units, order, k, best.bottleneck, stop, deadline, options);
        const double t = p ? evaluate(graph, params, *p).bottleneck : best.bottleneck;
        if (p && t < best.bottleneck * (1 - 1e-12)) {
            best = { std::move(*p), t, best.rounds + 1 };
            failures = 0;
        } else
            ++failures;
    }
    return best;
}

} // namespace pipecut
