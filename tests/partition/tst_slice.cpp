// slice (OrderSlicer) on orders whose tensors stay live for long, the case
// the interval costing exists for: U-Net-like graphs (a spine with skip
// tensors from the first half to the mirrored node of the second half) and
// tensors with many consumers. Both costings (intervals and the plain sweep)
// are checked against brute force over every cut of the order (small graphs),
// against an exact O(k n^2) dynamic programme over evaluate()'s segment costs
// (medium graphs), and against each other on generated U-Nets. Every failure
// prints the instance.

#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/partition/slice.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <set>

using namespace pipecut;
using namespace pipecut::test;

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max({ 1.0, std::abs(a), std::abs(b) });
}

struct SkipOptions {
    int minNodes = 2, maxNodes = 10;
    double skipProbability = 0.8; // node e of the first half feeds node n-1-e
    double fanoutProbability = 0.3; // extra consumer further on
    double groupProbability = 0.15;
    double memoryLimitProbability = 0.3;
    double zeroProbability = 0.1;
};

// A spine v0 -> v1 -> ... with skip edges v(e) -> v(n-1-e) and extra random
// consumers, costs rounded to 0.01, optional groups and memory limit.
Graph skipGraph(std::mt19937_64 &rng, const SkipOptions &o)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const int n = std::uniform_int_distribution<int>(o.minNodes, o.maxNodes)(rng);
    auto cost
        = [&](double scale) { return unit(rng) < o.zeroProbability ? 0.0 : std::round(unit(rng) * scale * 100) / 100; };
    GraphBuilder b("skip");
    double totalParam = 0;
    int groups = 0;
    std::vector<std::string> groupOf(n);
    for (int i = 1; i < n; ++i)
        if (unit(rng) < o.groupProbability) {
            // Groups of nearby nodes, so that some orders keep them contiguous.
            const int j = std::max(0, i - 1 - std::uniform_int_distribution<int>(0, 2)(rng));
            if (groupOf[j].empty())
                groupOf[j] = "g" + std::to_string(groups++);
            groupOf[i] = groupOf[j];
        }
    for (int i = 0; i < n; ++i) {
        NodeSpec s;
        s.id = "v" + std::to_string(i);
        s.op = "Op";
        s.group = groupOf[i];
        s.work = cost(10);
        s.out = cost(8);
        s.param = cost(5);
        totalParam += s.param;
        b.addNode(s);
    }
    std::set<std::pair<int, int>> edges;
    for (int i = 0; i + 1 < n; ++i)
        edges.insert({ i, i + 1 });
    for (int e = 0; e < n / 2; ++e)
        if (n - 1 - e > e + 1 && unit(rng) < o.skipProbability)
            edges.insert({ e, n - 1 - e });
    for (int i = 0; i + 2 < n; ++i)
        while (unit(rng) < o.fanoutProbability)
            edges.insert({ i, std::uniform_int_distribution<int>(i + 2, n - 1)(rng) });
    for (auto [u, v] : edges)
        b.addEdge(u, v);
    if (unit(rng) < o.memoryLimitProbability && totalParam > 0)
        b.setMemoryLimit(std::round(totalParam * (0.3 + 0.7 * unit(rng)) * 100) / 100);
    b.setBandwidth(unit(rng) < 0.5 ? 1.0 : 0.5 + std::round(unit(rng) * 200) / 100);
    return std::move(b.build()).value();
}

CostParams randomParams(const Graph &g, std::mt19937_64 &rng, int iter)
{
    CostParams params = CostParams::fromGraph(g);
    if (iter % 4 == 3) {
        params.overflow = true;
        params.fastMemory = std::round(std::uniform_real_distribution<double>(0.0, 6.0)(rng) * 100) / 100;
        params.slowBandwidth = 0.5 + (iter % 3);
    }
    return params;
}

// The exact optimum of cutting `order` into <= k segments, by the O(k n^2)
// dynamic programme over segment costs from evaluate() itself.
BruteForce dpSliceOf(const Graph &g, const CostParams &params, int k, const std::vector<NodeId> &order)
{
    const int32_t n = g.nodeCount();
    // cost[i][j] of the segment [i, j) by evaluate(), +inf when the segment
    // splits a group or breaks the memory limit.
    std::vector<std::vector<double>> cost(n + 1, std::vector<double>(n + 1, kInfinity));
    std::vector<int32_t> stage(n);
    for (int32_t i = 0; i < n; ++i)
        for (int32_t j = i + 1; j <= n; ++j) {
            for (int32_t p = 0; p < n; ++p)
                stage[index(order[p])] = p < i ? 0 : p < j ? 1 : 2;
            const Partition part(stage, 3);
            bool ok = true;
            for (const Violation &v : checkFeasibility(g, params, part, 0))
                if (v.kind == Violation::Kind::SplitGroup
                    || (v.kind == Violation::Kind::OverMemory && v.message.rfind("stage 2 ", 0) == 0))
                    ok = false;
            if (ok)
                cost[i][j] = evaluate(g, params, part).stages[1].cost;
        }
    std::vector<double> F(n + 1, kInfinity), G(n + 1);
    std::vector<std::vector<int32_t>> from(k + 1, std::vector<int32_t>(n + 1, -1));
    F[0] = 0;
    double best = kInfinity;
    int bestB = -1;
    for (int b = 1; b <= k; ++b) {
        std::fill(G.begin(), G.end(), kInfinity);
        for (int32_t j = 1; j <= n; ++j)
            for (int32_t i = 0; i < j; ++i) {
                const double v = std::max(F[i], cost[i][j]);
                if (v < G[j]) {
                    G[j] = v;
                    from[b][j] = i;
                }
            }
        F = G;
        if (F[n] < best) {
            best = F[n];
            bestB = b;
        }
    }
    BruteForce r;
    r.feasible = std::isfinite(best);
    r.optimum = best;
    if (r.feasible) {
        std::vector<int32_t> cuts { n };
        for (int b = bestB, j = n; b >= 1; --b)
            cuts.push_back(j = from[b][j]);
        std::reverse(cuts.begin(), cuts.end());
        for (size_t s = 0; s + 1 < cuts.size(); ++s)
            for (int32_t p = cuts[s]; p < cuts[s + 1]; ++p)
                stage[index(order[p])] = static_cast<int32_t>(s);
        r.best = Partition(stage, k);
    }
    return r;
}

// Runs both costings on one instance and compares with `reference`.
void checkAgainst(const Graph &g, const CostParams &params, int k, const std::vector<NodeId> &order,
    const BruteForce &reference, const QString &label)
{
    for (bool sweep : { false, true }) {
        OrderSlicer slicer(g, params, order, sweep);
        QVERIFY(slicer.usesIntervals() == !sweep);
        auto r = slicer.solve(k);
        const QString where
            = QString("%1 sweep=%2\n%3").arg(label).arg(sweep).arg(QString::fromStdString(describe(g, params, k)));
        if (!reference.feasible) {
            QVERIFY2(!r.ok(), qPrintable("slice found a cut the reference says is impossible; " + where));
            continue;
        }
        QVERIFY2(r.ok(), qPrintable(QString::fromStdString(r.ok() ? "" : r.error()) + "; " + where));
        QVERIFY2(validatePartition(g, params, r->partition).ok(), qPrintable(where));
        const double t = bottleneckOf(g, params, r->partition.stages(), k);
        QVERIFY2(close(t, r->bottleneck), qPrintable(where));
        QVERIFY2(close(t, reference.optimum),
            qPrintable(
                QString("slice %1 vs reference %2; ").arg(t, 0, 'g', 17).arg(reference.optimum, 0, 'g', 17) + where));
        for (size_t p = 1; p < order.size(); ++p)
            QVERIFY2(r->partition.stages()[index(order[p - 1])] <= r->partition.stages()[index(order[p])],
                qPrintable(where));
    }
}

} // namespace

class TestSlice : public QObject {
    Q_OBJECT
private slots:
    void segmentCostsOfLongTensors();
    void skipGraphsEqualBruteForce();
    void skipGraphsEqualDynamicProgramme();
    void generatedUnetBothCostingsAgree();
    void deterministicAndStoppable();
};

// Interval costing of every segment equals evaluate() on orders with long
// skip tensors and many consumers (and with the overflow term).
void TestSlice::segmentCostsOfLongTensors()
{
    std::mt19937_64 rng(23);
    for (int iter = 0; iter < 300; ++iter) {
        SkipOptions so;
        so.maxNodes = 16;
        so.fanoutProbability = 0.45;
        const Graph g = skipGraph(rng, so);
        const CostParams params = randomParams(g, rng, iter);
        const auto order = randomOrder(g, rng);
        const int32_t n = g.nodeCount();
        OrderSlicer slicer(g, params, order);
        QVERIFY(slicer.intervalCount() <= n + g.edgeCount());
        std::vector<int32_t> stage(n);
        for (int32_t i = 0; i < n; ++i)
            for (int32_t j = i + 1; j <= n; ++j) {
                for (int32_t p = 0; p < n; ++p)
                    stage[index(order[p])] = p < i ? 0 : p < j ? 1 : 2;
                const double expected = evaluate(g, params, Partition(stage, 3)).stages[1].cost;
                const double mine = slicer.segmentCost(i, j);
                if (!close(mine, expected))
                    QFAIL(qPrintable(QString("iter %1 segment [%2,%3): %4 vs evaluate %5\n%6")
                                         .arg(iter)
                                         .arg(i)
                                         .arg(j)
                                         .arg(mine)
                                         .arg(expected)
                                         .arg(QString::fromStdString(describe(g, params, 3)))));
            }
    }
}

void TestSlice::skipGraphsEqualBruteForce()
{
    std::mt19937_64 rng(5);
    int feasible = 0, infeasible = 0;
    for (int iter = 0; iter < 500; ++iter) {
        SkipOptions so;
        so.maxNodes = 10;
        const Graph g = skipGraph(rng, so);
        const CostParams params = randomParams(g, rng, iter);
        const int k = 1 + iter % 5;
        const auto order = randomOrder(g, rng);
        const BruteForce bf = bruteForceSliceOf(g, params, k, order);
        checkAgainst(g, params, k, order, bf, QString("iter %1").arg(iter));
        if (QTest::currentTestFailed())
            return;
        (bf.feasible ? feasible : infeasible)++;
    }
    QVERIFY(feasible > 300);
    QVERIFY(infeasible > 5);
}

// Larger orders (up to 60 nodes, k up to 12) than brute force can enumerate.
void TestSlice::skipGraphsEqualDynamicProgramme()
{
    std::mt19937_64 rng(17);
    for (int iter = 0; iter < 60; ++iter) {
        SkipOptions so;
        so.minNodes = 20;
        so.maxNodes = 60;
        so.fanoutProbability = iter % 2 ? 0.5 : 0.15;
        so.groupProbability = iter % 3 ? 0.05 : 0.0;
        const Graph g = skipGraph(rng, so);
        const CostParams params = randomParams(g, rng, iter);
        const int k = 2 + iter % 11;
        const auto order = iter % 2 ? randomOrder(g, rng)
                                    : std::vector<NodeId>(g.topologicalOrder().begin(), g.topologicalOrder().end());
        const BruteForce dp = dpSliceOf(g, params, k, order);
        checkAgainst(g, params, k, order, dp, QString("iter %1").arg(iter));
        if (QTest::currentTestFailed())
            return;
    }
}

// Generated U-Nets (long skip tensors across most of the order): the interval
// costing and the sweep give the same optimum.
void TestSlice::generatedUnetBothCostingsAgree()
{
    for (uint64_t seed : { 1, 2, 3 }) {
        GeneratorOptions o;
        o.family = "unet";
        o.nodes = 300 + 300 * static_cast<int64_t>(seed);
        o.seed = seed;
        auto g = generateGraph(o);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        const CostParams params = CostParams::fromGraph(*g);
        const auto order = g->topologicalOrder();
        for (int k : { 2, 5, 16 }) {
            OrderSlicer intervals(*g, params, order), sweep(*g, params, order, true);
            auto a = intervals.solve(k), b = sweep.solve(k);
            QVERIFY(a.ok() && b.ok());
            const QString where = QString("unet seed %1 k %2: intervals %3, sweep %4")
                                      .arg(seed)
                                      .arg(k)
                                      .arg(a->bottleneck, 0, 'g', 17)
                                      .arg(b->bottleneck, 0, 'g', 17);
            QVERIFY2(close(a->bottleneck, b->bottleneck), qPrintable(where));
            QVERIFY2(close(a->bottleneck, bottleneckOf(*g, params, a->partition.stages(), k)), qPrintable(where));
        }
    }
}

void TestSlice::deterministicAndStoppable()
{
    GeneratorOptions o;
    o.family = "unet";
    o.nodes = 1500;
    o.seed = 4;
    auto g = generateGraph(o);
    QVERIFY(g.ok());
    const CostParams params = CostParams::fromGraph(*g);
    const auto order = g->topologicalOrder();
    OrderSlicer slicer(*g, params, order);
    auto first = slicer.solve(8), second = slicer.solve(8);
    QVERIFY(first.ok() && second.ok());
    QCOMPARE(first->cuts, second->cuts);
    QCOMPARE(first->thresholdsTried, second->thresholdsTried);
    // A stop request before the bisection: a feasible cut of the order after
    // the first test, no further thresholds.
    StopToken stop;
    stop.requestStop();
    auto stopped = slicer.solve(8, &stop);
    QVERIFY(stopped.ok());
    QCOMPARE(stopped->thresholdsTried, 1);
    QVERIFY(validatePartition(*g, params, stopped->partition).ok());
    QVERIFY(stopped->bottleneck >= first->bottleneck * (1 - 1e-12));
}

QTEST_GUILESS_MAIN(TestSlice)
#include "tst_slice.moc"
