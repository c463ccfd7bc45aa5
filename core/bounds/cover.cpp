#include "core/bounds/cover.h"

#include "core/bounds/cut_pricing.h"
#include "core/cost/evaluate.h"

#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <mutex>
#include <numeric>
#include <queue>
#include <random>
#include <thread>
#include <unordered_map>

namespace pipecut::bounds {

namespace {

constexpr double kReducedCostTolerance = 1e-7;
constexpr double kProofTolerance = 1e-6;
constexpr double kCutoffMargin = 3e-6; // > kProofTolerance: a pricing cutoff proves the claim
constexpr int kRandomOrders = 6;
constexpr int kMaxColumnsPerRound = 80;
constexpr int kImprovedPerRound = 20; // candidates improved by local search per round
constexpr int kMaxImproveSteps = 400;
constexpr int32_t kSingletonStarts = 300; // local searches from single classes per round
// Past this many classes the method refuses: its reachability bitsets take
// classes^2 / 8 bytes and a sweep O(classes^2).
constexpr int32_t kMaxClasses = 5000;
// Probes narrow [proven, partition] to this fraction of the partition's bottleneck.
constexpr double kBisectionGap = 0.004;
// CBC threads for the exact pricing, the proof's bottleneck (its result is a
// bound either way; only the path to it depends on the threads' timing).
const int kPricingThreads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
// Share of the remaining time one probe may use. More would suit the wide
// graphs (0.9: random-300-s1 proved 7.56 in both of two 60 s runs, against
// 7.56 and 7.28 with 0.6), but the sweeps and master LPs that follow a
// probe's last MIP do not look at the clock, and on the 3,000-node
// transformer 0.75 and 0.9 ended 5 s limits after up to 5.36 and 5.30 s
// (bench_limits, worst of 5; 5.11 s with 0.6).
constexpr double kProbeShare = 0.6;
constexpr double kReportSeconds = 0.25;
constexpr int kCutNodeBudget = 500; // search nodes per anchor in the cut pricing
constexpr double kCutShare = 0.5; // of the probe's remaining time, per cut pricing scan

uint64_t hashClasses(const std::vector<int32_t> &classes)
{
    uint64_t h = 1469598103934665603ull;
    for (int32_t c : classes) {
        h ^= static_cast<uint64_t>(c) + 0x9e3779b97f4a7c15ull;
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace

struct CoverSolver::Impl {
    const Graph &g;
    const CostParams &params;
    const NodeClasses &cls;
    int k;
    int32_t count;
    std::vector<std::vector<int32_t>> predNodes; // per class: distinct outside nodes with a successor in it
    std::vector<int32_t> consumers; // per node: distinct other classes reading it
    std::vector<std::vector<int32_t>> succ, pred; // class DAG
    std::vector<double> topoKey; // per class: first topological position of a member
    std::vector<std::vector<int32_t>> fixedOrders;

    struct Column {
        std::vector<int32_t> classes;
        double cost;
    };
    std::vector<Column> columns;
    std::unordered_multimap<uint64_t, int> byHash;

    // Sweep scratch.
    std::vector<int64_t> inStamp, readStamp;
    std::vector<int32_t> remaining;
    int64_t stamp = 0;

    // The exact pricing by anchored cuts (cut_pricing.h) on the graph's
    // order; its strict reachability bitsets (`words` words per class) also
    // serve the local search's convexity tests.
    std::unique_ptr<CutPricing> cuts;
    int32_t words = 0;
    const uint64_t *descOf(int32_t c) const { return cuts->descendants(c); }
    const uint64_t *ancOf(int32_t c) const { return cuts->ancestors(c); }

    // Pricing MIP for one threshold.
    double pricingThreshold = -1;
    mip::MipModel pricingModel;
    std::vector<int> x, y;

    explicit Impl(const BoundContext &ctx)
        : g(ctx.graph)
        , params(ctx.params)
        , cls(ctx.classes)
        , k(ctx.k)
        , count(ctx.classes.count)
    {
        predNodes.resize(count);
        consumers.assign(g.nodeCount(), 0);
        for (int32_t u = 0; u < g.nodeCount(); ++u) {
            consumers[u] = static_cast<int32_t>(cls.succClasses[u].size());
            for (int32_t c : cls.succClasses[u])
                predNodes[c].push_back(u);
        }
        succ.resize(count);
        pred.resize(count);
        for (const auto &[a, b] : cls.edges) {
            succ[a].push_back(b);
            pred[b].push_back(a);
        }
        topoKey.assign(count, std::numeric_limits<double>::infinity());
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            topoKey[cls.classOf[v]] = std::min(topoKey[cls.classOf[v]], double(g.topoPosition(nodeId(v))));
        inStamp.assign(count, 0);
        readStamp.assign(g.nodeCount(), 0);
        remaining.assign(g.nodeCount(), 0);

        fixedOrders.push_back(kahn(topoKey));
        words = (count + 63) / 64;
        cuts = std::make_unique<CutPricing>(g, params, cls, fixedOrders.front());
        if (ctx.incumbent) {
            std::vector<double> key(count);
            for (int32_t c = 0; c < count; ++c)
                key[c] = double(index(ctx.incumbent->stage(nodeId(cls.members[c][0])))) * (count + 1) + topoKey[c];
            fixedOrders.push_back(kahn(key));
        }
        for (int s = 0; s < kRandomOrders; ++s) {
            std::mt19937_64 rng(0x5eed + s);
            std::uniform_real_distribution<double> u(0, 1);
            std::vector<double> key(count);
            for (auto &v : key)
                v = u(rng);
            fixedOrders.push_back(kahn(key));
        }
    }

    // Kahn's algorithm on the class DAG taking the ready class of smallest key.
    std::vector<int32_t> kahn(const std::vector<double> &key) const
    {
        std::vector<int32_t> indeg(count, 0);
        for (int32_t c = 0; c < count; ++c)
            indeg[c] = static_cast<int32_t>(pred[c].size());
        using Item = std::pair<double, int32_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> ready;
        for (int32_t c = 0; c < count; ++c)
            if (indeg[c] == 0)
                ready.emplace(key[c], c);
        std::vector<int32_t> order;
        order.reserve(count);
        while (!ready.empty()) {
            const int32_t c = ready.top().second;
            ready.pop();
            order.push_back(c);
            for (int32_t d : succ[c])
                if (--indeg[d] == 0)
                    ready.emplace(key[d], d);
        }
        return order;
    }

    double blockCost(const std::vector<int32_t> &classes, bool *fits) const
    {
        std::vector<char> mask(g.nodeCount(), 0);
        for (int32_t c : classes)
            for (int32_t v : cls.members[c])
                mask[v] = 1;
        const BlockTotals t = blockTotals(g, params, mask);
        *fits = params.fitsMemory(t.param);
        return t.cost;
    }

    // Adds a column unless it is known; returns whether it was new.
    bool addColumn(std::vector<int32_t> classes, double cost)
    {
        std::sort(classes.begin(), classes.end());
        const uint64_t h = hashClasses(classes);
        auto [lo, hi] = byHash.equal_range(h);
        for (auto it = lo; it != hi; ++it)
            if (columns[it->second].classes == classes)
                return false;
        byHash.emplace(h, static_cast<int>(columns.size()));
        columns.push_back({ std::move(classes), cost });
        return true;
    }

    struct Candidate {
        double value;
        const std::vector<int32_t> *order;
        int32_t from, to; // positions, inclusive
        double cost;
    };

    // For each start position, the admissible segment of largest pi(S) if it exceeds 1.
    void sweep(
        const std::vector<int32_t> &order, double threshold, const std::vector<double> &pi, std::vector<Candidate> &out)
    {
        const int32_t n = static_cast<int32_t>(order.size());
        for (int32_t i = 0; i < n; ++i) {
            ++stamp;
            double work = 0, param = 0, in = 0, outw = 0, value = 0;
            Candidate best { 1 + kReducedCostTolerance, &order, -1, -1, 0 };
            for (int32_t j = i; j < n; ++j) {
                const int32_t c = order[j];
                inStamp[c] = stamp;
                work += cls.work[c];
                param += cls.param[c];
                value += pi[c];
                if (work > threshold || !params.fitsMemory(param))
                    break;
                for (int32_t v : cls.members[c])
                    if (consumers[v] > 0) {
                        outw += g.out(nodeId(v));
                        remaining[v] = consumers[v];
                    }
                for (int32_t u : predNodes[c]) {
                    if (inStamp[cls.classOf[u]] == stamp) {
                        if (--remaining[u] == 0)
                            outw -= g.out(nodeId(u));
                    } else if (readStamp[u] != stamp) {
                        readStamp[u] = stamp;
                        in += g.out(nodeId(u));
                    }
                }
                if (value > best.value && params.stageCost(work, in, std::max(0.0, outw), param) <= threshold) {
                    best.value = value;
                    best.to = j;
                    best.from = i;
                }
            }
            if (best.to >= 0)
                out.push_back(best);
        }
    }

    // Local search from an admissible convex set: moves that raise pi(S)
    // (adding any class, dropping a class without a predecessor or without a
    // successor inside) while S stays convex and admissible; a move without
    // gain must lower f(S). Per node u, cnt[u] = consumer classes of u in S:
    // u outside S is read iff cnt[u] > 0, u inside writes iff cnt[u] < consumers[u],
    // so a move's effect on f(S) costs O(degree).
    std::vector<int32_t> cnt;
    std::vector<char> inSet;
    std::vector<uint64_t> setBits, D, A;

    struct Totals {
        double work = 0, param = 0, reads = 0, writes = 0;
    };
    Totals addDelta(Totals t, int32_t d) const
    {
        t.work += cls.work[d];
        t.param += cls.param[d];
        for (int32_t u : predNodes[d]) {
            if (inSet[cls.classOf[u]]) {
                if (cnt[u] + 1 == consumers[u])
                    t.writes -= g.out(nodeId(u));
            } else if (cnt[u] == 0) {
                t.reads += g.out(nodeId(u));
            }
        }
        for (int32_t v : cls.members[d]) {
            if (cnt[v] > 0)
                t.reads -= g.out(nodeId(v));
            if (cnt[v] < consumers[v])
                t.writes += g.out(nodeId(v));
        }
        return t;
    }
    Totals removeDelta(Totals t, int32_t d) const
    {
        t.work -= cls.work[d];
        t.param -= cls.param[d];
        for (int32_t v : cls.members[d]) {
            if (cnt[v] < consumers[v])
                t.writes -= g.out(nodeId(v));
            if (cnt[v] > 0)
                t.reads += g.out(nodeId(v));
        }
        for (int32_t u : predNodes[d]) {
            if (inSet[cls.classOf[u]]) {
                if (cnt[u] == consumers[u])
                    t.writes += g.out(nodeId(u));
            } else if (cnt[u] == 1) {
                t.reads -= g.out(nodeId(u));
            }
        }
        return t;
    }
    double costOf(const Totals &t) const
    {
        return params.stageCost(t.work, std::max(0.0, t.reads), std::max(0.0, t.writes), t.param);
    }
    void setMember(int32_t d, bool on)
    {
        inSet[d] = on;
        setBits[d / 64] ^= uint64_t(1) << (d % 64);
        for (int32_t u : predNodes[d])
            cnt[u] += on ? 1 : -1;
    }
    void rebuildReach(const std::vector<int32_t> &list)
    {
        std::fill(D.begin(), D.end(), 0);
        std::fill(A.begin(), A.end(), 0);
        for (int32_t c : list)
            for (int32_t w = 0; w < words; ++w) {
                D[w] |= descOf(c)[w];
                A[w] |= ancOf(c)[w];
            }
    }

    // Every step keeps S admissible, so a stop request may end it anywhere.
    std::vector<int32_t> improve(
        std::vector<int32_t> list, double threshold, const std::vector<double> &pi, const BoundContext &ctx)
    {
        if (cnt.empty()) {
            cnt.assign(g.nodeCount(), 0);
            inSet.assign(count, 0);
            setBits.assign(words, 0);
            D.assign(words, 0);
            A.assign(words, 0);
        }
        Totals t;
        for (int32_t c : list) {
            t = addDelta(t, c);
            setMember(c, true);
        }
        rebuildReach(list);
        double currentCost = costOf(t);
        for (int step = 0; step < kMaxImproveSteps && !ctx.stopped(); ++step) {
            double bestGain = 0, bestCost = currentCost;
            int32_t bestClass = -1;
            bool bestAdd = true;
            Totals bestTotals;
            auto consider = [&](int32_t d, double gain, const Totals &nt, bool add) {
                const double cost = costOf(nt);
                if (cost > threshold || !params.fitsMemory(nt.param))
                    return;
                const bool better = gain > bestGain + kReducedCostTolerance
                    || (gain >= bestGain - 1e-12 && cost < bestCost - 1e-9 * threshold);
                if (better) {
                    bestGain = gain;
                    bestCost = cost;
                    bestClass = d;
                    bestAdd = add;
                    bestTotals = nt;
                }
            };
            for (int32_t d = 0; d < count; ++d) {
                if (inSet[d] || pi[d] < bestGain - 1e-12 || t.work + cls.work[d] > threshold)
                    continue;
                bool convex = true;
                for (int32_t w = 0; w < words && convex; ++w) {
                    const uint64_t inside = setBits[w] | (w == d / 64 ? uint64_t(1) << (d % 64) : 0);
                    convex = (((D[w] | descOf(d)[w]) & (A[w] | ancOf(d)[w])) & ~inside) == 0;
                }
                if (convex)
                    consider(d, pi[d], addDelta(t, d), true);
            }
            if (list.size() > 1)
                for (int32_t d : list) {
                    if (-pi[d] < bestGain - 1e-12)
                        continue;
                    bool source = true, sink = true;
                    for (int32_t p : pred[d])
                        source = source && !inSet[p];
                    for (int32_t q : succ[d])
                        sink = sink && !inSet[q];
                    if (source || sink)
                        consider(d, -pi[d], removeDelta(t, d), false);
                }
            if (bestClass < 0)
                break;
            currentCost = bestCost;
            t = bestTotals;
            setMember(bestClass, bestAdd);
            if (bestAdd) {
                list.push_back(bestClass);
                for (int32_t w = 0; w < words; ++w) {
                    D[w] |= descOf(bestClass)[w];
                    A[w] |= ancOf(bestClass)[w];
                }
            } else {
                list.erase(std::find(list.begin(), list.end(), bestClass));
                rebuildReach(list);
            }
        }
        for (int32_t c : list)
            setMember(c, false);
        return list;
    }

    // Heuristic pricing: new columns with reduced cost below zero.
    int heuristicPricing(double threshold, const std::vector<double> &pi, int round, const BoundContext &ctx)
    {
        std::vector<Candidate> found;
        for (const auto &order : fixedOrders)
            if (!ctx.stopped())
                sweep(order, threshold, pi, found);
        // Dual-guided orders: the classes of large duals early, so that segments gather them.
        std::vector<double> key(count);
        std::vector<std::vector<int32_t>> guided;
        guided.reserve(3);
        for (int32_t c = 0; c < count; ++c)
            key[c] = -pi[c];
        guided.push_back(kahn(key));
        std::mt19937_64 rng(0xc0fe + round);
        std::normal_distribution<double> noise(0.0, 1.0);
        for (int r = 0; r < 2; ++r) {
            for (int32_t c = 0; c < count; ++c)
                key[c] = -pi[c] + 0.5 * noise(rng) * (1 + std::abs(pi[c]));
            guided.push_back(kahn(key));
        }
        for (const auto &order : guided)
            if (!ctx.stopped())
                sweep(order, threshold, pi, found);
        std::sort(found.begin(), found.end(), [](const Candidate &a, const Candidate &b) { return a.value > b.value; });
        int added = 0, improved = 0;
        for (const Candidate &cand : found) {
            if (added >= kMaxColumnsPerRound || ctx.stopped())
                break;
            std::vector<int32_t> classes(cand.order->begin() + cand.from, cand.order->begin() + cand.to + 1);
            if (improved < kImprovedPerRound) {
                ++improved;
                std::vector<int32_t> better = improve(classes, threshold, pi, ctx);
                bool fits = false;
                const double cost = blockCost(better, &fits);
                if (fits && cost <= threshold && addColumn(std::move(better), cost)) {
                    pendingColumns.push_back(static_cast<int>(columns.size()) - 1);
                    ++added;
                }
            }
            bool fits = false;
            const double cost = blockCost(classes, &fits);
            if (!fits || cost > threshold)
                continue;
            if (addColumn(std::move(classes), cost)) {
                pendingColumns.push_back(static_cast<int>(columns.size()) - 1);
                ++added;
            }
        }
        // Local search from the classes of largest dual alone (when admissible).
        if (added == 0) {
            std::vector<int32_t> byDual(count);
            std::iota(byDual.begin(), byDual.end(), 0);
            const int32_t starts = std::min(count, kSingletonStarts);
            std::partial_sort(byDual.begin(), byDual.begin() + starts, byDual.end(),
                [&](int32_t a, int32_t b) { return pi[a] > pi[b] || (pi[a] == pi[b] && a < b); });
            for (int32_t i = 0; i < starts && added < kMaxColumnsPerRound && !ctx.stopped(); ++i) {
                const int32_t c = byDual[i];
                if (pi[c] <= 0)
                    break;
                bool alone = false;
                if (blockCost({ c }, &alone) > threshold || !alone)
                    continue;
                std::vector<int32_t> better = improve({ c }, threshold, pi, ctx);
                double value = 0;
                for (int32_t d : better)
                    value += pi[d];
                if (value <= 1 + kReducedCostTolerance)
                    continue;
                bool fits = false;
                const double cost = blockCost(better, &fits);
                if (fits && cost <= threshold && addColumn(std::move(better), cost)) {
                    pendingColumns.push_back(static_cast<int>(columns.size()) - 1);
                    ++added;
                }
            }
        }
        return added;
    }

    void buildPricing(double threshold)
    {
        if (pricingThreshold == threshold)
            return;
        pricingModel = mip::MipModel();
        BlockBuilder b(pricingModel, g, params, cls, threshold);
        x = b.addIdeal();
        y = b.addIdeal();
        b.addNested(y, x);
        const Lin cost = b.blockCost(x, y);
        addLessEqual(pricingModel, cost, 1.0 + 1e-9);
        pricingThreshold = threshold;
    }

    std::vector<int> pendingColumns; // found but not yet in the master

    // Exact pricing by anchored cuts (cut_pricing.h), round robin over the
    // anchors. Returns an upper bound on max pi(S) over admissible blocks
    // when every anchor was bounded at these duals (infinity otherwise);
    // admissible blocks worth more than 1 become pending columns.
    int32_t nextAnchor = 0;
    double cutPricing(
        double threshold, const std::vector<double> &pi, double target, const BoundContext &ctx, int *added)
    {
        double delta = -std::numeric_limits<double>::infinity();
        // A scan may take half the time left (on the 3,000-node transformer a
        // full one takes 26 s at T = 10); past that, CBC's MIP gets the rest.
        // Windows and networks stay cached, so the next scan goes further.
        const double deadline = ctx.clock.elapsed() + kCutShare * ctx.remaining();
        const std::function<bool()> stop = [&ctx, deadline] { return ctx.stopped() || ctx.clock.elapsed() > deadline; };
        *added = 0;
        for (int32_t i = 0; i < count; ++i) {
            const int32_t anchor = (nextAnchor + i) % count;
            if (stop() || *added >= kMaxColumnsPerRound) {
                nextAnchor = anchor; // the next scan starts where this one stopped
                return std::numeric_limits<double>::infinity();
            }
            CutPricing::Result r
                = cuts->anchorBound(anchor, threshold, pi, target, 1 + kReducedCostTolerance, kCutNodeBudget, stop);
            delta = std::max(delta, r.bound);
            for (auto &block : r.blocks) {
                bool fits = false;
                const double cost = blockCost(block, &fits);
                if (fits && cost <= threshold && addColumn(std::move(block), cost)) {
                    pendingColumns.push_back(static_cast<int>(columns.size()) - 1);
                    ++*added;
                }
            }
        }
        return delta;
    }

    // The master LP: every class covered at least once; one artificial column
    // per row.
    std::unique_ptr<ClpSimplex> makeMaster(double artificial) const
    {
        const int32_t n = count;
        auto lp = std::make_unique<ClpSimplex>();
        lp->setLogLevel(0);
        lp->messageHandler()->setLogLevel(0);
        {
            // Rows: every class covered at least once; one artificial column per row.
            std::vector<CoinBigIndex> starts(n + 1);
            std::vector<int> rows(n);
            std::vector<double> ones(n, 1.0), zeros(n, 0.0), cost(n, artificial), upper(n, COIN_DBL_MAX);
            std::iota(starts.begin(), starts.end(), 0);
            std::iota(rows.begin(), rows.end(), 0);
            CoinPackedMatrix matrix(true, n, n, n, ones.data(), rows.data(), starts.data(), nullptr);
            lp->loadProblem(matrix, zeros.data(), upper.data(), cost.data(), ones.data(), upper.data());
        }
        return lp;
    }

    // Columns go in as one batch: Clp copies its matrix on every addColumn,
    // so rounds of 160 columns on 9,000 would take 0.3 s (and delay a stop).
    // Returns the number of columns added.
    int addToMaster(ClpSimplex &lp, const std::vector<int> &batch) const
    {
        std::vector<CoinBigIndex> starts { 0 };
        std::vector<int> rows;
        for (int column : batch) {
            const auto &c = columns[column].classes;
            rows.insert(rows.end(), c.begin(), c.end());
            starts.push_back(static_cast<CoinBigIndex>(rows.size()));
        }
        const std::vector<double> ones(rows.size(), 1.0), lower(batch.size(), 0.0), upper(batch.size(), COIN_DBL_MAX),
            cost(batch.size(), 1.0);
        if (!batch.empty())
            lp.addColumns(static_cast<int>(batch.size()), lower.data(), upper.data(), cost.data(), starts.data(),
                rows.data(), ones.data());
        return static_cast<int>(batch.size());
    }

    // Exact pricing: max pi(S) over admissible blocks, as min -pi(S), by CBC.
    // Raises p.lowerZ and queues the block found. False when the probe ends:
    // proven, converged without a proof, or out of time.
    bool exactPricing(double threshold, const std::vector<double> &pi, double sumPi, double target,
        const BoundContext &ctx, CoverProbe &p)
    {
        // Only a block worth more than sum(pi) / k (with a margin) can defeat
        // the proof at these duals: CBC prunes the rest and stops at the first.
        std::vector<int32_t> block;
        const double delta = mipPricing(threshold, pi, sumPi / (k * (1 + kCutoffMargin)), ctx, &block);
        ++p.pricingMips;
        if (std::isfinite(delta)) {
            // Farley: pi / delta is dual feasible, so z*(T) >= sum(pi) / delta.
            const double z = delta > 0 ? sumPi / delta : (sumPi > 0 ? std::numeric_limits<double>::infinity() : 0.0);
            p.lowerZ = std::max(p.lowerZ, z);
            if (p.lowerZ > target) {
                p.proven = p.settled = true;
                return false;
            }
        }
        return queueBlock(std::move(block), threshold, pi);
    }

    // Queues `classes` as a pending column when it is admissible, new and worth more than 1.
    bool queueBlock(std::vector<int32_t> classes, double threshold, const std::vector<double> &pi)
    {
        double value = 0;
        for (int32_t c : classes)
            value += pi[c];
        bool fits = false;
        const double cost = classes.empty() ? 0.0 : blockCost(classes, &fits);
        if (value > 1 + kReducedCostTolerance && fits && cost <= threshold && addColumn(std::move(classes), cost)) {
            pendingColumns.push_back(static_cast<int>(columns.size()) - 1);
            return true;
        }
        return false;
    }

    // CBC's pricing MIP, max pi(S) over admissible blocks, pruned at `cutoff`:
    // an upper bound on that maximum (infinity when CBC proved nothing); the
    // block it found (when any) is returned in *block.
    double mipPricing(double threshold, const std::vector<double> &pi, double cutoff, const BoundContext &ctx,
        std::vector<int32_t> *block)
    {
        const int32_t n = count;
        buildPricing(threshold);
        mip::MipModel model = pricingModel;
        for (int32_t c = 0; c < n; ++c) {
            model.setObjective(x[c], -pi[c]);
            model.setObjective(y[c], pi[c]);
        }
        mip::SolveOptions o = ctx.solveOptions();
        o.cutoff = -cutoff;
        o.stopAtOrBelow = o.cutoff;
        o.threads = kPricingThreads; // cbc_solve keeps large models on one thread
        const mip::SolveOutcome out = mip::solve(model, o);
        // An upper bound on max pi(S): the optimum of min -pi(S) is at least
        // min(bound, cutoff); "infeasible" means nothing below the cutoff.
        double delta = std::numeric_limits<double>::infinity();
        if (out.status == mip::SolveOutcome::Status::Infeasible)
            delta = -o.cutoff;
        else if (std::isfinite(out.bound))
            delta = -std::min(out.bound, o.cutoff);
        block->clear();
        for (int32_t c = 0; c < n && !out.solution.empty(); ++c)
            if (valueOf(out.solution, x[c]) - valueOf(out.solution, y[c]) > 0.5)
                block->push_back(c);
        return delta;
    }

    std::vector<std::vector<int32_t>> takePending()
    {
        std::vector<std::vector<int32_t>> blocks;
        for (int column : pendingColumns)
            blocks.push_back(columns[column].classes);
        pendingColumns.clear();
        return blocks;
    }
};

CoverSolver::CoverSolver(const BoundContext &ctx)
    : m_impl(std::make_unique<Impl>(ctx))
{
}
CoverSolver::~CoverSolver() = default;

CoverProbe CoverSolver::probe(double threshold, const BoundContext &ctx)
{
    Impl &s = *m_impl;
    CoverProbe p;
    p.threshold = threshold;
    const int32_t n = s.count;
    const double artificial = 2.0 * s.k + 1.0;
    const double target = s.k * (1 + kProofTolerance);

    std::unique_lock lock(mip::coinMutex());
    auto lp = s.makeMaster(artificial);
    {
        std::vector<int> admissible;
        for (int c = 0; c < static_cast<int>(s.columns.size()); ++c)
            if (s.columns[c].cost <= threshold)
                admissible.push_back(c);
        p.columns += s.addToMaster(*lp, admissible);
    }
    s.pendingColumns.clear();
    lock.unlock();

    std::vector<double> pi(n);
    double lastReport = -kReportSeconds;
    while (!ctx.stopped()) {
        lock.lock();
        p.columns += s.addToMaster(*lp, s.pendingColumns);
        s.pendingColumns.clear();
        lp->primal(); // warm: the basis of the last solve, new columns at zero
        const bool optimal = lp->status() == 0;
        p.masterValue = lp->objectiveValue();
        // Duals of covering rows are >= 0; Clp's may be slightly negative.
        for (int32_t c = 0; c < n; ++c)
            pi[c] = std::max(0.0, lp->dualRowSolution()[c]);
        lock.unlock();
        ++p.rounds;
        if (ctx.clock.elapsed() >= lastReport + kReportSeconds) {
            lastReport = ctx.clock.elapsed();
            ctx.report(ctx.upper, ctx.known,
                "cover T=" + formatNumber(threshold) + ": master " + formatNumber(p.masterValue)
                    + ", proven >= " + formatNumber(p.lowerZ) + " stages (" + std::to_string(p.columns) + " blocks)");
        }
        if (!optimal)
            break;
        if (p.masterValue <= target) {
            p.settled = true; // the LP optimum is at most k: no proof at this threshold
            break;
        }
        if (s.heuristicPricing(threshold, pi, p.rounds, ctx) > 0)
            continue;
        if (ctx.stopped())
            break;
        const double sumPi = std::accumulate(pi.begin(), pi.end(), 0.0);
        {
            // Exact pricing by anchored cuts; CBC's MIP only when it settles nothing.
            int added = 0;
            const double delta = s.cutPricing(threshold, pi, sumPi / (s.k * (1 + kCutoffMargin)), ctx, &added);
            // -infinity: no admissible block at all, so no partition either.
            if (delta < std::numeric_limits<double>::infinity()) {
                const double z
                    = delta > 0 ? sumPi / delta : (sumPi > 0 ? std::numeric_limits<double>::infinity() : 0.0);
                p.lowerZ = std::max(p.lowerZ, z);
                if (p.lowerZ > target) {
                    p.proven = p.settled = true;
                    break;
                }
            }
            ++p.cutPricings;
            if (added > 0)
                continue;
            if (ctx.stopped())
                break;
        }
        if (!s.exactPricing(threshold, pi, sumPi, target, ctx, p))
            break; // proven, converged without a proof, or out of time
    }
    lock.lock();
    lp.reset();
    return p;
}

std::vector<std::vector<int32_t>> CoverSolver::priceHeuristic(
    double threshold, const std::vector<double> &pi, int round, const BoundContext &ctx)
{
    m_impl->pendingColumns.clear();
    m_impl->heuristicPricing(threshold, pi, round, ctx);
    return m_impl->takePending();
}

double CoverSolver::priceExact(double threshold, const std::vector<double> &pi, double target, const BoundContext &ctx,
    std::vector<std::vector<int32_t>> *found)
{
    Impl &s = *m_impl;
    s.pendingColumns.clear();
    int added = 0;
    double delta = s.cutPricing(threshold, pi, target, ctx, &added);
    if (delta == std::numeric_limits<double>::infinity() && added == 0 && !ctx.stopped()) {
        std::vector<int32_t> block;
        delta = s.mipPricing(threshold, pi, target, ctx, &block);
        s.queueBlock(std::move(block), threshold, pi);
    }
    for (auto &block : s.takePending())
        found->push_back(std::move(block));
    return delta;
}

std::vector<std::vector<int32_t>> CoverSolver::admissibleBlocks(double threshold) const
{
    std::vector<std::vector<int32_t>> blocks;
    for (const auto &c : m_impl->columns)
        if (c.cost <= threshold)
            blocks.push_back(c.classes);
    return blocks;
}

BoundResult coverBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "cover";
    if (ctx.classes.count > kMaxClasses || ctx.classes.count == 0)
        return r;
    // The bisection needs an upper end (runBound finds a quick partition first).
    if (!std::isfinite(ctx.upper) || !(ctx.upper > ctx.known))
        return r;
    CoverSolver solver(ctx);
    return bisectThresholds(ctx, "cover", [&](double t, const BoundContext &c) { return solver.probe(t, c).proven; });
}

BoundResult bisectThresholds(
    const BoundContext &ctx, const std::string &name, const std::function<bool(double, const BoundContext &)> &proves)
{
    BoundResult r;
    r.provenBy = name;
    const double upper = ctx.upper;
    if (!std::isfinite(upper))
        return r;
    double lo = ctx.known, hi = upper;
    if (!(hi > lo))
        return r;
    // Thresholds just above the proven bound are the easiest to prove (more
    // blocks are inadmissible) and each proof raises the bound, so probes
    // step up from it by an eighth of the initial gap until one fails, then
    // bisect. A probe that times out counts as a failure. The step stays
    // fixed: a step that doubles after each proof sends the second or third
    // probe to a threshold it cannot settle in the time left (on 300-node
    // random wirings at k = 16 a proof costs about as much whatever T).
    const double step = (hi - lo) / 8;
    bool bisect = false;
    while (!ctx.stopped() && hi - lo > kBisectionGap * upper) {
        const double t = bisect ? lo + 0.5 * (hi - lo) : std::min(lo + step, lo + 0.5 * (hi - lo));
        if (proves(t, ctx.withBudget(kProbeShare * ctx.remaining()))) {
            lo = t;
            r.lowerBound = t;
        } else {
            hi = t;
            bisect = true;
        }
        ctx.report(upper, std::max(lo, ctx.known), name);
    }
    return r;
}

} // namespace pipecut::bounds
