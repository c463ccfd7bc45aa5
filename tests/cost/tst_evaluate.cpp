// Cost model (docs/model.md §1.3): exact stage costs on the worked example of
// docs/model.md §1.5 (every figure it states: T = 10 at k = 1; 8 and 8, 3 and 9 at
// k = 2; 3, 7 and 7 at k = 3; the optima 8 and 7; fill latency 17), a cross-check
// against a definition-level reference on random graphs, feasibility messages,
// and the incremental evaluator against full evaluation after random moves.
#include "core/cost/evaluate.h"
#include "core/cost/incremental.h"
#include "core/cost/stage_json.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace pipecut;

namespace {

Partition byIds(const Graph &g, int k, const std::vector<std::vector<std::string>> &stages)
{
    Partition p(g.nodeCount(), k);
    for (int s = 0; s < static_cast<int>(stages.size()); ++s)
        for (const std::string &id : stages[s])
            p.setStage(*g.find(id), stageId(s));
    return p;
}

// The definition, written as plainly as possible: for each stage S, in(S) sums
// out(u) over u outside S with a successor in S; outw(S) sums out(u) over u in
// S with a successor outside S.
std::vector<double> referenceCosts(const Graph &g, const CostParams &params, const Partition &p)
{
    std::vector<double> costs;
    for (int b = 0; b < p.k(); ++b) {
        double work = 0, in = 0, out = 0, param = 0;
        for (int32_t u = 0; u < g.nodeCount(); ++u) {
            const bool inS = p.stages()[u] == b;
            bool succIn = false, succOut = false;
            for (NodeId v : g.successors(nodeId(u)))
                (p.stages()[index(v)] == b ? succIn : succOut) = true;
            if (inS) {
                work += g.works()[u];
                param += g.params()[u];
                if (succOut)
                    out += g.outs()[u];
            } else if (succIn) {
                in += g.outs()[u];
            }
        }
        costs.push_back(params.stageCost(work, in, out, param));
    }
    return costs;
}

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max({ 1.0, std::abs(a), std::abs(b) });
}

} // namespace

class TestEvaluate : public QObject {
    Q_OBJECT
private slots:
    void workedExample_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<QStringList>("stages"); // "a,b" per stage
        QTest::addColumn<QList<double>>("costs");
        QTest::newRow("one stage") << 1 << QStringList { "a,b,c,d" } << QList<double> { 10 };
        QTest::newRow("k2 optimal") << 2 << QStringList { "a,b", "c,d" } << QList<double> { 8, 8 };
        QTest::newRow("k2 other") << 2 << QStringList { "a", "b,c,d" } << QList<double> { 3, 9 };
        QTest::newRow("k3 optimal") << 3 << QStringList { "a", "c", "b,d" } << QList<double> { 3, 7, 7 };
        QTest::newRow("empty stage") << 3 << QStringList { "a,b", "", "c,d" } << QList<double> { 8, 0, 8 };
    }

    void workedExample()
    {
        QFETCH(int, k);
        QFETCH(QStringList, stages);
        QFETCH(QList<double>, costs);
        Graph g = test::specExample();
        std::vector<std::vector<std::string>> ids;
        for (const QString &s : stages) {
            ids.emplace_back();
            for (const QString &id : s.split(',', Qt::SkipEmptyParts))
                ids.back().push_back(id.toStdString());
        }
        Partition p = byIds(g, k, ids);
        CostParams params = CostParams::fromGraph(g);
        QVERIFY(validatePartition(g, params, p).ok());
        Evaluation ev = evaluate(g, params, p);
        QCOMPARE(int(ev.stages.size()), k);
        double bottleneck = 0;
        for (int b = 0; b < k; ++b) {
            QCOMPARE(ev.stages[b].cost, costs[b]);
            bottleneck = std::max(bottleneck, costs[b]);
        }
        QCOMPARE(ev.bottleneck, bottleneck);
        QCOMPARE(bottleneckOf(g, params, p.stages(), k), bottleneck);
    }

    // The optima docs/model.md §1.5 claims, by enumerating every valid partition.
    void workedExampleOptima_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<double>("optimum");
        QTest::newRow("k1") << 1 << 10.0;
        QTest::newRow("k2") << 2 << 8.0;
        QTest::newRow("k3") << 3 << 7.0;
    }

    void workedExampleOptima()
    {
        QFETCH(int, k);
        QFETCH(double, optimum);
        Graph g = test::specExample();
        const test::BruteForce best = test::bruteForceOptimum(g, CostParams::fromGraph(g), k);
        QVERIFY(best.feasible);
        QCOMPARE(best.optimum, optimum);
    }

    void stageBreakdown()
    {
        // {a} | {c} | {b, d}: a's tensor is written once by stage 1 and read once by each of 2 and 3.
        Graph g = test::specExample();
        Partition p = byIds(g, 3, { { "a" }, { "c" }, { "b", "d" } });
        Evaluation ev = evaluate(g, CostParams::fromGraph(g), p);
        QCOMPARE(ev.stages[0].commOut, 1.0);
        QCOMPARE(ev.stages[0].commIn, 0.0);
        QCOMPARE(ev.stages[1].commIn, 1.0);
        QCOMPARE(ev.stages[1].commOut, 2.0);
        QCOMPARE(ev.stages[2].commIn, 3.0);
        QCOMPARE(ev.stages[2].commOut, 0.0);
        QCOMPARE(ev.stages[2].nodes, 2);
        QCOMPARE(ev.sumOfCosts(), 17.0);
        // The JSON fields the CLI and the report both write (core/cost/stage_json.h).
        JsonWriter w;
        w.beginObject();
        writeStageCostFields(w, ev.stages[2]);
        w.endObject();
        QCOMPARE(QString::fromStdString(w.str()),
            QString("{\"cost\":%1,\"work\":%2,\"comm_in\":3,\"comm_out\":0,\"param\":%3}")
                .arg(ev.stages[2].cost, 0, 'g', 17)
                .arg(ev.stages[2].work, 0, 'g', 17)
                .arg(ev.stages[2].param, 0, 'g', 17));
    }

    void bandwidthAndOverflow()
    {
        Graph g = test::specExample();
        Partition p = byIds(g, 2, { { "a", "b" }, { "c", "d" } });
        CostParams params;
        params.bandwidth = 2; // comm halves: 5 + 3/2
        QCOMPARE(evaluate(g, params, p).bottleneck, 6.5);
        GraphBuilder b("params");
        b.addNode({ .id = "x", .work = 1, .param = 10 });
        b.addNode({ .id = "y", .work = 1, .param = 2 });
        Graph h = std::move(b.build()).value();
        CostParams o;
        o.overflow = true;
        o.fastMemory = 4;
        o.slowBandwidth = 2; // x: 1 + (10 - 4)/2 = 4; y: 1 + 0
        Partition q(std::vector<int32_t> { 0, 1 }, 2);
        Evaluation ev = evaluate(h, o, q);
        QCOMPARE(ev.stages[0].cost, 4.0);
        QCOMPARE(ev.stages[1].cost, 1.0);
    }

    void matchesReferenceOnRandomGraphs()
    {
        std::mt19937_64 rng(11);
        for (int t = 0; t < 500; ++t) {
            test::RandomGraphOptions o;
            o.maxNodes = 12;
            Graph g = test::randomGraph(rng, o);
            CostParams params = CostParams::fromGraph(g);
            params.overflow = t % 3 == 0;
            params.fastMemory = 2;
            params.slowBandwidth = 3;
            const int k = 1 + static_cast<int>(rng() % 5);
            Partition p(g.nodeCount(), k);
            for (int32_t v = 0; v < g.nodeCount(); ++v)
                p.setStage(nodeId(v), stageId(static_cast<int32_t>(rng() % k))); // need not be valid
            auto ref = referenceCosts(g, params, p);
            Evaluation ev = evaluate(g, params, p);
            for (int b = 0; b < k; ++b)
                QVERIFY2(close(ev.stages[b].cost, ref[b]), test::describe(g, params, k).c_str());
        }
    }

    void feasibilityMessages_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("backward") << 0 << "edge 'a' -> 'b' runs backwards, from stage 2 to stage 1";
        QTest::newRow("range") << 1 << "node 'c' is in stage 5, outside 1..2";
        QTest::newRow("group") << 2 << "group 'g' is split: 'a' is in stage 1 and 'd' in stage 2";
        QTest::newRow("memory") << 3 << "stage 1 holds 7 of parameters, over the memory limit 5";
        QTest::newRow("size") << 4 << "the partition has 3 nodes but the graph has 4";
    }

    void feasibilityMessages()
    {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        GraphBuilder b("f");
        b.addNode({ .id = "a", .group = "g", .work = 1, .param = 3 });
        b.addNode({ .id = "b", .work = 1, .param = 4 });
        b.addNode({ .id = "c", .work = 1 });
        b.addNode({ .id = "d", .group = "g", .work = 1 });
        b.addEdge("a", "b");
        b.addEdge("b", "c");
        Graph g = std::move(b.build()).value();
        CostParams params;
        std::vector<int32_t> s { 0, 0, 0, 0 };
        switch (kind) {
        case 0:
            s = { 1, 0, 1, 1 };
            break;
        case 1:
            s = { 0, 0, 4, 0 };
            break;
        case 2:
            s = { 0, 0, 0, 1 };
            break;
        case 3:
            params.memoryLimit = 5;
            break;
        case 4:
            s = { 0, 0, 0 };
            break;
        }
        auto v = checkFeasibility(g, params, Partition(s, 2));
        QVERIFY(!v.empty());
        QString all;
        for (auto &x : v)
            all += QString::fromStdString(x.message) + "\n";
        QVERIFY2(all.contains(expected), qPrintable(all));
        QVERIFY(!validatePartition(g, params, Partition(s, 2)).ok());
    }

    void incrementalAgreesWithFullEvaluation()
    {
        std::mt19937_64 rng(5);
        for (int t = 0; t < 200; ++t) {
            test::RandomGraphOptions o;
            o.minNodes = 2;
            o.maxNodes = 40;
            o.edgeProbability = 0.2;
            Graph g = test::randomGraph(rng, o);
            CostParams params = CostParams::fromGraph(g);
            params.overflow = t % 2 == 0;
            params.fastMemory = 3;
            const int k = 1 + static_cast<int>(rng() % 6);
            Partition p(g.nodeCount(), k);
            for (int32_t v = 0; v < g.nodeCount(); ++v)
                p.setStage(nodeId(v), stageId(static_cast<int32_t>(rng() % k)));
            IncrementalEvaluator inc(g, params, p);
            for (int step = 0; step < 60; ++step) {
                std::vector<NodeId> moving;
                const int count = 1 + static_cast<int>(rng() % 4);
                for (int i = 0; i < count; ++i)
                    moving.push_back(nodeId(static_cast<int32_t>(rng() % g.nodeCount())));
                const StageId to = stageId(static_cast<int32_t>(rng() % k));
                const Partition before = inc.partition();
                Partition expected = before;
                for (NodeId v : moving)
                    expected.setStage(v, to);
                const double whatIf = inc.bottleneckIfMoved(moving, to);
                QVERIFY(inc.partition() == before); // a what-if never commits
                const Evaluation full = evaluate(g, params, expected);
                QVERIFY2(close(whatIf, full.bottleneck), test::describe(g, params, k).c_str());
                if (step % 3 != 0) { // sometimes only ask, never commit
                    inc.move(moving, to);
                    QVERIFY(inc.partition() == expected);
                    for (int b = 0; b < k; ++b) {
                        const StageCost &a = inc.stage(stageId(b));
                        const StageCost &e = full.stages[b];
                        QVERIFY2(close(a.cost, e.cost) && close(a.commIn, e.commIn) && close(a.commOut, e.commOut)
                                && close(a.work, e.work) && a.nodes == e.nodes,
                            (test::describe(g, params, k) + "\nstage " + std::to_string(b)).c_str());
                    }
                    QVERIFY(close(inc.bottleneck(), full.bottleneck));
                }
            }
            // assign() to an unrelated partition agrees too.
            Partition q(g.nodeCount(), k);
            for (int32_t v = 0; v < g.nodeCount(); ++v)
                q.setStage(nodeId(v), stageId(static_cast<int32_t>(rng() % k)));
            inc.assign(q);
            QVERIFY(inc.partition() == q);
            QVERIFY(close(inc.bottleneck(), evaluate(g, params, q).bottleneck));
        }
    }
};

QTEST_GUILESS_MAIN(TestEvaluate)
#include "tst_evaluate.moc"
