// The wide generator families: the random graph models of RandWire (edge
// counts and degrees of WS, ER and BA), the randwire-* graphs built from them
// (one input, one output, wired edges go from lower to higher node index, the
// wired subgraph has the model's edge count), NASNet/AmoebaNet cells and the
// feature pyramid. Seeds here differ from the benchmarks' (bench_bounds).
#include "core/gen/generator.h"
#include "core/gen/randwire.h"

#include <QTest>

#include <map>
#include <set>

using namespace pipecut;
using namespace pipecut::gen;

namespace {

std::vector<int> degrees(const Wiring &w, int32_t n)
{
    std::vector<int> d(size_t(n), 0);
    for (auto [a, b] : w) {
        ++d[size_t(a)];
        ++d[size_t(b)];
    }
    return d;
}

// Simple: no loops, no repeats, first < second, inside 0..n-1.
bool simple(const Wiring &w, int32_t n)
{
    std::set<std::pair<int32_t, int32_t>> seen;
    for (auto e : w)
        if (e.first < 0 || e.first >= e.second || e.second >= n || !seen.insert(e).second)
            return false;
    return true;
}

Graph generate(const std::string &family, int64_t nodes, uint64_t seed)
{
    auto g = generateGraph({ family, nodes, seed });
    if (!g.ok())
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

int countOp(const Graph &g, const std::string &op)
{
    int c = 0;
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        c += g.op(nodeId(v)) == op;
    return c;
}

// The index of a wired node from its id ".../node_12".
int wiredIndex(const Graph &g, NodeId v)
{
    const std::string &id = g.id(v);
    return std::stoi(id.substr(id.rfind("node_") + 5));
}

} // namespace

class TestWideFamilies : public QObject {
    Q_OBJECT
private slots:
    void wattsStrogatzKeepsEdgesAndDegrees()
    {
        for (uint64_t seed : { 11, 12, 13 }) {
            Rng rng(seed);
            for (int32_t n : { 5, 32, 100, 128 }) {
                const Wiring w = wattsStrogatz(rng, n, 4, 0.75);
                QVERIFY(simple(w, n));
                QCOMPARE(int(w.size()), n * 2);
                for (int d : degrees(w, n))
                    QVERIFY(d >= 2);
            }
        }
        Rng rng(1);
        const Wiring ring = wattsStrogatz(rng, 6, 2, 0.0);
        QCOMPARE(ring, (Wiring { { 0, 1 }, { 0, 5 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 5 } }));
        Rng tiny(2);
        QVERIFY(wattsStrogatz(tiny, 2, 4, 0.75).empty()); // k clamped to 0
    }

    void erdosRenyiDensity()
    {
        Rng rng(21);
        QVERIFY(erdosRenyi(rng, 50, 0.0).empty());
        QCOMPARE(int(erdosRenyi(rng, 50, 1.0).size()), 50 * 49 / 2);
        // ER(0.2) on 100 nodes: 990 edges expected, standard deviation 28.
        const Wiring w = erdosRenyi(rng, 100, 0.2);
        QVERIFY(simple(w, 100));
        QVERIFY2(w.size() > 850 && w.size() < 1130, qPrintable(QString::number(w.size())));
    }

    void barabasiAlbertAttachments()
    {
        for (uint64_t seed : { 31, 32 }) {
            Rng rng(seed);
            for (int32_t n : { 6, 40, 128 }) {
                const Wiring w = barabasiAlbert(rng, n, 5);
                QVERIFY(simple(w, n));
                QCOMPARE(int(w.size()), 5 * (n - 5));
                const auto d = degrees(w, n);
                for (int32_t v = 5; v < n; ++v)
                    QVERIFY(d[size_t(v)] >= 5);
            }
        }
        // Preferential attachment: the oldest nodes end up as hubs.
        Rng rng(33);
        const auto d = degrees(barabasiAlbert(rng, 128, 5), 128);
        QVERIFY(*std::max_element(d.begin(), d.end()) >= 20);
    }

    void wiringsAreDeterministic()
    {
        for (const char *kind : { "ws", "er", "ba" }) {
            Rng a(77), b(77), c(78);
            const WiringModel m = paperModel(kind);
            const Wiring wa = drawWiring(a, m, 64);
            QCOMPARE(wa, drawWiring(b, m, 64));
            QVERIFY(wa != drawWiring(c, m, 64));
        }
        QCOMPARE(paperModel("ws").k, 4);
        QCOMPARE(paperModel("ws").p, 0.75);
        QCOMPARE(paperModel("er").p, 0.2);
        QCOMPARE(paperModel("ba").k, 5);
    }

    void randwireGraphs_data()
    {
        QTest::addColumn<std::string>("kind");
        QTest::addColumn<qint64>("nodes");
        for (const char *kind : { "ws", "er", "ba" })
            for (qint64 nodes : { 39, 100, 135, 700 })
                QTest::newRow(qPrintable(QString("%1/%2").arg(kind).arg(nodes))) << std::string(kind) << nodes;
    }

    void randwireGraphs()
    {
        QFETCH(std::string, kind);
        QFETCH(qint64, nodes);
        const Graph g = generate("randwire-" + kind, nodes, 101);
        QCOMPARE(qint64(g.nodeCount()), nodes);
        QCOMPARE(int32_t(g.topologicalOrder().size()), g.nodeCount());
        int sources = 0, sinks = 0;
        std::map<std::string, int> wired, wiredEdges; // per stage scope
        for (int32_t v = 0; v < g.nodeCount(); ++v) {
            const NodeId x = nodeId(v);
            sources += g.inDegree(x) == 0;
            sinks += g.outDegree(x) == 0;
            if (g.op(x) != "SeparableConv")
                continue;
            ++wired[g.scope(x)];
            for (NodeId y : g.successors(x))
                if (g.op(y) == "SeparableConv" && g.scope(y) == g.scope(x)) {
                    QVERIFY(wiredIndex(g, x) < wiredIndex(g, y)); // oriented by index
                    ++wiredEdges[g.scope(x)];
                }
            QVERIFY(g.work(x) > 0 && g.out(x) > 0);
        }
        QCOMPARE(sources, 1);
        QCOMPARE(sinks, 1);
        const int stages = int(wired.size());
        QCOMPARE(countOp(g, "Mean"), stages); // one output node per random graph
        QCOMPARE(stages, int((nodes - 7 + 128) / 129));
        for (auto [scope, n] : wired) {
            QVERIFY(n <= 128);
            if (kind == "ws")
                QCOMPARE(wiredEdges[scope], 2 * n);
            if (kind == "ba")
                QCOMPARE(wiredEdges[scope], 5 * (n - 5));
            if (kind == "er") // ER(0.2): around 0.1 n (n - 1)
                QVERIFY(wiredEdges[scope] > 0.05 * n * (n - 1) && wiredEdges[scope] < 0.15 * n * (n - 1));
        }
    }

    // Communication-heavy: a wired node's output costs more to ship than to compute.
    void randwireIsCommunicationHeavy()
    {
        const Graph g = generate("randwire-ws", 100, 102);
        for (int32_t v = 0; v < g.nodeCount(); ++v) {
            const NodeId x = nodeId(v);
            if (g.op(x) == "SeparableConv")
                QVERIFY(g.out(x) / g.bandwidth() > g.work(x));
        }
    }

    void nasnetCells()
    {
        for (uint64_t seed : { 201, 202, 203, 204 }) {
            const Graph g = generate("nasnet", 300, seed);
            QCOMPARE(g.nodeCount(), 300);
            std::set<std::string> cells;
            for (int32_t v = 0; v < g.nodeCount(); ++v) {
                const NodeId x = nodeId(v);
                if (g.scope(x).rfind("cell_", 0) != 0)
                    continue;
                cells.insert(g.scope(x));
                if (g.op(x) == "Concat") // NASNet-A / AmoebaNet-A concatenate 3 or 5 blocks
                    QVERIFY(g.inDegree(x) == 3 || g.inDegree(x) == 5);
                if (g.op(x) == "Add")
                    QVERIFY(g.inDegree(x) >= 1 && g.inDegree(x) <= 2);
            }
            QVERIFY(cells.size() >= 5); // three stacks and two reduction cells
            QCOMPARE(countOp(g, "Concat"), int(cells.size()));
            QVERIFY(countOp(g, "SeparableConv") > 0);
        }
    }

    void fpnPyramid()
    {
        const Graph g = generate("fpn", 400, 301);
        QCOMPARE(g.nodeCount(), 400);
        QCOMPARE(countOp(g, "Resize"), 3); // top-down path P5 -> P4 -> P3 -> P2
        int laterals = 0, predictions = 0;
        for (int32_t v = 0; v < g.nodeCount(); ++v) {
            const std::string &id = g.id(nodeId(v));
            laterals += id.ends_with("/lateral");
            predictions += id.ends_with("/predict");
        }
        QCOMPARE(laterals, 4);
        QCOMPARE(predictions, 10); // class and box subnets on P3..P7
    }
};

QTEST_GUILESS_MAIN(TestWideFamilies)
#include "tst_wide_families.moc"
