#include "core/bounds/boundary_cut.h"

#include "core/bounds/chain_cut.h"
#include "core/bounds/ideal_cut_search.h"
#include "core/bounds/light_chain.h"
#include "core/graph/topology.h"
#include "core/util/max_flow.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <queue>
#include <span>
#include <vector>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Rounding slack: forcing and weighting always err on the weak (valid) side.
constexpr double kSlack = 1e-9;
constexpr int kPasses = 3; // rounds of window narrowing per threshold
constexpr int32_t kMaxSearchClasses = 256; // free classes the exact interval search takes

// Classes, edges or nodes of the set-up between two looks at the stop and the
// clock: on a million-node graph each step of the set-up is long.
constexpr int32_t kPollSetup = 65536;

// A topological order of the classes: Kahn's algorithm taking the ready class
// of smallest index, the order of the group-contracted graph (whose nodes are
// the classes of buildClasses, block_model.h, numbered alike) without
// building that graph. Incomplete when stopped.
std::vector<int32_t> classOrder(int32_t n, const Adjacency &pred, const Adjacency &succ, const BoundContext &ctx)
{
    std::vector<int32_t> indeg(n), order;
    order.reserve(n);
    std::priority_queue<int32_t, std::vector<int32_t>, std::greater<>> ready;
    for (int32_t c = 0; c < n; ++c)
        if ((indeg[c] = static_cast<int32_t>(pred[c].size())) == 0)
            ready.push(c);
    while (!ready.empty()) {
        if ((order.size() & (kPollSetup - 1)) == kPollSetup - 1 && ctx.stopped())
            break;
        const int32_t c = ready.top();
        ready.pop();
        order.push_back(c);
        for (int32_t d : succ[c])
            if (--indeg[d] == 0)
                ready.push(d);
    }
    return order;
}

} // namespace

struct BoundaryCut::Impl {
    struct Tensor {
        int32_t producer = 0;
        double size = 0; // out / B
        double maxFree = 0; // work neither above the producer nor below a consumer, at most
        std::vector<int32_t> consumers; // classes
    };
    int32_t n = 0;
    int k = 1;
    double total = 0; // W plus the overflow every partition pays at least
    double work = 0; // W
    // Compressed rows (topology.h): on a million classes, a vector per class
    // costs more to allocate than to use.
    Adjacency pred, succ;
    std::vector<double> above, below; // ancestor and descendant work, class included
    std::vector<double> classWork;
    std::vector<Tensor> tensors;

    // The class DAG's adjacency from its edges; false when stopped first.
    bool linkClasses(const std::vector<std::pair<int32_t, int32_t>> &edges, const BoundContext &ctx);
    // One tensor per node with consumers in other classes and a positive
    // size; none when stopped first.
    void addTensors(const Graph &g, const NodeClasses &cls, double bandwidth, const BoundContext &ctx);

    // c_j of the window [W - suffixCap, prefixCap], scaled by 1 / B; infinity
    // when no ideal fits the window. With exactVisits > 0 and few free
    // classes, the ideals are searched (ideal_cut_search.h) and the exact
    // minimum over the window is returned when the search completes.
    // *open (when given) is set when the search ran out of visits.
    double windowCut(double prefixCap, double suffixCap, const std::vector<double> &weight, int64_t exactVisits = 0,
        bool *open = nullptr) const;
    // That search on the free classes (state 0, numbered by id - 2); negative when it gave no answer.
    double searchIdeals(const std::vector<int8_t> &state, const std::vector<int32_t> &id, int32_t freeCount,
        const std::vector<double> &weight, double low, double high, int64_t visits) const;
};

BoundaryCut::BoundaryCut(const BoundContext &ctx)
    : m_impl(std::make_unique<Impl>())
{
    Impl &d = *m_impl;
    const NodeClasses &cls = ctx.classes;
    const Graph &g = ctx.graph;
    d.n = cls.count;
    d.k = ctx.k;
    d.work = g.totalWork();
    const CostParams &p = ctx.params;
    d.total = d.work + (p.overflow ? std::max(0.0, g.totalParam() - ctx.k * p.fastMemory) / p.slowBandwidth : 0.0);
    d.classWork = cls.work;
    // Each step below polls the stop and the clock; a cut stopped in its
    // set-up keeps what it has, which proves nothing (windowCut), and its
    // callers look at the stop first.
    if (!d.linkClasses(cls.edges, ctx))
        return;
    std::vector<int32_t> order = classOrder(d.n, d.pred, d.succ, ctx);
    if (ctx.stopped())
        return;
    // The classes' ancestor and descendant work (core/graph/topology.h),
    // lower bounds when stopped.
    const auto stopped = [&ctx] { return ctx.stopped(); };
    d.above = closureWork(order, d.pred, cls.work, stopped);
    if (ctx.stopped())
        return;
    std::reverse(order.begin(), order.end());
    d.below = closureWork(order, d.succ, cls.work, stopped);
    if (!ctx.stopped())
        d.addTensors(g, cls, p.bandwidth, ctx);
}

bool BoundaryCut::Impl::linkClasses(const std::vector<std::pair<int32_t, int32_t>> &edges, const BoundContext &ctx)
{
    // Counted, summed, then filled in the edges' order: sorted by (from, to),
    // so every list comes out ascending.
    succ.offset.assign(size_t(n) + 1, 0);
    pred.offset.assign(size_t(n) + 1, 0);
    for (const auto &[a, b] : edges) {
        ++succ.offset[a + 1];
        ++pred.offset[b + 1];
    }
    for (int32_t c = 0; c < n; ++c) {
        succ.offset[c + 1] += succ.offset[c];
        pred.offset[c + 1] += pred.offset[c];
    }
    if (ctx.stopped())
        return false;
    succ.target.resize(edges.size());
    pred.target.resize(edges.size());
    std::vector<int32_t> nextSucc(succ.offset.begin(), succ.offset.end() - 1);
    std::vector<int32_t> nextPred(pred.offset.begin(), pred.offset.end() - 1);
    for (size_t e = 0; e < edges.size(); ++e) {
        if ((e & (kPollSetup - 1)) == kPollSetup - 1 && ctx.stopped())
            return false;
        const auto [a, b] = edges[e];
        succ.target[nextSucc[a]++] = b;
        pred.target[nextPred[b]++] = a;
    }
    return true;
}

void BoundaryCut::Impl::addTensors(const Graph &g, const NodeClasses &cls, double bandwidth, const BoundContext &ctx)
{
    for (int32_t u = 0; u < g.nodeCount(); ++u) {
        if ((u & (kPollSetup - 1)) == kPollSetup - 1 && ctx.stopped()) {
            tensors.clear();
            return;
        }
        if (cls.succClasses[u].empty())
            continue;
        Tensor t;
        t.producer = cls.classOf[u];
        t.size = g.out(nodeId(u)) / bandwidth;
        t.consumers = cls.succClasses[u];
        double minBelow = kInfinity;
        for (int32_t c : t.consumers)
            minBelow = std::min(minBelow, below[c]);
        t.maxFree = std::max(0.0, work - above[t.producer] - minBelow);
        if (t.size > 0)
            tensors.push_back(std::move(t));
    }
}

BoundaryCut::~BoundaryCut() = default;

double BoundaryCut::Impl::searchIdeals(const std::vector<int8_t> &state, const std::vector<int32_t> &id,
    int32_t freeCount, const std::vector<double> &weight, double low, double high, int64_t visits) const
{
    IdealCutInstance inst;
    inst.work.assign(freeCount, 0.0);
    inst.pred.resize(freeCount);
    inst.blocked.assign(freeCount, 0);
    inst.required.assign(freeCount, 0);
    for (int32_t c = 0; c < n; ++c) {
        if (state[c] == 1)
            inst.baseWork += classWork[c];
        if (state[c] != 0)
            continue;
        const int32_t f = id[c] - 2;
        inst.work[f] = classWork[c];
        for (int32_t a : pred[c]) {
            inst.blocked[f] |= uint8_t(state[a] == 2);
            if (state[a] == 0)
                inst.pred[f].push_back(id[a] - 2);
        }
        for (int32_t b : succ[c])
            inst.required[f] |= uint8_t(state[b] == 1);
    }
    for (size_t i = 0; i < tensors.size(); ++i) {
        const Tensor &t = tensors[i];
        IdealCutInstance::Tensor x;
        x.capacity = weight[i] * t.size;
        if (x.capacity <= 0 || state[t.producer] == 2)
            continue;
        x.producer = state[t.producer] == 1 ? -1 : id[t.producer] - 2;
        for (int32_t c : t.consumers) {
            x.consumerForcedOut = x.consumerForcedOut || state[c] == 2;
            if (state[c] == 0)
                x.consumers.push_back(id[c] - 2);
        }
        inst.tensors.push_back(std::move(x));
    }
    return cheapestIdealCut(inst, low, high, visits);
}

double BoundaryCut::Impl::windowCut(
    double prefixCap, double suffixCap, const std::vector<double> &weight, int64_t exactVisits, bool *open) const
{
    if (open)
        *open = false;
    if (above.size() < size_t(n) || below.size() < size_t(n))
        return 0.0; // stopped in the set-up: no closures, no cut proven
    // 0: free, 1: in every ideal of the window, 2: in none.
    std::vector<int8_t> state(n, 0);
    std::vector<int32_t> id(n, -1);
    int32_t nodes = 2;
    if (prefixCap < 0 || suffixCap < 0)
        return kInfinity;
    const double inCap = suffixCap * (1 + kSlack), outCap = prefixCap * (1 + kSlack);
    for (int32_t c = 0; c < n; ++c) {
        const bool in = below[c] > inCap, out = above[c] > outCap;
        if (in && out)
            return kInfinity;
        state[c] = in ? 1 : out ? 2 : 0;
        if (state[c] == 0)
            id[c] = nodes++;
    }
    constexpr int32_t source = 0, sink = 1;
    double constant = 0;
    struct Arc {
        int32_t from, to;
        double capacity;
    };
    std::vector<Arc> arcs;
    std::vector<int32_t> free;
    for (int32_t c = 0; c < n; ++c)
        if (state[c] == 0)
            for (int32_t a : pred[c])
                if (state[a] == 0)
                    arcs.push_back({ id[c], id[a], kInfinity }); // c in the ideal => a in it
    for (size_t i = 0; i < tensors.size(); ++i) {
        const Tensor &t = tensors[i];
        const double cap = weight[i] * t.size;
        if (cap <= 0 || state[t.producer] == 2)
            continue;
        bool leaves = false;
        free.clear();
        for (int32_t c : t.consumers) {
            leaves = leaves || state[c] == 2;
            if (state[c] == 0)
                free.push_back(id[c]);
        }
        const int32_t from = state[t.producer] == 1 ? source : id[t.producer];
        if (leaves && from == source) {
            constant += cap;
        } else if (leaves) {
            arcs.push_back({ from, sink, cap });
        } else if (free.size() == 1) {
            arcs.push_back({ from, free[0], cap });
        } else if (!free.empty()) {
            const int32_t hub = nodes++; // paid unless every free consumer joins the ideal
            arcs.push_back({ from, hub, cap });
            for (int32_t c : free)
                arcs.push_back({ hub, c, kInfinity });
        }
    }
    const int32_t freeCount = static_cast<int32_t>(std::count(state.begin(), state.end(), int8_t(0)));
    double value = constant, sourceWork = 0; // sourceWork: the free work on the source side of the cut
    if (nodes > 2 && !arcs.empty()) {
        MaxFlow flow(nodes);
        for (const Arc &a : arcs)
            flow.addArc(a.from, a.to, a.capacity);
        value += flow.run(source, sink);
        for (int32_t c = 0; c < n && exactVisits > 0; ++c)
            sourceWork += state[c] == 0 && flow.sourceSide(id[c]) ? classWork[c] : 0.0;
    }
    const double slack = kSlack * work, low = work - inCap - slack, high = outCap + slack;
    if (exactVisits > 0 && freeCount <= kMaxSearchClasses) {
        double forcedWork = 0;
        for (int32_t c = 0; c < n; ++c)
            forcedWork += state[c] == 1 ? classWork[c] : 0.0;
        if (forcedWork + sourceWork >= low && forcedWork + sourceWork <= high)
            return value; // the cut found is an ideal of the window: exact
        const double exact = searchIdeals(state, id, freeCount, weight, low, high, exactVisits);
        if (exact >= 0) // the exact minimum over the window (infinity: no ideal), never below the flow's
            return std::max(value, exact);
        if (open)
            *open = true;
    }
    return value;
}

double BoundaryCut::averageAt(double threshold, const BoundContext &ctx, double stopAbove) const
{
    const Impl &d = *m_impl;
    const int k = d.k;
    if (k <= 1 || threshold <= 0)
        return d.total / k;
    // Every stage holds at least W - (k - 1) T of work; a tensor whose
    // producer and consumers leave at most `maxFree` of work between them
    // crosses at most 1 + maxFree / minStage boundaries.
    const double minStage = d.work - (k - 1) * threshold * (1 + kSlack);
    std::vector<double> weight(d.tensors.size(), 0.0);
    if (minStage > 0)
        for (size_t i = 0; i < d.tensors.size(); ++i)
            weight[i] = 2.0 / (1.0 + std::floor(d.tensors[i].maxFree * (1 + kSlack) / minStage));
    // Pass 1: windows [W - (k - j) T, j T]. Later passes narrow them: the
    // stages up to j send every tensor crossing a boundary i <= j, and the
    // stages after j receive every tensor crossing a boundary i >= j, each
    // tensor once at least, while its weights over all boundaries sum to at
    // most 2 (docs/model.md §4.11).
    std::vector<double> cut(k + 1, 0.0);
    auto average = [&] {
        double total = d.total;
        for (int j = 1; j < k; ++j)
            total += cut[j];
        return total / k;
    };
    for (int pass = 0; pass < kPasses && !ctx.stopped(); ++pass) {
        std::vector<double> before(k + 1, 0.0), after(k + 1, 0.0);
        for (int j = 1; j < k; ++j)
            before[j] = before[j - 1] + cut[j];
        for (int j = k - 1; j >= 1; --j)
            after[j] = after[j + 1] + cut[j];
        for (int j = 1; j < k && !ctx.stopped(); ++j)
            cut[j] = std::max(
                cut[j], d.windowCut(j * threshold - 0.5 * before[j], (k - j) * threshold - 0.5 * after[j], weight));
        if (average() > stopAbove)
            break;
    }
    // Every cut[j] is a valid lower bound, also when a pass was cut short.
    return average();
}

double BoundaryCut::totalWork() const
{
    return m_impl->work;
}

std::vector<double> BoundaryCut::singleCrossingWeights(double threshold) const
{
    const Impl &d = *m_impl;
    const double minStage = d.work - (d.k - 1) * threshold * (1 + kSlack);
    std::vector<double> weight(d.tensors.size(), 0.0);
    for (size_t i = 0; i < d.tensors.size() && minStage > 0; ++i)
        weight[i] = d.tensors[i].maxFree * (1 + kSlack) < minStage ? 1.0 : 0.0;
    return weight;
}

std::vector<double> BoundaryCut::freeWork() const
{
    std::vector<double> free;
    for (const Impl::Tensor &t : m_impl->tensors)
        free.push_back(t.maxFree);
    return free;
}

double BoundaryCut::intervalCut(
    double low, double high, const std::vector<double> &weight, int64_t exactVisits, bool *open) const
{
    return m_impl->windowCut(high, m_impl->work - low, weight, exactVisits, open);
}

BoundResult boundaryCutBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "boundary";
    if (ctx.k <= 1 || ctx.stopped())
        return r;
    const BoundaryCut cut(ctx);
    if (ctx.stopped())
        return r;
    // averageAt decreases in T, so no T above averageAt(t) can be refuted
    // once t is; it is infinite while some window holds no ideal at all,
    // so step up from the best proven bound until it is finite.
    double lo = ctx.known, proven = 0, hi = ctx.upper;
    double step = 1e-4 * std::max(lo, 1e-12);
    for (double t = lo; !ctx.stopped(); t = lo + step, step *= 4) {
        const double average = cut.averageAt(t, ctx, kInfinity);
        if (ctx.stopped() || !(average > t * (1 + kSlack))) {
            hi = std::min(hi, t);
            break;
        }
        lo = proven = t;
        if (std::isfinite(average)) {
            hi = std::min(hi, average);
            break;
        }
    }
    if (!(hi > lo * (1 + kSlack)))
        hi = lo;
    while (!ctx.stopped() && hi - lo > 1e-6 * hi) {
        const double mid = 0.5 * (lo + hi);
        const double average = cut.averageAt(mid, ctx, mid * (1 + kSlack));
        if (ctx.stopped())
            break;
        if (average > mid * (1 + kSlack)) {
            lo = proven = mid;
            ctx.report(ctx.upper, proven, "boundary");
        } else {
            hi = mid;
        }
    }
    r.lowerBound = std::max(proven, chainCutBound(cut, ctx, proven));
    r.lowerBound = std::max(r.lowerBound, lightChainBound(cut, ctx, r.lowerBound));
    return r;
}

} // namespace pipecut::bounds
