// Graph model validation: one test per message (STYLE: tests mirror core/).
#include "core/graph/graph.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace pipecut;

class TestGraph : public QObject {
    Q_OBJECT
private slots:
    void specExampleBuilds()
    {
        Graph g = test::specExample();
        QCOMPARE(g.nodeCount(), 4);
        QCOMPARE(g.edgeCount(), 4);
        QCOMPARE(g.totalWork(), 10.0);
        QCOMPARE(g.maxWork(), 4.0);
        QCOMPARE(g.topologicalOrder().size(), size_t(4));
        QCOMPARE(g.id(g.topologicalOrder()[0]), std::string("a"));
        QCOMPARE(g.id(g.topologicalOrder()[3]), std::string("d"));
        auto b = g.find("b");
        QVERIFY(b.has_value());
        QCOMPARE(g.successors(*b).size(), size_t(1));
        QCOMPARE(g.id(g.successors(*b)[0]), std::string("d"));
        QCOMPARE(g.predecessors(*g.find("d")).size(), size_t(2));
        QVERIFY(!g.find("zz"));
        Graph copy = g; // the id index must survive copies
        QCOMPARE(index(*copy.find("c")), index(*g.find("c")));
    }

    void validationMessages_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << 0 << "the graph has no nodes";
        QTest::newRow("duplicate") << 1 << "duplicate node id 'a' (nodes #1 and #2)";
        QTest::newRow("unknown endpoint") << 2 << "f.json:7: edge a -> q names unknown node 'q'";
        QTest::newRow("self-loop") << 3 << "self-loop on node 'a'";
        QTest::newRow("negative work") << 4 << "node 'b' has invalid work -1";
        QTest::newRow("nan out") << 5 << "node 'b' has invalid out nan";
        QTest::newRow("inf param") << 6 << "node 'b' has invalid param inf";
        QTest::newRow("cycle") << 7 << "the graph has a cycle: 'b' -> 'c' -> 'd' -> 'b'";
        QTest::newRow("bandwidth") << 8 << "bandwidth must be a positive finite number, not 0";
        QTest::newRow("empty id") << 9 << "node #2 has an empty id";
    }

    void validationMessages()
    {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        GraphBuilder b("f.json");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        if (kind != 0)
            b.addNode({ .id = "a", .work = 1 });
        switch (kind) {
        case 1:
            b.addNode({ .id = "a", .work = 1 });
            break;
        case 2:
            b.addEdge("a", "q", 7);
            break;
        case 3:
            b.addEdge("a", "a");
            break;
        case 4:
            b.addNode({ .id = "b", .work = -1 });
            break;
        case 5:
            b.addNode({ .id = "b", .out = nan });
            break;
        case 6:
            b.addNode({ .id = "b", .param = inf });
            break;
        case 7:
            for (const char *id : { "b", "c", "d", "e" })
                b.addNode({ .id = id });
            b.addEdge("a", "b");
            b.addEdge("b", "c");
            b.addEdge("c", "d");
            b.addEdge("d", "b");
            b.addEdge("d", "e");
            break;
        case 8:
            b.setBandwidth(0);
            break;
        case 9:
            b.addNode({ .id = "" });
            break;
        }
        auto r = b.build();
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error()).contains(expected), r.error().c_str());
    }

    void duplicateEdgesMerged()
    {
        GraphBuilder b("x");
        b.addNode({ .id = "a" });
        b.addNode({ .id = "b" });
        b.addEdge("a", "b");
        b.addEdge("a", "b");
        auto r = b.build();
        QVERIFY(r.ok());
        QCOMPARE(r->edgeCount(), 1);
        QCOMPARE(r->notes().size(), size_t(1));
    }

    // The open-addressing id index: every id found at its index after copies
    // and moves, absent ids (including near misses) not found, edges added by
    // index and by id agree, and the first duplicate is named wherever it is.
    void idIndexOnManyIds()
    {
        const int n = 5000;
        GraphBuilder b("ids");
        for (int i = 0; i < n; ++i)
            b.addNode({ .id = "layer" + std::to_string(i) + "/MatMul" });
        for (int i = 1; i < n; i += 2) {
            const int32_t from = b.findNode("layer" + std::to_string(i - 1) + "/MatMul");
            const int32_t to = b.findNode("layer" + std::to_string(i) + "/MatMul");
            QCOMPARE(from, i - 1);
            QCOMPARE(to, i);
            b.addEdge(from, to);
            if (i + 1 < n)
                b.addEdge("layer" + std::to_string(i) + "/MatMul", "layer" + std::to_string(i + 1) + "/MatMul");
        }
        QCOMPARE(b.findNode("layer5000/MatMul"), -1);
        auto r = b.build();
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        const Graph moved = std::move(*r);
        const Graph copy = moved;
        for (int i = 0; i < n; i += 7) {
            const std::string id = "layer" + std::to_string(i) + "/MatMul";
            QCOMPARE(index(copy.find(id).value()), i);
            QCOMPARE(index(moved.find(id).value()), i);
        }
        QVERIFY(!copy.find("layer5000/MatMul"));
        QVERIFY(!copy.find("layer1/MatMu"));
        QVERIFY(!copy.find(""));
        QCOMPARE(copy.edgeCount(), int64_t(n - 1));

        for (const int dupAt : { 1, 2500, n - 1 }) {
            GraphBuilder d("dups.json");
            for (int i = 0; i < n; ++i)
                d.addNode({ .id = "n" + std::to_string(i == dupAt ? 0 : i), .line = i + 1 });
            auto e = d.build();
            QVERIFY(!e.ok());
            QCOMPARE(QString::fromStdString(e.error()),
                QString("dups.json:%1: duplicate node id 'n0' (nodes #1 and #%1)").arg(dupAt + 1));
        }
    }

    void groupsAreListed()
    {
        GraphBuilder b("x");
        b.addNode({ .id = "a", .group = "g" });
        b.addNode({ .id = "b" });
        b.addNode({ .id = "c", .group = "g" });
        auto r = b.build();
        QVERIFY(r.ok());
        QCOMPARE(r->groupCount(), 1);
        QCOMPARE(r->groupMembers(groupId(0)).size(), size_t(2));
        QCOMPARE(r->group(*r->find("b")), kNoGroup);
    }

    void topologicalOrderIsValidOnRandomGraphs()
    {
        std::mt19937_64 rng(7);
        for (int t = 0; t < 200; ++t) {
            test::RandomGraphOptions o;
            o.maxNodes = 30;
            Graph g = test::randomGraph(rng, o);
            for (auto [u, v] : g.edges())
                QVERIFY(g.topoPosition(u) < g.topoPosition(v));
        }
    }
};

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
