#include "core/partition/lns.h"

#include "core/cost/evaluate.h"
#include "core/partition/relink.h"
#include "core/partition/slicegraph.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

namespace pipecut {

namespace {

constexpr int kMaxWindow = 3;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxPasses = 100;

// The exact re-assignment of the units of stages s .. s+w-1 (lns.h).
class WindowSearch {
public:
    WindowSearch(const Graph &g, const CostParams &params, const Contraction &units, std::vector<int32_t> &stage, int s,
        int w, int64_t maxVisits)
        : m_params(params)
        , m_stage(stage)
        , m_s(s)
        , m_w(w)
        , m_maxVisits(maxVisits)
    {
        collect(g, units);
        m_sideOfMember.assign(m_member.size(), -1);
    }

    // True when a better assignment was written into the stage vector.
    bool run(const StopToken &stop, const Deadline &deadline)
    {
        if (m_unit.empty())
            return false;
        m_stopToken = &stop;
        m_deadline = &deadline;
        m_side.assign(m_unit.size(), -1);
        search(0);
        // A search cut short by the visit cap still returns its best leaf.
        if (!m_haveFirst || !(m_best < m_first) || m_bestSide == m_initialSide)
            return false;
        for (size_t i = 0; i < m_unit.size(); ++i)
            for (int32_t m : m_unit[i].members)
                m_stage[m_member[m].node] = m_s + m_bestSide[i];
        return true;
    }
    int64_t visits() const { return m_visits; }

private:
    struct Unit {
        std::vector<int32_t> members; // local member indices
        std::vector<int32_t> preds; // local unit indices inside the window
        std::array<double, kMaxWindow> work {}; // on the device of each stage of the window
        double param = 0;
    };
    struct Member {
        int32_t node = 0;
        double out = 0;
        bool later = false; // read by a stage after the window
        std::vector<int32_t> preds; // >= 0: local member; < 0: -(external index) - 1
    };
    // The window's stage costs sorted decreasingly, compared lexicographically
    // (leximax): a window that lowers it lowers the sorted vector of all stage
    // costs, so the descent cannot cycle.
    struct Score {
        std::array<double, kMaxWindow> cost { kInf, kInf, kInf };
        double max() const { return cost[0]; }
        bool operator<(const Score &o) const
        {
            for (int t = 0; t < kMaxWindow; ++t) {
                if (cost[t] < o.cost[t] * (1 - 1e-12))
                    return true;
                if (cost[t] > o.cost[t] * (1 + 1e-12))
                    return false;
            }
            return false;
        }
    };

    void collect(const Graph &g, const Contraction &units)
    {
        const int32_t n = g.nodeCount();
        std::vector<int32_t> localUnit(units.graph.nodeCount(), -1), localMember(n, -1), external(n, -1);
        std::vector<int32_t> order;
        for (int32_t v = 0; v < n; ++v)
            if (inWindow(v) && localUnit[units.nodeToContracted[v]] < 0) {
                localUnit[units.nodeToContracted[v]] = 0;
                order.push_back(units.nodeToContracted[v]);
            }
        std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
            return units.graph.topoPosition(nodeId(a)) < units.graph.topoPosition(nodeId(b));
        });
        m_unit.resize(order.size());
        for (size_t i = 0; i < order.size(); ++i) {
            localUnit[order[i]] = int32_t(i);
            m_initialSide.push_back(m_stage[index(units.members(order[i])[0])] - m_s);
            for (NodeId u : units.members(order[i])) {
                localMember[index(u)] = int32_t(m_member.size());
                m_unit[i].members.push_back(int32_t(m_member.size()));
                for (int t = 0; t < m_w; ++t) // per-device work (docs/model.md §1.7)
                    m_unit[i].work[static_cast<size_t>(t)] += m_params.workOn(m_s + t, index(u), g.work(u));
                m_unit[i].param += g.param(u);
                m_member.push_back({ index(u), g.out(u), false, {} });
            }
        }
        for (size_t i = 0; i < order.size(); ++i)
            for (NodeId p : units.graph.predecessors(nodeId(order[i])))
                if (localUnit[index(p)] >= 0)
                    m_unit[i].preds.push_back(localUnit[index(p)]);
        for (Member &m : m_member) {
            for (NodeId c : g.successors(nodeId(m.node)))
                m.later = m.later || m_stage[index(c)] >= m_s + m_w;
            for (NodeId p : g.predecessors(nodeId(m.node))) {
                if (localMember[index(p)] >= 0) {
                    m.preds.push_back(localMember[index(p)]);
                    continue;
                }
                if (external[index(p)] < 0) {
                    external[index(p)] = int32_t(m_externalOut.size());
                    m_externalOut.push_back(g.out(p));
                }
                m.preds.push_back(-external[index(p)] - 1);
            }
        }
        m_extCount.assign(m_externalOut.size() * kMaxWindow, 0);
        m_readCount.assign(m_member.size() * kMaxWindow, 0);
        m_writeCount.assign(m_member.size(), 0);
    }
    bool inWindow(int32_t v) const { return m_stage[v] >= m_s && m_stage[v] < m_s + m_w; }

    // Adds (sign +1) or removes (-1) unit i on side t; counters make every
    // tensor count once per reading stage and once for its writer.
    void apply(size_t i, int t, int sign)
    {
        const Unit &x = m_unit[i];
        m_work[t] += sign * x.work[static_cast<size_t>(t)];
        m_param[t] += sign * x.param;
        for (int32_t mi : x.members) {
            const Member &m = m_member[mi];
            if (m.later)
                write(mi, sign);
            for (int32_t p : m.preds) {
                if (p < 0) {
                    int32_t &c = m_extCount[size_t(-p - 1) * kMaxWindow + t];
                    if ((sign > 0 && c++ == 0) || (sign < 0 && --c == 0))
                        m_in[t] += sign * m_externalOut[size_t(-p - 1)];
                    continue;
                }
                const int tp = sideOf(p);
                if (tp == t)
                    continue;
                int32_t &c = m_readCount[size_t(p) * kMaxWindow + t];
                if ((sign > 0 && c++ == 0) || (sign < 0 && --c == 0)) {
                    m_in[t] += sign * m_member[p].out;
                    write(p, sign);
                }
            }
        }
    }
    void write(int32_t mi, int sign)
    {
        int32_t &c = m_writeCount[mi];
        if ((sign > 0 && c++ == 0) || (sign < 0 && --c == 0))
            m_out[sideOf(mi)] += sign * m_member[mi].out;
    }
    int sideOf(int32_t mi) const { return m_sideOfMember[mi]; }

    // Stage s + t runs on device s + t (docs/model.md §1.7).
    double cost(int t) const { return m_params.stageCost(m_s + t, m_work[t], m_in[t], m_out[t], m_param[t]); }
    Score score() const
    {
        Score sc;
        sc.cost.fill(0.0);
        for (int t = 0; t < m_w; ++t)
            sc.cost[t] = cost(t);
        std::sort(sc.cost.begin(), sc.cost.end(), std::greater<double>());
        return sc;
    }
    bool withinBest() const
    {
        for (int t = 0; t < m_w; ++t)
            if (cost(t) > m_best.max() * (1 + 1e-12) || !m_params.fitsMemory(m_s + t, m_param[t]))
                return false;
        return true;
    }

    void search(size_t i)
    {
        if (m_aborted)
            return;
        if (++m_visits > m_maxVisits
            || ((m_visits & 1023) == 0 && (m_stopToken->stopRequested() || m_deadline->expired()))) {
            m_aborted = true;
            return;
        }
        if (i == m_unit.size()) {
            const Score sc = score();
            if (!m_haveFirst) {
                m_haveFirst = true;
                m_first = sc;
                m_best = sc;
                m_bestSide = m_side;
            } else if (sc < m_best) {
                m_best = sc;
                m_bestSide = m_side;
            }
            return;
        }
        int lo = 0;
        for (int32_t p : m_unit[i].preds)
            lo = std::max(lo, m_side[p]);
        std::array<int, kMaxWindow> sides {};
        int count = 0;
        if (m_initialSide[i] >= lo)
            sides[count++] = m_initialSide[i];
        for (int t = lo; t < m_w; ++t)
            if (t != m_initialSide[i])
                sides[count++] = t;
        for (int c = 0; c < count && !m_aborted; ++c) {
            const int t = sides[c];
            m_side[i] = t;
            for (int32_t mi : m_unit[i].members)
                m_sideOfMember[mi] = t;
            apply(i, t, +1);
            if (!m_haveFirst || withinBest())
                search(i + 1);
            apply(i, t, -1);
        }
        m_side[i] = -1;
    }

    const CostParams &m_params;
    std::vector<int32_t> &m_stage;
    int m_s, m_w;
    int64_t m_maxVisits, m_visits = 0;
    const StopToken *m_stopToken = nullptr;
    const Deadline *m_deadline = nullptr;
    std::vector<Unit> m_unit;
    std::vector<Member> m_member;
    std::vector<double> m_externalOut;
    std::vector<int32_t> m_extCount, m_readCount, m_writeCount;
    std::vector<int> m_side, m_initialSide, m_bestSide;
    std::vector<int> m_sideOfMember;
    std::array<double, kMaxWindow> m_work {}, m_param {}, m_in {}, m_out {};
    Score m_first, m_best;
    bool m_haveFirst = false, m_aborted = false;
};

} // namespace

WindowOutcome windowDescent(const Graph &graph, const CostParams &params, const Contraction &units,
    const Partition &start, const StopToken &stop, const Deadline &deadline, int maxWidth, int64_t maxVisits)
{
    const int k = start.k();
    std::vector<int32_t> stage(start.stages().begin(), start.stages().end());
    WindowOutcome out;
    maxWidth = std::clamp(maxWidth, 2, kMaxWindow);
    for (bool changed = true; changed && out.passes < kMaxPasses; ++out.passes) {
        changed = false;
        for (int w = 2; w <= std::min(maxWidth, k); ++w)
            for (int s = 0; s + w <= k; ++s) {
                if (stop.stopRequested() || deadline.expired())
                    break;
                WindowSearch ws(graph, params, units, stage, s, w, maxVisits);
                if (ws.run(stop, deadline)) {
                    changed = true;
                    ++out.improvements;
                }
                out.visits += ws.visits();
            }
        if (stop.stopRequested() || deadline.expired())
            break;
    }
    out.bottleneck = bottleneckOf(graph, params, stage, k);
    out.partition = Partition(std::move(stage), k);
    return out;
}

namespace {

// The best partition over the workers of timedSearch.
class Incumbent {
public:
    Incumbent(Partition p, double t)
        : m_partition(std::move(p))
        , m_bottleneck(t)
    {
    }
    void offer(const Partition &p, double t)
    {
        std::lock_guard lock(m_mutex);
        if (t < m_bottleneck) {
            m_partition = p;
            m_bottleneck = t;
        }
    }
    std::pair<Partition, double> get() const
    {
        std::lock_guard lock(m_mutex);
        return { m_partition, m_bottleneck };
    }

private:
    mutable std::mutex m_mutex;
    Partition m_partition;
    double m_bottleneck;
};

// The elite pool of timedSearch: the best kEliteSize distinct partitions its
// rounds produced, sorted by bottleneck (ties keep the earlier).
class ElitePool {
public:
    static constexpr size_t kEliteSize = 8;
    void offer(const Partition &p, double t)
    {
        std::lock_guard lock(m_mutex);
        if (std::any_of(m_elite.begin(), m_elite.end(), [&](const auto &e) { return e.second == p; }))
            return;
        auto at
            = std::upper_bound(m_elite.begin(), m_elite.end(), t, [](double x, const auto &e) { return x < e.first; });
        m_elite.insert(at, { t, p });
        if (m_elite.size() > kEliteSize)
            m_elite.pop_back();
    }
    // The best member and the one `pick` chooses among the others; none while
    // the pool holds fewer than two.
    std::optional<std::pair<Partition, Partition>> pair(uint64_t pick) const
    {
        std::lock_guard lock(m_mutex);
        if (m_elite.size() < 2)
            return std::nullopt;
        return std::pair { m_elite[0].second, m_elite[1 + pick % (m_elite.size() - 1)].second };
    }

private:
    mutable std::mutex m_mutex;
    std::vector<std::pair<double, Partition>> m_elite;
};

} // namespace

TimedSearchOutcome timedSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    const Partition &start, const StopToken &stop, const Deadline &deadline, const TimedSearchOptions &options)
{
    const int k = start.k();
    Incumbent best(start, bottleneckOf(graph, params, start.stages(), k));
    std::atomic<int> rounds { 0 };
    std::atomic<int64_t> windows { 0 };
    const int threads
        = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    ElitePool elite;
    elite.offer(start, best.get().second);
    std::atomic<int> relinks { 0 };
    auto worker = [&](int t) {
        for (int r = 0, round = 0; !stop.stopRequested() && deadline.remaining() > 0.05; ++round) {
            // Every third round relinks the best elite with another (relink.h).
            if (round % 3 == 2) {
                const uint64_t pick = options.seed * 0x9e3779b97f4a7c15ULL + uint64_t(t) * 7919ULL + uint64_t(round);
                if (auto p = elite.pair(pick)) {
                    const RelinkOutcome rl = relinkSearch(graph, params, units, p->first, p->second, stop,
                        Deadline(std::min(deadline.remaining(), 4.0 * double(1 << std::min(r, 8)))));
                    relinks += rl.improved ? 1 : 0;
                    best.offer(rl.partition, rl.bottleneck);
                    elite.offer(rl.partition, rl.bottleneck);
                    continue;
                }
            }
            SliceGraphOptions o;
            o.k = k;
            o.population = 100 << std::min(r / 2, 4);
            o.generations = 1'000'000; // the time slice ends the run
            o.seed = options.seed * 0x9e3779b97f4a7c15ULL + uint64_t(t) * 1'000'003ULL + uint64_t(r) + 1;
            o.threads = 1;
            if (r % 2 == 1)
                o.warmStart = best.get().first;
            const Deadline slice(std::min(deadline.remaining(), 4.0 * double(1 << std::min(r, 8))));
            auto run = runBrkga(graph, params, units, o, stop, slice);
            ++rounds;
            ++r;
            if (!run || !std::isfinite(run->bottleneck))
                continue;
            best.offer(run->partition, run->bottleneck);
            WindowOutcome w = windowDescent(graph, params, units, run->partition, stop, deadline);
            windows += w.improvements;
            best.offer(w.partition, w.bottleneck);
            elite.offer(w.partition, w.bottleneck);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker, t);
    worker(0);
    for (auto &th : pool)
        th.join();
    TimedSearchOutcome out;
    std::tie(out.partition, out.bottleneck) = best.get();
    out.rounds = rounds;
    out.windowImprovements = windows;
    out.relinkImprovements = relinks;
    return out;
}

} // namespace pipecut
