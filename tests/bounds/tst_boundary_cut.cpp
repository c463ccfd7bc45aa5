// The boundary-cut bound (core/bounds/boundary_cut.h, docs/model.md §4.11):
// on random graphs its test never refutes the brute-force optimum (nor any
// threshold above it), the bound never exceeds the optimum, and on some
// graphs it is strictly above the combinatorial bound; on a chain it reaches
// the optimum. Under "best" its proof is reported by name.
#include "core/bounds/bound.h"
#include "core/bounds/boundary_cut.h"
#include "core/bounds/combinatorial.h"
#include "tests/support/brute_force_trials.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <random>

using namespace pipecut;
using pipecut::bounds::BoundaryCut;
using pipecut::bounds::BoundContext;
using pipecut::bounds::buildClasses;
using pipecut::bounds::NodeClasses;

namespace {

// The bound `method` proves on its own (no cache, 20 s).
BoundResult bound(const Graph &g, const CostParams &params, int k, const std::string &method)
{
    BoundOptions o;
    o.k = k;
    o.method = method;
    o.timeLimit = 20;
    o.useCache = false;
    Result<BoundResult> r = runBound(g, params, o);
    QTest::qVerify(r.ok(), "runBound", r.ok() ? "" : r.error().c_str(), __FILE__, __LINE__);
    return r.ok() ? *r : BoundResult {};
}

// Chains with random skip edges (long tensors), zero-work nodes and up to 7
// stages; with `longSkips` the chain's tensors are light and the skips' heavy.
test::BoundInstance skipChainInstance(std::mt19937_64 &rng, bool longSkips)
{
    const int n = 4 + static_cast<int>(rng() % 7);
    std::vector<NodeSpec> nodes;
    test::IndexEdges edges;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < n; ++i) {
        const double work = unit(rng) < 0.2 ? 0.0 : 0.5 + 3 * unit(rng);
        nodes.push_back({ .id = "n" + std::to_string(i), .work = work, .out = (longSkips ? 0.2 : 4) * unit(rng) });
        if (i > 0 && unit(rng) < 0.8)
            edges.emplace_back(i - 1, i);
    }
    // A skip edge j -> i (j + 1 < i) from a fresh producer when longSkips.
    for (int i = 2; i < n; ++i)
        for (int j = 0; j + 1 < i; ++j) {
            if (unit(rng) >= (longSkips ? 0.08 : 0.15) || nodes.size() >= 11)
                continue;
            if (!longSkips) {
                edges.emplace_back(j, i);
                continue;
            }
            const auto s = static_cast<int32_t>(nodes.size());
            nodes.push_back({ .id = "s" + std::to_string(s), .work = unit(rng), .out = 2 + 6 * unit(rng) });
            edges.emplace_back(j, s);
            edges.emplace_back(s, i);
        }
    Graph g = test::graphFromEdges("skip-chain", nodes, edges);
    CostParams p = CostParams::fromGraph(g);
    p.bandwidth = 0.5 + 2 * unit(rng);
    return { std::move(g), p, 2 + static_cast<int>(rng() % 6) };
}

} // namespace

class TestBoundaryCut : public QObject {
    Q_OBJECT
private slots:
    // A chain a -> b -> c -> d, work 1 and out 1 each, k = 2: the bound is the optimum 3 (boundary_cut.h).
    void chainReachesOptimum()
    {
        std::vector<NodeSpec> nodes;
        for (const char *id : { "a", "b", "c", "d" })
            nodes.push_back({ .id = id, .work = 1, .out = 1 });
        const Graph g = test::graphFromEdges("chain4", nodes, { { 0, 1 }, { 1, 2 }, { 2, 3 } });
        const CostParams p = CostParams::fromGraph(g);
        QCOMPARE(test::bruteForceOptimum(g, p, 2).optimum, 3.0);
        const BoundResult r = bound(g, p, 2, "boundary");
        QCOMPARE(r.provenBy, std::string("boundary"));
        QVERIFY(r.lowerBound > 3.0 * (1 - 1e-5) && test::atMostOptimum(r.lowerBound, 3.0));
        const BoundResult best = bound(g, p, 2, "best");
        QVERIFY(best.optimal);
        // a -> b -> c alike (optimum 3): no ideal has work in the window
        // [3 - T, T] for T < 2, so the test is infinite there; from 2 on the
        // ideal {a} or {a, b} cuts one tensor (weight 2), which alone gives
        // (3 + 2) / 2 = 2.5, and narrowing the window by half of it on each
        // side, [4 - T, T - 1], leaves no ideal below T = 3: the optimum.
        nodes.pop_back();
        const Graph g3 = test::graphFromEdges("chain3", nodes, { { 0, 1 }, { 1, 2 } });
        QCOMPARE(test::bruteForceOptimum(g3, p, 2).optimum, 3.0);
        const BoundResult r3 = bound(g3, p, 2, "boundary");
        QVERIFY2(r3.lowerBound > 3.0 * (1 - 1e-5) && test::atMostOptimum(r3.lowerBound, 3.0),
            std::to_string(r3.lowerBound).c_str());
    }

    // Group {a, s}, chain a -> b -> c, s -> c, work 1 (s: 0), only s has a
    // tensor (0.3). k = 3: {a, s} | {b} | {c} costs 1.3, the optimum. s's
    // tensor crosses both boundaries but is sent once and received once: the
    // test must not weight it 2 per boundary (4 * 0.3 would refute 1.3).
    void longTensorWeighted()
    {
        const Graph g = test::graphFromEdges("long-tensor",
            { { .id = "a", .group = "g", .work = 1 }, { .id = "s", .group = "g", .out = 0.3 }, { .id = "b", .work = 1 },
                { .id = "c", .work = 1 } },
            { { 0, 2 }, { 2, 3 }, { 1, 3 } });
        const CostParams p = CostParams::fromGraph(g);
        QVERIFY(std::abs(test::bruteForceOptimum(g, p, 3).optimum - 1.3) < 1e-12);
        const NodeClasses classes = buildClasses(g);
        const BoundContext ctx { g, p, 3, classes };
        const BoundaryCut cut(ctx);
        const double average = cut.averageAt(1.3, ctx, std::numeric_limits<double>::infinity());
        QVERIFY2(test::atMostOptimum(average, 1.3), std::to_string(average).c_str());
        // Each stage holds >= 3 - 2 * 1.3 = 0.4 of work and at most 1 lies
        // between s and c, so the tensor may cross 3 boundaries: weight 2 / 3.
        QVERIFY(average > 1.13); // (3 + 2 * (2 / 3) * 0.3) / 3
        QVERIFY(test::atMostOptimum(bound(g, p, 3, "boundary").lowerBound, 1.3));
    }

    void neverRefutesOptimum_data()
    {
        test::addFamilyRows({ "random graphs", "chains with skip edges", "chains with heavy long tensors" });
    }
    void neverRefutesOptimum()
    {
        QFETCH(int, family);
        int aboveCombinatorial = 0;
        const auto check = [&](const test::BoundInstance &instance, const test::BruteForce &brute) {
            const auto &[g, p, k] = instance;
            const std::string where = test::describe(g, p, k);
            const NodeClasses classes = buildClasses(g);
            const BoundContext ctx { g, p, k, classes };
            const BoundaryCut cut(ctx);
            // A partition with bottleneck OPT exists: the test must not refute OPT or more.
            for (double factor : { 1.0, 1.0 + 1e-9, 1.2, 2.0 }) {
                const double t = brute.optimum * factor;
                const double average = cut.averageAt(t, ctx, std::numeric_limits<double>::infinity());
                QVERIFY2(test::atMostOptimum(average, t),
                    ("refutes " + std::to_string(t) + " (average " + std::to_string(average) + "), optimum "
                        + std::to_string(brute.optimum) + "\n" + where)
                        .c_str());
            }
            const BoundResult r = bound(g, p, k, "boundary");
            QVERIFY2(test::atMostOptimum(r.lowerBound, brute.optimum),
                test::aboveOptimum("boundary bound", r.lowerBound, brute.optimum, where).c_str());
            const double comb = pipecut::bounds::combinatorialBound(ctx).lowerBound;
            aboveCombinatorial += r.lowerBound > comb * (1 + 1e-6) + 1e-9 ? 1 : 0;
        };
        const int checked = test::checkFeasibleTrials(
            20261207 + family, test::kUnderSanitizer ? 60 : 250,
            [family](std::mt19937_64 &rng, int trial) {
                return family == 0 ? test::randomBoundInstance(rng, trial) : skipChainInstance(rng, family == 2);
            },
            check);
        if (QTest::currentTestFailed())
            return;
        qInfo("checked %d instances; above the combinatorial bound on %d", checked, aboveCombinatorial);
        QVERIFY(aboveCombinatorial > checked / 10);
    }
};

QTEST_GUILESS_MAIN(TestBoundaryCut)
#include "tst_boundary_cut.moc"
