// ideal-bb (core/partition/frontier_dp.h): the threshold searches against
// brute-force optima on small random graphs (memory limits, groups, the
// overflow term, many free units), against ideal-dp on the small corpus
// graphs, and its memory budget and stop.
#include "core/cost/evaluate.h"
#include "core/partition/frontier_dp.h"
#include "core/partition/ideal_dp.h"
#include "core/partition/partitioner.h"
#include "tests/support/corpus_files.h"
#include "tests/support/test_graphs.h"

#include "core/io/graph_io.h"

#include <QTest>

#include <random>

using namespace pipecut;

namespace {

// Checks solveFrontier from no incumbent (the searches alone must reach the
// optimum) and from a poor one (every node in stage 0 when that is feasible).
void checkAgainstBruteForce(const Graph &g, const CostParams &params, int k)
{
    const test::BruteForce brute = test::bruteForceOptimum(g, params, k);
    auto units = contractGroups(g);
    QVERIFY(units.ok());
    const Partition oneStage(g.nodeCount(), k);
    const bool oneFits = validatePartition(g, params, oneStage).ok();
    for (const Partition *start : { static_cast<const Partition *>(nullptr), oneFits ? &oneStage : nullptr }) {
        auto r = solveFrontier(g, params, *units, k, start, StopToken(), Deadline());
        const std::string what = test::describe(g, params, k) + (start ? " (from one stage)" : " (from none)");
        if (!brute.feasible) {
            QVERIFY2(!r.ok() && r.errorKind() == ErrorKind::Infeasible, what.c_str());
            continue;
        }
        QVERIFY2(r.ok(), (what + ": " + (r.ok() ? "" : r.error())).c_str());
        QVERIFY2(r->optimal, what.c_str());
        QVERIFY2(validatePartition(g, params, r->partition).ok(), what.c_str());
        const double got = bottleneckOf(g, params, r->partition.stages(), k);
        QVERIFY2(std::abs(got - r->bottleneck) <= 1e-9 * std::max(1.0, got), what.c_str());
        QVERIFY2(std::abs(got - brute.optimum) <= 1e-7 * std::max(1.0, brute.optimum),
            (what + ": ideal-bb " + std::to_string(got) + ", brute force " + std::to_string(brute.optimum)).c_str());
    }
}

// A NASNet-like ladder (docs/model.md §3.11): a stem, then cells
// whose two to three parallel branches of one or two nodes read the previous
// cell's output and, now and then, the one before it, and join. Work and
// tensor sizes are drawn so that units with work below their tensors / B
// (not heavy) and free nodes occur beside heavy ones.
Graph wideCells(std::mt19937_64 &rng, int maxNodes)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<NodeSpec> nodes;
    test::IndexEdges edges;
    auto node = [&] {
        NodeSpec spec;
        spec.id = "n" + std::to_string(nodes.size());
        spec.work = unit(rng) < 0.1 ? 0.0 : 3.0 * unit(rng);
        spec.out = 2.0 * unit(rng);
        spec.param = unit(rng);
        nodes.push_back(spec);
        return static_cast<int32_t>(nodes.size() - 1);
    };
    int32_t before = -1, last = node();
    while (static_cast<int>(nodes.size()) + 4 <= maxNodes) {
        const int branches = 2 + static_cast<int>(unit(rng) * 2);
        std::vector<int32_t> ends;
        for (int b = 0; b < branches; ++b) {
            const int32_t first = node();
            edges.push_back({ b == 1 && before >= 0 ? before : last, first });
            int32_t end = first;
            if (unit(rng) < 0.3 && static_cast<int>(nodes.size()) + 2 <= maxNodes) {
                end = node();
                edges.push_back({ first, end });
            }
            ends.push_back(end);
        }
        const int32_t join = node();
        for (int32_t e : ends)
            edges.push_back({ e, join });
        before = last;
        last = join;
    }
    return test::graphFromEdges("cells", nodes, edges, unit(rng) < 0.3 ? std::optional<double>(4.0) : std::nullopt);
}

} // namespace

class TestIdealBb : public QObject {
    Q_OBJECT
private slots:
    // The bounds' instance mix: memory limits, groups, the overflow term every seventh.
    void matchesBruteForce()
    {
        std::mt19937_64 rng(2611);
        for (int trial = 0; trial < 400; ++trial) {
            test::BoundInstance inst = test::randomBoundInstance(rng, trial);
            checkAgainstBruteForce(inst.graph, inst.params, inst.k);
            if (QTest::currentTestFailed())
                return;
        }
    }

    // Many nodes without work and parameters: the free-unit merge is exercised.
    void matchesBruteForceWithFreeUnits()
    {
        std::mt19937_64 rng(77);
        test::RandomGraphOptions go {
            .minNodes = 3, .maxNodes = 9, .groupProbability = 0.1, .zeroCostProbability = 0.5
        };
        int merged = 0;
        for (int trial = 0; trial < 300; ++trial) {
            go.edgeProbability = trial % 2 ? 0.25 : 0.4;
            Graph g = test::randomGraph(rng, go);
            CostParams params = CostParams::fromGraph(g);
            params.bandwidth = trial % 3 ? 1.0 : 0.25;
            auto units = contractGroups(g);
            QVERIFY(units.ok());
            auto m = mergeFreeUnits(g, params, *units);
            QVERIFY(m.ok());
            merged += m->graph.nodeCount() < units->graph.nodeCount();
            checkAgainstBruteForce(g, params, 1 + trial % 4);
            if (QTest::currentTestFailed())
                return;
        }
        QVERIFY2(merged > 30, std::to_string(merged).c_str());
    }

    // Wide cells, k = 2 to 4: the dead-unit pruning, the heavy-unit dominance
    // and the last block costed in the walk (k = 2: the walk keeps the best
    // chain) against brute force.
    void matchesBruteForceOnWideCells()
    {
        std::mt19937_64 rng(2626);
        for (int trial = 0; trial < 240; ++trial) {
            const int k = 2 + trial % 3;
            Graph g = wideCells(rng, k == 4 ? 9 : 11);
            CostParams params = CostParams::fromGraph(g);
            params.bandwidth = trial % 4 == 0 ? 0.25 : trial % 4 == 1 ? 4.0 : 1.0;
            params.overflow = trial % 7 == 3;
            params.fastMemory = 1.5;
            checkAgainstBruteForce(g, params, k);
            if (QTest::currentTestFailed())
                return;
        }
    }

    // A zero sink with one predecessor and a zero source with one successor
    // are merged; a node with work is not.
    void mergesFreeUnits()
    {
        const Graph g = test::graphFromEdges("free",
            { { .id = "in", .out = 3 }, { .id = "a", .work = 2, .out = 1 }, { .id = "b", .work = 3, .out = 1 },
                { .id = "dead" }, { .id = "c", .work = 1 } },
            { { 0, 1 }, { 1, 2 }, { 1, 3 }, { 2, 4 } });
        const CostParams params = CostParams::fromGraph(g);
        auto units = contractGroups(g);
        QVERIFY(units.ok());
        auto m = mergeFreeUnits(g, params, *units);
        QVERIFY(m.ok());
        QCOMPARE(m->graph.nodeCount(), 3);
        QCOMPARE(m->nodeToContracted[0], m->nodeToContracted[1]); // in with a
        QCOMPARE(m->nodeToContracted[3], m->nodeToContracted[1]); // dead with a
        QVERIFY(m->nodeToContracted[2] != m->nodeToContracted[1]);
    }

    // Same optimum as ideal-dp on every corpus graph with at most 3,000 ideals.
    void matchesIdealDpOnCorpus()
    {
        int compared = 0;
        for (const std::string &file : test::corpusGraphFiles(PIPECUT_CORPUS_DIR)) {
            auto g = loadGraph(std::string(PIPECUT_CORPUS_DIR) + "/" + file);
            QVERIFY2(g.ok(), file.c_str());
            auto units = contractGroups(*g);
            QVERIFY(units.ok());
            if (countIdeals(units->graph, 3000).exceeded)
                continue;
            const CostParams params = CostParams::fromGraph(*g);
            for (int k : { 2, 4, 8 }) {
                PartitionOptions o;
                o.k = k;
                o.method = "ideal-dp";
                auto dp = runPartitioner(*g, params, o);
                o.method = "ideal-bb";
                auto bb = runPartitioner(*g, params, o);
                const std::string what = file + " k=" + std::to_string(k);
                QCOMPARE(bb.ok(), dp.ok());
                if (!dp.ok()) {
                    QCOMPARE(bb.errorKind(), dp.errorKind());
                    continue;
                }
                QVERIFY2(dp->optimal && bb->optimal, what.c_str());
                QVERIFY2(std::abs(bb->bottleneck - dp->bottleneck) <= 1e-7 * dp->bottleneck,
                    (what + ": " + std::to_string(bb->bottleneck) + " vs " + std::to_string(dp->bottleneck)).c_str());
                ++compared;
            }
        }
        QVERIFY2(compared >= 60, std::to_string(compared).c_str());
    }

    // A budget too small for the reached ideals is a LimitExceeded refusal.
    void refusesOverMemoryBudget()
    {
        auto g = loadGraph(test::corpusPath("pipedream/profiler/image_classification/profiles/inception_v3/graph.txt"));
        QVERIFY(g.ok());
        const CostParams params = CostParams::fromGraph(*g);
        auto units = contractGroups(*g);
        QVERIFY(units.ok());
        auto r = solveFrontier(*g, params, *units, 8, nullptr, StopToken(), Deadline(), 64 * 1024);
        QVERIFY(!r.ok());
        QCOMPARE(r.errorKind(), ErrorKind::LimitExceeded);
        QVERIFY2(r.error().find("memory budget") != std::string::npos, r.error().c_str());
    }

    // A stop before the start returns the incumbent, not proven.
    void stopReturnsIncumbent()
    {
        const Graph g = test::specExample();
        const CostParams params = CostParams::fromGraph(g);
        auto units = contractGroups(g);
        QVERIFY(units.ok());
        const Partition start(g.nodeCount(), 3);
        StopToken stop;
        stop.requestStop();
        auto r = solveFrontier(g, params, *units, 3, &start, stop, Deadline());
        QVERIFY(r.ok());
        QVERIFY(!r->optimal);
        QCOMPARE(r->bottleneck, bottleneckOf(g, params, start.stages(), 3));
        auto free = solveFrontier(g, params, *units, 3, &start, StopToken(), Deadline());
        QVERIFY(free.ok() && free->optimal);
        QCOMPARE(free->bottleneck, 7.0); // docs/model.md §1.5
    }
};

QTEST_GUILESS_MAIN(TestIdealBb)
#include "tst_ideal_bb.moc"
