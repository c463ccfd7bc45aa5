// Partition files (docs/model.md §6) and the Microsoft expert placements.
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <algorithm>
#include <random>

using namespace pipecut;

class TestPartitionIo : public QObject {
    Q_OBJECT
private slots:
    void roundTripSpecExample()
    {
        const Graph g = test::specExample();
        Partition p(g.nodeCount(), 4);
        p.setStage(*g.find("b"), stageId(1));
        p.setStage(*g.find("c"), stageId(1));
        p.setStage(*g.find("d"), stageId(3)); // stage 3 (index 2) stays empty
        const std::string text = partitionToJson(g, p);
        QVERIFY(text.find("\"format\": \"pipecut-partition\"") != std::string::npos);
        QVERIFY(text.find("[]") != std::string::npos);
        auto back = parsePartition(text, "p.json", g);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
        QCOMPARE(back->k(), 4);
        QVERIFY(*back == p);
        QCOMPARE(partitionToJson(g, *back), text);
    }

    void roundTripRandom()
    {
        std::mt19937_64 rng(5);
        for (int t = 0; t < 100; ++t) {
            const Graph g = test::randomGraph(rng);
            const int k = 1 + int(rng() % 5);
            Partition p(g.nodeCount(), k);
            for (int32_t i = 0; i < g.nodeCount(); ++i)
                p.setStage(nodeId(i), stageId(int32_t(rng() % k)));
            auto back = parsePartition(partitionToJson(g, p), "r.json", g);
            QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
            QVERIFY(*back == p);
        }
    }

    void specFormatReads()
    {
        const Graph g = test::specExample();
        auto p = parsePartition(R"({"format": "pipecut-partition", "version": 1, "graph": "x", "k": 3,
                                    "stages": [["a"], ["c"], ["b", "d"]]})",
            "p.json", g);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().c_str());
        QCOMPARE(index(p->stage(*g.find("a"))), 0);
        QCOMPARE(index(p->stage(*g.find("c"))), 1);
        QCOMPARE(index(p->stage(*g.find("d"))), 2);
        // The k = 3 optimum of docs/model.md §1.5.
        QCOMPARE(evaluate(g, CostParams::fromGraph(g), *p).bottleneck, 7.0);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString head = R"({"format": "pipecut-partition", "version": 1, )";
        QTest::newRow("unknown node") << head + R"("k": 2, "stages": [["a", "b", "zz"], ["c", "d"]]})"
                                      << "p.json: stage 1 names unknown node 'zz'";
        QTest::newRow("twice") << head + R"("k": 2, "stages": [["a", "b"], ["b", "c", "d"]]})"
                               << "p.json: node 'b' is named twice (stages 1 and 2)";
        QTest::newRow("missing") << head + R"("k": 2, "stages": [["a"], ["c"]]})"
                                 << "p.json: 2 node(s) of graph 'spec-example' are in no stage: 'b', 'd'";
        QTest::newRow("k mismatch") << head + R"("k": 3, "stages": [["a", "b"], ["c", "d"]]})"
                                    << "p.json: k = 3 but \"stages\" has 2 lists";
        QTest::newRow("no stages") << head + R"("k": 0, "stages": []})"
                                   << "\"stages\" is empty";
        QTest::newRow("bad entry") << head + R"("k": 1, "stages": [["a", true]]})"
                                   << "stage 1, entry 2 must be a node id string or node number, not a boolean";
        QTest::newRow("stage not list") << head + R"("k": 1, "stages": ["a"]})"
                                        << "\"stages\" entry 1 must be an array, not a string";
        QTest::newRow("wrong format") << R"({"format": "pipecut-graph", "stages": []})"
                                      << "\"format\" must be \"pipecut-partition\", not \"pipecut-graph\"";
        QTest::newRow("no format") << R"({"stages": [["a","b","c","d"]]})"
                                   << "missing \"format\"";
        QTest::newRow("version") << R"({"format": "pipecut-partition", "version": 9, "stages": []})"
                                 << "unsupported partition version";
        QTest::newRow("malformed") << head + R"("k": 1, "stages": [["a", "b"])"
                                   << "p.json: line 1, column";
        QTest::newRow("cpu nodes") << R"({"cpus": [{"nodes": [1]}], "fpgas": [{"nodes": []}]})"
                                   << "1 node(s) are placed on a CPU";
        QTest::newRow("fpga without nodes") << R"({"fpgas": [{"load": 1}]})"
                                            << "\"fpgas\" entry 1: missing \"nodes\"";
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const Graph g = test::specExample();
        auto p = parsePartition(text.toStdString(), "p.json", g);
        QVERIFY(!p.ok());
        QVERIFY2(QString::fromStdString(p.error()).contains(expected), p.error().c_str());
    }

    // The human-expert placements of msr-fiddle/dnn-partitioning belong to the
    // throughput-inputs LayerGraphs of the same model (6 FPGAs, maxFPGAs 6; their
    // node ids cover exactly those graphs' ids). They load, name every node once
    // and evaluate.
    void expertPlacements_data()
    {
        QTest::addColumn<QString>("expert");
        QTest::addColumn<QString>("graph");
        for (const char *model : { "bert24_inference", "bert24_training", "gnmt_inference", "gnmt_training",
                 "inceptionv3_inference", "resnet50_inference" })
            QTest::newRow(model) << QString("dnn-partitioning/human-experts/%1_expert.json").arg(model)
                                 << QString("dnn-partitioning/throughput-inputs/LayerGraphs/%1.json").arg(model);
    }

    void expertPlacements()
    {
        QFETCH(QString, expert);
        QFETCH(QString, graph);
        auto g = loadGraph(test::corpusPath(graph.toStdString()));
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        auto p = loadPartition(test::corpusPath(expert.toStdString()), *g);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().c_str());
        QCOMPARE(p->k(), 6);
        QCOMPARE(p->nodeCount(), g->nodeCount());
        const CostParams params = CostParams::fromGraph(*g);
        // The experts respect edge order, and they are within the FPGA memory.
        const Status valid = validatePartition(*g, params, *p);
        QVERIFY2(valid.ok(), valid.ok() ? "" : valid.error().c_str());
        const Evaluation e = evaluate(*g, params, *p);
        QVERIFY(e.bottleneck > 0);
        QVERIFY(e.bottleneck >= g->totalWork() / 6 - 1e-9);
        QVERIFY(e.bottleneck <= e.sumOfCosts());
        qInfo("%s: k = 6, expert bottleneck %.6g, total work %.6g, combinatorial bound %.6g", qPrintable(expert),
            e.bottleneck, g->totalWork(), std::max(g->totalWork() / 6, g->maxWork()));
        // Converting the graph keeps the node numbers, so the placement still maps.
        auto converted = parseGraph(graphToJson(*g), "converted.json");
        QVERIFY(converted.ok());
        auto again = loadPartition(test::corpusPath(expert.toStdString()), *converted);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().c_str());
        QVERIFY(*again == *p);
    }

    void expertPlacementOnWrongGraphNamesTheNode()
    {
        const Graph g = test::specExample();
        auto p = loadPartition(test::corpusPath("dnn-partitioning/human-experts/bert24_inference_expert.json"), g);
        QVERIFY(!p.ok());
        QVERIFY2(QString::fromStdString(p.error()).contains("fpga 1 names unknown node number 1"), p.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestPartitionIo)
#include "tst_partition_io.moc"
