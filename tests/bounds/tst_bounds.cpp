// Lower bounds of docs/model.md §4: every bound is checked never to exceed the
// brute-force optimum on random graphs (groups, memory limits, overflow), the
// exact MIP must equal it whenever CBC proves optimality, and infeasible
// instances are reported as such with a reason. The cover bound: a probe never
// proves a threshold at or above the optimum, and on some random graphs it is
// strictly above the anchor bound. The cover bound's cut pricing never bounds
// an anchor's blocks below the best one found by enumeration, returns only
// admissible blocks, and closes to the exact maximum when searched to the end.
// CBC run on two threads proves the same optima as on one. "best" runs the
// relaxed chain on a compute-dominated wide ladder and not on the same ladder
// when communication dominates.
#include "core/bounds/bound.h"
#include "core/bounds/bound_cache.h"
#include "core/bounds/cover.h"
#include "core/bounds/cut_pricing.h"
#include "core/bounds/mip_bound.h"
#include "core/cost/evaluate.h"
#include "core/mip/cbc_solve.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace pipecut;
using pipecut::bounds::BoundContext;
using pipecut::bounds::buildClasses;
using pipecut::bounds::CoverProbe;
using pipecut::bounds::CoverSolver;
using pipecut::bounds::CutPricing;
using pipecut::bounds::NodeClasses;

namespace {

BoundResult bound(
    const Graph &g, const CostParams &params, int k, const std::string &method, std::vector<std::string> exclude = {})
{
    BoundOptions o;
    o.k = k;
    o.method = method;
    o.exclude = std::move(exclude);
    o.timeLimit = 20;
    o.useCache = false;
    auto r = runBound(g, params, o);
    if (!r)
        qFatal("runBound(%s) failed: %s", method.c_str(), r.error().c_str());
    return *r;
}

bool atMost(double bound, double optimum)
{
    return bound <= optimum * (1 + 1e-6) + 1e-9;
}
bool same(double a, double b)
{
    return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

// n0 -> n1 -> ..., work 1 and out 1 each, the given parameters.
Graph chain(const std::vector<double> &params, std::optional<double> memory)
{
    std::vector<NodeSpec> nodes;
    test::IndexEdges edges;
    for (size_t i = 0; i < params.size(); ++i) {
        nodes.push_back({ .id = "n" + std::to_string(i), .work = 1, .out = 1, .param = params[i] });
        if (i > 0)
            edges.emplace_back(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
    }
    return test::graphFromEdges("chain", nodes, edges, memory);
}

// a -> b -> c, work 1 each, no communication (cover.h's example).
Graph chain3()
{
    return test::graphFromEdges("chain3",
        { { .id = "a", .work = 1 }, { .id = "b", .work = 1 }, { .id = "c", .work = 1 } }, { { 0, 1 }, { 1, 2 } });
}

// A ladder of `cells` cells (each reads the last cell's output and, a skip
// tensor, the one's before; three branches joined), works 1 to 3 and outs
// `outScale` times 0.5 to 1 (a fixed seed): wide, NASNet-like.
Graph cellLadder(int cells, double outScale)
{
    std::mt19937_64 rng(17);
    std::uniform_real_distribution<double> work(1.0, 3.0), out(0.5, 1.0);
    std::vector<NodeSpec> nodes;
    test::IndexEdges edges;
    auto node = [&] {
        nodes.push_back({ .id = "n" + std::to_string(nodes.size()), .work = work(rng), .out = outScale * out(rng) });
        return static_cast<int32_t>(nodes.size() - 1);
    };
    int32_t prev2 = node(), prev = node();
    edges.emplace_back(prev2, prev);
    for (int c = 0; c < cells; ++c) {
        const int32_t a = node(), b = node(), d = node(), join = node();
        edges.emplace_back(prev, a);
        edges.emplace_back(prev, b);
        edges.emplace_back(prev2, d);
        for (int32_t x : { a, b, d })
            edges.emplace_back(x, join);
        prev2 = prev;
        prev = join;
    }
    return test::graphFromEdges("ladder", nodes, edges);
}

} // namespace

class TestBounds : public QObject {
    Q_OBJECT
private slots:
    void specExample_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<double>("optimum");
        QTest::addColumn<double>("combinatorial");
        QTest::newRow("k=1") << 1 << 10.0 << 10.0;
        QTest::newRow("k=2") << 2 << 8.0 << 5.0;
        QTest::newRow("k=3") << 3 << 7.0 << 4.0;
    }
    void specExample()
    {
        QFETCH(int, k);
        QFETCH(double, optimum);
        QFETCH(double, combinatorial);
        const Graph g = test::specExample();
        const CostParams p = CostParams::fromGraph(g);
        QCOMPARE(bound(g, p, k, "combinatorial").lowerBound, combinatorial);
        for (const char *m : { "anchor", "bottleneck", "guess" })
            QVERIFY2(atMost(bound(g, p, k, m).lowerBound, optimum), m);
        const BoundResult mip = bound(g, p, k, "mip");
        QVERIFY(mip.optimal);
        QVERIFY(same(mip.lowerBound, optimum));
        QVERIFY(mip.partition.has_value());
        QVERIFY(same(mip.upperBound, optimum));
        QVERIFY(validatePartition(g, p, *mip.partition).ok());
        const BoundResult best = bound(g, p, k, "best");
        QVERIFY(same(best.lowerBound, optimum));
        QCOMPARE(best.provenBy.empty(), false);
        // Guess is exact for k <= 3 (docs/model.md §4.6; the note in guess.h).
        QVERIFY(same(bound(g, p, k, "guess").lowerBound, optimum));
    }

    // best runs the relaxed chain (docs/model.md §4.16) only where
    // communication does not dominate: on a wide ladder with light tensors
    // (incumbent under twice W / k) it reports it, on the same ladder with
    // tensors heavier than W / 2 (every partition of k = 4 over twice W / k)
    // it does not. The methods run are the stages of best's progress reports.
    void bestGatesTheRelaxedChainOnCommunication_data()
    {
        QTest::addColumn<double>("outScale");
        QTest::addColumn<bool>("runs");
        QTest::newRow("compute-dominated") << 0.05 << true;
        QTest::newRow("communication-dominated") << 60.0 << false;
    }
    void bestGatesTheRelaxedChainOnCommunication()
    {
        QFETCH(double, outScale);
        QFETCH(bool, runs);
        const Graph g = cellLadder(10, outScale);
        const CostParams p = CostParams::fromGraph(g);
        constexpr int k = 4;
        BoundOptions o;
        o.k = k;
        o.exclude = { "ideal-dp", "anchor", "bottleneck", "guess", "mip", "cover" };
        o.timeLimit = 20;
        o.useCache = false;
        std::vector<std::string> stages;
        double upper = 0, known = 0;
        auto r = runBound(g, p, o, StopToken(), [&](const Progress &progress) {
            stages.push_back(progress.stage);
            if (progress.stage == "slicegraph") { // the incumbent the gate reads, and the bound then
                upper = progress.incumbent;
                known = progress.bound;
            }
        });
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        QVERIFY(upper > 0); // the incumbent came before the gate
        QCOMPARE(g.totalWork() < 0.5 * k * upper, !runs); // the instance is on the intended side
        QVERIFY(known < upper * (1 - 1e-6)); // and the gap was open there: only the gate decides
        const bool ran = std::find(stages.begin(), stages.end(), "relaxed-chain") != stages.end();
        qInfo("W / k %g, incumbent %g, bound %g by %s", g.totalWork() / k, upper, r->lowerBound, r->provenBy.c_str());
        QCOMPARE(ran, runs);
        if (runs) // and here it is the strongest proof
            QCOMPARE(r->provenBy, std::string("relaxed-chain"));
    }

    void randomGraphsNeverExceedOptimum()
    {
        std::mt19937_64 rng(20261128);
        int proven = 0, infeasible = 0, checked = 0;
        // Under the sanitizers (test.sh's asan stage) a quarter of the trials, so
        // that the function stays inside QtTest's 300 s watchdog there.
        const int trials = test::kUnderSanitizer ? 60 : 240;
        for (int trial = 0; trial < trials; ++trial) {
            const auto [g, p, k] = test::randomBoundInstance(rng, trial);
            const test::BruteForce brute = test::bruteForceOptimum(g, p, k);
            const std::string instance = test::describe(g, p, k);
            for (const std::string m :
                { "combinatorial", "anchor", "bottleneck", "guess", "mip", "relaxed-chain", "best" }) {
                const BoundResult r = bound(g, p, k, m);
                ++checked;
                if (!brute.feasible) {
                    if (m == "mip" || m == "best")
                        QVERIFY2(r.infeasible, (m + " missed infeasibility\n" + instance).c_str());
                    continue;
                }
                QVERIFY2(!r.infeasible, (m + " claims infeasible: " + r.reason + "\n" + instance).c_str());
                QVERIFY2(atMost(r.lowerBound, brute.optimum),
                    (m + " bound " + std::to_string(r.lowerBound) + " > optimum " + std::to_string(brute.optimum) + "\n"
                        + instance)
                        .c_str());
                if (r.partition) {
                    QVERIFY2(validatePartition(g, p, *r.partition).ok(), instance.c_str());
                    QVERIFY(same(r.upperBound, bottleneckOf(g, p, r.partition->stages(), k)));
                    QVERIFY(r.upperBound >= brute.optimum * (1 - 1e-9));
                }
                if (m == "mip") {
                    QVERIFY2(r.optimal, ("mip not proven on a tiny graph\n" + instance).c_str());
                    QVERIFY2(same(r.lowerBound, brute.optimum),
                        ("mip " + std::to_string(r.lowerBound) + " != optimum " + std::to_string(brute.optimum) + "\n"
                            + instance)
                            .c_str());
                    QVERIFY(same(r.upperBound, brute.optimum));
                    ++proven;
                }
            }
            infeasible += brute.feasible ? 0 : 1;
        }
        qInfo("checked %d bounds; mip proven optimal %d times; %d infeasible instances", checked, proven, infeasible);
        QVERIFY(proven > trials * 150 / 240);
        QVERIFY(infeasible > 0);
    }

    void infeasibleInstances_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason"); // substring of the reason
        QTest::newRow("node over limit") << "node"
                                         << "node 'n1' has parameters 5 > memory limit 3";
        QTest::newRow("group over limit") << "group"
                                          << "must share a stage";
        QTest::newRow("total over k x limit") << "total"
                                              << "exceed k x memory limit";
        QTest::newRow("needs a third stage") << "packing"
                                             << "memory limit";
    }
    void infeasibleInstances()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        Graph g;
        if (kind == "node") {
            g = chain({ 1, 5, 1 }, 3.0);
        } else if (kind == "group") {
            // n1 lies on the path n0 -> n1 -> n2 between the group's members.
            g = test::graphFromEdges("group",
                { { .id = "n0", .group = "g", .work = 1, .param = 2 }, { .id = "n1", .work = 1, .param = 2 },
                    { .id = "n2", .group = "g", .work = 1, .param = 2 } },
                { { 0, 1 }, { 1, 2 } }, 5.0);
        } else if (kind == "total") {
            g = chain({ 2, 2, 2, 2 }, 3.0);
        } else {
            g = chain({ 2, 2, 2 }, 3.0); // each fits, 6 <= 2 x 3, yet two stages cannot hold three
        }
        const CostParams p = CostParams::fromGraph(g);
        const int k = 2;
        QVERIFY(!test::bruteForceOptimum(g, p, k).feasible);
        for (const char *m : { "best", "mip" }) {
            const BoundResult r = bound(g, p, k, m);
            QVERIFY2(r.infeasible, m);
            QVERIFY2(QString::fromStdString(r.reason).contains(reason), r.reason.c_str());
        }
        PartitionOptions po;
        po.k = k;
        po.timeLimit = 10;
        auto part = runMipPartitioner(g, p, po);
        QVERIFY(!part.ok());
        QVERIFY(QString::fromStdString(part.error()).contains("no valid partition"));
    }

    // ideal-dp's exhausted search proves infeasibility on its own: "best"
    // left with nothing else says so instead of returning a bound.
    void idealDpProvesInfeasibility()
    {
        const Graph g = chain({ 2, 2, 2 }, 3.0); // two stages cannot hold three nodes of 2 under 3
        const CostParams p = CostParams::fromGraph(g);
        QVERIFY(!test::bruteForceOptimum(g, p, 2).feasible);
        const BoundResult r = bound(g, p, 2, "best", { "anchor", "bottleneck", "guess", "mip" });
        QVERIFY2(r.infeasible, r.reason.c_str());
        QVERIFY2(QString::fromStdString(r.reason).contains("no partition into at most 2 stages"), r.reason.c_str());
        QCOMPARE(r.lowerBound, 0.0);
        // Feasible at k = 3: a bound, not a verdict.
        const BoundResult ok = bound(g, p, 3, "best", { "anchor", "bottleneck", "guess", "mip" });
        QVERIFY(!ok.infeasible);
        QVERIFY(ok.optimal);
    }

    void mipPartitionerWarmStart()
    {
        std::mt19937_64 rng(7);
        for (int trial = 0; trial < 20; ++trial) {
            const Graph g = test::randomGraph(rng);
            const CostParams p = CostParams::fromGraph(g);
            const int k = 3;
            const auto brute = test::bruteForceOptimum(g, p, k);
            if (!brute.feasible)
                continue;
            PartitionOptions po;
            po.k = k;
            po.timeLimit = 10;
            po.start = brute.best; // an optimal warm start must survive as the answer
            int reports = 0;
            auto r = runMipPartitioner(g, p, po, {}, [&](const Progress &) { ++reports; });
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
            QVERIFY(r->optimal);
            QVERIFY(same(r->bottleneck, brute.optimum));
            QVERIFY(validatePartition(g, p, r->partition).ok());
            QVERIFY(reports > 0);
        }
    }

    void cacheAndStop()
    {
        const Graph g = test::specExample();
        const CostParams p = CostParams::fromGraph(g);
        BoundCache::global().clear();
        BoundOptions o;
        o.k = 2;
        o.timeLimit = 10;
        auto first = runBound(g, p, o);
        QVERIFY(first.ok());
        QCOMPARE(BoundCache::global().size() > 0, true);
        auto second = runBound(g, p, o);
        QVERIFY(second.ok());
        QCOMPARE(second->lowerBound, first->lowerBound);
        QCOMPARE(second->provenBy, first->provenBy);
        // A stop requested up front still yields a valid (weaker or equal) bound.
        StopToken stop;
        stop.requestStop();
        o.useCache = false;
        auto stopped = runBound(g, p, o, stop);
        QVERIFY(stopped.ok());
        QVERIFY(atMost(stopped->lowerBound, 8.0));
        QVERIFY(stopped->lowerBound >= 5.0); // the combinatorial bound needs no solver
    }

    // CBC's own threads (SolveOptions::threads, used by the cover bound's
    // pricing) give up determinism but not correctness: on random 0-1
    // knapsacks two threads prove the same optimum as one, and a cutoff at
    // the optimum proves that nothing is below it.
    void cbcThreadsAgree()
    {
        std::mt19937_64 rng(20261129);
        std::uniform_int_distribution<int> weightOf(1, 40), valueOf(1, 60);
        for (int instance = 0; instance < 25; ++instance) {
            mip::MipModel m;
            std::vector<mip::Term> weights;
            int total = 0;
            for (int i = 0; i < 30; ++i) {
                const int w = weightOf(rng);
                weights.emplace_back(m.addBinary(-valueOf(rng)), w);
                total += w;
            }
            m.addLessEqual(weights, total / 3);
            mip::SolveOptions one, two;
            two.threads = 2;
            const mip::SolveOutcome a = mip::solve(m, one);
            const mip::SolveOutcome b = mip::solve(m, two);
            QCOMPARE(a.status, mip::SolveOutcome::Status::Optimal);
            QCOMPARE(b.status, mip::SolveOutcome::Status::Optimal);
            QVERIFY2(std::abs(a.objective - b.objective) < 1e-6,
                qPrintable(QString("instance %1: %2 against %3").arg(instance).arg(a.objective).arg(b.objective)));
            QVERIFY(b.bound <= b.objective + 1e-9);
            two.cutoff = a.objective - 1e-6; // strictly better than the optimum: none
            const mip::SolveOutcome none = mip::solve(m, two);
            QVERIFY(none.solution.empty());
            QVERIFY(none.status == mip::SolveOutcome::Status::Infeasible || none.bound >= two.cutoff - 1e-6);
        }
    }

    // Every convex union of classes, by brute force: its first class in
    // `order` (the anchor) and whether it is admissible at T.
    void cutPricingBoundsEveryBlock()
    {
        std::mt19937_64 rng(20261129);
        const int trials = test::kUnderSanitizer ? 100 : 400;
        int anchors = 0, closed = 0, blocksSeen = 0;
        for (int trial = 0; trial < trials; ++trial) {
            const auto [g, p, k] = test::randomBoundInstance(rng, trial);
            const NodeClasses classes = buildClasses(g);
            const int32_t n = classes.count;
            // A topological order of the classes: by first member position, then Kahn.
            std::vector<int32_t> indegree(n, 0), order;
            std::vector<std::vector<int32_t>> succ(n);
            for (const auto &[a, b] : classes.edges) {
                succ[a].push_back(b);
                ++indegree[b];
            }
            for (int32_t c = 0; c < n; ++c)
                if (indegree[c] == 0)
                    order.push_back(c);
            for (size_t i = 0; i < order.size(); ++i)
                for (int32_t d : succ[order[i]])
                    if (--indegree[d] == 0)
                        order.push_back(d);
            QCOMPARE(int32_t(order.size()), n);
            std::vector<int32_t> position(n);
            for (int32_t i = 0; i < n; ++i)
                position[order[i]] = i;
            // Reachability between classes, for convexity.
            std::vector<std::vector<char>> reach(n, std::vector<char>(n, 0));
            for (auto it = order.rbegin(); it != order.rend(); ++it)
                for (int32_t d : succ[*it]) {
                    reach[*it][d] = 1;
                    for (int32_t e = 0; e < n; ++e)
                        reach[*it][e] |= reach[d][e];
                }
            std::vector<double> pi(n);
            std::uniform_real_distribution<double> unit(0, 1);
            for (double &v : pi)
                v = unit(rng) < 0.25 ? 0.0 : unit(rng);
            // T around the cost of single classes, so that blocks hold a few.
            double largest = 0;
            for (int32_t c = 0; c < n; ++c) {
                std::vector<char> mask(g.nodeCount(), 0);
                for (int32_t v : classes.members[c])
                    mask[v] = 1;
                largest = std::max(largest, bounds::blockTotals(g, p, mask).cost);
            }
            const double threshold = largest * (0.5 + unit(rng));
            std::vector<double> best(n, -std::numeric_limits<double>::infinity());
            for (uint32_t set = 1; set < (1u << n); ++set) {
                bool convex = true;
                for (int32_t a = 0; a < n && convex; ++a)
                    for (int32_t b = 0; b < n && convex; ++b)
                        for (int32_t c = 0; c < n && convex; ++c)
                            if ((set >> a & 1) && (set >> b & 1) && !(set >> c & 1) && reach[a][c] && reach[c][b])
                                convex = false;
                if (!convex)
                    continue;
                std::vector<char> mask(g.nodeCount(), 0);
                double value = 0;
                int32_t first = n;
                for (int32_t c = 0; c < n; ++c)
                    if (set >> c & 1) {
                        value += pi[c];
                        first = std::min(first, position[c]);
                        for (int32_t v : classes.members[c])
                            mask[v] = 1;
                    }
                const auto totals = bounds::blockTotals(g, p, mask);
                if (totals.cost <= threshold && p.fitsMemory(totals.param))
                    best[first] = std::max(best[first], value);
            }
            CutPricing pricing(g, p, classes, order);
            const std::string instance = test::describe(g, p, k) + " T=" + std::to_string(threshold);
            for (int32_t a = 0; a < n; ++a) {
                ++anchors;
                const double exact = best[a];
                // Targets below, at and above the best block; no early stop at -1.
                for (double target : { -1.0, exact * 0.9, std::max(exact, 0.0) * (1 + 1e-6) + 1e-9 }) {
                    const CutPricing::Result r = pricing.anchorBound(a, threshold, pi, target, -1.0, 1000000);
                    QVERIFY2(r.bound >= exact - 1e-9 * (1 + std::abs(exact)),
                        ("anchor " + std::to_string(a) + " bound " + std::to_string(r.bound) + " < best block "
                            + std::to_string(exact) + "\n" + instance)
                            .c_str());
                    for (const auto &block : r.blocks) {
                        ++blocksSeen;
                        std::vector<char> mask(g.nodeCount(), 0);
                        int32_t first = n;
                        for (int32_t c : block) {
                            first = std::min(first, position[c]);
                            for (int32_t v : classes.members[c])
                                mask[v] = 1;
                        }
                        const auto totals = bounds::blockTotals(g, p, mask);
                        QVERIFY2(first == a && totals.cost <= threshold && p.fitsMemory(totals.param),
                            ("inadmissible block from anchor " + std::to_string(a) + "\n" + instance).c_str());
                        for (int32_t x : block)
                            for (int32_t y : block)
                                for (int32_t c = 0; c < n; ++c)
                                    QVERIFY2(!(reach[x][c] && reach[c][y])
                                            || std::find(block.begin(), block.end(), c) != block.end(),
                                        ("non-convex block\n" + instance).c_str());
                    }
                    // Searched to the end, it proves the exact maximum (only the
                    // memory limit and the overflow term, which the cuts relax,
                    // can leave it open).
                    if (target > exact && !p.memoryLimit && !p.overflow) {
                        QVERIFY2(r.bound <= target,
                            ("anchor " + std::to_string(a) + " not closed: bound " + std::to_string(r.bound)
                                + ", best block " + std::to_string(exact) + "\n" + instance)
                                .c_str());
                        ++closed;
                    }
                }
            }
        }
        qInfo("%d anchors, %d closed to the exact maximum, %d blocks returned", anchors, closed, blocksSeen);
        QVERIFY(closed > anchors / 4);
        QVERIFY(blocksSeen > 0);
    }

    void coverChainExample()
    {
        const Graph g = chain3();
        const CostParams p = CostParams::fromGraph(g);
        const NodeClasses classes = buildClasses(g);
        BoundContext ctx { g, p, 2, classes };
        CoverSolver solver(ctx);
        const CoverProbe below = solver.probe(1.5, ctx);
        QVERIFY(below.proven);
        QVERIFY(below.lowerZ > 2);
        const CoverProbe at = solver.probe(2.0, ctx);
        QVERIFY(!at.proven);
        // No block at all fits T = 0.5: the cut pricing proves it without CBC.
        const CoverProbe none = solver.probe(0.5, ctx);
        QVERIFY(none.proven);
        QCOMPARE(none.pricingMips, 0);
        const BoundResult r = bound(g, p, 2, "cover");
        QCOMPARE(r.provenBy, std::string("cover"));
        QVERIFY(r.lowerBound > 1.95 && atMost(r.lowerBound, 2.0));
    }

    void coverNeverExceedsOptimum()
    {
        std::mt19937_64 rng(20261128);
        const int trials = test::kUnderSanitizer ? 80 : 320;
        int checked = 0, aboveAnchor = 0, probesRefuted = 0;
        for (int trial = 0; trial < trials; ++trial) {
            const auto [g, p, k] = test::randomBoundInstance(rng, trial);
            const test::BruteForce brute = test::bruteForceOptimum(g, p, k);
            if (!brute.feasible)
                continue;
            const std::string instance = test::describe(g, p, k);
            // A partition with bottleneck OPT exists: no probe at or above OPT may claim a proof.
            const NodeClasses classes = buildClasses(g);
            BoundContext ctx { g, p, k, classes };
            CoverSolver solver(ctx);
            for (double factor : { 1.0, 1.0 + 1e-9, 1.3 }) {
                const CoverProbe at = solver.probe(brute.optimum * factor, ctx);
                QVERIFY2(!at.proven,
                    ("probe at " + std::to_string(brute.optimum * factor) + " proven, optimum "
                        + std::to_string(brute.optimum) + "\n" + instance)
                        .c_str());
                probesRefuted += at.settled ? 1 : 0;
            }
            const BoundResult anchor = bound(g, p, k, "anchor");
            const BoundResult cover = bound(g, p, k, "cover");
            ++checked;
            QVERIFY2(!cover.infeasible, ("cover claims infeasible: " + cover.reason + "\n" + instance).c_str());
            QVERIFY2(atMost(cover.lowerBound, brute.optimum),
                ("cover bound " + std::to_string(cover.lowerBound) + " > optimum " + std::to_string(brute.optimum)
                    + "\n" + instance)
                    .c_str());
            if (cover.provenBy == "cover" && cover.lowerBound > anchor.lowerBound * (1 + 1e-6) + 1e-9)
                ++aboveAnchor;
        }
        qInfo("checked %d instances; cover above anchor on %d; %d probes at or above the optimum settled", checked,
            aboveAnchor, probesRefuted);
        QVERIFY(checked > trials / 2);
        QVERIFY(aboveAnchor > 0);
    }
};

QTEST_GUILESS_MAIN(TestBounds)
#include "tst_bounds.moc"
