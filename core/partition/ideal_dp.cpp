#include "core/partition/ideal_dp.h"

#include "core/cost/evaluate.h"
#include "core/partition/methods.h"
#include "core/partition/refine.h"
#include "core/partition/slicegraph.h"
#include "core/util/limits.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace pipecut {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Enumerates the ideals that extend a base ideal, each exactly once: a DFS
// over a list of ready units where a branch may only add units listed after
// the last one added (units readied by an addition are appended), so every
// extension has one canonical insertion sequence. Iterative (graphs can be
// deep chains). Callbacks: add(x) -> false to prune x (and its supersets),
// remove(x), visit() -> false to stop.
class IdealWalker {
public:
    explicit IdealWalker(const Graph &dag)
        : m_dag(dag)
        , m_need(dag.nodeCount())
    {
    }

    // Base ideal given by a membership predicate.
    template <typename InBase> void setBase(InBase inBase)
    {
        const int32_t n = m_dag.nodeCount();
        m_cand.clear();
        for (int32_t x = 0; x < n; ++x) {
            int32_t need = 0;
            for (NodeId u : m_dag.predecessors(nodeId(x)))
                need += inBase(index(u)) ? 0 : 1;
            m_need[x] = need;
            if (need == 0 && !inBase(x))
                m_cand.push_back(x);
        }
    }

    template <typename Add, typename Remove, typename Visit> bool walk(Add add, Remove remove, Visit visit)
    {
        m_stack.clear();
        size_t pos = 0;
        bool stopped = false;
        while (true) {
            if (!stopped && pos < m_cand.size()) {
                const int32_t x = m_cand[pos];
                if (!add(x)) {
                    remove(x);
                    ++pos;
                    continue;
                }
                int32_t appended = 0;
                for (NodeId y : m_dag.successors(nodeId(x)))
                    if (--m_need[index(y)] == 0) {
                        m_cand.push_back(index(y));
                        ++appended;
                    }
                m_stack.push_back({ pos, appended });
                pos = pos + 1;
                if (!visit())
                    stopped = true;
            } else {
                if (m_stack.empty())
                    break;
                const Frame f = m_stack.back();
                m_stack.pop_back();
                const int32_t x = m_cand[f.idx];
                m_cand.resize(m_cand.size() - f.appended);
                for (NodeId y : m_dag.successors(nodeId(x)))
                    ++m_need[index(y)];
                remove(x);
                pos = f.idx + 1;
            }
        }
        return !stopped;
    }

private:
    struct Frame {
        size_t idx; // position of the added unit in m_cand
        int32_t appended; // units it made ready (at the end of m_cand)
    };
    const Graph &m_dag;
    std::vector<int32_t> m_need;
    std::vector<int32_t> m_cand;
    std::vector<Frame> m_stack;
};

// Cost of the block S = I \ J on the original graph, maintained as units are
// added to / removed from S (J fixed). in(S) only grows as S grows, so
// work + in/B (+ overflow) is a monotone lower bound used for pruning.
class BlockCost {
public:
    BlockCost(const Graph &g, const CostParams &params, const Contraction &units)
        : m_g(g)
        , m_params(params)
        , m_units(units)
        , m_where(g.nodeCount(), 0)
        , m_read(g.nodeCount(), 0)
        , m_outside(g.nodeCount(), 0)
    {
        if (!params.hasDeviceWork())
            return;
        // Per-device work (docs/model.md §1.7): one sum per distinct column.
        std::vector<const std::vector<double> *> columns;
        for (const StageDevice &d : params.devices) {
            const auto it = std::find(columns.begin(), columns.end(), d.work.get());
            m_devColumn.push_back(static_cast<int>(it - columns.begin()));
            if (it == columns.end())
                columns.push_back(d.work.get());
        }
        m_columns.assign(columns.size(), std::vector<double>(g.works().begin(), g.works().end()));
        for (size_t c = 0; c < columns.size(); ++c)
            if (columns[c])
                m_columns[c] = *columns[c];
        m_colWork.assign(columns.size(), 0.0);
    }

    void setBase(int32_t unit, bool inBase)
    {
        for (NodeId v : m_units.members(unit))
            m_where[index(v)] = inBase ? 1 : 0;
    }

    void add(int32_t x)
    {
        const auto members = m_units.members(x);
        for (NodeId v : members) {
            m_where[index(v)] = 2;
            m_work += m_g.work(v);
            m_param += m_g.param(v);
            for (size_t c = 0; c < m_columns.size(); ++c)
                m_colWork[c] += m_columns[c][index(v)];
        }
        for (NodeId v : members) {
            int32_t outside = 0;
            for (NodeId w : m_g.successors(v))
                outside += m_where[index(w)] != 2;
            m_outside[index(v)] = outside;
            if (outside > 0)
                m_outw += m_g.out(v);
            for (NodeId u : m_g.predecessors(v)) {
                const int32_t ui = index(u);
                if (m_where[ui] == 1) {
                    if (m_read[ui]++ == 0)
                        m_in += m_g.out(u);
                } else if (m_where[ui] == 2 && m_units.nodeToContracted[ui] != x && --m_outside[ui] == 0) {
                    m_outw -= m_g.out(u);
                }
            }
        }
    }

    void remove(int32_t x)
    {
        const auto members = m_units.members(x);
        for (NodeId v : members) {
            for (NodeId u : m_g.predecessors(v)) {
                const int32_t ui = index(u);
                if (m_where[ui] == 1) {
                    if (--m_read[ui] == 0)
                        m_in -= m_g.out(u);
                } else if (m_where[ui] == 2 && m_units.nodeToContracted[ui] != x && m_outside[ui]++ == 0) {
                    m_outw += m_g.out(u);
                }
            }
            if (m_outside[index(v)] > 0)
                m_outw -= m_g.out(v);
        }
        for (NodeId v : members) {
            m_where[index(v)] = 0;
            m_work -= m_g.work(v);
            m_param -= m_g.param(v);
            for (size_t c = 0; c < m_columns.size(); ++c)
                m_colWork[c] -= m_columns[c][index(v)];
        }
    }

    double cost() const { return m_params.stageCost(m_work, std::max(0.0, m_in), std::max(0.0, m_outw), m_param); }
    double lower() const { return m_params.stageCost(m_work, std::max(0.0, m_in), 0.0, m_param); }
    // On stage d's device (a cluster, docs/model.md §1.7).
    double cost(int d) const
    {
        return m_params.stageCost(d, workOn(d), std::max(0.0, m_in), std::max(0.0, m_outw), m_param);
    }
    // The block's work on stage d's device (the graph's without per-device work).
    double workOn(int d) const
    {
        return m_devColumn.empty() ? m_work : m_colWork[static_cast<size_t>(m_devColumn[static_cast<size_t>(d)])];
    }
    bool fits(int d) const { return m_params.fitsMemory(d, m_param); }
    // The least lower() over the devices of stages from..to (0-based).
    double lowerOver(int from, int to) const
    {
        double l = kInf;
        for (int d = from; d <= to; ++d)
            l = std::min(l, m_params.stageCost(d, workOn(d), std::max(0.0, m_in), 0.0, m_param));
        return l;
    }
    double work() const { return m_work; }
    double param() const { return m_param; }
    double outw() const { return std::max(0.0, m_outw); }
    bool fits() const { return m_params.fitsMemory(m_param); }
    // Exact zeros when S is empty, to stop drift from accumulating across bases.
    void clearSums()
    {
        m_work = m_param = m_in = m_outw = 0;
        std::fill(m_colWork.begin(), m_colWork.end(), 0.0);
    }

private:
    const Graph &m_g;
    const CostParams &m_params;
    const Contraction &m_units;
    std::vector<uint8_t> m_where; // 0 outside, 1 base J, 2 block S
    std::vector<int32_t> m_read, m_outside;
    double m_work = 0, m_param = 0, m_in = 0, m_outw = 0;
    std::vector<std::vector<double>> m_columns; // per distinct work column, per node
    std::vector<int> m_devColumn; // per device: its column
    std::vector<double> m_colWork; // the block's work per column
};

// The stage the last block V \ J runs on (0 without a cluster).
int lastDevice(const CostParams &params)
{
    return params.hasDevices() ? static_cast<int>(params.devices.size()) - 1 : 0;
}

uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Zobrist keys per unit (two independent 64-bit hashes).
struct ZobristKeys {
    explicit ZobristKeys(int32_t nu)
        : z1(nu)
        , z2(nu)
    {
        for (int32_t x = 0; x < nu; ++x) {
            z1[x] = mix(0x9e3779b97f4a7c15ULL * (2 * uint64_t(x) + 1));
            z2[x] = mix(0xc2b2ae3d27d4eb4fULL * (2 * uint64_t(x) + 2) + 0x165667b19e3779f9ULL);
        }
    }
    std::vector<uint64_t> z1, z2;
};

// Every ideal of the unit graph as a tree of one-unit additions (0 is the
// empty ideal), with its hashes and the sums of the ideal as one block.
struct IdealTable {
    std::vector<int32_t> parent { -1 }, added { -1 }, size { 0 };
    std::vector<uint64_t> h1 { 0 }, h2 { 0 };
    std::vector<double> iwork { 0.0 }, iparam { 0.0 }, ioutw { 0.0 }, icost { 0.0 };

    int32_t count() const { return static_cast<int32_t>(parent.size()); }
};

// Work between two looks at the stop token and the clock, in dp cells (or
// chain steps): some 0.1 ms, whatever k is.
constexpr int64_t kCellsPerCheck = int64_t(1) << 16;

struct StopCheck {
    const StopToken &stop;
    const Deadline &deadline;
    bool operator()() const { return stop.stopRequested() || deadline.expired(); }
};

enum class EnumerationEnd { Complete, OverCap, Stopped };

// Enumerates all ideals with their sums into `t`, up to `cap` of them.
EnumerationEnd enumerateIdeals(const Graph &graph, const CostParams &params, const Contraction &units,
    const ZobristKeys &keys, int64_t cap, const StopCheck &shouldStop, IdealTable &t)
{
    BlockCost block(graph, params, units);
    IdealWalker walker(units.graph);
    walker.setBase([](int32_t) { return false; });
    std::vector<int32_t> path { 0 }; // ideal index along the DFS
    uint64_t a = 0, b = 0;
    bool over = false, stopped = false;
    walker.walk(
        [&](int32_t x) {
            block.add(x);
            a ^= keys.z1[x];
            b ^= keys.z2[x];
            const int32_t idx = t.count();
            t.parent.push_back(path.back());
            t.added.push_back(x);
            t.size.push_back(t.size[path.back()] + 1);
            t.h1.push_back(a);
            t.h2.push_back(b);
            t.iwork.push_back(block.workOn(lastDevice(params))); // the last stage's complement
            t.iparam.push_back(block.param());
            t.ioutw.push_back(block.outw());
            t.icost.push_back(block.fits(0) ? block.cost(0) : kInf);
            path.push_back(idx);
            return true;
        },
        [&](int32_t x) {
            block.remove(x);
            a ^= keys.z1[x];
            b ^= keys.z2[x];
            path.pop_back();
        },
        [&] {
            if (static_cast<int64_t>(t.parent.size()) > cap) {
                over = true;
                return false;
            }
            if ((t.parent.size() & 0x3fff) == 0 && shouldStop()) {
                stopped = true;
                return false;
            }
            return true;
        });
    return over ? EnumerationEnd::OverCap : stopped ? EnumerationEnd::Stopped : EnumerationEnd::Complete;
}

// Hash index: h1 -> ideal, verified on h2.
class IdealIndex {
public:
    explicit IdealIndex(const IdealTable &t)
        : m_h1(t.h1)
        , m_h2(t.h2)
    {
        const int32_t N = t.count();
        size_t capSlots = 1;
        while (capSlots < 2 * size_t(N))
            capSlots <<= 1;
        m_slots.assign(capSlots, -1);
        m_mask = capSlots - 1;
        for (int32_t i = 0; i < N; ++i) {
            size_t s = m_h1[i] & m_mask;
            while (m_slots[s] >= 0)
                s = (s + 1) & m_mask;
            m_slots[s] = i;
        }
    }

    int32_t lookup(uint64_t a, uint64_t b) const
    {
        for (size_t s = a & m_mask;; s = (s + 1) & m_mask) {
            const int32_t i = m_slots[s];
            if (i < 0)
                return -1;
            if (m_h1[i] == a && m_h2[i] == b)
                return i;
        }
    }

private:
    const std::vector<uint64_t> &m_h1, &m_h2;
    std::vector<int32_t> m_slots;
    size_t m_mask = 0;
};

// dp[b][I] for b = 1..K-1, "at most b stages", and arg[b][I], the base J of
// its last block.
struct DpTables {
    DpTables(int32_t N, int levels)
        : levels(levels)
        , cells(size_t(N) * std::max(levels, 1))
        , dp(new double[cells])
        , arg(new int32_t[cells])
    {
    }

    size_t at(int32_t I, int b) const { return size_t(I) * levels + (b - 1); }

    // Starts every level at f(I) (one block). The tables are allocated
    // uninitialised and filled here, where the deadline is checked: the first
    // touch of these pages (200 MB for a million ideals at k = 16) takes a
    // second on a loaded machine. Cells are only read once filled. Returns
    // false when stopped.
    // With a cluster (perDevice) only level 1 starts at f(I), on the first
    // device; the others start empty and are filled by the sweep.
    bool fill(const IdealTable &t, const StopCheck &shouldStop, bool perDevice)
    {
        const int32_t N = t.count();
        bool stopped = false;
        int64_t cellsSinceCheck = 0; // at huge k one ideal has many cells
        for (int32_t I = 0; I < N && !stopped; ++I) {
            for (int b = 1; b <= levels; ++b) {
                dp[at(I, b)] = perDevice && b > 1 ? kInf : t.icost[I];
                arg[at(I, b)] = 0;
            }
            if ((cellsSinceCheck += levels) >= kCellsPerCheck) {
                cellsSinceCheck = 0;
                stopped = shouldStop();
            }
        }
        return !stopped;
    }

    const int levels;
    const size_t cells;
    std::unique_ptr<double[]> dp;
    std::unique_ptr<int32_t[]> arg;
};

// Orders ideals by size (a linear extension of inclusion).
std::vector<int32_t> orderBySize(const IdealTable &t, int32_t nu)
{
    const int32_t N = t.count();
    std::vector<int32_t> bySize(N);
    std::vector<int32_t> count(nu + 2, 0);
    for (int32_t I = 0; I < N; ++I)
        ++count[t.size[I] + 1];
    for (int32_t s = 0; s <= nu; ++s)
        count[s + 1] += count[s];
    for (int32_t I = 0; I < N; ++I)
        bySize[count[t.size[I]]++] = I;
    return bySize;
}

// The total work of the graph on stage d's device.
double totalWorkOn(const Graph &graph, const CostParams &params, int d)
{
    if (!params.hasDeviceWork())
        return graph.totalWork();
    long double total = 0;
    for (int32_t v = 0; v < graph.nodeCount(); ++v)
        total += params.workOn(d, v, graph.works()[static_cast<size_t>(v)]);
    return static_cast<double>(total);
}

// The dp over the bases J in order of size: each J closes the last stage
// V \ J, and its extensions I = J + S (f(S) < U) take dp one stage further.
class BaseSweep {
public:
    BaseSweep(const Graph &graph, const CostParams &params, const Contraction &units, const IdealTable &t,
        const ZobristKeys &keys, const IdealIndex &index, DpTables &tables, const StopCheck &shouldStop)
        : m_params(params)
        , m_t(t)
        , m_keys(keys)
        , m_index(index)
        , m_tables(tables)
        , m_shouldStop(shouldStop)
        , m_W(totalWorkOn(graph, params, lastDevice(params)))
        , m_Ptot(graph.totalParam())
        , m_block(graph, params, units)
        , m_walker(units.graph)
        , m_inJ(units.graph.nodeCount(), 0)
    {
    }

    void run(const std::vector<int32_t> &bySize, int K, int32_t full)
    {
        const int levels = m_tables.levels;
        for (int32_t J : bySize) {
            if (K == 1 || stopped)
                break;
            // Bases whose extensions are all pruned make no steps, and setBase()
            // alone costs O(units + edges).
            if ((++m_bases & 0xff) == 0 && m_shouldStop()) {
                stopped = true;
                break;
            }
            if (m_params.hasDevices())
                allowEmptyStages(J);
            closeLastStage(J);
            if (levels < 2 || J == full)
                continue;
            int b0 = 2;
            while (b0 <= levels && !(m_tables.dp[m_tables.at(J, b0 - 1)] < U))
                ++b0;
            // No work-band pruning here (the rest V \ J must fit in the stages
            // after b): that pruning loses the optimum on small random instances
            // (a proven 9.37 where 8.27 exists; tst_ideal_dp_regression), so every
            // level is kept.
            const int bmax = levels;
            if (b0 > bmax)
                continue;
            extendBase(J, b0);
        }
    }

    double U = kInf; // the best bottleneck known, for pruning
    double best = kInf;
    int32_t bestJ = -1;
    int64_t pairs = 0;
    bool stopped = false;

private:
    // With a cluster, stage b may stay empty: J covered by stages 1..b - 1
    // is covered by 1..b (J's values are final here: every smaller ideal has
    // been a base already).
    void allowEmptyStages(int32_t J)
    {
        double *dpJ = &m_tables.dp[m_tables.at(J, 1)];
        int32_t *argJ = &m_tables.arg[m_tables.at(J, 1)];
        for (int b = 2; b <= m_tables.levels; ++b)
            if (dpJ[b - 2] < dpJ[b - 1]) {
                dpJ[b - 1] = dpJ[b - 2];
                argJ[b - 1] = J;
            }
    }

    // Last stage: V \ J, whose inputs are exactly J's outgoing tensors.
    void closeLastStage(int32_t J)
    {
        // dp[levels][J] is not necessarily the smallest level value (updates
        // that cannot lead to a complete chain are skipped), so it only gates
        // the last stage; the intermediate levels check their own values.
        const double prev = m_tables.dp[m_tables.at(J, m_tables.levels)];
        const int last0 = m_tables.levels; // the last stage's index, 0-based
        if (prev < U && m_params.fitsMemory(last0, m_Ptot - m_t.iparam[J])) {
            const double last = m_params.stageCost(
                last0, std::max(0.0, m_W - m_t.iwork[J]), m_t.ioutw[J], 0.0, m_Ptot - m_t.iparam[J]);
            const double v = std::max(prev, last);
            ++pairs;
            if (v < best) {
                best = v;
                bestJ = J;
                U = std::min(U, best);
            }
        }
    }

    // Intermediate stages b0..K-1: extensions I = J + S with f(S) < U.
    void extendBase(int32_t J, int b0)
    {
        m_jUnits.clear();
        for (int32_t I = J; I > 0; I = m_t.parent[I])
            m_jUnits.push_back(m_t.added[I]);
        for (int32_t x : m_jUnits) {
            m_inJ[x] = 1;
            m_block.setBase(x, true);
        }
        m_walker.setBase([&](int32_t x) { return m_inJ[x] != 0; });
        m_block.clearSums();
        uint64_t a = m_t.h1[J], bb = m_t.h2[J];
        const bool cluster = m_params.hasDevices();
        m_levelCost.resize(m_tables.levels + 1);
        const double *dpJ = &m_tables.dp[m_tables.at(J, 1)];
        m_walker.walk(
            [&](int32_t x) {
                m_block.add(x);
                a ^= m_keys.z1[x];
                bb ^= m_keys.z2[x];
                const double lower = cluster ? m_block.lowerOver(b0 - 1, m_tables.levels - 1) : m_block.lower();
                return lower < U && m_block.fits();
            },
            [&](int32_t x) {
                m_block.remove(x);
                a ^= m_keys.z1[x];
                bb ^= m_keys.z2[x];
            },
            [&] {
                // A step costs one cell per level it updates (many at huge k).
                if ((m_cellsSinceCheck += 1 + m_tables.levels - b0) >= kCellsPerCheck) {
                    m_cellsSinceCheck = 0;
                    if (m_shouldStop()) {
                        stopped = true;
                        return false;
                    }
                }
                const double c = cluster ? kInf : m_block.cost();
                if (cluster) {
                    double least = kInf;
                    for (int b = b0; b <= m_tables.levels; ++b) {
                        m_levelCost[b] = m_block.fits(b - 1) ? m_block.cost(b - 1) : kInf;
                        least = std::min(least, m_levelCost[b]);
                    }
                    if (!(least < U))
                        return true;
                } else if (!(c < U)) {
                    return true;
                }
                ++pairs;
                const int32_t I = m_index.lookup(a, bb);
                assert(I >= 0);
                double *dpI = &m_tables.dp[m_tables.at(I, 1)];
                int32_t *argI = &m_tables.arg[m_tables.at(I, 1)];
                const int top = m_tables.levels;
                for (int b = b0; b <= top; ++b) {
                    const double v = std::max(dpJ[b - 2], cluster ? m_levelCost[b] : c);
                    if (v < dpI[b - 1]) {
                        dpI[b - 1] = v;
                        argI[b - 1] = J;
                    }
                }
                return true;
            });
        for (int32_t x : m_jUnits) {
            m_inJ[x] = 0;
            m_block.setBase(x, false);
        }
    }

    const CostParams &m_params;
    const IdealTable &m_t;
    const ZobristKeys &m_keys;
    const IdealIndex &m_index;
    DpTables &m_tables;
    const StopCheck &m_shouldStop;
    const double m_W, m_Ptot;
    BlockCost m_block;
    IdealWalker m_walker;
    std::vector<char> m_inJ;
    std::vector<int32_t> m_jUnits;
    std::vector<double> m_levelCost; // per stage b: the block's cost on its device
    int64_t m_cellsSinceCheck = 0, m_bases = 0;
};

// The stage of every node from the chain J_1 <= ... <= J_{K-1} = bestJ <= V;
// empty when stopped (the walk is O(K x units): long at huge k).
std::vector<int32_t> stagesOfChain(const Graph &graph, const Contraction &units, const IdealTable &t,
    const DpTables &tables, int K, int32_t bestJ, const StopCheck &shouldStop)
{
    const int32_t nu = units.graph.nodeCount();
    std::vector<int32_t> chain(K, 0); // chain[b] = J_b for b = 1..K-1
    if (K >= 2) {
        chain[K - 1] = bestJ;
        for (int b = K - 1; b >= 2; --b)
            chain[b - 1] = tables.arg[tables.at(chain[b], b)];
    }
    std::vector<int32_t> unitStage(nu, -1);
    int64_t stepsSinceCheck = 0;
    for (int b = 1; b <= K - 1; ++b) {
        for (int32_t I = chain[b]; I > 0; I = t.parent[I]) {
            if (unitStage[t.added[I]] < 0)
                unitStage[t.added[I]] = b - 1;
            ++stepsSinceCheck;
        }
        if (stepsSinceCheck >= kCellsPerCheck) {
            stepsSinceCheck = 0;
            if (shouldStop())
                return {};
        }
    }
    std::vector<int32_t> stage(graph.nodeCount());
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        const int32_t s = unitStage[units.nodeToContracted[v]];
        stage[v] = s < 0 ? K - 1 : s;
    }
    return stage;
}

} // namespace

IdealCount countIdeals(const Graph &dag, int64_t cap, const StopToken *stop, const Deadline *deadline)
{
    IdealCount r;
    r.count = 1; // the empty ideal
    IdealWalker walker(dag);
    walker.setBase([](int32_t) { return false; });
    walker.walk([](int32_t) { return true; }, [](int32_t) {},
        [&] {
            if (++r.count > cap) {
                r.exceeded = true;
                return false;
            }
            if ((r.count & 0xffff) == 0 && ((stop && stop->stopRequested()) || (deadline && deadline->expired()))) {
                r.stopped = true;
                return false;
            }
            return true;
        });
    return r;
}

Result<IdealDpOutcome> solveIdealDp(const Graph &graph, const CostParams &params, const Contraction &units, int k,
    int64_t cap, const Partition *incumbent, const StopToken &stop, const Deadline &deadline, int64_t memoryBudget)
{
    const Graph &dag = units.graph;
    const int32_t nu = dag.nodeCount();
    // More stages than units never help identical devices; with a cluster
    // every device counts (which of them hold the units matters).
    const int K = params.hasDevices() ? k : std::max(1, std::min(k, nu));
    const StopCheck shouldStop { stop, deadline };
    const double Ptot = graph.totalParam();
    const ZobristKeys keys(nu);

    // (1) Enumerate all ideals with their sums.
    IdealTable ideals;
    const std::vector<int32_t> &parent = ideals.parent;
    {
        const EnumerationEnd end = enumerateIdeals(graph, params, units, keys, cap, shouldStop, ideals);
        const bool over = end == EnumerationEnd::OverCap, stopped = end == EnumerationEnd::Stopped;
        if (over)
            return makeError(ErrorKind::LimitExceeded,
                "ideal-dp refused: the group-contracted graph (" + std::to_string(nu) + " units) has more than "
                    + std::to_string(cap) + " ideals (the cap); use slicegraph, or raise the cap",
                ResourceLimit::Ideals);
        if (stopped && incumbent) { // as a stop in the dp below: the incumbent, not proven
            IdealDpOutcome out;
            out.partition = *incumbent;
            out.bottleneck = bottleneckOf(graph, params, incumbent->stages(), incumbent->k());
            out.ideals = static_cast<int64_t>(parent.size());
            return out;
        }
        if (stopped)
            return makeError(ErrorKind::Stopped,
                "ideal-dp stopped while enumerating ideals (" + std::to_string(parent.size()) + " so far)");
    }
    const int32_t N = ideals.count();
    const int levels = K - 1; // dp levels 1..K-1 stored; level K only for V
    const int64_t budget = memoryBudgetOr(memoryBudget);
    if (const double bytes = idealDpBytes(N, k, nu); bytes > double(budget))
        return makeError(ErrorKind::LimitExceeded,
            "ideal-dp refused: " + std::to_string(N) + " ideals at k = " + std::to_string(K) + " need "
                + formatBytes(bytes) + " of tables, over the memory budget of " + formatBytes(double(budget)),
            ResourceLimit::MemoryBudget);

    IdealDpOutcome out;
    out.ideals = N;
    double U = kInf;
    if (incumbent)
        U = bottleneckOf(graph, params, incumbent->stages(), incumbent->k());
    const double U0 = U;

    // (2) The dp. The deadline is checked in every phase that can take a
    // second on a million ideals: the enumeration, the fill of the tables,
    // each 256 bases and each 4096 blocks.
    const IdealIndex index(ideals);
    DpTables tables(N, levels);
    const bool filled = tables.fill(ideals, shouldStop, params.hasDevices());
    const std::vector<int32_t> bySize = orderBySize(ideals, nu);
    const int32_t full = bySize[N - 1]; // V: the only ideal of size nu

    BaseSweep sweep(graph, params, units, ideals, keys, index, tables, shouldStop);
    sweep.U = U;
    sweep.stopped = !filled;
    if (K == 1) {
        sweep.best = params.fitsMemory(0, Ptot) ? ideals.icost[full] : kInf;
        sweep.bestJ = full;
    }
    sweep.run(bySize, K, full);
    out.pairs = sweep.pairs;
    const bool stopped = sweep.stopped;
    const double best = sweep.best;

    // (3) Reconstruct the partition from the best chain (a stop can cut this short too).
    std::vector<int32_t> stages;
    if (!stopped && best < U0)
        stages = stagesOfChain(graph, units, ideals, tables, K, sweep.bestJ, shouldStop);
    if (stopped || (best < U0 && stages.empty())) {
        if (!incumbent)
            return makeError(ErrorKind::Stopped, "ideal-dp stopped before finishing and had no incumbent partition");
        out.partition = *incumbent;
        out.bottleneck = U0;
        out.optimal = false;
        return out;
    }
    if (!(best < U0)) {
        if (!incumbent)
            return makeError(ErrorKind::Infeasible,
                "no partition into at most " + std::to_string(k) + " stages satisfies the memory limit and the groups");
        out.partition = *incumbent;
        out.bottleneck = U0;
        out.optimal = true; // nothing beats the incumbent
        return out;
    }
    out.partition = Partition(std::move(stages), k);
    out.bottleneck = bottleneckOf(graph, params, out.partition.stages(), k);
    out.optimal = true;
    if (incumbent && out.bottleneck > U0) { // rounding: keep the incumbent when it is no worse
        out.partition = *incumbent;
        out.bottleneck = U0;
    }
    return out;
}

double idealDpBytes(int64_t ideals, int k, int32_t units)
{
    const int levels = std::max(1, std::min(k, std::max(units, 1)) - 1);
    // parent, added, size, 2 hashes, 4 sums (60 bytes); about 2 hash slots of
    // 4 bytes; dp (double) and arg (int32) per level.
    return double(ideals) * (60.0 + 8.0 + 12.0 * levels);
}

Result<PartitionResult> runIdealDp(const MethodContext &ctx)
{
    // Contracting a million nodes takes a second or more: it looks at the clock.
    auto contraction = contractGroups(ctx.graph, [&ctx] { return ctx.shouldStop(); });
    if (!contraction)
        return contraction.failure().prefixed("ideal-dp: ");
    const int64_t cap = ctx.options.idealCap > 0 ? ctx.options.idealCap : kDefaultIdealCap;
    // Count first: a refusal must be quick and must not run the heuristic.
    const IdealCount count = countIdeals(contraction->graph, cap, &ctx.stop, &ctx.deadline);
    if (count.exceeded)
        return makeError(ErrorKind::LimitExceeded,
            "ideal-dp refused: the group-contracted graph (" + std::to_string(contraction->graph.nodeCount())
                + " units) has more than " + std::to_string(cap) + " ideals (the cap)",
            ResourceLimit::Ideals);
    if (count.stopped)
        return makeError(ErrorKind::Stopped, "ideal-dp stopped while counting ideals");
    const int64_t budget = memoryBudgetOr(ctx.options.memoryBudget);
    if (const double bytes = idealDpBytes(count.count, ctx.options.k, contraction->graph.nodeCount());
        bytes > double(budget))
        return makeError(ErrorKind::LimitExceeded,
            "ideal-dp refused: " + std::to_string(count.count) + " ideals at k = " + std::to_string(ctx.options.k)
                + " need " + formatBytes(bytes) + " of tables, over the memory budget of "
                + formatBytes(double(budget)),
            ResourceLimit::MemoryBudget);
    // Incumbent: slicegraph 10x10 + refine (and the given start, when better).
    // Not started once stopped: slicegraph always decodes one order, which
    // on a million nodes is long, and a stop here is answered below like one
    // in the contraction or the count (with the start when there is one).
    std::optional<Partition> incumbent;
    double incumbentCost = kInf;
    if (!ctx.shouldStop()) {
        SliceGraphOptions o;
        o.k = ctx.options.k;
        o.population = 10;
        o.generations = 10;
        o.seed = ctx.options.seed;
        o.threads = ctx.options.threads;
        auto h = runBrkga(ctx.graph, ctx.params, *contraction, o, ctx.stop, ctx.deadline);
        if (h) {
            RefineOutcome ref
                = refinePartition(ctx.graph, ctx.params, h->partition, ctx.stop, ctx.deadline, &*contraction);
            incumbent = std::move(ref.partition);
            incumbentCost = ref.bottleneck;
        }
    }
    if (ctx.options.start && validatePartition(ctx.graph, ctx.params, *ctx.options.start).ok()) {
        const double c = bottleneckOf(ctx.graph, ctx.params, ctx.options.start->stages(), ctx.options.k);
        if (c < incumbentCost) {
            incumbent = *ctx.options.start;
            incumbentCost = c;
        }
    }
    ctx.report(incumbentCost, 0.0, "ideal-dp: " + std::to_string(count.count) + " ideals");
    if (ctx.shouldStop() && !incumbent)
        return makeError(ErrorKind::Stopped, "ideal-dp stopped before its search and had no incumbent partition");
    auto dp = solveIdealDp(ctx.graph, ctx.params, *contraction, ctx.options.k, cap, incumbent ? &*incumbent : nullptr,
        ctx.stop, ctx.deadline, ctx.options.memoryBudget);
    if (!dp)
        return dp.failure();
    PartitionResult r;
    r.partition = std::move(dp->partition);
    r.optimal = dp->optimal;
    r.lowerBound = dp->optimal ? dp->bottleneck : 0.0;
    r.method = "ideal-dp";
    r.notes.push_back(std::to_string(dp->ideals) + " ideals, " + std::to_string(dp->pairs) + " blocks costed"
        + (dp->optimal ? "" : "; stopped early: the result is the heuristic incumbent"));
    return r;
}

} // namespace pipecut
