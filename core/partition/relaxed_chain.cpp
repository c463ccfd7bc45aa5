#include "core/partition/relaxed_chain.h"

#include "core/cost/evaluate.h"
#include "core/partition/frontier_dp.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace pipecut {

namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();
constexpr double kRel = 1e-9; // slack on the permissive side of every comparison
constexpr int32_t kMaxUnits = 8192;
constexpr int kMaxSigBits = 62;
constexpr int64_t kMaxCouplingCells = 16'000'000;
constexpr int64_t kRebuildSteps = 2'000'000;

struct Tensor {
    int32_t producer = 0;
    std::vector<int32_t> consumers; // distinct units other than the producer
    double weight = 0.0; // out / B
};

struct Point {
    double hi = 0.0, lo = 0.0;
    int32_t slot = 0; // ideal bitset in the front's pool
};

struct Front {
    uint64_t sig = 0;
    std::vector<Point> points; // hi ascending, lo strictly ascending
    std::vector<uint64_t> pool;
    std::vector<int32_t> freeSlots;
};

// One boundary j: its work window, forcing, signature layout and fronts.
struct Window {
    double loW = 0.0, hiW = 0.0;
    std::vector<int8_t> state; // +1 forced in, -1 forced out, 0 free
    std::vector<int8_t> bit; // signature bit of a free unit, -1 none
    std::vector<char> hiCounts, loCounts; // per tensor: paid in hi (lo) directly
    std::vector<Front> fronts;
    std::unordered_map<uint64_t, int32_t> frontOf;
    // Every kept point shifted by the most its coupled tensors can cost,
    // (hi + before, lo - after): it dominates a point of any signature.
    std::vector<Point> anySig;
    double before = 0.0, after = 0.0;
    bool member(uint64_t sig, int32_t x) const
    {
        return state[size_t(x)] != 0 ? state[size_t(x)] > 0 : (sig >> bit[size_t(x)]) & 1u;
    }
};

std::vector<Point>::iterator insertPoint(std::vector<Point> &pts, double hi, double lo, std::vector<int32_t> *freed);

class RelaxedChain {
public:
    RelaxedChain(const Graph &graph, const CostParams &params, const Contraction &units, int k, double upper,
        const StopToken &stop, const Deadline &deadline, const RelaxedChainOptions &options)
        : m_graph(graph)
        , m_params(params)
        , m_units(units)
        , m_g(units.graph)
        , m_n(units.graph.nodeCount())
        , m_k(k)
        , m_upper(upper)
        , m_stop(stop)
        , m_deadline(deadline)
        , m_opt(options)
        , m_words(size_t((m_n + 63) / 64))
    {
    }

    Result<RelaxedChainOutcome> run();

private:
    void reachWork();
    void buildTensors();
    Result<bool> buildWindows();
    Result<bool> enumerate(int j);
    void dfs(Window &w, size_t i);
    void add(const Window &w, int32_t x);
    double betweenWork(int j, int32_t p, int32_t c) const;
    void payLower(const Window &w, int32_t t);
    void remove(const Window &w, int32_t x);
    void leaf(Window &w);
    void decideOut(const Window &w, int32_t x, int delta);
    bool covered(const Window &w, double x0, double x1) const;
    bool coveredBy(const std::vector<Point> &pts, double x0, double x1) const;
    Result<bool> attempt(RelaxedChainOutcome &out);
    Result<bool> buildCoupling();
    double couplingCost(int j, uint64_t a, uint64_t b) const;
    bool feasible(double t, std::vector<std::vector<double>> *heads);
    std::optional<std::vector<const uint64_t *>> rebuild(double t);
    bool rebuildFrom(int j, double t, const std::vector<std::vector<double>> &heads, int32_t nextFront,
        const Point *next, std::vector<const uint64_t *> &chain, int64_t &budget);

    const Graph &m_graph;
    const CostParams &m_params;
    const Contraction &m_units;
    const Graph &m_g;
    int32_t m_n;
    int m_k;
    double m_upper;
    double m_window = 0.0; // U' of the current attempt: the windows hold every chain with stages <= U'
    const StopToken &m_stop;
    const Deadline &m_deadline;
    const RelaxedChainOptions &m_opt;
    size_t m_words;
    double m_total = 0.0, m_eps = 0.0;
    std::vector<double> m_anc, m_desc; // A(x), D(x): work of ancestors / descendants, x included
    std::vector<uint64_t> m_ancBits, m_descBits;
    std::vector<Tensor> m_tensors;
    std::vector<std::vector<int32_t>> m_produced, m_consumed; // tensor indices per unit
    std::vector<std::vector<int32_t>> m_coupled; // per j >= 2: tensors that may cross I_{j-1} and I_j
    std::vector<Window> m_windows; // index j = 1 .. k-1 (0 unused)
    std::vector<std::vector<double>> m_coupling; // per j >= 2: |fronts j-1| x |fronts j|
    // Search state.
    std::vector<int32_t> m_free;
    std::vector<std::vector<int32_t>> m_laterDesc; // per free position: later free positions below it
    std::vector<int32_t> m_blocked; // per free position: free ancestors decided out
    double m_avail = 0.0; // work of the free units that may still join
    std::vector<char> m_in, m_pIn;
    std::vector<int32_t> m_consIn, m_consOut; // consumers decided in / out
    double m_lbHi = 0.0, m_lbLo = 0.0; // tensors that cross in every completion
    int32_t m_sigLeft = 0; // signature units not decided yet
    std::vector<uint64_t> m_bits;
    double m_work = 0.0, m_sumHi = 0.0, m_sumLo = 0.0;
    uint64_t m_sig = 0;
    int64_t m_steps = 0, m_leaves = 0;
    bool m_aborted = false;
    int32_t m_lastFront = -1;
};

void RelaxedChain::reachWork()
{
    const auto topo = m_g.topologicalOrder();
    m_ancBits.assign(size_t(m_n) * m_words, 0);
    m_descBits.assign(size_t(m_n) * m_words, 0);
    auto row = [&](std::vector<uint64_t> &bits, int32_t x) { return bits.data() + size_t(x) * m_words; };
    for (NodeId v : topo) {
        const int32_t x = index(v);
        uint64_t *r = row(m_ancBits, x);
        r[size_t(x) / 64] |= uint64_t(1) << (x % 64);
        for (NodeId u : m_g.predecessors(v))
            for (size_t w = 0; w < m_words; ++w)
                r[w] |= row(m_ancBits, index(u))[w];
    }
    for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
        const int32_t x = index(*it);
        uint64_t *r = row(m_descBits, x);
        r[size_t(x) / 64] |= uint64_t(1) << (x % 64);
        for (NodeId s : m_g.successors(*it))
            for (size_t w = 0; w < m_words; ++w)
                r[w] |= row(m_descBits, index(s))[w];
    }
    m_anc.assign(size_t(m_n), 0.0);
    m_desc.assign(size_t(m_n), 0.0);
    for (int32_t x = 0; x < m_n; ++x)
        for (int32_t y = 0; y < m_n; ++y) {
            const uint64_t mask = uint64_t(1) << (y % 64);
            if (row(m_ancBits, x)[size_t(y) / 64] & mask)
                m_anc[size_t(x)] += m_g.work(nodeId(y));
            if (row(m_descBits, x)[size_t(y) / 64] & mask)
                m_desc[size_t(x)] += m_g.work(nodeId(y));
        }
}

// One tensor per original node with a consumer in another unit (docs/model.md §1.3).
void RelaxedChain::buildTensors()
{
    m_produced.assign(size_t(m_n), {});
    m_consumed.assign(size_t(m_n), {});
    for (int32_t v = 0; v < m_graph.nodeCount(); ++v) {
        Tensor t;
        t.producer = m_units.nodeToContracted[size_t(v)];
        t.weight = m_graph.out(nodeId(v)) / m_params.bandwidth;
        for (NodeId s : m_graph.successors(nodeId(v))) {
            const int32_t c = m_units.nodeToContracted[size_t(index(s))];
            if (c != t.producer && std::find(t.consumers.begin(), t.consumers.end(), c) == t.consumers.end())
                t.consumers.push_back(c);
        }
        if (t.consumers.empty() || t.weight <= 0.0)
            continue;
        const int32_t id = int32_t(m_tensors.size());
        m_produced[size_t(t.producer)].push_back(id);
        for (int32_t c : t.consumers)
            m_consumed[size_t(c)].push_back(id);
        m_tensors.push_back(std::move(t));
    }
}

// Windows, forcing, the tensors that may cross two adjacent boundaries, and
// the signature layout of each boundary (docs/model.md §3.13 steps 1-3).
Result<bool> RelaxedChain::buildWindows()
{
    const double u = m_window, m = m_total - (m_k - 1) * u;
    m_windows.assign(size_t(m_k), {});
    for (int j = 1; j < m_k; ++j) {
        Window &w = m_windows[size_t(j)];
        w.loW = m_total - (m_k - j) * u - m_eps;
        w.hiW = j * u + m_eps;
        w.state.assign(size_t(m_n), 0);
        w.bit.assign(size_t(m_n), -1);
        for (int32_t x = 0; x < m_n; ++x) {
            const bool in = m_desc[size_t(x)] > (m_k - j) * u + m_eps;
            const bool out = m_anc[size_t(x)] > j * u + m_eps;
            if (in && out)
                return false; // no ideal in this window: no chain at any T <= U
            w.state[size_t(x)] = in ? 1 : out ? -1 : 0;
        }
    }
    m_coupled.assign(size_t(m_k), {});
    for (int j = 2; j < m_k; ++j)
        for (int32_t t = 0; t < int32_t(m_tensors.size()); ++t) {
            const Tensor &x = m_tensors[size_t(t)];
            if (m_windows[size_t(j - 1)].state[size_t(x.producer)] < 0)
                continue;
            bool may = false;
            for (int32_t c : x.consumers)
                may = may || (m_windows[size_t(j)].state[size_t(c)] <= 0 && betweenWork(j, x.producer, c) >= m - m_eps);
            if (may)
                m_coupled[size_t(j)].push_back(t);
        }
    for (int j = 1; j < m_k; ++j) {
        Window &w = m_windows[size_t(j)];
        w.hiCounts.assign(m_tensors.size(), 1);
        w.loCounts.assign(m_tensors.size(), 1);
        int bits = 0;
        auto mark = [&](int32_t x) -> bool {
            if (w.state[size_t(x)] == 0 && w.bit[size_t(x)] < 0)
                w.bit[size_t(x)] = int8_t(bits++);
            return bits <= kMaxSigBits;
        };
        bool ok = true;
        for (int side = 0; side < 2; ++side) {
            const int pair = side == 0 ? j : j + 1;
            if (pair < 2 || pair >= m_k)
                continue;
            for (int32_t t : m_coupled[size_t(pair)]) {
                (side == 0 ? w.hiCounts : w.loCounts)[size_t(t)] = 0;
                ok = ok && mark(m_tensors[size_t(t)].producer);
                for (int32_t c : m_tensors[size_t(t)].consumers)
                    ok = ok && mark(c);
            }
        }
        for (int side = 0; side < 2; ++side)
            if (const int pair = j + side; pair >= 2 && pair < m_k)
                for (int32_t t : m_coupled[size_t(pair)])
                    (side == 0 ? w.before : w.after) += m_tensors[size_t(t)].weight;
        if (!ok)
            return makeError(ErrorKind::LimitExceeded,
                "relaxed chain: more than " + std::to_string(kMaxSigBits) + " units of tensors that may skip a stage"
                    + " at boundary " + std::to_string(j));
    }
    return true;
}

void RelaxedChain::payLower(const Window &w, int32_t t)
{
    if (w.hiCounts[size_t(t)])
        m_lbHi += m_tensors[size_t(t)].weight;
    if (w.loCounts[size_t(t)])
        m_lbLo += m_tensors[size_t(t)].weight;
}

// x decided out (delta 1) or undecided again (delta -1; the sums are restored by the caller).
void RelaxedChain::decideOut(const Window &w, int32_t x, int delta)
{
    for (int32_t t : m_consumed[size_t(x)]) {
        m_consOut[size_t(t)] += delta;
        if (delta > 0 && m_consOut[size_t(t)] == 1 && m_pIn[size_t(t)])
            payLower(w, t);
    }
}

// Is every completion with work in [x0, x1] dominated by a kept point of the
// current signature? A point P covers the works in [P.hi - lbHi, P.lo + lbLo].
bool RelaxedChain::covered(const Window &w, double x0, double x1) const
{
    if (x0 > x1 || coveredBy(w.anySig, x0, x1))
        return true;
    if (m_sigLeft > 0)
        return false;
    const auto f = w.frontOf.find(m_sig);
    return f != w.frontOf.end() && coveredBy(w.fronts[size_t(f->second)].points, x0, x1);
}

bool RelaxedChain::coveredBy(const std::vector<Point> &pts, double x0, double x1) const
{
    double cur = x0;
    for (int guard = 0; guard < 64; ++guard) {
        const auto it
            = std::upper_bound(pts.begin(), pts.end(), cur + m_lbHi, [](double h, const Point &p) { return h < p.hi; });
        if (it == pts.begin())
            return false;
        const double r = std::prev(it)->lo + m_lbLo;
        if (r >= x1)
            return true;
        if (r <= cur)
            return false;
        cur = r;
    }
    return false;
}

// The most work a stage j can hold when it lies after I_{j-1} (holding p) and
// before I_j (missing c): units neither ancestors of p nor descendants of c,
// not forced out of I_j nor forced into I_{j-1}.
double RelaxedChain::betweenWork(int j, int32_t p, int32_t c) const
{
    const uint64_t *anc = m_ancBits.data() + size_t(p) * m_words, *desc = m_descBits.data() + size_t(c) * m_words;
    const Window &a = m_windows[size_t(j - 1)], &b = m_windows[size_t(j)];
    double work = 0.0;
    for (int32_t x = 0; x < m_n; ++x)
        if (!((anc[size_t(x) / 64] | desc[size_t(x) / 64]) >> (x % 64) & 1u) && a.state[size_t(x)] <= 0
            && b.state[size_t(x)] >= 0)
            work += m_g.work(nodeId(x));
    return work;
}

void RelaxedChain::add(const Window &w, int32_t x)
{
    m_in[size_t(x)] = 1;
    m_bits[size_t(x) / 64] |= uint64_t(1) << (x % 64);
    m_work += m_g.work(nodeId(x));
    if (w.bit[size_t(x)] >= 0)
        m_sig |= uint64_t(1) << w.bit[size_t(x)];
    auto pay = [&](int32_t t, double sign) {
        const double c = sign * m_tensors[size_t(t)].weight;
        if (w.hiCounts[size_t(t)])
            m_sumHi += c;
        if (w.loCounts[size_t(t)])
            m_sumLo += c;
    };
    for (int32_t t : m_produced[size_t(x)]) {
        m_pIn[size_t(t)] = 1;
        if (m_consIn[size_t(t)] < int32_t(m_tensors[size_t(t)].consumers.size()))
            pay(t, 1.0);
        if (m_consOut[size_t(t)] > 0)
            payLower(w, t);
    }
    for (int32_t t : m_consumed[size_t(x)])
        if (++m_consIn[size_t(t)] == int32_t(m_tensors[size_t(t)].consumers.size()) && m_pIn[size_t(t)])
            pay(t, -1.0);
}

// The inverse of add() for the state that is not restored by the caller.
void RelaxedChain::remove(const Window &w, int32_t x)
{
    m_in[size_t(x)] = 0;
    m_bits[size_t(x) / 64] &= ~(uint64_t(1) << (x % 64));
    if (w.bit[size_t(x)] >= 0)
        m_sig &= ~(uint64_t(1) << w.bit[size_t(x)]);
    for (int32_t t : m_produced[size_t(x)])
        m_pIn[size_t(t)] = 0;
    for (int32_t t : m_consumed[size_t(x)])
        --m_consIn[size_t(t)];
}

// Inserts (hi, lo) into a staircase (hi ascending, lo strictly ascending),
// dropping the points it dominates (their slots to `freed`); end() when it is
// dominated itself.
std::vector<Point>::iterator insertPoint(std::vector<Point> &pts, double hi, double lo, std::vector<int32_t> *freed)
{
    const auto ub = std::upper_bound(pts.begin(), pts.end(), hi, [](double h, const Point &p) { return h < p.hi; });
    if (ub != pts.begin() && std::prev(ub)->lo >= lo)
        return pts.end();
    auto s = std::lower_bound(pts.begin(), pts.end(), hi, [](const Point &p, double h) { return p.hi < h; });
    auto e = s;
    while (e != pts.end() && e->lo <= lo) {
        if (freed)
            freed->push_back(e->slot);
        ++e;
    }
    s = pts.erase(s, e);
    return pts.insert(s, { hi, lo, -1 });
}

void RelaxedChain::leaf(Window &w)
{
    ++m_leaves;
    const double hi = m_work + m_sumHi, lo = m_work - m_sumLo;
    if (m_lastFront < 0 || w.fronts[size_t(m_lastFront)].sig != m_sig) {
        auto [it, fresh] = w.frontOf.try_emplace(m_sig, int32_t(w.fronts.size()));
        if (fresh)
            w.fronts.push_back({ m_sig, {}, {}, {} });
        m_lastFront = it->second;
    }
    Front &f = w.fronts[size_t(m_lastFront)];
    const auto s = insertPoint(f.points, hi, lo, &f.freeSlots);
    if (s == f.points.end())
        return; // dominated
    insertPoint(w.anySig, hi + w.before, lo - w.after, nullptr);
    if (!f.freeSlots.empty()) {
        s->slot = f.freeSlots.back();
        f.freeSlots.pop_back();
    } else {
        s->slot = int32_t(f.pool.size() / m_words);
        f.pool.resize(f.pool.size() + m_words);
    }
    std::copy(m_bits.begin(), m_bits.end(), f.pool.begin() + ptrdiff_t(size_t(s->slot) * m_words));
}

void RelaxedChain::dfs(Window &w, size_t i)
{
    if ((++m_steps & 16383) == 0 && (m_stop.stopRequested() || m_deadline.expired() || m_steps > m_opt.maxSteps))
        m_aborted = true;
    const double reach = m_work + std::max(0.0, m_avail) + m_eps; // m_avail carries rounding
    if (m_aborted || m_work > w.hiW || reach < w.loW || covered(w, std::max(m_work, w.loW), std::min(reach, w.hiW)))
        return;
    if (i == m_free.size()) {
        leaf(w);
        return;
    }
    const int32_t x = m_free[i];
    const bool ready = m_blocked[i] == 0; // every predecessor is in
    const double work = m_work, hi = m_sumHi, lo = m_sumLo, lbHi = m_lbHi, lbLo = m_lbLo, avail = m_avail;
    const int sigUnit = w.bit[size_t(x)] >= 0 ? 1 : 0;
    m_sigLeft -= sigUnit;
    if (ready) {
        m_avail -= m_g.work(nodeId(x));
        add(w, x);
        dfs(w, i + 1);
        remove(w, x);
        m_work = work; // restored exactly: no drift over millions of steps
        m_sumHi = hi;
        m_sumLo = lo;
        m_lbHi = lbHi;
        m_lbLo = lbLo;
        m_avail = avail;
        // Out: the later free descendants can no longer join.
        m_avail -= m_g.work(nodeId(x));
        for (int32_t q : m_laterDesc[i])
            if (m_blocked[size_t(q)]++ == 0) {
                m_avail -= m_g.work(nodeId(m_free[size_t(q)]));
                decideOut(w, m_free[size_t(q)], 1); // out in every completion
            }
    }
    decideOut(w, x, 1);
    dfs(w, i + 1);
    decideOut(w, x, -1);
    if (ready)
        for (int32_t q : m_laterDesc[i])
            if (--m_blocked[size_t(q)] == 0)
                decideOut(w, m_free[size_t(q)], -1);
    m_lbHi = lbHi;
    m_lbLo = lbLo;
    m_avail = avail;
    m_sigLeft += sigUnit;
}

Result<bool> RelaxedChain::enumerate(int j)
{
    Window &w = m_windows[size_t(j)];
    m_aborted = m_stop.stopRequested() || m_deadline.expired();
    m_in.assign(size_t(m_n), 0);
    m_pIn.assign(m_tensors.size(), 0);
    m_consIn.assign(m_tensors.size(), 0);
    m_consOut.assign(m_tensors.size(), 0);
    m_bits.assign(m_words, 0);
    m_work = m_sumHi = m_sumLo = m_lbHi = m_lbLo = 0.0;
    m_sig = 0;
    m_sigLeft = 0;
    for (int32_t x = 0; x < m_n; ++x) {
        if (w.state[size_t(x)] < 0)
            decideOut(w, x, 1);
        m_sigLeft += w.bit[size_t(x)] >= 0 ? 1 : 0;
    }
    m_lastFront = -1;
    m_free.clear();
    for (NodeId v : m_g.topologicalOrder()) {
        if (w.state[size_t(index(v))] > 0)
            add(w, index(v));
        else if (w.state[size_t(index(v))] == 0)
            m_free.push_back(index(v));
    }
    m_avail = 0.0;
    m_blocked.assign(m_free.size(), 0);
    m_laterDesc.assign(m_free.size(), {});
    for (size_t i = 0; i < m_free.size(); ++i) {
        m_avail += m_g.work(nodeId(m_free[i]));
        const uint64_t *desc = m_descBits.data() + size_t(m_free[i]) * m_words;
        for (size_t q = i + 1; q < m_free.size(); ++q)
            if ((desc[size_t(m_free[q]) / 64] >> (m_free[q] % 64)) & 1u)
                m_laterDesc[i].push_back(int32_t(q));
    }
    dfs(w, 0);
    if (m_aborted) {
        if (m_steps > m_opt.maxSteps)
            return makeError(ErrorKind::LimitExceeded,
                "relaxed chain: more than " + std::to_string(m_opt.maxSteps) + " search steps (the cap) at boundary "
                    + std::to_string(j));
        return makeError(ErrorKind::Stopped, "relaxed chain: stopped while enumerating boundary " + std::to_string(j));
    }
    return !w.fronts.empty();
}

// Exact cost of the tensors that may cross both I_{j-1} (signature a) and
// I_j (signature b), for nested ideals (docs/model.md §3.13 step 2).
double RelaxedChain::couplingCost(int j, uint64_t a, uint64_t b) const
{
    const Window &wa = m_windows[size_t(j - 1)], &wb = m_windows[size_t(j)];
    double cost = 0.0;
    for (int32_t t : m_coupled[size_t(j)]) {
        const Tensor &x = m_tensors[size_t(t)];
        const bool pa = wa.member(a, x.producer), pb = wb.member(b, x.producer);
        bool newIn = false, outB = false;
        for (int32_t c : x.consumers) {
            const bool cb = wb.member(b, c);
            newIn = newIn || (cb && !wa.member(a, c));
            outB = outB || !cb;
        }
        if ((pa && newIn) || (pb && !pa && outB))
            cost += x.weight;
    }
    return cost;
}

Result<bool> RelaxedChain::buildCoupling()
{
    m_coupling.assign(size_t(m_k), {});
    for (int j = 2; j < m_k; ++j) {
        const auto &fa = m_windows[size_t(j - 1)].fronts, &fb = m_windows[size_t(j)].fronts;
        if (int64_t(fa.size()) * int64_t(fb.size()) > kMaxCouplingCells)
            return makeError(ErrorKind::LimitExceeded,
                "relaxed chain: " + std::to_string(fa.size()) + " x " + std::to_string(fb.size())
                    + " signatures at boundaries " + std::to_string(j - 1) + " and " + std::to_string(j));
        auto &cells = m_coupling[size_t(j)];
        cells.resize(fa.size() * fb.size());
        for (size_t a = 0; a < fa.size(); ++a)
            for (size_t b = 0; b < fb.size(); ++b)
                cells[a * fb.size() + b] = couplingCost(j, fa[a].sig, fb[b].sig);
    }
    return true;
}

// Is some sequence of window ideals within t at every stage? `heads` gets,
// per boundary and front, the largest hi a point may have to be reachable.
bool RelaxedChain::feasible(double t, std::vector<std::vector<double>> *heads)
{
    std::vector<double> prev; // G_{j-1} per front
    for (int j = 1; j < m_k; ++j) {
        const auto &fronts = m_windows[size_t(j)].fronts;
        std::vector<double> head(fronts.size(), kNone), g(fronts.size(), kNone);
        for (size_t s = 0; s < fronts.size(); ++s) {
            if (j == 1)
                head[s] = t;
            else
                for (size_t a = 0; a < prev.size(); ++a)
                    if (prev[a] != kNone)
                        head[s] = std::max(head[s], prev[a] - m_coupling[size_t(j)][a * fronts.size() + s] + t);
            const auto &pts = fronts[s].points;
            const auto it = std::upper_bound(
                pts.begin(), pts.end(), head[s] + m_eps, [](double h, const Point &p) { return h < p.hi; });
            if (head[s] != kNone && it != pts.begin())
                g[s] = std::prev(it)->lo;
        }
        if (heads)
            (*heads)[size_t(j)] = head;
        prev = std::move(g);
    }
    double best = kNone;
    for (double x : prev)
        best = std::max(best, x);
    return best != kNone && best >= m_total - t - m_eps;
}

// Boundary j's point below `next` (boundary j + 1's, nesting in it), then the
// earlier ones, depth first; false when none nests within `budget` steps.
bool RelaxedChain::rebuildFrom(int j, double t, const std::vector<std::vector<double>> &heads, int32_t nextFront,
    const Point *next, std::vector<const uint64_t *> &chain, int64_t &budget)
{
    if (j == 0)
        return true;
    const auto &fronts = m_windows[size_t(j)].fronts;
    const uint64_t *nextBits = next
        ? m_windows[size_t(j + 1)].fronts[size_t(nextFront)].pool.data() + size_t(next->slot) * m_words
        : nullptr;
    for (size_t s = 0; s < fronts.size(); ++s) {
        const double need = next
            ? next->hi + m_coupling[size_t(j + 1)][s * m_windows[size_t(j + 1)].fronts.size() + size_t(nextFront)] - t
            : m_total - t;
        const auto &pts = fronts[s].points;
        for (auto it = pts.rbegin(); it != pts.rend() && it->lo >= need - m_eps; ++it) {
            if (--budget < 0)
                return false;
            if (heads[size_t(j)][s] == kNone || it->hi > heads[size_t(j)][s] + m_eps)
                continue;
            const uint64_t *bits = fronts[s].pool.data() + size_t(it->slot) * m_words;
            bool nested = true;
            for (size_t w = 0; nextBits && w < m_words && nested; ++w)
                nested = (bits[w] & ~nextBits[w]) == 0;
            if (!nested)
                continue;
            chain[size_t(j)] = bits;
            if (rebuildFrom(j - 1, t, heads, int32_t(s), &*it, chain, budget))
                return true;
        }
    }
    return false;
}

std::optional<std::vector<const uint64_t *>> RelaxedChain::rebuild(double t)
{
    std::vector<std::vector<double>> heads(static_cast<size_t>(m_k));
    if (!feasible(t, &heads))
        return std::nullopt;
    std::vector<const uint64_t *> chain(size_t(m_k), nullptr);
    int64_t budget = kRebuildSteps;
    if (!rebuildFrom(m_k - 1, t, heads, -1, nullptr, chain, budget))
        return std::nullopt;
    return chain;
}

// One window width: true when the relaxation is feasible at some T <= m_window
// (out gets T* and its chain), false when it is not (out.bound = m_window).
Result<bool> RelaxedChain::attempt(RelaxedChainOutcome &out)
{
    auto built = buildWindows();
    if (!built)
        return built.failure();
    bool any = *built;
    for (int j = 1; j < m_k && any; ++j) {
        auto e = enumerate(j);
        if (!e)
            return e.failure();
        any = *e;
    }
    out.steps = m_steps;
    out.leaves = m_leaves;
    out.bound = m_window;
    if (!any) // no window ideal at some boundary: nothing at or below m_window
        return false;
    out.frontPoints = 0;
    for (int j = 1; j < m_k; ++j)
        for (const Front &f : m_windows[size_t(j)].fronts)
            out.frontPoints += int64_t(f.points.size());
    auto coupled = buildCoupling();
    if (!coupled)
        return coupled.failure();
    double lo = 0.0, hi = m_window * (1 + kRel);
    if (!feasible(hi, nullptr))
        return false;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (feasible(mid, nullptr) ? hi : lo) = mid;
    }
    out.bound = lo;
    const auto chain = rebuild(hi);
    if (!chain)
        return true;
    Partition p(m_graph.nodeCount(), m_k);
    for (int32_t v = 0; v < m_graph.nodeCount(); ++v) {
        const int32_t x = m_units.nodeToContracted[size_t(v)];
        int s = 0;
        for (int j = 1; j < m_k; ++j)
            s += ((*chain)[size_t(j)][size_t(x) / 64] >> (x % 64)) & 1u ? 0 : 1;
        p.setStage(nodeId(v), stageId(s));
    }
    if (!checkFeasibility(m_graph, m_params, p, 1).empty())
        return true;
    out.bottleneck = evaluate(m_graph, m_params, p).bottleneck;
    out.optimal = out.bottleneck <= out.bound * (1 + 2 * kRel);
    out.partition = std::move(p);
    return true;
}

// Windows of growing width between W / k and the incumbent: narrow ones are
// cheap and decide T* whenever it lies below their U' (docs/model.md §3.13).
Result<RelaxedChainOutcome> RelaxedChain::run()
{
    RelaxedChainOutcome out;
    out.units = m_n;
    m_total = m_g.totalWork();
    m_eps = kRel * m_upper;
    if (m_total - (m_k - 1) * m_upper <= 0.0)
        return makeError(ErrorKind::LimitExceeded,
            "relaxed chain: the incumbent is at or above W / (k - 1), where stages may be empty");
    reachWork();
    buildTensors();
    const double floor = m_total / m_k;
    for (double share : { 0.25, 0.5, 1.0 }) {
        m_window = share < 1.0 ? floor + share * (m_upper - floor) : m_upper;
        auto decided = attempt(out);
        if (!decided)
            return decided.failure();
        if (*decided)
            break;
    }
    return out;
}

} // namespace

Result<RelaxedChainOutcome> relaxedChainSearch(const Graph &graph, const CostParams &params, const Contraction &units,
    int k, double upper, const StopToken &stop, const Deadline &deadline, const RelaxedChainOptions &options)
{
    if (params.hasDevices())
        return makeError(ErrorKind::LimitExceeded, "relaxed chain: clusters of devices are not supported");
    if (k < 2 || !(upper > 0.0))
        return makeError(ErrorKind::LimitExceeded, "relaxed chain: needs k >= 2 and a positive incumbent");
    CostParams relaxed = params; // parameters change no cost without the overflow term
    if (!relaxed.overflow)
        relaxed.memoryLimit.reset();
    auto merged = mergeFreeUnits(graph, relaxed, units);
    if (!merged)
        return merged.failure().prefixed("relaxed chain: ");
    if (merged->graph.nodeCount() > kMaxUnits)
        return makeError(ErrorKind::LimitExceeded,
            "relaxed chain: " + std::to_string(merged->graph.nodeCount()) + " units > " + std::to_string(kMaxUnits)
                + " (the cap)");
    RelaxedChain search(graph, params, *merged, k, upper, stop, deadline, options);
    return search.run();
}

std::optional<PartitionResult> proveWithRelaxedChain(const MethodContext &ctx, const Contraction &units,
    const Partition &start, double startCost, double seconds, const std::string &method, std::string &note)
{
    const Deadline deadline(std::max(1e-3, std::min(seconds, ctx.deadline.remaining())));
    const auto r = relaxedChainSearch(ctx.graph, ctx.params, units, ctx.options.k, startCost, ctx.stop, deadline);
    if (!r) {
        note = r.failure().message;
        return std::nullopt;
    }
    const bool startOptimal = startCost <= r->bound * (1 + 2 * kRel);
    const std::string stats = std::to_string(r->leaves) + " window ideals, " + std::to_string(r->frontPoints)
        + " kept on the fronts, bound " + std::to_string(r->bound);
    if (!r->optimal && !startOptimal) {
        note = "relaxed chain: " + stats + ", not tight";
        return std::nullopt;
    }
    PartitionResult out;
    out.partition = r->optimal && r->bottleneck < startCost ? *r->partition : start;
    out.optimal = true;
    out.lowerBound = r->bound;
    out.method = method;
    out.notes.push_back("relaxed chain (relaxed_chain.h): " + stats
        + "; its chain is a partition at the bound: " + "proven optimal for the graph's costs");
    return out;
}

} // namespace pipecut
