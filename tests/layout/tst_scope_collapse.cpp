// Collapsing for drawing: boxes never mix stages, stay within the budget, keep a
// DAG, choose the deepest scope level that fits, and chunk graphs without scopes.
#include "core/gen/generator.h"
#include "core/layout/scope_collapse.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <random>

using namespace pipecut;

namespace {

Graph chainWithScopes(const std::vector<std::string> &scopes)
{
    GraphBuilder b("chain");
    for (size_t i = 0; i < scopes.size(); ++i)
        b.addNode(
            { .id = "n" + std::to_string(i), .scope = scopes[i], .work = 1.0 + static_cast<double>(i), .out = 1.0 });
    for (size_t i = 1; i < scopes.size(); ++i)
        b.addEdge(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
    auto g = b.build();
    if (!g)
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

// Every box is a set of nodes sharing each partition's stage; the box graph
// has an edge for every edge between different boxes.
void checkInvariants(const Graph &g, const std::vector<Partition> &parts, const CollapsedGraph &c)
{
    QCOMPARE(c.boxOf.size(), static_cast<size_t>(g.nodeCount()));
    QCOMPARE(static_cast<int32_t>(c.sizes.size()), c.graph.nodeCount());
    std::vector<int32_t> count(c.sizes.size(), 0);
    for (int32_t v = 0; v < g.nodeCount(); ++v) {
        const int32_t b = c.boxOf[v];
        ++count[b];
        for (size_t p = 0; p < parts.size(); ++p)
            QCOMPARE(c.stages[p][b], parts[p].stages()[v]);
    }
    for (size_t b = 0; b < count.size(); ++b)
        QCOMPARE(count[b], c.sizes[b]);
    for (const auto &[u, v] : g.edges()) {
        const int32_t a = c.boxOf[index(u)], b = c.boxOf[index(v)];
        if (a == b)
            continue;
        const auto succ = c.graph.successors(nodeId(a));
        QVERIFY(std::find(succ.begin(), succ.end(), nodeId(b)) != succ.end());
    }
}

} // namespace

class TestScopeCollapse : public QObject {
    Q_OBJECT
private slots:
    void headerExample()
    {
        const Graph g = chainWithScopes({ "enc/l0", "enc/l0", "enc/l1", "dec" });
        const std::vector<Partition> parts { Partition(4, 1) };
        auto c = collapseForDrawing(g, parts, 3);
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().c_str());
        QVERIFY(c->collapsed);
        QCOMPARE(c->scopeDepth, 2);
        QCOMPARE(c->labels, (std::vector<std::string> { "enc/l0", "n2", "n3" }));
        QCOMPARE(c->sizes, (std::vector<int32_t> { 2, 1, 1 }));
        QCOMPARE(c->graph.edgeCount(), 2);
        QCOMPARE(c->graph.work(nodeId(0)), 1.0 + 2.0);
        checkInvariants(g, parts, *c);
    }

    void shallowerWhenDeepIsTooMany()
    {
        const Graph g = chainWithScopes({ "enc/l0", "enc/l1", "enc/l2", "dec/l0", "dec/l1" });
        const std::vector<Partition> parts { Partition(5, 1) };
        auto c = collapseForDrawing(g, parts, 2);
        QVERIFY(c.ok());
        QCOMPARE(c->scopeDepth, 1);
        QCOMPARE(c->labels, (std::vector<std::string> { "enc", "dec" }));
    }

    void stagesSplitScopes()
    {
        const Graph g = chainWithScopes({ "enc/l0", "enc/l0", "enc/l0", "enc/l0" });
        const std::vector<Partition> parts { Partition({ 0, 0, 1, 1 }, 2), Partition({ 0, 1, 1, 1 }, 2) };
        auto c = collapseForDrawing(g, parts, 3);
        QVERIFY(c.ok());
        // (0,0) {n0}, (0,1) {n1}, (1,1) {n2, n3}
        QCOMPARE(c->sizes, (std::vector<int32_t> { 1, 1, 2 }));
        checkInvariants(g, parts, *c);
    }

    void smallGraphsAreNotCollapsed()
    {
        const Graph g = test::specExample();
        const std::vector<Partition> parts { Partition({ 0, 0, 1, 1 }, 2) };
        auto c = collapseForDrawing(g, parts, 80);
        QVERIFY(c.ok());
        QVERIFY(!c->collapsed);
        QCOMPARE(c->graph.nodeCount(), 4);
        QCOMPARE(c->graph.edgeCount(), 4);
        QCOMPARE(c->labels[0], g.id(nodeId(0)));
    }

    // Random graphs and random valid partitions (cuts of the topological
    // order): invariants hold and the budget is kept (chunking may add one box
    // per stage run).
    void randomGraphsKeepInvariants()
    {
        std::mt19937_64 rng(7);
        test::RandomGraphOptions o;
        o.minNodes = 5;
        o.maxNodes = 40;
        o.memoryLimitProbability = 0;
        for (int round = 0; round < 200; ++round) {
            const Graph g = test::randomGraph(rng, o);
            const int k = 1 + static_cast<int>(rng() % 4);
            std::vector<Partition> parts;
            for (int p = 0; p < 2; ++p) {
                std::vector<int32_t> stage(static_cast<size_t>(g.nodeCount()));
                int s = 0;
                for (NodeId v : g.topologicalOrder()) {
                    if (s + 1 < k && rng() % 5 == 0)
                        ++s;
                    stage[index(v)] = s;
                }
                parts.emplace_back(std::move(stage), k);
            }
            const int budget = 1 + static_cast<int>(rng() % 10);
            auto c = collapseForDrawing(g, parts, budget);
            QVERIFY2(c.ok(), c.ok() ? "" : c.error().c_str());
            checkInvariants(g, parts, *c);
            QVERIFY2(c->graph.nodeCount() <= budget + 2 * k, c->how.c_str());
        }
    }

    void generatedTransformerByScope()
    {
        GeneratorOptions go;
        go.family = "transformer";
        go.nodes = 3000;
        auto g = generateGraph(go);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        std::vector<int32_t> stage(static_cast<size_t>(g->nodeCount()));
        const int k = 4;
        for (NodeId v : g->topologicalOrder())
            stage[index(v)] = g->topoPosition(v) * k / g->nodeCount();
        const std::vector<Partition> parts { Partition(std::move(stage), k) };
        auto c = collapseForDrawing(*g, parts, 80);
        QVERIFY(c.ok());
        QVERIFY(c->collapsed);
        QVERIFY2(c->scopeDepth >= 1, c->how.c_str());
        QVERIFY(c->graph.nodeCount() <= 80);
        checkInvariants(*g, parts, *c);
    }
};

QTEST_GUILESS_MAIN(TestScopeCollapse)
#include "tst_scope_collapse.moc"
