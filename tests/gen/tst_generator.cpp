// Synthetic graph generator: determinism, sizes, validity, costs, scopes,
// and the operators each family promises.
#include "core/gen/generator.h"
#include "core/util/rng.h"

#include <QTest>

#include <cmath>
#include <set>

using namespace pipecut;

Q_DECLARE_METATYPE(std::string)

namespace {

Graph generate(const std::string &family, int64_t nodes, uint64_t seed)
{
    auto g = generateGraph({ family, nodes, seed });
    if (!g.ok())
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

bool sameGraph(const Graph &a, const Graph &b)
{
    if (a.nodeCount() != b.nodeCount() || a.edges() != b.edges())
        return false;
    for (int32_t v = 0; v < a.nodeCount(); ++v) {
        const NodeId n = nodeId(v);
        if (a.id(n) != b.id(n) || a.op(n) != b.op(n) || a.scope(n) != b.scope(n) || a.work(n) != b.work(n)
            || a.out(n) != b.out(n) || a.param(n) != b.param(n))
            return false;
    }
    return true;
}

} // namespace

class TestGenerator : public QObject {
    Q_OBJECT
private slots:
    void familiesAreListed()
    {
        QCOMPARE(generatorFamilies(),
            (std::vector<std::string> { "transformer", "moe", "cnn", "unet", "inception", "random", "randwire-ws",
                "randwire-er", "randwire-ba", "nasnet", "fpn" }));
    }

    void rejectsBadOptions()
    {
        auto unknown = generateGraph({ "lstm", 100, 1 });
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().find("unknown family 'lstm'") != std::string::npos);
        auto small = generateGraph({ "cnn", 9, 1 });
        QVERIFY(!small.ok());
        QVERIFY(small.error().find("between 10 and 1000000, not 9") != std::string::npos);
        QVERIFY(!generateGraph({ "cnn", 1000001, 1 }).ok());
    }

    void validGraphs_data()
    {
        QTest::addColumn<std::string>("family");
        QTest::addColumn<qint64>("nodes");
        QTest::addColumn<quint64>("seed");
        for (const std::string &family : generatorFamilies())
            for (qint64 nodes : { 10, 11, 17, 37, 100, 333, 1000, 4321, 12345, 100000 })
                for (quint64 seed : { 1, 2, 3 }) {
                    if (nodes == 100000 && seed > 1)
                        continue;
                    const std::string row = family + "/" + std::to_string(nodes) + "/s" + std::to_string(seed);
                    QTest::newRow(row.c_str()) << family << nodes << seed;
                }
    }

    void validGraphs()
    {
        QFETCH(std::string, family);
        QFETCH(qint64, nodes);
        QFETCH(quint64, seed);
        const Graph g = generate(family, nodes, seed);
        const int32_t n = g.nodeCount();
        QVERIFY2(
            std::abs(n - nodes) <= nodes / 10, qPrintable(QString("%1 nodes for a target of %2").arg(n).arg(nodes)));
        QCOMPARE(int32_t(g.topologicalOrder().size()), n); // a DAG
        QVERIFY(g.edgeCount() >= n / 2);
        QCOMPARE(g.units().time, std::string("ms"));
        QVERIFY(g.bandwidth() > 0);
        int inputs = 0;
        for (int32_t v = 0; v < n; ++v) {
            const NodeId x = nodeId(v);
            QVERIFY2(!g.op(x).empty() && !g.scope(x).empty(), g.id(x).c_str());
            for (double c : { g.work(x), g.out(x), g.param(x) })
                QVERIFY(std::isfinite(c) && c >= 0);
            if (g.op(x) == "Input") {
                ++inputs;
                QCOMPARE(g.work(x), 0.0);
                QCOMPARE(g.inDegree(x), 0);
            } else {
                QVERIFY2(g.work(x) > 0, g.id(x).c_str());
                QVERIFY2(g.inDegree(x) > 0, g.id(x).c_str()); // only inputs are sources
            }
        }
        QVERIFY(inputs >= 1);
        QVERIFY(g.totalWork() > 0 && g.totalOut() > 0);
    }

    void deterministic_data()
    {
        QTest::addColumn<std::string>("family");
        for (const std::string &family : generatorFamilies())
            QTest::newRow(family.c_str()) << family;
    }

    void deterministic()
    {
        QFETCH(std::string, family);
        for (int64_t nodes : { 50, 3000 }) {
            const Graph a = generate(family, nodes, 42), b = generate(family, nodes, 42);
            QVERIFY(sameGraph(a, b));
            const Graph c = generate(family, nodes, 43);
            QVERIFY(!sameGraph(a, c));
        }
    }

    // splitmix64's published first output for seed 0 (Vigna's reference code).
    void rngMatchesReference()
    {
        uint64_t state = 0;
        QCOMPARE(Rng::splitmix64(state), 0xe220a8397b1dcdafULL);
        Rng a(5), b(5);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(a.next(), b.next());
        for (int i = 0; i < 1000; ++i) {
            const int64_t x = a.between(3, 9);
            QVERIFY(x >= 3 && x <= 9);
            const double u = a.uniform();
            QVERIFY(u >= 0 && u < 1);
        }
    }

    // Pinned fingerprints: a change of the generator's streams or shapes
    // (which would silently change every published figure) fails here.
    void pinnedFingerprints_data()
    {
        QTest::addColumn<std::string>("family");
        QTest::addColumn<qint64>("edges");
        QTest::addColumn<double>("work");
        QTest::addColumn<double>("out");
        QTest::addColumn<double>("param");
        QTest::newRow("transformer") << std::string("transformer") << qint64(235) << 4.0181801694254435 << 679647232.0
                                     << 635881634.0;
        QTest::newRow("moe") << std::string("moe") << qint64(271) << 2.1753957227001113 << 182263808.0 << 1072476224.0;
        QTest::newRow("cnn") << std::string("cnn") << qint64(217) << 0.81859207608653228 << 99210144.0 << 72944592.0;
        QTest::newRow("unet") << std::string("unet") << qint64(231) << 100.62526631005183 << 15034482688.0
                              << 392936966.0;
        QTest::newRow("inception") << std::string("inception") << qint64(231) << 2.283560430611645 << 444332976.0
                                   << 74116208.0;
        QTest::newRow("random") << std::string("random") << qint64(428) << 30.892102326359606 << 4970250240.0
                                << 283522560.0;
    }

    void pinnedFingerprints()
    {
        QFETCH(std::string, family);
        QFETCH(qint64, edges);
        QFETCH(double, work);
        QFETCH(double, out);
        QFETCH(double, param);
        const Graph g = generate(family, 200, 7);
        QCOMPARE(g.nodeCount(), 200);
        QCOMPARE(g.edgeCount(), edges);
        QVERIFY2(std::abs(g.totalWork() - work) <= 1e-9 * work, qPrintable(QString::number(g.totalWork(), 'g', 17)));
        QCOMPARE(g.totalOut(), out);
        QCOMPARE(g.totalParam(), param);
    }

    void familyOperators_data()
    {
        QTest::addColumn<std::string>("family");
        QTest::addColumn<QStringList>("ops");
        QTest::newRow("transformer") << std::string(
            "transformer") << QStringList { "LayerNormalization", "MatMul", "Softmax", "Gelu", "Add", "Transpose" };
        QTest::newRow("moe") << std::string("moe")
                             << QStringList { "MatMul", "Softmax", "TopK", "Gather", "Gelu", "ScatterND" };
        QTest::newRow("cnn") << std::string("cnn")
                             << QStringList { "Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "Gemm" };
        QTest::newRow("unet") << std::string("unet") << QStringList { "Conv", "Concat" };
        QTest::newRow("inception") << std::string("inception")
                                   << QStringList { "Conv", "Relu", "Concat", "AveragePool", "MaxPool" };
        QTest::newRow("random") << std::string("random") << QStringList { "Input", "MatMul", "Add" };
    }

    void familyOperators()
    {
        QFETCH(std::string, family);
        QFETCH(QStringList, ops);
        const Graph g = generate(family, 5000, 3);
        std::set<std::string> seen;
        std::set<std::string> topScopes;
        for (int32_t v = 0; v < g.nodeCount(); ++v) {
            seen.insert(g.op(nodeId(v)));
            const std::string &s = g.scope(nodeId(v));
            topScopes.insert(s.substr(0, s.find('/')));
        }
        for (const QString &op : ops)
            QVERIFY2(seen.count(op.toStdString()), qPrintable(op));
        QVERIFY(topScopes.size() >= 3); // collapsible into a handful of modules
    }

    // U-Net skip connections: some Concat reads a tensor produced far earlier.
    void unetHasLongSkips()
    {
        const Graph g = generate("unet", 2000, 5);
        int32_t longest = 0;
        for (auto [a, b] : g.edges())
            longest = std::max(longest, g.topoPosition(b) - g.topoPosition(a));
        QVERIFY2(longest > g.nodeCount() / 2, qPrintable(QString::number(longest)));
    }
};

QTEST_GUILESS_MAIN(TestGenerator)
#include "tst_generator.moc"
