#include "core/partition/relaxed_chain.h"

#include "core/cost/evaluate.h"
#include "core/partition/frontier_dp.h"
#include "core/util/limits.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <thread>
#include <unordered_map>

namespace pipecut {

namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();
constexpr double kRel = 1e-9; // slack on the permissive side of every comparison
constexpr int32_t kMaxUnits = 8192;
constexpr int kMaxSigBits = 62;
constexpr int64_t kMaxCouplingCells = 400000000;
constexpr int64_t kRebuildSteps = 2'000'000;
constexpr int kBitsPerRound = 12; // the signature budget's growth per round
constexpr double kKeepWidth = 1e-3; // relative: a width kept when the incumbent improves less
constexpr int kMaxProbes = 4; // widths tried per round to raise the bound (tightenBound)
constexpr int32_t kMember = 64; // the first key slot after the signature
// Memory per kept DP state: its node (8 bytes) and its share of the level
// being built (points, candidates, keys), rounded up.
constexpr int64_t kBytesPerState = 16;

struct Tensor {
    int32_t producer = 0;
    std::vector<int32_t> consumers; // distinct units other than the producer
    double weight = 0.0; // out / B
    std::vector<double> skip; // per consumer c: skipWork(producer, c)
};

struct Point {
    double hi = 0.0, lo = 0.0;
    int32_t slot = 0; // ideal bitset in the front's pool
};

struct Front {
    uint64_t sig = 0;
    std::vector<Point> points; // hi ascending, lo strictly ascending
    std::vector<uint64_t> pool;
};

// One boundary j: its window, forcing, signature layout and fronts.
struct Window {
    double loW = 0.0, hiW = 0.0; // lo >= loW and hi <= hiW (docs/model.md §3.13 step 1)
    std::vector<int8_t> state; // +1 forced in, -1 forced out, 0 free
    std::vector<int8_t> bit; // signature bit of a free producer of a coupled tensor, -1 none
    std::vector<int8_t> countAt, countWidth; // per tensor: signature field counting its consumers in, -1 none
    std::vector<char> hiCounts, loCounts; // per tensor: paid in hi (lo) directly
    uint64_t maskLo = 0, maskHi = 0; // signature bits read by the coupling at (j - 1, j), at (j, j + 1)
    std::vector<Front> fronts;
    std::vector<int32_t> loClass, hiClass; // per front: its signature's class under maskLo, maskHi
    int32_t loClasses = 0, hiClasses = 0;
    bool member(uint64_t sig, int32_t x) const
    {
        return state[size_t(x)] != 0 ? state[size_t(x)] > 0 : (sig >> bit[size_t(x)]) & 1u;
    }
    // Consumers of tensor t in the ideal of signature sig.
    int32_t count(uint64_t sig, int32_t t, const std::vector<int32_t> &consumers) const
    {
        if (countAt[size_t(t)] >= 0)
            return int32_t((sig >> countAt[size_t(t)]) & ((uint64_t(1) << countWidth[size_t(t)]) - 1));
        int32_t n = 0;
        for (int32_t c : consumers)
            n += member(sig, c) ? 1 : 0;
        return n;
    }
};

// The dynamic programme over one window's free units in topological order
// (docs/model.md §3.13 step 4). A state's key holds what its completions
// depend on: the membership of the decided units still read by an undecided
// one (and of the signature units), and whether each open tensor (producer
// in, a consumer undecided) already crosses. Per key only the Pareto front of
// (hi, lo) so far is kept; each kept point has a node (decision, parent) so
// that the ideal can be rebuilt.
using Key = std::vector<uint64_t>;

struct KeyHash {
    size_t operator()(const Key &key) const
    {
        uint64_t h = 0x9e3779b97f4a7c15ull;
        for (uint64_t w : key) {
            h ^= w + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
            h *= 0xff51afd7ed558ccdull;
        }
        return size_t(h ^ (h >> 29));
    }
};

struct DpNode {
    int32_t parent = 0;
    int8_t in = 0;
};

struct DpCandidate {
    double hi = 0.0, lo = 0.0;
    DpNode node;
};

struct DpFront {
    const Key *key = nullptr; // the level's index owns it (its nodes do not move)
    double avail = 0.0; // work of the undecided units that may still join
    std::vector<Point> points; // the Pareto front, slot = node index at the level
    std::vector<DpCandidate> candidates; // while the level is built
};

// Keeps the Pareto front of each front's candidates (hi ascending, lo
// strictly ascending) and gives every kept point its node.
void settle(std::vector<DpFront> &fronts, std::vector<DpNode> &nodes)
{
    auto before
        = [](const DpCandidate &a, const DpCandidate &b) { return a.hi < b.hi || (a.hi == b.hi && a.lo > b.lo); };
    for (DpFront &f : fronts) {
        // Each branch() into the front appends a sorted run: often one.
        if (!std::is_sorted(f.candidates.begin(), f.candidates.end(), before))
            std::sort(f.candidates.begin(), f.candidates.end(), before);
        double best = -std::numeric_limits<double>::infinity();
        for (const DpCandidate &c : f.candidates)
            if (c.lo > best) {
                best = c.lo;
                f.points.push_back({ c.hi, c.lo, int32_t(nodes.size()) });
                nodes.push_back(c.node);
            }
        std::vector<DpCandidate>().swap(f.candidates);
    }
}

struct DpLevel {
    int64_t steps = 0; // state transitions made into this level
    std::vector<DpFront> fronts;
    std::unordered_map<Key, int32_t, KeyHash> index;
    Key scratch; // branch()'s key, reused
};

// Per window: key slots and when they close.
struct Layout {
    std::vector<int32_t> free; // the window's free units in the DP's order (freeOrder)
    std::vector<int32_t> pos; // per unit: free position, -1 when forced
    std::vector<int32_t> tensorSlot; // per tensor: its key slot, -1 when untracked
    std::vector<char> forcedOut; // per tensor: a consumer forced out of the ideal
    std::vector<std::vector<int32_t>> freePreds; // per free position
    std::vector<int32_t> memberSlot; // per free position: its membership's key slot while read, -1 none
    std::vector<std::vector<int32_t>> closeAt; // per free position i: slots cleared once i is decided
    size_t words = 0;
};

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
    int64_t promoted() const { return m_promoted; } // tensors promote() marked, over all rounds

private:
    void reachWork();
    void buildTensors();
    Result<bool> buildWindows();
    int layoutSignature(Window &w, int j) const;
    Result<bool> enumerate(int j, int64_t &steps, int64_t &leaves);
    Result<bool> enumerateAll();
    std::vector<int32_t> freeOrder(const Window &w) const;
    Layout layout(const Window &w, std::vector<int32_t> free) const;
    double availOf(const Layout &lay, const Key &key, size_t level) const;
    void branch(const Window &w, const Layout &lay, size_t i, const DpFront &from, bool in, DpLevel &next) const;
    int64_t collect(
        Window &w, const Layout &lay, const DpLevel &last, const std::vector<std::vector<DpNode>> &nodes) const;
    double betweenWork(int j, int32_t p, int32_t c) const;
    double skipWork(int32_t p, int32_t c) const;
    Result<bool> attempt(RelaxedChainOutcome &out);
    Result<bool> attemptOnce(RelaxedChainOutcome &out);
    struct WindowInputs {
        double window = 0.0;
        std::vector<int32_t> tensors; // coupled, then left out, at the pairs (j - 1, j) and (j, j + 1)
        bool operator==(const WindowInputs &) const = default;
    };
    struct Cached {
        bool valid = false;
        WindowInputs inputs;
        std::vector<Front> fronts;
    };
    WindowInputs inputsOf(int j) const;
    void stash();
    Result<bool> widths(double from, bool first, RelaxedChainOutcome &out, RelaxedChainOutcome &best);
    bool promote();
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
    std::vector<std::vector<int32_t>> m_coupled; // per j >= 2: tensors that may cross I_{j-1} and I_j, costed exactly
    std::vector<std::vector<int32_t>> m_dropped; // per j >= 2: those left out (over the signature budget)
    int64_t m_droppedCount = 0;
    std::vector<char> m_priority; // per tensor: costed exactly first (a chain paid it while left out)
    int64_t m_promoted = 0; // tensors marked in m_priority
    std::vector<int32_t> m_chainStage; // per unit: its stage in the last nested chain (0-based)
    std::vector<Window> m_windows; // index j = 1 .. k-1 (0 unused)
    std::vector<std::vector<double>> m_coupling; // per j >= 2: |fronts j-1| x |fronts j|
    // Search state.
    int64_t m_steps = 0, m_leaves = 0;
    int m_bits = 16; // signature budget of the current round
    double m_lastWidth = 0.0; // the last width at which the relaxation was feasible
    std::vector<Cached> m_cache; // per boundary: the last attempt's fronts and their inputs
    std::atomic<bool> m_abandon { false };
    std::chrono::steady_clock::time_point m_started
        = std::chrono::steady_clock::now(); // a window has no ideal, or a stop: the other enumerations end
};

// A(x), D(x) and the closures behind them (core/graph/topology.h).
void RelaxedChain::reachWork()
{
    m_anc = closureWork(m_g, ClosureOf::Ancestors, &m_ancBits);
    m_desc = closureWork(m_g, ClosureOf::Descendants, &m_descBits);
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
    for (Tensor &t : m_tensors) // independent of the window: once, not per attempt and pair
        for (int32_t c : t.consumers)
            t.skip.push_back(skipWork(t.producer, c));
}

// The signature layout of boundary j's window for the tensors kept at the
// pairs (j - 1, j) and (j, j + 1) (docs/model.md §3.13 step 2); its bits.
int RelaxedChain::layoutSignature(Window &w, int j) const
{
    w.bit.assign(size_t(m_n), -1);
    w.maskLo = w.maskHi = 0;
    w.hiCounts.assign(m_tensors.size(), 1);
    w.loCounts.assign(m_tensors.size(), 1);
    w.countAt.assign(m_tensors.size(), -1);
    w.countWidth.assign(m_tensors.size(), 0);
    int bits = 0;
    for (int side = 0; side < 2; ++side) {
        const int pair = side == 0 ? j : j + 1;
        if (pair < 2 || pair >= m_k)
            continue;
        uint64_t &mask = side == 0 ? w.maskLo : w.maskHi;
        for (int32_t t : m_coupled[size_t(pair)]) {
            const Tensor &x = m_tensors[size_t(t)];
            (side == 0 ? w.hiCounts : w.loCounts)[size_t(t)] = 0;
            if (w.state[size_t(x.producer)] == 0 && w.bit[size_t(x.producer)] < 0) {
                w.bit[size_t(x.producer)] = int8_t(std::min(bits, 63));
                ++bits;
            }
            if (w.state[size_t(x.producer)] == 0)
                mask |= uint64_t(1) << w.bit[size_t(x.producer)];
            int width = 1, fresh = 0; // a count field, or a bit per consumer (shared between tensors)
            while ((size_t(1) << width) <= x.consumers.size())
                ++width;
            for (int32_t c : x.consumers)
                fresh += w.state[size_t(c)] == 0 && w.bit[size_t(c)] < 0 ? 1 : 0;
            if (w.countAt[size_t(t)] < 0 && fresh > width) {
                w.countAt[size_t(t)] = int8_t(std::min(bits, 63));
                w.countWidth[size_t(t)] = int8_t(width);
                bits += width;
            }
            if (w.countAt[size_t(t)] >= 0 && bits <= kMaxSigBits)
                mask |= ((uint64_t(1) << w.countWidth[size_t(t)]) - 1) << w.countAt[size_t(t)];
            for (int32_t c : x.consumers)
                if (w.countAt[size_t(t)] < 0 && w.state[size_t(c)] == 0) {
                    if (w.bit[size_t(c)] < 0)
                        w.bit[size_t(c)] = int8_t(std::min(bits++, 63));
                    mask |= uint64_t(1) << w.bit[size_t(c)];
                }
        }
    }
    for (int side = 0; side < 2; ++side)
        if (const int pair = j + side; pair >= 2 && pair < m_k)
            for (int32_t t : m_dropped[size_t(pair)])
                (side == 0 ? w.hiCounts : w.loCounts)[size_t(t)] = 0;
    return bits;
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
            for (size_t i = 0; i < x.consumers.size(); ++i) {
                const int32_t c = x.consumers[i];
                if (may || m_windows[size_t(j)].state[size_t(c)] > 0)
                    continue;
                const double skip = x.skip[i];
                may = m_anc[size_t(x.producer)] + skip <= (j - 1) * u + m_eps
                    && m_desc[size_t(c)] + skip <= (m_k - j) * u + m_eps
                    && betweenWork(j, x.producer, c) >= m + 2 * skip - m_eps;
            }
            if (may)
                m_coupled[size_t(j)].push_back(t);
        }
    // The heaviest tensors that may skip a stage are costed exactly while the
    // signatures of both windows fit the budget; the others are left out
    // (costed 0 at that stage, docs/model.md §3.13 step 2).
    std::vector<std::pair<int, int32_t>> order;
    for (int j = 2; j < m_k; ++j)
        for (int32_t t : m_coupled[size_t(j)])
            order.emplace_back(j, t);
    std::stable_sort(order.begin(), order.end(), [&](const auto &a, const auto &b) {
        const int pa = m_priority[size_t(a.second)], pb = m_priority[size_t(b.second)];
        return pa != pb ? pa > pb : m_tensors[size_t(a.second)].weight > m_tensors[size_t(b.second)].weight;
    });
    m_coupled.assign(size_t(m_k), {});
    m_dropped.assign(size_t(m_k), {});
    m_droppedCount = 0;
    const int budget = std::min(kMaxSigBits, m_bits);
    for (const auto &[j, t] : order) {
        m_coupled[size_t(j)].push_back(t);
        Window a = m_windows[size_t(j - 1)], b = m_windows[size_t(j)];
        if (layoutSignature(a, j - 1) > budget || layoutSignature(b, j) > budget) {
            m_coupled[size_t(j)].pop_back();
            m_dropped[size_t(j)].push_back(t);
            ++m_droppedCount;
        }
    }
    for (int j = 1; j < m_k; ++j)
        layoutSignature(m_windows[size_t(j)], j);
    return true;
}

// Tensors from an ancestor of p to a descendant of c, over B: when p is in
// I_{j-1} and c is not in I_j, each crosses both boundaries (docs/model.md
// §3.13 step 2).
double RelaxedChain::skipWork(int32_t p, int32_t c) const
{
    const uint64_t *anc = m_ancBits.data() + size_t(p) * m_words, *desc = m_descBits.data() + size_t(c) * m_words;
    double sum = 0.0;
    for (const Tensor &t : m_tensors) {
        if (!((anc[size_t(t.producer) / 64] >> (t.producer % 64)) & 1u))
            continue;
        for (int32_t y : t.consumers)
            if ((desc[size_t(y) / 64] >> (y % 64)) & 1u) {
                sum += t.weight;
                break;
            }
    }
    return sum;
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

// Key slots of window w: the signature so far in the first word, then one
// slot per live fact: the membership of a decided free unit while an
// undecided one still reads it, and "already crosses" per open tensor. Slots
// are reused once their fact is closed (interval colouring over the order).
Layout RelaxedChain::layout(const Window &w, std::vector<int32_t> free) const
{
    Layout lay;
    lay.free = std::move(free);
    const size_t f = lay.free.size();
    lay.pos.assign(size_t(m_n), -1);
    for (size_t q = 0; q < f; ++q)
        lay.pos[size_t(lay.free[q])] = int32_t(q);
    std::vector<int32_t> lastUse(f, -1);
    lay.freePreds.assign(f, {});
    lay.closeAt.assign(f, {});
    for (size_t q = 0; q < f; ++q)
        for (NodeId v : m_g.predecessors(nodeId(lay.free[q])))
            if (const int32_t p = lay.pos[size_t(index(v))]; p >= 0) {
                lay.freePreds[q].push_back(p);
                lastUse[size_t(p)] = std::max(lastUse[size_t(p)], int32_t(q));
            }
    lay.tensorSlot.assign(m_tensors.size(), -1);
    lay.forcedOut.assign(m_tensors.size(), 0);
    struct Fact {
        int32_t start, end, id; // id >= 0: tensor, < 0: membership of free position -1 - id
    };
    std::vector<Fact> facts;
    for (size_t t = 0; t < m_tensors.size(); ++t) {
        const Tensor &x = m_tensors[t];
        int32_t lastCons = -1;
        for (int32_t c : x.consumers) {
            lay.forcedOut[t] = lay.forcedOut[t] || w.state[size_t(c)] < 0;
            lastCons = std::max(lastCons, lay.pos[size_t(c)]);
        }
        if (w.state[size_t(x.producer)] < 0 || lastCons < 0 || !(w.hiCounts[t] || w.loCounts[t]))
            continue;
        const int32_t p = lay.pos[size_t(x.producer)];
        facts.push_back({ p, lastCons, int32_t(t) }); // set from the producer's decision (or the root) on
        if (p >= 0) // the producer is read until then
            lastUse[size_t(p)] = std::max(lastUse[size_t(p)], lastCons);
    }
    lay.memberSlot.assign(f, -1);
    for (size_t q = 0; q < f; ++q)
        if (lastUse[q] > int32_t(q))
            facts.push_back({ int32_t(q), lastUse[q], -1 - int32_t(q) });
    std::sort(facts.begin(), facts.end(), [](const Fact &a, const Fact &b) { return a.start < b.start; });
    std::vector<int32_t> busyUntil; // per slot: the position after which it is cleared
    for (const Fact &fact : facts) {
        size_t slot = 0;
        while (slot < busyUntil.size() && busyUntil[slot] >= fact.start)
            ++slot;
        if (slot == busyUntil.size())
            busyUntil.push_back(0);
        busyUntil[slot] = fact.end;
        const int32_t key = int32_t(kMember + slot);
        (fact.id >= 0 ? lay.tensorSlot[size_t(fact.id)] : lay.memberSlot[size_t(-1 - fact.id)]) = key;
        lay.closeAt[size_t(fact.end)].push_back(key);
    }
    lay.words = (size_t(kMember) + busyUntil.size() + 63) / 64;
    return lay;
}

namespace {

bool test(const Key &key, int32_t slot)
{
    return (key[size_t(slot) / 64] >> (slot % 64)) & 1u;
}

void set(Key &key, int32_t slot, bool on)
{
    const uint64_t mask = uint64_t(1) << (slot % 64);
    key[size_t(slot) / 64] = on ? key[size_t(slot) / 64] | mask : key[size_t(slot) / 64] & ~mask;
}

} // namespace

// The most work the undecided units (positions >= level) may still add: those
// with no free ancestor decided out.
double RelaxedChain::availOf(const Layout &lay, const Key &key, size_t level) const
{
    const auto &order = lay.free;
    std::vector<char> blocked(order.size() - level, 0);
    double avail = 0.0;
    for (size_t q = level; q < order.size(); ++q) {
        bool b = false;
        for (int32_t p : lay.freePreds[q])
            b = b || (size_t(p) < level ? !test(key, lay.memberSlot[size_t(p)]) : blocked[size_t(p) - level] != 0);
        blocked[q - level] = b;
        if (!b)
            avail += m_g.work(nodeId(order[q]));
    }
    return avail;
}

// Unit lay.free[i] decided in or out for every point of `from`: the successors
// go to their key's front at the next level when they can still reach the
// window (hi <= hiW, lo + avail >= loW) and are not dominated there.
void RelaxedChain::branch(
    const Window &w, const Layout &lay, size_t i, const DpFront &from, bool in, DpLevel &next) const
{
    const int32_t x = lay.free[i];
    Key &key = next.scratch;
    key.assign(from.key->begin(), from.key->end());
    double dHi = 0.0, dLo = 0.0;
    auto pay = [&](int32_t t) {
        const double c = m_tensors[size_t(t)].weight;
        dHi += w.hiCounts[size_t(t)] ? c : 0.0;
        dLo -= w.loCounts[size_t(t)] ? c : 0.0;
    };
    if (in) {
        dHi = dLo = m_g.work(nodeId(x));
        if (lay.memberSlot[i] >= 0)
            set(key, lay.memberSlot[i], true);
        if (w.bit[size_t(x)] >= 0)
            key[0] |= uint64_t(1) << w.bit[size_t(x)];
        for (int32_t t : m_consumed[size_t(x)])
            if (w.countAt[size_t(t)] >= 0)
                key[0] += uint64_t(1) << w.countAt[size_t(t)];
        for (int32_t t : m_produced[size_t(x)])
            if (lay.forcedOut[size_t(t)]) {
                pay(t);
                if (lay.tensorSlot[size_t(t)] >= 0)
                    set(key, lay.tensorSlot[size_t(t)], true);
            }
    } else {
        for (int32_t t : m_consumed[size_t(x)]) {
            const int32_t slot = lay.tensorSlot[size_t(t)], p = m_tensors[size_t(t)].producer;
            const bool producerIn = lay.pos[size_t(p)] >= 0 ? test(key, lay.memberSlot[size_t(lay.pos[size_t(p)])])
                                                            : w.state[size_t(p)] > 0;
            if (slot >= 0 && producerIn && !test(key, slot)) {
                pay(t);
                set(key, slot, true);
            }
        }
    }
    for (int32_t slot : lay.closeAt[i])
        set(key, slot, false);
    auto [it, fresh] = next.index.try_emplace(key, int32_t(next.fronts.size()));
    if (fresh) {
        next.fronts.push_back({ &it->first, availOf(lay, key, i + 1), {}, {} });
    }
    DpFront &to = next.fronts[size_t(it->second)];
    for (size_t a = 0; a < from.points.size(); ++a) {
        const Point &p = from.points[a];
        const double hi = p.hi + dHi, lo = p.lo + dLo;
        ++next.steps;
        if (hi <= w.hiW && lo + to.avail + m_eps >= w.loW)
            to.candidates.push_back({ hi, lo, { p.slot, int8_t(in ? 1 : 0) } });
    }
}

// The last level's fronts become the window's: one per signature, each point
// with its ideal rebuilt from the nodes.
int64_t RelaxedChain::collect(
    Window &w, const Layout &lay, const DpLevel &last, const std::vector<std::vector<DpNode>> &nodes) const
{
    const auto &order = lay.free;
    int64_t leaves = 0;
    w.fronts.clear();
    std::vector<uint64_t> base(m_words, 0);
    for (int32_t x = 0; x < m_n; ++x)
        if (w.state[size_t(x)] > 0)
            base[size_t(x) / 64] |= uint64_t(1) << (x % 64);
    for (const DpFront &from : last.fronts) {
        if (from.points.empty())
            continue;
        Front f;
        f.sig = (*from.key)[0];
        for (const Point &p : from.points) {
            ++leaves;
            std::vector<uint64_t> bits = base;
            int32_t node = p.slot;
            for (size_t level = order.size(); level > 0; --level) {
                const DpNode &d = nodes[level][size_t(node)];
                if (d.in) {
                    const int32_t x = order[level - 1];
                    bits[size_t(x) / 64] |= uint64_t(1) << (x % 64);
                }
                node = d.parent;
            }
            f.points.push_back({ p.hi, p.lo, int32_t(f.pool.size() / m_words) });
            f.pool.insert(f.pool.end(), bits.begin(), bits.end());
        }
        w.fronts.push_back(std::move(f));
    }
    return leaves;
}

// The window's free units in a topological order that keeps few decided
// units read by undecided ones (the key's width): among the units whose free
// predecessors are placed, the one that is the last reader of the most of
// them, then the one read by the fewest, then the first in topological order.
std::vector<int32_t> RelaxedChain::freeOrder(const Window &w) const
{
    std::vector<int32_t> order;
    std::vector<int32_t> topo;
    for (NodeId v : m_g.topologicalOrder())
        if (w.state[size_t(index(v))] == 0)
            topo.push_back(index(v));
    std::vector<int32_t> waiting(size_t(m_n), 0), readers(size_t(m_n), 0);
    for (int32_t x : topo)
        for (NodeId s : m_g.successors(nodeId(x)))
            if (w.state[size_t(index(s))] == 0) {
                ++waiting[size_t(index(s))];
                ++readers[size_t(x)];
            }
    std::vector<int32_t> ready;
    for (int32_t x : topo)
        if (waiting[size_t(x)] == 0)
            ready.push_back(x);
    std::vector<int32_t> rank(size_t(m_n), 0);
    for (size_t i = 0; i < topo.size(); ++i)
        rank[size_t(topo[i])] = int32_t(i);
    order.clear();
    while (!ready.empty()) {
        size_t pick = 0;
        int bestClosed = -1, bestReaders = 0;
        for (size_t r = 0; r < ready.size(); ++r) {
            const int32_t x = ready[r];
            int closed = 0;
            for (NodeId p : m_g.predecessors(nodeId(x)))
                closed += w.state[size_t(index(p))] == 0 && readers[size_t(index(p))] == 1 ? 1 : 0;
            const bool better = closed > bestClosed
                || (closed == bestClosed
                    && (readers[size_t(x)] < bestReaders
                        || (readers[size_t(x)] == bestReaders && rank[size_t(x)] < rank[size_t(ready[pick])])));
            if (better) {
                pick = r;
                bestClosed = closed;
                bestReaders = readers[size_t(x)];
            }
        }
        const int32_t x = ready[pick];
        ready.erase(ready.begin() + ptrdiff_t(pick));
        order.push_back(x);
        for (NodeId p : m_g.predecessors(nodeId(x)))
            if (w.state[size_t(index(p))] == 0)
                --readers[size_t(index(p))];
        for (NodeId s : m_g.successors(nodeId(x)))
            if (w.state[size_t(index(s))] == 0 && --waiting[size_t(index(s))] == 0)
                ready.push_back(index(s));
    }
    return order;
}

// Boundary j's window ideals (docs/model.md §3.13 step 4) into its fronts;
// false when it has none. Adds its transitions to `steps` as it goes.
Result<bool> RelaxedChain::enumerate(int j, int64_t &steps, int64_t &leaves)
{
    Window &w = m_windows[size_t(j)];
    const Layout lay = layout(w, freeOrder(w));
    const auto &order = lay.free;
    const int64_t budget = memoryBudgetOr(m_opt.memoryBudget) / std::max(1, m_opt.threads);
    DpLevel cur;
    Key root(lay.words, 0);
    double hi = 0.0, lo = 0.0;
    for (int32_t x = 0; x < m_n; ++x)
        if (w.state[size_t(x)] > 0) {
            for (int32_t t : m_consumed[size_t(x)])
                if (w.countAt[size_t(t)] >= 0)
                    root[0] += uint64_t(1) << w.countAt[size_t(t)];
            hi += m_g.work(nodeId(x));
            lo += m_g.work(nodeId(x));
            for (int32_t t : m_produced[size_t(x)])
                if (lay.forcedOut[size_t(t)]) {
                    hi += w.hiCounts[size_t(t)] ? m_tensors[size_t(t)].weight : 0.0;
                    lo -= w.loCounts[size_t(t)] ? m_tensors[size_t(t)].weight : 0.0;
                    if (lay.tensorSlot[size_t(t)] >= 0)
                        set(root, lay.tensorSlot[size_t(t)], true);
                }
        }
    std::vector<std::vector<DpNode>> nodes(order.size() + 1);
    nodes[0].push_back({});
    int64_t kept = 1;
    const Key &rootKey = cur.index.try_emplace(root, 0).first->first;
    cur.fronts.push_back({ &rootKey, availOf(lay, root, 0), { { hi, lo, 0 } } });
    if (hi > w.hiW || lo + cur.fronts[0].avail + m_eps < w.loW)
        return false;
    for (size_t i = 0; i < order.size(); ++i) {
        DpLevel next;
        for (size_t f = 0; f < cur.fronts.size(); ++f) {
            if ((f & 255) == 0 && (m_stop.stopRequested() || m_deadline.expired() || m_abandon))
                return makeError(
                    ErrorKind::Stopped, "relaxed chain: stopped while enumerating boundary " + std::to_string(j));
            const DpFront &from = cur.fronts[f];
            bool canIn = true;
            for (int32_t p : lay.freePreds[i])
                canIn = canIn && test(*from.key, lay.memberSlot[size_t(p)]);
            branch(w, lay, i, from, false, next);
            if (canIn)
                branch(w, lay, i, from, true, next);
        }
        settle(next.fronts, nodes[i + 1]);
        kept += int64_t(nodes[i + 1].size());
        steps += next.steps;
        if (steps > m_opt.maxSteps)
            return makeError(ErrorKind::LimitExceeded,
                "relaxed chain: more than " + std::to_string(m_opt.maxSteps) + " search steps (the cap) at boundary "
                    + std::to_string(j));
        if (kept * kBytesPerState > budget)
            return makeError(ErrorKind::LimitExceeded,
                "relaxed chain: " + std::to_string(kept) + " kept states at boundary " + std::to_string(j)
                    + " need more than " + formatBytes(double(budget)) + " (the memory budget over "
                    + std::to_string(std::max(1, m_opt.threads)) + " threads)");
        cur = std::move(next);
    }
    leaves += collect(w, lay, cur, nodes);
    return !w.fronts.empty();
}

// Every boundary's window ideals: windows whose inputs are those of the last
// attempt keep its fronts, the others are enumerated on m_opt.threads
// threads. False when some window has no ideal.
Result<bool> RelaxedChain::enumerateAll()
{
    std::vector<int> todo;
    for (int j = 1; j < m_k; ++j) {
        WindowInputs in = inputsOf(j);
        Cached &c = m_cache[size_t(j)];
        if (c.valid && c.inputs == in)
            m_windows[size_t(j)].fronts = std::move(c.fronts);
        else
            todo.push_back(j);
        c = Cached { false, std::move(in), {} };
    }
    std::vector<std::optional<Result<bool>>> results(todo.size());
    std::vector<int64_t> steps(todo.size(), 0), leaves(todo.size(), 0);
    std::atomic<size_t> next { 0 };
    m_abandon = false;
    auto work = [&] {
        for (size_t i = next++; i < todo.size(); i = next++) {
            steps[i] = m_steps;
            results[i] = enumerate(todo[i], steps[i], leaves[i]);
            steps[i] -= m_steps;
            if (!*results[i] || !**results[i])
                m_abandon = true; // no chain at this width, or stopped: the others need not finish
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::min<int>(std::max(1, m_opt.threads), int(todo.size())); ++t)
        pool.emplace_back(work);
    work();
    for (std::thread &t : pool)
        t.join();
    for (size_t i = 0; i < todo.size(); ++i) {
        m_steps += steps[i];
        m_leaves += leaves[i];
    }
    for (const auto &r : results) // a window without ideals decides (nothing at this width)
        if (r && *r && !**r)
            return false;
    for (const auto &r : results) // else the first refusal, else a stop
        if (r && !*r && r->errorKind() != ErrorKind::Stopped)
            return r->failure();
    for (const auto &r : results)
        if (r && !*r)
            return r->failure();
    return true;
}

// What boundary j's fronts depend on besides the graph.
RelaxedChain::WindowInputs RelaxedChain::inputsOf(int j) const
{
    WindowInputs in;
    in.window = m_window;
    for (int pair : { j, j + 1 })
        if (pair >= 2 && pair < m_k) {
            in.tensors.insert(in.tensors.end(), m_coupled[size_t(pair)].begin(), m_coupled[size_t(pair)].end());
            in.tensors.push_back(-1);
            in.tensors.insert(in.tensors.end(), m_dropped[size_t(pair)].begin(), m_dropped[size_t(pair)].end());
            in.tensors.push_back(-1);
        }
    return in;
}

// After an attempt: its fronts are kept for the next one.
void RelaxedChain::stash()
{
    for (int j = 1; j < m_k && size_t(j) < m_windows.size(); ++j) {
        m_cache[size_t(j)].fronts = std::move(m_windows[size_t(j)].fronts);
        m_cache[size_t(j)].valid = !m_cache[size_t(j)].fronts.empty();
    }
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
        const int32_t inA = wa.count(a, t, x.consumers), inB = wb.count(b, t, x.consumers);
        if ((pa && !pb) || inA > inB) // not nested: no partition has this pair
            return std::numeric_limits<double>::infinity();
        for (int32_t c : x.consumers)
            if (wa.countAt[size_t(t)] < 0 && wb.countAt[size_t(t)] < 0 && wa.member(a, c) && !wb.member(b, c))
                return std::numeric_limits<double>::infinity();
        const bool newIn = inB > inA, outB = inB < int32_t(x.consumers.size()); // exact when I_{j-1} is in I_j
        if ((pa && newIn) || (pb && !pa && outB))
            cost += x.weight;
    }
    return cost;
}

// Classes of each window's fronts by the signature bits each coupling reads,
// and the coupling cost per pair of classes.
Result<bool> RelaxedChain::buildCoupling()
{
    std::vector<std::vector<uint64_t>> loSigs(static_cast<size_t>(m_k)),
        hiSigs(static_cast<size_t>(m_k)); // one per class
    for (int j = 1; j < m_k; ++j) {
        Window &w = m_windows[size_t(j)];
        auto classify = [&](uint64_t mask, std::vector<int32_t> &cls, std::vector<uint64_t> &reps) {
            std::unordered_map<uint64_t, int32_t> of;
            cls.clear();
            for (const Front &f : w.fronts) {
                const auto [it, fresh] = of.try_emplace(f.sig & mask, int32_t(reps.size()));
                if (fresh)
                    reps.push_back(f.sig);
                cls.push_back(it->second);
            }
            return int32_t(reps.size());
        };
        w.loClasses = classify(w.maskLo, w.loClass, loSigs[size_t(j)]);
        w.hiClasses = classify(w.maskHi, w.hiClass, hiSigs[size_t(j)]);
    }
    m_coupling.assign(size_t(m_k), {});
    for (int j = 2; j < m_k; ++j) {
        const auto &ra = hiSigs[size_t(j - 1)], &rb = loSigs[size_t(j)];
        if (int64_t(ra.size()) * int64_t(rb.size()) > kMaxCouplingCells)
            return makeError(ErrorKind::LimitExceeded,
                "relaxed chain: " + std::to_string(ra.size()) + " x " + std::to_string(rb.size())
                    + " signatures at boundaries " + std::to_string(j - 1) + " and " + std::to_string(j));
        auto &cells = m_coupling[size_t(j)];
        cells.resize(ra.size() * rb.size());
        for (size_t a = 0; a < ra.size(); ++a)
            for (size_t b = 0; b < rb.size(); ++b)
                cells[a * rb.size() + b] = couplingCost(j, ra[a], rb[b]);
    }
    return true;
}

// Is some sequence of window ideals within t at every stage? `heads` gets,
// per boundary and front, the largest hi a point may have to be reachable.
bool RelaxedChain::feasible(double t, std::vector<std::vector<double>> *heads)
{
    std::vector<double> prev; // G_{j-1} per front
    for (int j = 1; j < m_k; ++j) {
        const Window &w = m_windows[size_t(j)];
        const auto &fronts = w.fronts;
        std::vector<double> head(fronts.size(), kNone), g(fronts.size(), kNone), byLo(size_t(w.loClasses), kNone);
        if (j > 1) {
            const Window &before = m_windows[size_t(j - 1)];
            std::vector<double> byHi(size_t(before.hiClasses), kNone); // best G_{j-1} per class
            for (size_t a = 0; a < prev.size(); ++a)
                byHi[size_t(before.hiClass[a])] = std::max(byHi[size_t(before.hiClass[a])], prev[a]);
            for (size_t a = 0; a < byHi.size(); ++a)
                for (size_t b = 0; a < byHi.size() && byHi[a] != kNone && b < byLo.size(); ++b)
                    byLo[b] = std::max(byLo[b], byHi[a] - m_coupling[size_t(j)][a * byLo.size() + b] + t);
        }
        for (size_t s = 0; s < fronts.size(); ++s) {
            head[s] = j == 1 ? t : byLo[size_t(w.loClass[s])];
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
        const Window &after = m_windows[size_t(std::min(j + 1, m_k - 1))];
        const double need = next ? next->hi
                + m_coupling[size_t(j + 1)][size_t(m_windows[size_t(j)].hiClass[s]) * size_t(after.loClasses)
                    + size_t(after.loClass[size_t(nextFront)])]
                - t
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
    auto r = attemptOnce(out);
    stash();
    return r;
}

Result<bool> RelaxedChain::attemptOnce(RelaxedChainOutcome &out)
{
    auto built = buildWindows();
    if (!built)
        return built.failure();
    bool any = *built;
    if (any) {
        auto e = enumerateAll();
        if (!e)
            return e.failure();
        any = *e;
    }
    out.steps = m_steps;
    out.leaves = m_leaves;
    out.dropped = m_droppedCount;
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
    m_chainStage.assign(size_t(m_n), 0);
    for (int32_t x = 0; x < m_n; ++x)
        for (int j = 1; j < m_k; ++j)
            m_chainStage[size_t(x)] += ((*chain)[size_t(j)][size_t(x) / 64] >> (x % 64)) & 1u ? 0 : 1;
    out.bottleneck = evaluate(m_graph, m_params, p).bottleneck;
    out.optimal = out.bottleneck <= out.bound * (1 + 2 * kRel);
    out.partition = std::move(p);
    return true;
}

// One round's widths (docs/model.md §3.13 step 5): from `from` up to the
// incumbent until the relaxation is feasible; then, with tightenBound, widths
// between the bound and that one (an infeasible width is a bound, a feasible
// one gives its T*). Every width raises best.bound; `out` gets the feasible
// attempt with the cheapest chain. An error only when stopped or refused.
Result<bool> RelaxedChain::widths(double from, bool first, RelaxedChainOutcome &out, RelaxedChainOutcome &best)
{
    double feasibleAt = 0.0;
    auto probe = [&]() -> Result<bool> {
        RelaxedChainOutcome o;
        o.units = m_n;
        auto decided = attempt(o);
        if (m_opt.trace) {
            char line[200];
            std::snprintf(line, sizeof line,
                "width %.6f, %d signature bits: %s, bound %.6f, %lld couplings left out, %lld steps so far, %.2f s",
                m_window, m_bits,
                !decided       ? "stopped or refused"
                    : *decided ? "feasible"
                               : "infeasible",
                o.bound, (long long)m_droppedCount, (long long)m_steps,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count());
            m_opt.trace(line + (o.partition ? ", chain " + std::to_string(o.bottleneck) : std::string()));
        }
        if (!decided)
            return decided.failure();
        best.bound = std::max(best.bound, o.bound);
        if (*decided && (feasibleAt == 0.0 || (o.partition && (!out.partition || o.bottleneck < out.bottleneck))))
            out = std::move(o);
        if (*decided)
            feasibleAt = m_lastWidth = m_window;
        return *decided;
    };
    const std::vector<double> shares = first ? std::vector<double> { 0.25, 0.5, 1.0 } : std::vector<double> { 1.0 };
    for (double share : shares) {
        m_window = share < 1.0 ? from + share * (m_upper - from) : m_upper;
        // A slightly better incumbent keeps the last width: its windows hold
        // every chain up to it, and unchanged windows keep their fronts.
        if (!first && m_lastWidth >= m_upper && m_lastWidth <= m_upper * (1 + kKeepWidth))
            m_window = m_lastWidth;
        auto decided = probe();
        if (!decided)
            return decided.failure();
        if (*decided)
            break;
    }
    if (feasibleAt == 0.0) // infeasible up to the incumbent: nothing below it
        return true;
    for (int i = 0; m_opt.tightenBound && i < kMaxProbes && feasibleAt - best.bound > 1e-7 * feasibleAt; ++i) {
        m_window = 0.5 * (best.bound + feasibleAt);
        if (!probe()) // stopped or refused: the widths before stand
            break;
    }
    return true;
}

// Rounds of widths between W / k and the incumbent: narrow ones are cheap and
// decide T* whenever it lies below their U' (docs/model.md §3.13 steps 5, 7).
Result<RelaxedChainOutcome> RelaxedChain::run()
{
    m_total = m_g.totalWork();
    m_eps = kRel * m_upper;
    if (m_total - (m_k - 1) * m_upper <= 0.0)
        return makeError(ErrorKind::LimitExceeded,
            "relaxed chain: the incumbent is at or above W / (k - 1), where stages may be empty");
    if (m_stop.stopRequested() || m_deadline.expired())
        return makeError(ErrorKind::Stopped, "relaxed chain: stopped before it started");
    reachWork();
    buildTensors();
    m_priority.assign(m_tensors.size(), 0);
    m_bits = std::clamp(m_opt.signatureBits, 0, kMaxSigBits);
    m_cache.assign(size_t(m_k), {});
    const double floor = m_total / m_k;
    RelaxedChainOutcome best;
    best.units = m_n;
    for (int round = 0; round < m_opt.maxRounds; ++round) {
        // After a round, T* rarely falls below U: the widths start at U.
        const double from = round == 0 ? floor : m_upper;
        RelaxedChainOutcome out;
        auto done = widths(from, round == 0, out, best);
        if (!done && best.bound <= 0.0)
            return done.failure();
        if (!done) // stopped or refused: the widths and rounds before stand
            break;
        best.frontPoints = out.frontPoints;
        best.dropped = out.dropped;
        if (out.partition && (!best.partition || out.bottleneck < best.bottleneck)) {
            best.partition = out.partition;
            best.bottleneck = out.bottleneck;
        }
        best.optimal = best.partition && best.bottleneck <= best.bound * (1 + 2 * kRel);
        if (best.optimal)
            break;
        // Another round when the chain is a better incumbent (narrower
        // windows), pays a tensor left out of the signatures (now first), or
        // the signature budget can grow.
        const int bits = std::max(m_bits, std::min({ kMaxSigBits, m_opt.maxSignatureBits, m_bits + kBitsPerRound }));
        bool again = bits > m_bits;
        m_bits = bits;
        if (out.partition) {
            again = again || out.bottleneck < m_upper * (1 - kRel);
            m_upper = std::min(m_upper, out.bottleneck);
            again = promote() || again;
        }
        if (!again)
            break;
    }
    best.steps = m_steps;
    best.leaves = m_leaves;
    best.optimal = best.partition && best.bottleneck <= best.bound * (1 + 2 * kRel);
    return best;
}

// Marks the tensors left out at some pair whose stage the last chain makes
// pay them; true when any is new.
bool RelaxedChain::promote()
{
    bool any = false;
    for (int j = 2; j < m_k; ++j)
        for (int32_t t : m_dropped[size_t(j)]) {
            const Tensor &x = m_tensors[size_t(t)];
            const int sp = m_chainStage[size_t(x.producer)], here = j - 1;
            bool recv = false, send = false;
            for (int32_t c : x.consumers) {
                recv = recv || (sp < here && m_chainStage[size_t(c)] == here);
                send = send || (sp == here && m_chainStage[size_t(c)] > here);
            }
            if ((recv || send) && !m_priority[size_t(t)]) {
                m_priority[size_t(t)] = 1;
                ++m_promoted;
                any = true;
            }
        }
    return any;
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
    auto out = search.run();
    if (out)
        out->promoted = search.promoted();
    return out;
}

std::optional<PartitionResult> proveWithRelaxedChain(const MethodContext &ctx, const Contraction &units,
    Partition &start, double &startCost, double seconds, const std::string &method, std::string &note)
{
    const Deadline deadline(std::max(1e-3, std::min(seconds, ctx.deadline.remaining())));
    RelaxedChainOptions options;
    options.memoryBudget = ctx.options.memoryBudget;
    options.threads
        = ctx.options.threads > 0 ? ctx.options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const auto r
        = relaxedChainSearch(ctx.graph, ctx.params, units, ctx.options.k, startCost, ctx.stop, deadline, options);
    if (!r) {
        note = r.failure().message;
        return std::nullopt;
    }
    const bool better = r->partition && r->bottleneck < startCost;
    if (better) { // a better incumbent for whatever follows, proven or not
        start = *r->partition;
        startCost = r->bottleneck;
    }
    const bool startOptimal = startCost <= r->bound * (1 + 2 * kRel);
    const std::string stats = std::to_string(r->leaves) + " window ideals, " + std::to_string(r->frontPoints)
        + " kept on the fronts, " + std::to_string(r->dropped) + " skip couplings left out, bound "
        + std::to_string(r->bound);
    if (!startOptimal) {
        note = "relaxed chain: " + stats + ", not tight"
            + (better ? "; its chain improved the partition to " + std::to_string(startCost) : std::string());
        return std::nullopt;
    }
    PartitionResult out;
    out.partition = start;
    out.optimal = true;
    out.lowerBound = r->bound;
    out.method = method;
    out.notes.push_back("relaxed chain (relaxed_chain.h): " + stats
        + "; its chain is a partition at the bound: " + "proven optimal for the graph's costs");
    return out;
}

} // namespace pipecut
