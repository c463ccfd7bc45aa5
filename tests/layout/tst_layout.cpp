// Layout engines: the layered layout never overlaps boxes and always points
// edges down (or right); dot finishes or falls back within its budget.
#include "core/layout/dot_layout.h"
#include "core/layout/layered_layout.h"
#include "core/layout/layout.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace pipecut;

namespace {

// A random DAG shaped like a model: a backbone chain with skip edges and side
// inputs (weights without predecessors), so layering and sources both matter.
Graph modelLikeGraph(int n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    GraphBuilder b("random");
    for (int i = 0; i < n; ++i)
        b.addNode({ .id = "n" + std::to_string(i), .work = 1.0, .out = 1.0 });
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 1; i < n; ++i) {
        if (u(rng) < 0.8)
            b.addEdge(i - 1, i);
        int extra = static_cast<int>(u(rng) * 3);
        for (int e = 0; e < extra; ++e) {
            int from = std::max(0, i - 1 - static_cast<int>(u(rng) * 12));
            if (from != i - 1)
                b.addEdge(from, i);
        }
    }
    auto g = b.build();
    if (!g.ok())
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

void checkNoOverlapAndDirection(const Graph &g, const Layout &layout, const LayoutOptions &o)
{
    QCOMPARE(layout.centres.size(), size_t(g.nodeCount()));
    const bool vertical = o.direction == LayoutDirection::TopToBottom;
    for (const auto &[u, v] : g.edges()) {
        const auto &a = layout.centres[index(u)], &b = layout.centres[index(v)];
        if (vertical)
            QVERIFY2(a.y < b.y, qPrintable(QString("edge %1 -> %2 does not go down").arg(index(u)).arg(index(v))));
        else
            QVERIFY2(a.x < b.x, qPrintable(QString("edge %1 -> %2 does not go right").arg(index(u)).arg(index(v))));
    }
    // Boxes must not overlap: sort by x and compare neighbours within reach.
    std::vector<int32_t> byX(static_cast<size_t>(g.nodeCount()));
    for (int32_t i = 0; i < g.nodeCount(); ++i)
        byX[i] = i;
    std::sort(byX.begin(), byX.end(), [&](int32_t a, int32_t b) { return layout.centres[a].x < layout.centres[b].x; });
    for (size_t i = 0; i < byX.size(); ++i) {
        const auto &a = layout.centres[byX[i]];
        for (size_t j = i + 1; j < byX.size(); ++j) {
            const auto &b = layout.centres[byX[j]];
            if (b.x - a.x >= o.nodeWidth - 1e-6)
                break;
            QVERIFY2(std::abs(b.y - a.y) >= o.nodeHeight - 1e-6,
                qPrintable(QString("nodes %1 and %2 overlap").arg(byX[i]).arg(byX[j])));
        }
        QVERIFY(a.x - o.nodeWidth / 2 >= -1e-6 && a.x + o.nodeWidth / 2 <= layout.width + 1e-6);
        QVERIFY(a.y - o.nodeHeight / 2 >= -1e-6 && a.y + o.nodeHeight / 2 <= layout.height + 1e-6);
    }
}

} // namespace

class TestLayout : public QObject {
    Q_OBJECT
private slots:
    void layeredSpecExample()
    {
        Graph g = test::specExample();
        auto layers = layerAssignment(g);
        auto at = [&](const char *id) { return layers[index(*g.find(id))]; };
        QCOMPARE(at("a"), 0);
        QCOMPARE(at("b"), 1);
        QCOMPARE(at("c"), 1);
        QCOMPARE(at("d"), 2);
        LayoutOptions o;
        Layout layout = layeredLayout(g, o);
        QCOMPARE(layout.engine, std::string("layered"));
        checkNoOverlapAndDirection(g, layout, o);
        // a and d sit between b and c.
        const double xb = layout.centres[index(*g.find("b"))].x, xc = layout.centres[index(*g.find("c"))].x;
        const double xa = layout.centres[index(*g.find("a"))].x;
        QVERIFY(std::min(xb, xc) < xa && xa < std::max(xb, xc));
    }

    void sourcesSitByTheirConsumer()
    {
        // w (a weight) feeds only the last node of a chain: it belongs next to it, not in layer 0.
        GraphBuilder b("t");
        for (const char *id : { "x", "y", "z", "w" })
            b.addNode({ .id = id, .work = 1, .out = 1 });
        b.addEdge("x", "y");
        b.addEdge("y", "z");
        b.addEdge("w", "z");
        Graph g = std::move(b.build()).value();
        auto layers = layerAssignment(g);
        QCOMPARE(layers[index(*g.find("w"))], 1);
    }

    void layeredRandom_data()
    {
        QTest::addColumn<int>("nodes");
        QTest::addColumn<int>("direction");
        for (int n : { 1, 7, 60, 500, 3000 })
            for (int d : { 0, 1 })
                QTest::addRow("n%d-%s", n, d ? "lr" : "tb") << n << d;
    }
    void layeredRandom()
    {
        QFETCH(int, nodes);
        QFETCH(int, direction);
        Graph g = modelLikeGraph(nodes, 42 + nodes);
        LayoutOptions o;
        o.direction = direction ? LayoutDirection::LeftToRight : LayoutDirection::TopToBottom;
        Layout layout = layeredLayout(g, o);
        checkNoOverlapAndDirection(g, layout, o);
        // Same input, same picture.
        Layout again = layeredLayout(g, o);
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            QCOMPARE(again.centres[v].x, layout.centres[v].x);
    }

    void dotLaysOutSmallGraphs()
    {
        Graph g = modelLikeGraph(80, 7);
        LayoutOptions o;
        o.budgetSeconds = 60;
        auto layout = dotLayout(g, o);
        QVERIFY2(layout.ok(), layout.ok() ? "" : layout.error().c_str());
        QCOMPARE(layout->engine, std::string("dot"));
        checkNoOverlapAndDirection(g, *layout, o);
    }

    void dotFallsBackPastItsBudget()
    {
        Graph g = modelLikeGraph(30000, 3);
        LayoutOptions o;
        o.engine = LayoutOptions::Engine::Dot;
        o.budgetSeconds = 0.3; // dot cannot lay out 30,000 nodes in 0.3 s
        Layout layout = computeLayout(g, o);
        QCOMPARE(layout.engine, std::string("layered"));
        QVERIFY(!layout.notes.empty());
        QVERIFY2(layout.notes[0].find("budget") != std::string::npos, layout.notes[0].c_str());
        checkNoOverlapAndDirection(g, layout, o);
    }

    void dotHonoursTheStopToken()
    {
        Graph g = modelLikeGraph(30000, 4);
        LayoutOptions o;
        o.budgetSeconds = 600;
        StopToken stop;
        stop.requestStop();
        auto layout = dotLayout(g, o, stop);
        QVERIFY(!layout.ok());
        QVERIFY(layout.error().find("cancelled") != std::string::npos);
    }

    void autoSkipsDotForLargeGraphs()
    {
        Graph g = modelLikeGraph(200, 5);
        LayoutOptions o;
        o.dotNodeLimit = 100;
        Layout layout = computeLayout(g, o);
        QCOMPARE(layout.engine, std::string("layered"));
        QVERIFY(layout.notes.at(0).find("200 nodes > 100") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestLayout)
#include "tst_layout.moc"
