// The chain bound (core/bounds/chain_cut.h, docs/model.md §4.14): on small
// random graphs, chains with skip edges and layered graphs it never exceeds
// the brute-force optimum; on a chain it reaches the optimum; and on long
// layered graphs it is above the boundary-cut sum test somewhere.
#include "core/bounds/boundary_cut.h"
#include "core/bounds/chain_cut.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <random>

using namespace pipecut;
using namespace pipecut::bounds;

namespace {

bool atMost(double value, double optimum)
{
    return value <= optimum + 1e-6 * optimum + 1e-9;
}

// Layers of 1..3 nodes, each reading one or two nodes of the layer before
// (every node there read), heavy tensors: long and narrow like the random family.
test::BoundInstance layeredInstance(std::mt19937_64 &rng)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<NodeSpec> nodes;
    test::IndexEdges edges;
    std::vector<int> previous;
    while (nodes.size() < 9) {
        const int width = 1 + static_cast<int>(rng() % 3);
        std::vector<int> layer;
        for (int j = 0; j < width && nodes.size() < 11; ++j) {
            const int v = static_cast<int>(nodes.size());
            nodes.push_back({ .id = "n" + std::to_string(v), .work = 0.2 + unit(rng), .out = 0.05 + unit(rng) });
            layer.push_back(v);
        }
        for (size_t i = 0; i < previous.size(); ++i)
            edges.emplace_back(previous[i], layer[i % layer.size()]);
        for (int v : layer)
            if (!previous.empty() && unit(rng) < 0.4)
                edges.emplace_back(previous[rng() % previous.size()], v);
        previous = layer;
    }
    const double bandwidth = 0.5 + 2 * unit(rng);
    test::BoundInstance instance { test::graphFromEdges("layered", nodes, edges), {}, 2 + static_cast<int>(rng() % 4) };
    instance.params = CostParams::fromGraph(instance.graph);
    instance.params.bandwidth = bandwidth;
    return instance;
}

} // namespace

class TestChainCut : public QObject {
    Q_OBJECT
private slots:
    // a -> b -> c -> d, work 1, out 1, k = 2: the chain bound alone reaches the optimum 3 (chain_cut.h).
    void chainReachesOptimum()
    {
        const NodeSpec unit { .work = 1, .out = 1 };
        std::vector<NodeSpec> nodes(4, unit);
        for (size_t i = 0; i < nodes.size(); ++i)
            nodes[i].id = std::string(1, char('a' + i));
        const Graph g = test::graphFromEdges("chain", nodes, { { 0, 1 }, { 1, 2 }, { 2, 3 } });
        const CostParams p = CostParams::fromGraph(g);
        QCOMPARE(test::bruteForceOptimum(g, p, 2).optimum, 3.0);
        const NodeClasses classes = buildClasses(g);
        const BoundContext ctx { g, p, 2, classes };
        const BoundaryCut cut(ctx);
        const double b = chainCutBound(cut, ctx, 0.0);
        QVERIFY2(b > 3.0 * (1 - 1e-4) && atMost(b, 3.0), std::to_string(b).c_str());
    }

    void neverAboveOptimum_data()
    {
        QTest::addColumn<int>("family");
        QTest::newRow("random graphs") << 0;
        QTest::newRow("layered graphs") << 1;
    }
    void neverAboveOptimum()
    {
        QFETCH(int, family);
        std::mt19937_64 rng(20261208 + family);
        const int trials = test::kUnderSanitizer ? 60 : 300;
        int checked = 0, aboveSum = 0;
        for (int trial = 0; trial < trials; ++trial) {
            const auto [g, p, k] = family == 0 ? test::randomBoundInstance(rng, trial) : layeredInstance(rng);
            const test::BruteForce brute = test::bruteForceOptimum(g, p, k);
            if (!brute.feasible)
                continue;
            const NodeClasses classes = buildClasses(g);
            const BoundContext ctx { g, p, k, classes };
            const BoundaryCut cut(ctx);
            const double b = chainCutBound(cut, ctx, 0.0);
            QVERIFY2(atMost(b, brute.optimum),
                ("chain bound " + std::to_string(b) + " > optimum " + std::to_string(brute.optimum) + "\n"
                    + test::describe(g, p, k))
                    .c_str());
            // The sum test (boundary_cut.h) does not refute the chain bound's value on some graphs.
            const double sum = cut.averageAt(b * (1 - 1e-6), ctx, std::numeric_limits<double>::infinity());
            aboveSum += b > 0 && !(sum > b * (1 - 1e-6)) ? 1 : 0;
            ++checked;
        }
        qInfo("checked %d instances; above the sum test on %d", checked, aboveSum);
        QVERIFY(checked > trials / 2);
        // The gain needs the full trial count: the 60 trials under the sanitizers
        // found none on the layered family, the release stage's 300 do.
        QVERIFY(aboveSum > 0 || test::kUnderSanitizer);
    }
};

QTEST_GUILESS_MAIN(TestChainCut)
#include "tst_chain_cut.moc"
