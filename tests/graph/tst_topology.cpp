// Topology utilities: contraction, reachability, forced moves, width; each
// checked against brute force on small random graphs.
#include "core/graph/topology.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <string>

using namespace pipecut;

namespace {

Graph buildGraph(const std::vector<NodeSpec> &nodes, const std::vector<std::pair<std::string, std::string>> &edges)
{
    GraphBuilder b("hand-made");
    for (const NodeSpec &s : nodes)
        b.addNode(s);
    for (const auto &[u, v] : edges)
        b.addEdge(u, v);
    auto g = b.build();
    if (!g.ok())
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

// Structural validity (SPEC 1 constraints 1 and 2; memory is not topology).
bool structurallyValid(const Graph &g, const std::vector<int32_t> &stage)
{
    for (auto [a, b] : g.edges())
        if (stage[index(a)] > stage[index(b)])
            return false;
    for (int32_t gi = 0; gi < g.groupCount(); ++gi) {
        const auto members = g.groupMembers(groupId(gi));
        for (NodeId v : members)
            if (stage[index(v)] != stage[index(members[0])])
                return false;
    }
    return true;
}

// Calls visit(stage) for each of the k^n assignments.
template <typename Visit>
void forEachAssignment(int32_t n, int k, Visit visit)
{
    std::vector<int32_t> stage(n, 0);
    while (true) {
        visit(stage);
        int32_t i = 0;
        while (i < n && ++stage[i] == k)
            stage[i++] = 0;
        if (i == n)
            return;
    }
}

std::vector<std::vector<bool>> transitiveClosure(const Graph &g)
{
    const int32_t n = g.nodeCount();
    std::vector<std::vector<bool>> r(n, std::vector<bool>(n, false));
    const auto topo = g.topologicalOrder();
    for (int32_t p = n - 1; p >= 0; --p) {
        const int32_t v = index(topo[p]);
        r[v][v] = true;
        for (NodeId w : g.successors(topo[p]))
            for (int32_t x = 0; x < n; ++x)
                if (r[index(w)][x])
                    r[v][x] = true;
    }
    return r;
}

} // namespace

class TestTopology : public QObject {
    Q_OBJECT
private slots:
    void contractionClosesPathsBetweenMembers()
    {
        // a -> x -> b with a, b in g: x is forced into g; c -> b stays outside.
        Graph g = buildGraph({{.id = "a", .group = "g", .work = 1, .out = 5, .param = 2},
                              {.id = "x", .work = 2, .out = 7},
                              {.id = "b", .group = "g", .work = 3, .out = 11, .param = 1},
                              {.id = "c", .work = 4, .out = 13},
                              {.id = "d", .work = 5}},
                             {{"a", "x"}, {"x", "b"}, {"c", "b"}, {"b", "d"}, {"a", "d"}});
        auto r = contractGroups(g);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        const Graph &c = r->graph;
        QCOMPARE(c.nodeCount(), 3);
        QCOMPARE(c.groupCount(), 0);
        QCOMPARE(r->nodeToContracted, (std::vector<int32_t>{0, 0, 0, 1, 2}));
        QCOMPARE(c.id(nodeId(0)), std::string("g"));
        QCOMPARE(c.id(nodeId(1)), std::string("c"));
        QCOMPARE(c.id(nodeId(2)), std::string("d"));
        QCOMPARE(c.work(nodeId(0)), 6.0);
        QCOMPARE(c.param(nodeId(0)), 3.0);
        QCOMPARE(c.out(nodeId(0)), 16.0); // a (-> d) and b (-> d); x only feeds b
        QCOMPARE(c.out(nodeId(1)), 13.0);
        QCOMPARE(c.edgeCount(), int64_t(2)); // c -> g, g -> d (a -> d and b -> d merged)
        QVERIFY(c.notes().empty());          // no "duplicate edges merged" note
        QCOMPARE(c.op(nodeId(0)), std::string("group"));
        QCOMPARE(r->members(0).size(), size_t(3));
    }

    void contractionMergesCyclicGroups()
    {
        // g1 = {a, d}, g2 = {b, c}; a -> b and c -> d make g1 -> g2 -> g1.
        Graph g = buildGraph({{.id = "a", .scope = "m/x/p", .group = "g1"},
                              {.id = "b", .scope = "m/x/q", .group = "g2"},
                              {.id = "c", .scope = "m/xy", .group = "g2"},
                              {.id = "d", .scope = "m/x", .group = "g1"},
                              {.id = "e"}},
                             {{"a", "b"}, {"c", "d"}, {"d", "e"}});
        auto r = contractGroups(g);
        QVERIFY(r.ok());
        QCOMPARE(r->graph.nodeCount(), 2);
        QCOMPARE(r->graph.id(nodeId(0)), std::string("g1"));
        QCOMPARE(r->graph.scope(nodeId(0)), std::string("m"));
        QCOMPARE(r->nodeToContracted, (std::vector<int32_t>{0, 0, 0, 0, 1}));
    }

    void contractionNamesAreUnique()
    {
        // The ungrouped node "c" comes first, so group "c" gets a suffix.
        Graph g = buildGraph({{.id = "c"}, {.id = "a", .group = "c"}, {.id = "b", .group = "c"}}, {{"c", "a"}});
        auto r = contractGroups(g);
        QVERIFY(r.ok());
        QCOMPARE(r->graph.id(nodeId(0)), std::string("c"));
        QCOMPARE(r->graph.id(nodeId(1)), std::string("c~1"));
    }

    void contractionWithoutGroupsIsIdentity()
    {
        Graph g = test::specExample();
        auto r = contractGroups(g);
        QVERIFY(r.ok());
        QCOMPARE(r->graph.nodeCount(), g.nodeCount());
        QCOMPARE(r->graph.edges(), g.edges());
        for (int32_t v = 0; v < g.nodeCount(); ++v) {
            QCOMPARE(r->nodeToContracted[v], v);
            QCOMPARE(r->graph.id(nodeId(v)), g.id(nodeId(v)));
            QCOMPARE(r->graph.out(nodeId(v)), g.outDegree(nodeId(v)) > 0 ? g.out(nodeId(v)) : 0.0);
        }
    }

    void contractionLongChainDoesNotRecurse()
    {
        // A 300k chain with a group on its two ends collapses to one node;
        // a recursive SCC would overflow the stack here.
        const int32_t n = 300000;
        GraphBuilder b("chain");
        for (int32_t i = 0; i < n; ++i)
            b.addNode({.id = "v" + std::to_string(i), .group = (i == 0 || i == n - 2) ? "ends" : "", .work = 1});
        for (int32_t i = 0; i + 1 < n; ++i)
            b.addEdge(i, i + 1);
        auto g = b.build();
        QVERIFY(g.ok());
        auto r = contractGroups(*g);
        QVERIFY(r.ok());
        QCOMPARE(r->graph.nodeCount(), 2);
        QCOMPARE(r->graph.work(nodeId(0)), double(n - 1));
        QCOMPARE(r->graph.edgeCount(), int64_t(1));
    }

    // A partition is valid iff it is constant on contracted nodes and
    // monotone on the contracted DAG: all k^n assignments, n <= 7, k <= 3.
    void contractionMatchesBruteForce()
    {
        std::mt19937_64 rng(20261128);
        test::RandomGraphOptions options;
        options.maxNodes = 7;
        options.memoryLimitProbability = 0;
        int checked = 0;
        for (int round = 0; round < 400; ++round) {
            options.groupProbability = (round % 4) * 0.15;
            options.edgeProbability = 0.15 + (round % 5) * 0.1;
            Graph g = test::randomGraph(rng, options);
            auto r = contractGroups(g);
            QVERIFY(r.ok());
            const Graph &c = r->graph;
            // The contraction is a DAG with conserved totals.
            QCOMPARE(int(c.topologicalOrder().size()), c.nodeCount());
            QVERIFY(std::abs(c.totalWork() - g.totalWork()) < 1e-9);
            QVERIFY(std::abs(c.totalParam() - g.totalParam()) < 1e-9);
            const int k = 1 + round % 3;
            bool mismatch = false;
            forEachAssignment(g.nodeCount(), k, [&](const std::vector<int32_t> &stage) {
                bool viaContraction = true;
                std::vector<int32_t> cstage(c.nodeCount(), -1);
                for (int32_t v = 0; v < g.nodeCount() && viaContraction; ++v) {
                    int32_t &s = cstage[r->nodeToContracted[v]];
                    if (s >= 0 && s != stage[v])
                        viaContraction = false;
                    s = stage[v];
                }
                if (viaContraction)
                    for (auto [a, b] : c.edges())
                        if (cstage[index(a)] > cstage[index(b)])
                            viaContraction = false;
                if (viaContraction != structurallyValid(g, stage))
                    mismatch = true;
                ++checked;
            });
            if (mismatch)
                QFAIL(qPrintable(QString::fromStdString(test::describe(g, CostParams{}, k))));
        }
        QVERIFY(checked > 10000);
    }
};

QTEST_GUILESS_MAIN(TestTopology)
#include "tst_topology.moc"
