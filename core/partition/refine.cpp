#include "core/partition/refine.h"

#include "core/cost/evaluate.h"
#include "core/partition/methods.h"
#include "core/partition/slice.h"
#include "core/util/rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pipecut {

namespace {

class Refiner {
public:
    Refiner(const Graph &g, const CostParams &params, const Partition &start, const Contraction &units)
        : m_g(g)
        , m_params(params)
        , m_units(units)
        , m_stage(start.stages().begin(), start.stages().end())
        , m_k(start.k())
        , m_mark(g.nodeCount(), 0)
        , m_inX(g.nodeCount(), 0)
    {
        resum();
    }

    double bottleneck() const { return *std::max_element(m_cost.begin(), m_cost.end()); }
    Partition partition() const { return Partition(m_stage, m_k); }

    // One improving move; false when none exists.
    bool step()
    {
        const double T = bottleneck();
        const double eps = 1e-12 * std::max(T, 1e-300);
        for (int s = 0; s < m_k; ++s) {
            if (m_cost[s] < T - eps)
                continue;
            double bestScore = T - eps;
            int32_t bestUnit = -1;
            int bestTarget = -1;
            const int32_t units = static_cast<int32_t>(m_units.memberOffset.size()) - 1;
            for (int32_t x = 0; x < units; ++x) {
                const auto members = m_units.members(x);
                if (m_stage[index(members[0])] != s)
                    continue;
                for (int t : { s - 1, s + 1 }) {
                    if (t < 0 || t >= m_k || !movable(members, s, t))
                        continue;
                    const double score = scoreMove(members, s, t);
                    if (score < bestScore) {
                        bestScore = score;
                        bestUnit = x;
                        bestTarget = t;
                    }
                }
            }
            if (bestUnit >= 0) {
                apply(m_units.members(bestUnit), s, bestTarget);
                if (++m_moves % 1024 == 0)
                    resum();
                return true;
            }
        }
        return false;
    }

    int64_t moves() const { return m_moves; }

    // One pass of the plateau descent over the units in `order`: each unit
    // takes the best stage in its movable range when that lowers the score
    // (T, stages at T, sum of squared costs) lexicographically. Returns the
    // number of moves made.
    int64_t plateauPass(std::span<const int32_t> order, const StopToken &stop, const Deadline &deadline)
    {
        int64_t made = 0;
        int polled = 0;
        for (int32_t x : order) {
            if ((++polled & 63) == 0 && (stop.stopRequested() || deadline.expired()))
                break;
            const auto members = m_units.members(x);
            const int s = m_stage[index(members[0])];
            const auto [lo, hi] = markRange(members);
            if (lo == hi)
                continue;
            const Score now = score();
            Score best = now;
            int bestTarget = -1;
            for (int t = lo; t <= hi; ++t) {
                if (t == s || !m_params.fitsMemory(t, m_param[t] + m_xParam))
                    continue;
                double cs, ct;
                newCosts(members, s, t, cs, ct);
                const Score sc = scoreWith(s, cs, t, ct);
                if (sc.better(best)) {
                    best = sc;
                    bestTarget = t;
                }
            }
            if (bestTarget >= 0) {
                markRange(members);
                apply(members, s, bestTarget);
                ++made;
                if (++m_moves % 1024 == 0)
                    resum();
            }
        }
        return made;
    }

    // Plateau passes until one makes no move (at most maxPasses).
    void descend(std::span<const int32_t> order, const StopToken &stop, const Deadline &deadline, int maxPasses)
    {
        for (int pass = 0; pass < maxPasses && !stop.stopRequested() && !deadline.expired(); ++pass)
            if (plateauPass(order, stop, deadline) == 0)
                break;
    }

    // One random feasible move of a random unit, whatever it costs (the kick
    // of the iterated search); false when the drawn unit cannot move.
    bool randomMove(Rng &rng)
    {
        const int32_t units = static_cast<int32_t>(m_units.memberOffset.size()) - 1;
        const int32_t x = static_cast<int32_t>(rng.between(0, units - 1));
        const auto members = m_units.members(x);
        const int s = m_stage[index(members[0])];
        const auto [lo, hi] = markRange(members);
        if (lo == hi)
            return false;
        int t = static_cast<int>(rng.between(lo, hi - 1));
        t += t >= s ? 1 : 0;
        if (!m_params.fitsMemory(t, m_param[t] + m_xParam))
            return false;
        apply(members, s, t);
        if (++m_moves % 1024 == 0)
            resum();
        return true;
    }

    struct Snapshot {
        std::vector<int32_t> stage;
        std::vector<double> work, param, comm, cost;
    };
    Snapshot save() const { return { m_stage, m_work, m_param, m_comm, m_cost }; }
    void restore(const Snapshot &s)
    {
        m_stage = s.stage;
        m_work = s.work;
        m_param = s.param;
        m_comm = s.comm;
        m_cost = s.cost;
    }

private:
    // Lexicographic score of the plateau descent: the bottleneck, then how
    // many stages reach it, then the sum of squared stage costs (which rewards
    // lower communication and balance, so moves can cross plateaus of T).
    struct Score {
        double top = 0;
        int atTop = 0;
        double squares = 0;
        bool better(const Score &o) const
        {
            const double eps = 1e-12 * std::max(std::abs(o.top), 1e-300);
            if (top < o.top - eps)
                return true;
            if (top > o.top + eps)
                return false;
            if (atTop != o.atTop)
                return atTop < o.atTop;
            return squares < o.squares - 1e-12 * std::max(o.squares, 1e-300);
        }
    };

    Score score() const { return scoreWith(-1, 0, -1, 0); }

    // The score when stages s and t (or none, when -1) cost cs and ct.
    Score scoreWith(int s, double cs, int t, double ct) const
    {
        Score sc;
        auto cost = [&](int b) { return b == s ? cs : b == t ? ct : m_cost[b]; };
        for (int b = 0; b < m_k; ++b)
            sc.top = std::max(sc.top, cost(b));
        const double eps = 1e-12 * std::max(sc.top, 1e-300);
        for (int b = 0; b < m_k; ++b) {
            const double c = cost(b);
            sc.atTop += c >= sc.top - eps ? 1 : 0;
            sc.squares += c * c;
        }
        return sc;
    }

    // Marks X in m_inX and returns the stages it may move to: at or after the
    // stages of its outside inputs, at or before those of its outside consumers.
    std::pair<int, int> markRange(std::span<const NodeId> members)
    {
        ++m_stampX;
        m_xParam = 0;
        for (NodeId v : members) {
            m_inX[index(v)] = m_stampX;
            m_xParam += m_g.param(v);
        }
        int lo = 0, hi = m_k - 1;
        for (NodeId v : members) {
            for (NodeId u : m_g.predecessors(v))
                if (m_inX[index(u)] != m_stampX)
                    lo = std::max(lo, m_stage[index(u)]);
            for (NodeId w : m_g.successors(v))
                if (m_inX[index(w)] != m_stampX)
                    hi = std::min(hi, m_stage[index(w)]);
        }
        return { lo, hi };
    }

    // The costs of stages s and t after X (marked) moves from s to t.
    void newCosts(std::span<const NodeId> members, int s, int t, double &cs, double &ct)
    {
        double dS, dT, ws = 0, wt = 0, p = 0;
        commDelta(members, s, t, dS, dT);
        for (NodeId v : members) {
            ws += workOn(s, v);
            wt += workOn(t, v);
            p += m_g.param(v);
        }
        cs = m_params.stageCost(s, m_work[s] - ws, std::max(0.0, m_comm[s] + dS), 0, m_param[s] - p);
        ct = m_params.stageCost(t, m_work[t] + wt, std::max(0.0, m_comm[t] + dT), 0, m_param[t] + p);
    }

    bool movable(std::span<const NodeId> members, int s, int t)
    {
        ++m_stampX;
        double param = 0;
        for (NodeId v : members) {
            m_inX[index(v)] = m_stampX;
            param += m_g.param(v);
        }
        if (!m_params.fitsMemory(t, m_param[t] + param))
            return false;
        for (NodeId v : members) {
            if (t > s) {
                for (NodeId w : m_g.successors(v))
                    if (m_inX[index(w)] != m_stampX && m_stage[index(w)] < t)
                        return false;
            } else {
                for (NodeId u : m_g.predecessors(v))
                    if (m_inX[index(u)] != m_stampX && m_stage[index(u)] > t)
                        return false;
            }
        }
        return true;
    }

    // Change of the communication of stages s and t when X (marked in m_inX
    // by movable()) moves from s to t; visits each affected tensor once.
    void commDelta(std::span<const NodeId> members, int s, int t, double &dS, double &dT)
    {
        dS = dT = 0;
        ++m_stampT;
        auto tensor = [&](NodeId u) {
            if (m_mark[index(u)] == m_stampT)
                return;
            m_mark[index(u)] = m_stampT;
            const bool uInX = m_inX[index(u)] == m_stampX;
            const int before = m_stage[index(u)];
            const int after = uInX ? t : before;
            bool bS = false, bT = false, bOther = false, aS = false, aT = false, aOther = false;
            for (NodeId w : m_g.successors(u)) {
                const int sb = m_stage[index(w)];
                const int sa = m_inX[index(w)] == m_stampX ? t : sb;
                bS |= sb == s;
                bT |= sb == t;
                bOther |= sb != before;
                aS |= sa == s;
                aT |= sa == t;
                aOther |= sa != after;
            }
            auto paid = [](int q, int home, bool inQ, bool leaves) {
                return (home != q && inQ ? 1 : 0) + (home == q && leaves ? 1 : 0);
            };
            const double o = m_g.out(u);
            dS += o * (paid(s, after, aS, aOther) - paid(s, before, bS, bOther));
            dT += o * (paid(t, after, aT, aOther) - paid(t, before, bT, bOther));
        };
        for (NodeId v : members) {
            tensor(v);
            for (NodeId u : m_g.predecessors(v))
                tensor(u);
        }
    }

    // Node v's work on stage q's device (core/cost/device_work.h), before its speed.
    double workOn(int q, NodeId v) const
    {
        return m_deviceWork ? m_params.workOn(q, index(v), m_g.work(v)) : m_g.work(v);
    }

    double scoreMove(std::span<const NodeId> members, int s, int t)
    {
        double cs, ct;
        newCosts(members, s, t, cs, ct);
        return std::max(cs, ct);
    }

    void apply(std::span<const NodeId> members, int s, int t)
    {
        movable(members, s, t); // re-mark X
        double dS, dT, ws = 0, wt = 0, p = 0;
        commDelta(members, s, t, dS, dT);
        for (NodeId v : members) {
            ws += workOn(s, v);
            wt += workOn(t, v);
            p += m_g.param(v);
            m_stage[index(v)] = t;
        }
        m_work[s] -= ws;
        m_work[t] += wt;
        m_param[s] -= p;
        m_param[t] += p;
        m_comm[s] += dS;
        m_comm[t] += dT;
        for (int q : { s, t })
            m_cost[q] = m_params.stageCost(q, m_work[q], std::max(0.0, m_comm[q]), 0, m_param[q]);
    }

    void resum()
    {
        const Evaluation ev = evaluate(m_g, m_params, Partition(m_stage, m_k));
        m_work.resize(m_k);
        m_param.resize(m_k);
        m_comm.resize(m_k);
        m_cost.resize(m_k);
        for (int b = 0; b < m_k; ++b) {
            m_work[b] = ev.stages[b].work;
            m_param[b] = ev.stages[b].param;
            m_comm[b] = ev.stages[b].commIn + ev.stages[b].commOut;
            m_cost[b] = ev.stages[b].cost;
        }
    }

    const Graph &m_g;
    const CostParams &m_params;
    const Contraction &m_units;
    const bool m_deviceWork = m_params.hasDeviceWork();
    std::vector<int32_t> m_stage;
    int m_k;
    std::vector<double> m_work, m_param, m_comm, m_cost;
    std::vector<int64_t> m_mark, m_inX;
    int64_t m_stampT = 0, m_stampX = 0;
    int64_t m_moves = 0;
    double m_xParam = 0;
};

} // namespace

namespace {

// Runs `search` on a Refiner over `start`; never returns anything worse than
// `start` (costs are re-evaluated from scratch, so drift cannot mislead).
template <class Search>
RefineOutcome runRefiner(
    const Graph &graph, const CostParams &params, const Partition &start, const Contraction *units, Search search)
{
    Contraction own;
    if (!units) {
        auto c = contractGroups(graph);
        assert(c.ok());
        own = std::move(c).value();
        units = &own;
    }
    RefineOutcome out;
    const double before = bottleneckOf(graph, params, start.stages(), start.k());
    Refiner r(graph, params, start, *units);
    search(r, *units);
    out.partition = r.partition();
    out.bottleneck = bottleneckOf(graph, params, out.partition.stages(), out.partition.k());
    out.moves = r.moves();
    if (out.bottleneck > before) {
        out.partition = start;
        out.bottleneck = before;
    }
    return out;
}

} // namespace

RefineOutcome refinePartition(const Graph &graph, const CostParams &params, const Partition &start,
    const StopToken &stop, const Deadline &deadline, const Contraction *units)
{
    return runRefiner(graph, params, start, units, [&](Refiner &r, const Contraction &) {
        const int64_t maxRounds = 20 * int64_t(graph.nodeCount()) + 100;
        for (int64_t round = 0; round < maxRounds; ++round) {
            if ((round & 15) == 0 && (stop.stopRequested() || deadline.expired()))
                break;
            if (!r.step())
                break;
        }
    });
}

RefineOutcome refineIterated(const Graph &graph, const CostParams &params, const Partition &start,
    const StopToken &stop, const Deadline &deadline, const IteratedOptions &options, const Contraction *units)
{
    return runRefiner(graph, params, start, units, [&](Refiner &r, const Contraction &c) {
        std::vector<int32_t> order(c.graph.nodeCount());
        std::iota(order.begin(), order.end(), 0);
        if (order.empty())
            return;
        Rng rng(options.seed);
        r.descend(order, stop, deadline, options.maxPasses);
        Refiner::Snapshot current = r.save(), best = current;
        double currentT = r.bottleneck(), bestT = currentT;
        for (int64_t it = 0; it < options.iterations && !stop.stopRequested() && !deadline.expired(); ++it) {
            const int kicks = 1 + static_cast<int>(rng.between(0, std::max(1, options.kicks) - 1));
            for (int j = 0, tries = 0; j < kicks && tries < 8 * kicks; ++tries)
                j += r.randomMove(rng) ? 1 : 0;
            r.descend(order, stop, deadline, options.maxPasses);
            const double t = r.bottleneck();
            if (t <= currentT * (1 + 1e-12)) { // sideways steps walk the plateau
                current = r.save();
                currentT = t;
                if (t < bestT * (1 - 1e-12)) {
                    best = current;
                    bestT = t;
                }
            } else {
                r.restore(current);
            }
        }
        r.restore(best);
    });
}

RefineOutcome refinePlateau(const Graph &graph, const CostParams &params, const Partition &start, const StopToken &stop,
    const Deadline &deadline, const Contraction *units, int maxPasses)
{
    return runRefiner(graph, params, start, units, [&](Refiner &r, const Contraction &c) {
        std::vector<int32_t> order(c.graph.nodeCount());
        std::iota(order.begin(), order.end(), 0);
        r.descend(order, stop, deadline, maxPasses);
    });
}

Result<PartitionResult> runRefineMethod(const MethodContext &ctx)
{
    Partition start;
    std::string from;
    if (ctx.options.start) {
        if (auto s = validatePartition(ctx.graph, ctx.params, *ctx.options.start); !s)
            return makeError("refine needs a feasible starting partition: " + s.error());
        start = *ctx.options.start;
        from = "the given partition";
    } else {
        auto sliced = sliceOrder(ctx.graph, ctx.params, ctx.order(), ctx.options.k, &ctx.stop);
        if (!sliced)
            return makeError("refine: " + sliced.error());
        start = std::move(sliced->partition);
        from = "the slice of the default order";
    }
    RefineOutcome o = refinePartition(ctx.graph, ctx.params, start, ctx.stop, ctx.deadline);
    PartitionResult r;
    r.partition = std::move(o.partition);
    r.method = "refine";
    r.notes.push_back("refine started from " + from + " and made " + std::to_string(o.moves) + " moves");
    return r;
}

} // namespace pipecut
