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
