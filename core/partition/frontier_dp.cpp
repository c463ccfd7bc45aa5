#include "core/partition/frontier_dp.h"

#include "core/cost/evaluate.h"
#include "core/partition/memory_chain.h"
#include "core/partition/methods.h"
#include "core/partition/refine.h"
#include "core/partition/relaxed_chain.h"
#include "core/partition/slicegraph.h"
#include "core/util/limits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>

namespace pipecut {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative slack of the threshold and of the fit test: a proof at
// T = U (1 - kRel) claims U optimal up to this rounding.
constexpr double kRel = 1e-9;

using Bits = std::vector<uint64_t>;

bool hasBit(const uint64_t *b, int32_t x)
{
    return (b[x >> 6] >> (x & 63)) & 1;
}

// The extensions of one base ideal J: a DFS over units whose predecessors are
// all in J + S, each extension visited once (a branch only adds units queued
// after the last one it added; units it readies are queued at the end), with
// the sums of S = I \ J kept per added unit in O(degree).
class Extender {
public:
    Extender(const Graph &g, const CostParams &params, const Contraction &units)
        : m_g(g)
        , m_p(params)
        , m_u(units)
        , m_nu(units.graph.nodeCount())
        , m_place(g.nodeCount(), 0)
        , m_reads(g.nodeCount(), 0)
        , m_leaving(g.nodeCount(), 0)
        , m_missing(m_nu, 0)
        , m_deadReads(g.nodeCount(), 0)
        , m_outside(g.nodeCount(), 0)
        , m_heavy(m_nu, 0)
        , m_dead(m_nu, 0)
        , m_key1(m_nu)
        , m_key2(m_nu)
    {
        for (int32_t x = 0; x < m_nu; ++x) {
            double w = 0, sent = 0;
            for (NodeId v : units.members(x)) {
                w += g.work(v);
                for (NodeId y : g.successors(v))
                    if (units.nodeToContracted[index(y)] != x) {
                        sent += g.out(v);
                        break;
                    }
            }
            m_heavy[x] = w >= sent / params.bandwidth ? 1 : 0;
        }
        std::mt19937_64 rng(0x5eedf00dULL);
        for (int32_t x = 0; x < m_nu; ++x) {
            m_key1[x] = rng();
            m_key2[x] = rng();
        }
    }

    int32_t words() const { return (m_nu + 63) / 64; }
    uint64_t key1(int32_t x) const { return m_key1[x]; }
    uint64_t key2(int32_t x) const { return m_key2[x]; }

    // Loads J; computes its work, param and the tensors it sends out (outw).
    void load(const uint64_t *base)
    {
        baseWork = baseParam = baseOut = 0;
        baseUnits = 0;
        for (int32_t v = 0; v < m_g.nodeCount(); ++v)
            m_place[v] = hasBit(base, m_u.nodeToContracted[v]) ? 1 : 0;
        for (int32_t v = 0; v < m_g.nodeCount(); ++v) {
            if (!m_place[v])
                continue;
            baseWork += m_g.work(nodeId(v));
            baseParam += m_g.param(nodeId(v));
            int32_t outside = 0;
            for (NodeId w : m_g.successors(nodeId(v)))
                outside += m_place[index(w)] ? 0 : 1;
            m_outside[v] = outside;
            baseOut += outside > 0 ? m_g.out(nodeId(v)) : 0.0;
        }
        baseLeaving = baseOut;
        m_queue.clear();
        for (int32_t x = 0; x < m_nu; ++x) {
            if (hasBit(base, x)) {
                ++baseUnits;
                continue;
            }
            int32_t missing = 0;
            for (NodeId y : m_u.graph.predecessors(nodeId(x)))
                missing += hasBit(base, index(y)) ? 0 : 1;
            m_missing[x] = missing;
            if (missing == 0)
                m_queue.push_back(x);
        }
        work = param = in = out = 0;
        h1 = h2 = 0;
    }

    // What every extension must satisfy: f(S) < T, and the stages after
    // I = J + S (at least their work plus the tensors they receive) within
    // room, their parameters within paramRoom (docs/model.md §3.8 item 3, §3.11).
    struct Limits {
        double T = kInf;
        double room = kInf;
        double paramRoom = kInf;
    };

    // Walks every nonempty S with lower(S) < T that fits the memory limit,
    // except those the excluded units prove hopeless (docs/model.md §3.11); visit() ->
    // false ends the walk (then walk returns false), and so does poll() -> true,
    // asked every 1,024 steps, pruned ones included (a stop request).
    template <typename Visit> bool walk(const Limits &lim, Visit visit)
    {
        return walk(lim, visit, [] { return false; });
    }
    template <typename Visit, typename Poll> bool walk(const Limits &lim, Visit visit, Poll poll)
    {
        struct Step {
            size_t at; // position of the added unit in the queue
            size_t queued; // queue length before it readied its successors
            size_t dead; // length of the dead list when it was added
        };
        std::vector<Step> path;
        size_t next = 0;
        // x is excluded from the rest of this level: its descendants die;
        // the level ends when what is dead already rules every extension out.
        auto exclude = [&](int32_t x, size_t at) { return markDead(x, lim) ? m_queue.size() : at + 1; };
        for (uint32_t steps = 1;; ++steps) {
            if ((steps & 0x3ff) == 0 && poll()) {
                unwind(path);
                reviveTo(0);
                return false;
            }
            if (next < m_queue.size()) {
                const int32_t x = m_queue[next];
                add(x);
                if (!(lowerKnown() < lim.T) || !fits() || hopeless(lim)) {
                    drop(x);
                    next = exclude(x, next);
                    continue;
                }
                path.push_back({ next, m_queue.size(), m_deadList.size() });
                for (NodeId y : m_u.graph.successors(nodeId(x)))
                    if (--m_missing[index(y)] == 0)
                        m_queue.push_back(index(y));
                sunits.push_back(x);
                if (!visit()) {
                    unwind(path);
                    reviveTo(0);
                    return false;
                }
                next = path.back().at + 1;
                continue;
            }
            if (path.empty()) {
                reviveTo(0);
                return true;
            }
            reviveTo(path.back().dead);
            const size_t at = popStep(path.back().at, path.back().queued);
            path.pop_back();
            next = exclude(m_queue[at], at);
        }
    }

    double cost() const { return m_p.stageCost(work, std::max(0.0, in), std::max(0.0, out), param); }
    // f of every S' in the current subtree is at least this: S' has S's work
    // and inputs, and sends the tensors of S that dead units consume.
    double lowerKnown() const { return m_p.stageCost(work, std::max(0.0, in), std::max(0.0, outDead), param); }
    // Every I' = J + S' of the current subtree leaves the dead units to the
    // later stages, which receive the tensors of J and S they consume.
    bool hopeless(const Limits &lim) const
    {
        return !(deadWork + (std::max(0.0, outDead) + std::max(0.0, baseOutDead)) / m_p.bandwidth < lim.room)
            || deadParam > lim.paramRoom;
    }
    bool fits() const { return m_p.fitsMemory(param); }

    // Some ready heavy unit x outside S keeps f(S + x) < T within the memory
    // limit: then J + S + x dominates J + S (docs/model.md §3.11).
    bool dominated(const Limits &lim)
    {
        for (size_t i = 0; i < m_queue.size(); ++i) {
            const int32_t x = m_queue[i];
            if (!m_heavy[x] || m_place[index(m_u.members(x)[0])] == 2)
                continue;
            add(x);
            const bool fitsMore = cost() < lim.T && fits();
            drop(x);
            if (fitsMore)
                return true;
        }
        return false;
    }

    double baseWork = 0, baseParam = 0, baseOut = 0;
    double baseLeaving = 0; // tensors of J consumed outside J + S
    int32_t baseUnits = 0;
    int32_t unitCount() const { return m_nu; }
    double work = 0, param = 0, in = 0, out = 0; // of S
    // Dead units: descendants-or-self of units the walk has excluded from the
    // current subtree; no S' of it contains one. Their work and parameters,
    // and the tensors of S (outDead) and of J (baseOutDead) they consume.
    double deadWork = 0, deadParam = 0, outDead = 0, baseOutDead = 0;
    uint64_t h1 = 0, h2 = 0; // Zobrist hashes of S
    std::vector<int32_t> sunits; // the units of S, in the order added

private:
    template <typename Path> void unwind(Path &path)
    {
        while (!path.empty()) {
            popStep(path.back().at, path.back().queued);
            path.pop_back();
        }
    }

    size_t popStep(size_t at, size_t queued)
    {
        const int32_t x = m_queue[at];
        m_queue.resize(queued);
        for (NodeId y : m_u.graph.successors(nodeId(x)))
            ++m_missing[index(y)];
        sunits.pop_back();
        drop(x);
        return at;
    }

    // x and every descendant not yet dead die (none is in J or S: J is an
    // ideal and S holds no unit whose predecessor is still outside J + S).
    // Returns true, possibly before marking them all (a subset of the dead
    // units bounds as well), when no extension of S in the rest of the level
    // can pass: the dead overfill the stages left, or S's block reaches T.
    bool markDead(int32_t x, const Limits &lim)
    {
        m_stack.assign(1, x);
        m_dead[x] = 1;
        while (!m_stack.empty()) {
            const int32_t y = m_stack.back();
            m_stack.pop_back();
            m_deadList.push_back(y);
            setDead(y, 1);
            if (hopeless(lim) || !(lowerKnown() < lim.T)) {
                for (int32_t z : m_stack)
                    m_dead[z] = 0;
                return true;
            }
            for (NodeId z : m_u.graph.successors(nodeId(y)))
                if (!m_dead[index(z)]) {
                    m_dead[index(z)] = 1;
                    m_stack.push_back(index(z));
                }
        }
        return false;
    }

    // Revives the dead units after the first `keep` of the dead list.
    void reviveTo(size_t keep)
    {
        while (m_deadList.size() > keep) {
            const int32_t y = m_deadList.back();
            m_deadList.pop_back();
            m_dead[y] = 0;
            setDead(y, -1);
        }
        if (m_deadList.empty())
            deadWork = deadParam = outDead = baseOutDead = 0; // no drift across walks
    }

    // Unit y turns dead (sign 1) or alive (-1): its sums, and the producers
    // whose tensors start or stop reaching a dead unit.
    void setDead(int32_t y, int sign)
    {
        for (NodeId w : m_u.members(y)) {
            deadWork += sign * m_g.work(w);
            deadParam += sign * m_g.param(w);
            for (NodeId u : m_g.predecessors(w)) {
                const int32_t ui = index(u);
                const bool changes = sign > 0 ? m_deadReads[ui]++ == 0 : --m_deadReads[ui] == 0;
                if (!changes)
                    continue;
                if (m_place[ui] == 2)
                    outDead += sign * m_g.out(u);
                else if (m_place[ui] == 1)
                    baseOutDead += sign * m_g.out(u);
            }
        }
    }

    void add(int32_t x)
    {
        h1 ^= m_key1[x];
        h2 ^= m_key2[x];
        const auto members = m_u.members(x);
        for (NodeId v : members)
            m_place[index(v)] = 2;
        for (NodeId v : members)
            admit(v, x);
    }

    // v (of unit x, all of whose nodes are already placed in S) joins the sums.
    void admit(NodeId v, int32_t x)
    {
        work += m_g.work(v);
        param += m_g.param(v);
        int32_t leaving = 0;
        for (NodeId w : m_g.successors(v))
            leaving += m_place[index(w)] == 2 ? 0 : 1;
        m_leaving[index(v)] = leaving;
        out += leaving > 0 ? m_g.out(v) : 0.0;
        outDead += m_deadReads[index(v)] > 0 ? m_g.out(v) : 0.0;
        for (NodeId u : m_g.predecessors(v)) {
            const int32_t ui = index(u);
            if (m_place[ui] == 1) {
                in += m_reads[ui]++ == 0 ? m_g.out(u) : 0.0;
                baseLeaving -= m_reads[ui] == m_outside[ui] ? m_g.out(u) : 0.0;
            } else if (m_u.nodeToContracted[ui] != x && --m_leaving[ui] == 0)
                out -= m_g.out(u);
        }
    }

    void drop(int32_t x)
    {
        h1 ^= m_key1[x];
        h2 ^= m_key2[x];
        const auto members = m_u.members(x);
        for (NodeId v : members) {
            for (NodeId u : m_g.predecessors(v)) {
                const int32_t ui = index(u);
                if (m_place[ui] == 1) {
                    baseLeaving += m_reads[ui] == m_outside[ui] ? m_g.out(u) : 0.0;
                    in -= --m_reads[ui] == 0 ? m_g.out(u) : 0.0;
                } else if (m_u.nodeToContracted[ui] != x && m_leaving[ui]++ == 0)
                    out += m_g.out(u);
            }
            out -= m_leaving[index(v)] > 0 ? m_g.out(v) : 0.0;
            outDead -= m_deadReads[index(v)] > 0 ? m_g.out(v) : 0.0;
        }
        for (NodeId v : members) {
            m_place[index(v)] = 0;
            work -= m_g.work(v);
            param -= m_g.param(v);
        }
        if (sunits.empty()) {
            work = param = in = out = outDead = 0; // no drift across branches
            baseLeaving = baseOut;
        }
    }

    const Graph &m_g;
    const CostParams &m_p;
    const Contraction &m_u;
    const int32_t m_nu;
    std::vector<uint8_t> m_place; // per node: 0 outside, 1 in J, 2 in S
    std::vector<int32_t> m_reads, m_leaving, m_missing, m_queue;
    std::vector<int32_t> m_deadReads; // per node: dead units among its consumers' units (with repeats)
    std::vector<int32_t> m_outside; // per node of J: successors outside J
    std::vector<uint8_t> m_heavy; // per unit: work >= the tensors it sends / B (docs/model.md §3.11)
    std::vector<uint8_t> m_dead; // per unit
    std::vector<int32_t> m_deadList, m_stack;
    std::vector<uint64_t> m_key1, m_key2;
};

// Every reached ideal: its hashes, the record it was reached from, its layer.
struct Reached {
    struct Record {
        uint64_t h1, h2;
        int32_t parent;
        int32_t layer;
    };
    std::vector<Record> records;
    std::vector<int32_t> slots;
    size_t mask = 0;

    Reached() { rehash(1 << 12); }

    // Index of the new record, or -1 when (a, b) was reached before.
    int32_t insert(uint64_t a, uint64_t b, int32_t parent, int32_t layer)
    {
        if (2 * (records.size() + 1) > slots.size())
            rehash(slots.size() * 2);
        size_t s = a & mask;
        for (; slots[s] >= 0; s = (s + 1) & mask)
            if (records[slots[s]].h1 == a && records[slots[s]].h2 == b)
                return -1;
        slots[s] = static_cast<int32_t>(records.size());
        records.push_back({ a, b, parent, layer });
        return slots[s];
    }

private:
    void rehash(size_t n)
    {
        slots.assign(n, -1);
        mask = n - 1;
        for (size_t i = 0; i < records.size(); ++i) {
            size_t s = records[i].h1 & mask;
            while (slots[s] >= 0)
                s = (s + 1) & mask;
            slots[s] = static_cast<int32_t>(i);
        }
    }
};

// The target unit of a free unit (docs/model.md §3.8), or -1: a unit whose
// members have no work, and no parameters when a memory limit or the
// overflow term makes parameters count, and that is a sink with one
// predecessor unit, or sends only empty tensors and has one predecessor unit
// (both: the predecessor), or is a source with one successor unit (that one).
// Some optimal partition puts it in its target's stage.
int32_t freeTarget(const Graph &g, const CostParams &params, const Contraction &units, int32_t x)
{
    const Graph &dag = units.graph;
    const bool paramCounts = params.memoryLimit || params.overflow;
    double sent = 0;
    for (NodeId v : units.members(x)) {
        if (g.work(v) != 0 || (paramCounts && g.param(v) != 0))
            return -1;
        for (NodeId w : g.successors(v))
            if (units.nodeToContracted[index(w)] != x) {
                sent += g.out(v);
                break;
            }
    }
    const auto preds = dag.predecessors(nodeId(x));
    const auto succs = dag.successors(nodeId(x));
    if (preds.size() == 1 && (succs.empty() || sent == 0))
        return index(preds[0]);
    if (preds.empty() && succs.size() == 1)
        return index(succs[0]);
    return -1;
}

} // namespace

Result<Contraction> mergeFreeUnits(const Graph &graph, const CostParams &params, const Contraction &units)
{
    const Graph &dag = units.graph;
    const int32_t nu = dag.nodeCount();
    std::vector<int32_t> target(nu, -1);
    for (int32_t x = 0; x < nu; ++x)
        target[x] = freeTarget(graph, params, units, x);
    // Only into units that stay put: every class is one unit and its free leaves.
    std::vector<int32_t> cls(nu, -1);
    int32_t count = 0;
    for (int32_t x = 0; x < nu; ++x)
        if (target[x] < 0 || target[target[x]] >= 0)
            cls[x] = count++;
    for (int32_t x = 0; x < nu; ++x)
        if (cls[x] < 0)
            cls[x] = cls[target[x]];
    if (count == nu)
        return units;
    Contraction merged;
    merged.nodeToContracted.resize(graph.nodeCount());
    merged.memberOffset.assign(size_t(count) + 1, 0);
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        merged.nodeToContracted[v] = cls[units.nodeToContracted[v]];
        ++merged.memberOffset[merged.nodeToContracted[v] + 1];
    }
    for (int32_t c = 0; c < count; ++c)
        merged.memberOffset[c + 1] += merged.memberOffset[c];
    merged.memberArray.resize(graph.nodeCount());
    std::vector<int32_t> fill(merged.memberOffset.begin(), merged.memberOffset.end() - 1);
    for (int32_t v = 0; v < graph.nodeCount(); ++v)
        merged.memberArray[fill[merged.nodeToContracted[v]]++] = nodeId(v);
    GraphBuilder builder(graph.name() + " (free units merged)");
    for (int32_t c = 0; c < count; ++c) {
        NodeSpec spec;
        spec.id = "unit" + std::to_string(c);
        for (NodeId v : merged.members(c)) {
            spec.work += graph.work(v);
            spec.param += graph.param(v);
        }
        builder.addNode(std::move(spec));
    }
    std::vector<int32_t> lastFrom(count, -1);
    for (int32_t c = 0; c < count; ++c)
        for (NodeId v : merged.members(c))
            for (NodeId w : graph.successors(v)) {
                const int32_t cw = merged.nodeToContracted[index(w)];
                if (cw != c && lastFrom[cw] != c) {
                    lastFrom[cw] = c;
                    builder.addEdge(c, cw);
                }
            }
    auto built = builder.build();
    if (!built.ok())
        return built.failure();
    merged.graph = std::move(built).value();
    return merged;
}

namespace {

// Improved: k = 2 only, the walk ran to its end keeping the best chain below
// the starting threshold (bestStages()): that chain is optimal.
enum class SearchEnd { Found, None, Stopped, OverBudget, Improved };

struct StopCheck {
    const StopToken &stop;
    const Deadline &deadline;
    bool operator()() const { return stop.stopRequested() || deadline.expired(); }
};

// One threshold search (the header's algorithm).
class ThresholdSearch {
public:
    ThresholdSearch(
        const Graph &g, const CostParams &params, const Contraction &units, int K, const StopCheck &stop, double budget)
        : m_g(g)
        , m_p(params)
        , m_u(units)
        , m_K(K)
        , m_stop(stop)
        , m_budget(budget)
        , m_ext(g, params, units)
        , m_W(g.totalWork())
        , m_P(g.totalParam())
    {
    }

    SearchEnd run(double T)
    {
        m_T = T;
        m_reached = Reached();
        m_found = -1;
        m_best.clear();
        m_bestCost = kInf;
        if (m_stop())
            return SearchEnd::Stopped;
        const int32_t words = m_ext.words();
        Bits frontier(words, 0);
        std::vector<int32_t> ids { m_reached.insert(0, 0, -1, 0) };
        for (int layer = 0; layer < m_K && !ids.empty(); ++layer) {
            Bits next;
            std::vector<int32_t> nextIds;
            for (size_t i = 0; i < ids.size(); ++i) {
                const SearchEnd end = expand(&frontier[i * words], ids[i], layer, next, nextIds);
                if (end != SearchEnd::None)
                    return end;
            }
            frontier.swap(next);
            ids.swap(nextIds);
        }
        return m_bestCost < kInf ? SearchEnd::Improved : SearchEnd::None;
    }

    // The stage of every node on the chain found (after run() == Found).
    std::vector<int32_t> chainStages()
    {
        std::vector<int32_t> chain; // records, root excluded, root-to-leaf
        for (int32_t r = m_found; r > 0; r = m_reached.records[r].parent)
            chain.push_back(r);
        std::reverse(chain.begin(), chain.end());
        const int32_t words = m_ext.words();
        Bits bits(words, 0);
        std::vector<int32_t> unitStage(m_u.graph.nodeCount(), static_cast<int32_t>(chain.size()));
        uint64_t a = 0, b = 0;
        for (size_t s = 0; s < chain.size(); ++s) {
            const Reached::Record &want = m_reached.records[chain[s]];
            m_ext.load(bits.data());
            m_ext.walk(limits(static_cast<int>(s)), [&] {
                if ((a ^ m_ext.h1) != want.h1 || (b ^ m_ext.h2) != want.h2)
                    return true;
                for (int32_t x : m_ext.sunits)
                    unitStage[x] = static_cast<int32_t>(s);
                return false;
            });
            for (int32_t x = 0; x < m_u.graph.nodeCount(); ++x)
                if (unitStage[x] == static_cast<int32_t>(s))
                    bits[x >> 6] |= uint64_t(1) << (x & 63);
            a = want.h1;
            b = want.h2;
        }
        std::vector<int32_t> stage(m_g.nodeCount());
        for (int32_t v = 0; v < m_g.nodeCount(); ++v)
            stage[v] = unitStage[m_u.nodeToContracted[v]];
        return stage;
    }

    // k = 2: the best chain the walk kept (empty when none), as node stages.
    std::vector<int32_t> bestStages() const
    {
        if (m_best.empty())
            return {};
        std::vector<int32_t> unitStage(m_u.graph.nodeCount(), 1);
        for (int32_t x : m_best)
            unitStage[x] = 0;
        std::vector<int32_t> stage(m_g.nodeCount());
        for (int32_t v = 0; v < m_g.nodeCount(); ++v)
            stage[v] = unitStage[m_u.nodeToContracted[v]];
        return stage;
    }

    int64_t reached() const { return static_cast<int64_t>(m_reached.records.size()); }
    int64_t blocks = 0;

private:
    SearchEnd expand(const uint64_t *base, int32_t id, int layer, Bits &next, std::vector<int32_t> &nextIds)
    {
        if ((++m_bases & 0x3f) == 0 && m_stop())
            return SearchEnd::Stopped;
        m_ext.load(base);
        // The last block, V \ J: its inputs are exactly J's outgoing tensors.
        const double restWork = std::max(0.0, m_W - m_ext.baseWork), restParam = m_P - m_ext.baseParam;
        ++blocks;
        if (m_p.fitsMemory(restParam) && m_p.stageCost(restWork, m_ext.baseOut, 0.0, restParam) < m_T) {
            m_found = id;
            return SearchEnd::Found;
        }
        const int after = m_K - layer - 1; // stages left after I = J + S
        if (after < 1)
            return SearchEnd::None;
        Extender::Limits lim = limits(layer);
        const Reached::Record parent = m_reached.records[id];
        const int32_t words = m_ext.words();
        bool stopped = false, over = false;
        const auto poll = [&] { return stopped = m_stop(); };
        m_ext.walk(
            lim,
            [&] {
                if ((++m_steps & 0xfff) == 0 && poll())
                    return false;
                ++blocks;
                if (m_ext.baseUnits + static_cast<int32_t>(m_ext.sunits.size()) == m_ext.unitCount())
                    return true; // I = V: costed above
                const double rest = m_W - m_ext.baseWork - m_ext.work;
                if (!(rest + std::max(0.0, m_ext.out) / m_p.bandwidth < lim.room))
                    return true; // the rest cannot fit in the stages left
                if (m_p.memoryLimit && m_P - m_ext.baseParam - m_ext.param > lim.paramRoom)
                    return true;
                if (!(m_ext.cost() < lim.T))
                    return true;
                if (after == 1)
                    return lastBlock(lim, rest, id, layer);
                if (m_ext.dominated(lim))
                    return true;
                const int32_t r = m_reached.insert(parent.h1 ^ m_ext.h1, parent.h2 ^ m_ext.h2, id, layer + 1);
                if (r < 0)
                    return true;
                const size_t at = next.size();
                next.insert(next.end(), base, base + words);
                for (int32_t x : m_ext.sunits)
                    next[at + (x >> 6)] |= uint64_t(1) << (x & 63);
                nextIds.push_back(r);
                if (bytesUsed(next.size()) > m_budget) {
                    over = true;
                    return false;
                }
                return true;
            },
            poll);
        if (m_found >= 0)
            return SearchEnd::Found;
        return stopped ? SearchEnd::Stopped : over ? SearchEnd::OverBudget : SearchEnd::None;
    }

    // I = J + S leaves one stage: V \ I, whose inputs are the tensors of J and
    // S it consumes, is costed here (docs/model.md §3.11). With k = 2 (J empty) the best
    // chain is kept and T lowered to it, so the walk itself finds the optimum;
    // otherwise the chain ends the search. Returns whether the walk goes on.
    bool lastBlock(Extender::Limits &lim, double rest, int32_t id, int layer)
    {
        const double lastParam = m_P - m_ext.baseParam - m_ext.param;
        const double inLast = std::max(0.0, m_ext.out) + std::max(0.0, m_ext.baseLeaving);
        const double c = std::max(m_ext.cost(), m_p.stageCost(std::max(0.0, rest), inLast, 0.0, lastParam));
        if (!m_p.fitsMemory(lastParam) || !(c < lim.T))
            return true;
        if (layer == 0) {
            m_best.assign(m_ext.sunits.begin(), m_ext.sunits.end());
            m_bestCost = c;
            m_T = lim.T = c * (1 - kRel);
            lim.room = m_T * (1 + kRel);
            return true;
        }
        const Reached::Record &parent = m_reached.records[id];
        const int32_t r = m_reached.insert(parent.h1 ^ m_ext.h1, parent.h2 ^ m_ext.h2, id, layer + 1);
        if (r < 0)
            return true;
        m_found = r;
        return false;
    }

    // The walk's limits from a base ideal of `layer` (k - layer - 1 stages after).
    Extender::Limits limits(int layer) const
    {
        const int after = m_K - layer - 1;
        Extender::Limits lim;
        lim.T = m_T;
        lim.room = after * m_T * (1 + kRel);
        if (m_p.memoryLimit)
            lim.paramRoom = after * *m_p.memoryLimit * (1 + kRel);
        return lim;
    }

    double bytesUsed(size_t nextWords) const
    {
        return double(m_reached.records.size()) * sizeof(Reached::Record) + double(m_reached.slots.size()) * 4.0
            + 16.0 * double(nextWords);
    }

    const Graph &m_g;
    const CostParams &m_p;
    const Contraction &m_u;
    const int m_K;
    const StopCheck &m_stop;
    const double m_budget;
    Extender m_ext;
    const double m_W, m_P;
    double m_T = kInf;
    Reached m_reached;
    int32_t m_found = -1;
    std::vector<int32_t> m_best; // k = 2: the units of the best first stage
    double m_bestCost = kInf;
    int64_t m_bases = 0, m_steps = 0;
};

} // namespace

namespace {

// Under a memory limit without the overflow term, parameters change no cost,
// so every partition is as good without the limit, where more free units
// merge (docs/model.md §3.8): no chain under the incumbent there proves it
// optimal. Sets out.optimal and returns true when that settles it.
bool relaxedProof(const Graph &graph, const CostParams &params, const Contraction &allUnits, int k,
    FrontierOutcome &out, const StopCheck &shouldStop, double budget)
{
    if (!params.memoryLimit || params.overflow)
        return false;
    CostParams relaxed = params;
    relaxed.memoryLimit.reset();
    auto merged = mergeFreeUnits(graph, relaxed, allUnits);
    if (!merged || merged->graph.nodeCount() == allUnits.graph.nodeCount())
        return false;
    const int K = std::max(1, std::min(k, std::max(merged->graph.nodeCount(), 1)));
    ThresholdSearch search(graph, relaxed, *merged, K, shouldStop, budget);
    const SearchEnd end = search.run(out.bottleneck * (1 - kRel));
    ++out.searches;
    out.reached += search.reached();
    out.blocks += search.blocks;
    out.optimal = end == SearchEnd::None;
    return out.optimal;
}

} // namespace

double frontierBytesPerIdeal(int32_t units)
{
    return double(sizeof(Reached::Record)) + 8.0 + 2.0 * 8.0 * ((units + 63) / 64);
}

Result<FrontierOutcome> solveFrontier(const Graph &graph, const CostParams &params, const Contraction &allUnits, int k,
    const Partition *incumbent, const StopToken &stop, const Deadline &deadline, int64_t memoryBudget,
    const std::function<void(double, const std::string &)> &report)
{
    if (!params.devices.empty()) // its pruning assumes identical stages (docs/model.md §3.8)
        return makeError(ErrorKind::LimitExceeded,
            "ideal-bb: mixed-device clusters are not supported (ideal-dp and mip are exact for them)");
    auto merged = mergeFreeUnits(graph, params, allUnits);
    if (!merged)
        return merged.failure().prefixed("ideal-bb: ");
    const Contraction &units = *merged;
    const int K = std::max(1, std::min(k, std::max(units.graph.nodeCount(), 1)));
    const StopCheck shouldStop { stop, deadline };
    FrontierOutcome out;
    out.units = units.graph.nodeCount();
    out.bottleneck = kInf;
    if (incumbent) {
        out.partition = *incumbent;
        out.bottleneck = bottleneckOf(graph, params, incumbent->stages(), incumbent->k());
    }
    if (incumbent && relaxedProof(graph, params, allUnits, k, out, shouldStop, double(memoryBudgetOr(memoryBudget))))
        return out;
    if (!incumbent && params.memoryLimit
        && memoryChainCheck(allUnits.graph, k, *params.memoryLimit, shouldStop) == MemoryChain::Infeasible)
        return makeError(ErrorKind::Infeasible,
            "no partition into at most " + std::to_string(k)
                + " stages satisfies the memory limit and the groups (ideal-bb: no chain of ideals fits it, "
                  "docs/model.md §3.10)");
    ThresholdSearch search(graph, params, units, K, shouldStop, double(memoryBudgetOr(memoryBudget)));
    double U = out.bottleneck; // blocks must cost under U (1 - kRel)
    while (true) {
        if (report)
            report(out.bottleneck, "ideal-bb: search " + std::to_string(out.searches + 1));
        const SearchEnd end = search.run(U * (1 - kRel));
        ++out.searches;
        out.reached += search.reached();
        out.blocks += search.blocks;
        search.blocks = 0;
        const std::vector<int32_t> best = search.bestStages();
        if (!best.empty()) { // k = 2: the walk's best chain, optimal when the walk ended
            Partition p(best, k);
            if (!validatePartition(graph, params, p).ok())
                return makeError(ErrorKind::Internal, "ideal-bb: the best chain found does not validate");
            const double c = bottleneckOf(graph, params, p.stages(), k);
            if (c < out.bottleneck) {
                out.partition = std::move(p);
                out.bottleneck = c;
            }
            out.optimal = end == SearchEnd::Improved;
            if (out.optimal)
                return out;
        }
        if (end == SearchEnd::None && out.bottleneck == kInf)
            return makeError(ErrorKind::Infeasible,
                "no partition into at most " + std::to_string(k)
                    + " stages satisfies the memory limit and the groups (ideal-bb searched every chain)");
        if (end == SearchEnd::None) {
            out.optimal = true;
            return out;
        }
        if (end == SearchEnd::Stopped && out.bottleneck == kInf)
            return makeError(ErrorKind::Stopped, "ideal-bb stopped before finding a partition");
        if (end == SearchEnd::Stopped)
            return out;
        if (end == SearchEnd::OverBudget)
            return makeError(ErrorKind::LimitExceeded,
                "ideal-bb stopped: the reached ideals need more than the memory budget of "
                    + formatBytes(double(memoryBudgetOr(memoryBudget))),
                ResourceLimit::MemoryBudget);
        Partition found(search.chainStages(), k);
        RefineOutcome ref = refinePartition(graph, params, found, stop, deadline, &units);
        const double c = bottleneckOf(graph, params, ref.partition.stages(), k);
        if (c < out.bottleneck && validatePartition(graph, params, ref.partition).ok()) {
            out.partition = std::move(ref.partition);
            out.bottleneck = c;
        }
        U = std::min(out.bottleneck, U == kInf ? kInf : U * (1 - kRel)); // progress even if rounding disagrees
        if (U == kInf)
            return makeError(ErrorKind::Internal,
                "ideal-bb: the chain found does not validate"); // progress even if rounding disagrees
    }
}

// ideal-bb as a method: an incumbent from slicegraph 10x10 + refine (or the
// given start when better), then solveFrontier within the time limit.
Result<PartitionResult> runIdealBb(const MethodContext &ctx)
{
    auto units = contractGroups(ctx.graph);
    if (!units)
        return units.failure().prefixed("ideal-bb: ");
    SliceGraphOptions heuristic;
    heuristic.k = ctx.options.k;
    heuristic.seed = ctx.options.seed;
    heuristic.threads = ctx.options.threads;
    auto brkga = runBrkga(ctx.graph, ctx.params, *units, heuristic, ctx.stop, ctx.deadline);
    std::optional<Partition> start; // none when the heuristic finds no feasible partition
    if (brkga)
        start = refinePartition(ctx.graph, ctx.params, brkga->partition, ctx.stop, ctx.deadline, &*units).partition;
    auto costOf = [&](const Partition &p) { return bottleneckOf(ctx.graph, ctx.params, p.stages(), ctx.options.k); };
    if (ctx.options.start && validatePartition(ctx.graph, ctx.params, *ctx.options.start).ok()
        && (!start || costOf(*ctx.options.start) < costOf(*start)))
        start = *ctx.options.start;
    return proveWithFrontier(ctx, *units, std::move(start), "ideal-bb");
}

Result<PartitionResult> proveWithFrontier(
    const MethodContext &ctx, const Contraction &units, std::optional<Partition> start, const std::string &method)
{
    // Wide graphs: the relaxed chain proof (relaxed_chain.h, docs/model.md §3.13) first, with 90 % of the
    // time (it ends early when its rounds stop helping)
    std::string relaxedNote;
    if (start && !ctx.params.hasDevices()) { // k = 2: a quarter, the rest for the walk of §3.11 item 3
        double startCost = bottleneckOf(ctx.graph, ctx.params, start->stages(), ctx.options.k);
        if (auto proof = proveWithRelaxedChain(ctx, units, *start, startCost,
                ctx.deadline.remaining() * (ctx.options.k > 2 ? 0.9 : 0.25),
                method == "ideal-bb" ? "relaxed-chain" : "auto(slicegraph+relaxed-chain)", relaxedNote))
            return *proof;
    }
    auto report = [&](double incumbent, const std::string &what) { ctx.report(incumbent, 0.0, what); };
    auto r = solveFrontier(ctx.graph, ctx.params, units, ctx.options.k, start ? &*start : nullptr, ctx.stop,
        ctx.deadline, ctx.options.memoryBudget, report);
    if (!r)
        return r.failure();
    PartitionResult out;
    if (!relaxedNote.empty())
        out.notes.push_back(relaxedNote);
    out.notes.push_back("ideal-bb: " + std::to_string(r->searches) + " threshold searches, "
        + std::to_string(r->reached) + " ideals reached, " + std::to_string(r->blocks) + " blocks costed"
        + (r->optimal ? "" : "; stopped early: the result is the best partition found, not proven"));
    out.partition = std::move(r->partition);
    out.optimal = r->optimal;
    out.lowerBound = r->optimal ? r->bottleneck : 0.0;
    out.method = method;
    return out;
}

} // namespace pipecut
