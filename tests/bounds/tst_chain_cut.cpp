// The chain bound (core/bounds/chain_cut.h, docs/model.md §4.14): on small
// random graphs, chains with skip edges and layered graphs it never exceeds
// the brute-force optimum; on a chain it reaches the optimum; and on a small
// layered graph it is above both the boundary-cut sum test and the
// combinatorial bound.
#include "core/bounds/boundary_cut.h"
#include "core/bounds/chain_cut.h"
#include "core/bounds/combinatorial.h"
#include "tests/support/brute_force_trials.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <random>

using namespace pipecut;
using namespace pipecut::bounds;

namespace {

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
        QVERIFY2(b > 3.0 * (1 - 1e-4) && test::atMostOptimum(b, 3.0), std::to_string(b).c_str());
    }

    // Two layers {a, b}, {c, d} joined pairwise, then the chain e -> f -> g,
    // B = 1, k = 3 (the work is 18, so 6 per stage on average; the optimum is
    // 8). The chain bound proves 7.5: above the combinatorial bound, and a
    // value the sum test of the boundary cut does not refute.
    void chainBeatsSumTest()
    {
        const std::vector<NodeSpec> nodes { { .id = "a", .work = 1, .out = 3 }, { .id = "b", .work = 2, .out = 1 },
            { .id = "c", .work = 2, .out = 1 }, { .id = "d", .work = 4, .out = 1 }, { .id = "e", .work = 4, .out = 0 },
            { .id = "f", .work = 1, .out = 1 }, { .id = "g", .work = 4, .out = 3 } };
        const Graph g
            = test::graphFromEdges("layered-7", nodes, { { 0, 2 }, { 1, 3 }, { 2, 4 }, { 3, 4 }, { 4, 5 }, { 5, 6 } });
        CostParams p = CostParams::fromGraph(g);
        p.bandwidth = 1;
        const int k = 3;
        QCOMPARE(test::bruteForceOptimum(g, p, k).optimum, 8.0);
        const NodeClasses classes = buildClasses(g);
        const BoundContext ctx { g, p, k, classes };
        const BoundaryCut cut(ctx);
        const double b = chainCutBound(cut, ctx, 0.0);
        QVERIFY2(b > 7.49 && test::atMostOptimum(b, 8.0), std::to_string(b).c_str());
        const double sum = cut.averageAt(b * (1 - 1e-6), ctx, std::numeric_limits<double>::infinity());
        QVERIFY2(sum < b * (1 - 1e-6), std::to_string(sum).c_str()); // not refuted by the sum test
        const double comb = combinatorialBound(ctx).lowerBound;
        QVERIFY2(b > comb * (1 + 1e-3), std::to_string(comb).c_str());
    }

    void neverAboveOptimum_data() { test::addFamilyRows({ "random graphs", "layered graphs" }); }
    void neverAboveOptimum()
    {
        QFETCH(int, family);
        const auto make = [family](std::mt19937_64 &rng, int trial) {
            return family == 0 ? test::randomBoundInstance(rng, trial) : layeredInstance(rng);
        };
        int aboveSum = 0;
        const int checked = test::checkFeasibleTrials(20261208 + family, test::kUnderSanitizer ? 60 : 300, make,
            [&](const test::BoundInstance &instance, const test::BruteForce &brute) {
                const auto &[g, p, k] = instance;
                const NodeClasses classes = buildClasses(g);
                const BoundContext ctx { g, p, k, classes };
                const BoundaryCut cut(ctx);
                const double b = chainCutBound(cut, ctx, 0.0);
                QVERIFY2(test::atMostOptimum(b, brute.optimum),
                    test::aboveOptimum("chain bound", b, brute.optimum, test::describe(g, p, k)).c_str());
                // How often the sum test (boundary_cut.h) does not refute the chain bound's value.
                const double sum = cut.averageAt(b * (1 - 1e-6), ctx, std::numeric_limits<double>::infinity());
                aboveSum += b > 0 && !(sum > b * (1 - 1e-6)) ? 1 : 0;
            });
        qInfo("checked %d instances; above the sum test on %d", checked, aboveSum);
    }
};

QTEST_GUILESS_MAIN(TestChainCut)
#include "tst_chain_cut.moc"
