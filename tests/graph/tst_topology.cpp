// Topology utilities: contraction, reachability, closure work, forced moves,
// width; each checked against brute force on small random graphs.
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <tuple>

using namespace pipecut;

namespace {

Graph buildGraph(const std::vector<NodeSpec> &nodes, const test::IdEdges &edges)
{
    return test::graphFromIdEdges("hand-made", nodes, edges);
}

// Structural validity (docs/model.md §1.2, rules 1 and 2; memory is not topology).
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
template <typename Visit> void forEachAssignment(int32_t n, int k, Visit visit)
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

// Largest antichain by enumerating subsets (n <= 12).
int64_t bruteForceWidth(const Graph &g)
{
    const int32_t n = g.nodeCount();
    const auto r = transitiveClosure(g);
    int64_t best = 0;
    for (uint32_t mask = 1; mask < (1u << n); ++mask) {
        bool antichain = true;
        for (int32_t a = 0; a < n && antichain; ++a)
            for (int32_t b = 0; b < n && antichain; ++b)
                if (a != b && (mask >> a & 1) && (mask >> b & 1) && r[a][b])
                    antichain = false;
        if (antichain)
            best = std::max<int64_t>(best, std::popcount(mask));
    }
    return best;
}

// Moves `moving` plus `extra` to target, others unchanged.
std::vector<int32_t> applyMove(
    std::vector<int32_t> stage, const std::vector<NodeId> &moving, const std::vector<NodeId> &extra, int32_t target)
{
    for (NodeId v : moving)
        stage[index(v)] = target;
    for (NodeId v : extra)
        stage[index(v)] = target;
    return stage;
}

} // namespace

class TestTopology : public QObject {
    Q_OBJECT
private slots:
    void contractionClosesPathsBetweenMembers()
    {
        // a -> x -> b with a, b in g: x is forced into g; c -> b stays outside.
        Graph g = buildGraph(
            { { .id = "a", .group = "g", .work = 1, .out = 5, .param = 2 }, { .id = "x", .work = 2, .out = 7 },
                { .id = "b", .group = "g", .work = 3, .out = 11, .param = 1 }, { .id = "c", .work = 4, .out = 13 },
                { .id = "d", .work = 5 } },
            { { "a", "x" }, { "x", "b" }, { "c", "b" }, { "b", "d" }, { "a", "d" } });
        auto r = contractGroups(g);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        const Graph &c = r->graph;
        QCOMPARE(c.nodeCount(), 3);
        QCOMPARE(c.groupCount(), 0);
        QCOMPARE(r->nodeToContracted, (std::vector<int32_t> { 0, 0, 0, 1, 2 }));
        QCOMPARE(c.id(nodeId(0)), std::string("g"));
        QCOMPARE(c.id(nodeId(1)), std::string("c"));
        QCOMPARE(c.id(nodeId(2)), std::string("d"));
        QCOMPARE(c.work(nodeId(0)), 6.0);
        QCOMPARE(c.param(nodeId(0)), 3.0);
        QCOMPARE(c.out(nodeId(0)), 16.0); // a (-> d) and b (-> d); x only feeds b
        QCOMPARE(c.out(nodeId(1)), 13.0);
        QCOMPARE(c.edgeCount(), int64_t(2)); // c -> g, g -> d (a -> d and b -> d merged)
        QVERIFY(c.notes().empty()); // no "duplicate edges merged" note
        QCOMPARE(c.op(nodeId(0)), std::string("group"));
        QCOMPARE(r->members(0).size(), size_t(3));
    }

    void contractionMergesCyclicGroups()
    {
        // g1 = {a, d}, g2 = {b, c}; a -> b and c -> d make g1 -> g2 -> g1.
        Graph g = buildGraph(
            { { .id = "a", .scope = "m/x/p", .group = "g1" }, { .id = "b", .scope = "m/x/q", .group = "g2" },
                { .id = "c", .scope = "m/xy", .group = "g2" }, { .id = "d", .scope = "m/x", .group = "g1" },
                { .id = "e" } },
            { { "a", "b" }, { "c", "d" }, { "d", "e" } });
        auto r = contractGroups(g);
        QVERIFY(r.ok());
        QCOMPARE(r->graph.nodeCount(), 2);
        QCOMPARE(r->graph.id(nodeId(0)), std::string("g1"));
        QCOMPARE(r->graph.scope(nodeId(0)), std::string("m"));
        QCOMPARE(r->nodeToContracted, (std::vector<int32_t> { 0, 0, 0, 0, 1 }));
    }

    void contractionNamesAreUnique()
    {
        // The ungrouped node "c" comes first, so group "c" gets a suffix.
        Graph g
            = buildGraph({ { .id = "c" }, { .id = "a", .group = "c" }, { .id = "b", .group = "c" } }, { { "c", "a" } });
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
            b.addNode({ .id = "v" + std::to_string(i), .group = (i == 0 || i == n - 2) ? "ends" : "", .work = 1 });
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
                QFAIL(qPrintable(QString::fromStdString(test::describe(g, CostParams {}, k))));
        }
        QVERIFY(checked > 10000);
    }

    void reachabilityHandExample()
    {
        // a -> b -> c, a -> d, e isolated.
        Graph g = buildGraph({ { .id = "a" }, { .id = "b" }, { .id = "c" }, { .id = "d" }, { .id = "e" } },
            { { "a", "b" }, { "b", "c" }, { "a", "d" } });
        Reachability r(g);
        auto id = [&](const char *name) { return *g.find(name); };
        QVERIFY(r.reaches(id("a"), id("c")));
        QVERIFY(r.reaches(id("a"), id("a")));
        QVERIFY(r.reaches(id("b"), id("c")));
        QVERIFY(!r.reaches(id("c"), id("a")));
        QVERIFY(!r.reaches(id("d"), id("c")));
        QVERIFY(!r.reaches(id("b"), id("d")));
        QVERIFY(!r.reaches(id("e"), id("c")));
        QVERIFY(!r.reaches(id("a"), id("e")));
    }

    // Every pair against the transitive closure, on random graphs of several
    // densities and with 1..4 labellings (fewer labels: more searches).
    void reachabilityMatchesClosure()
    {
        std::mt19937_64 rng(7);
        test::RandomGraphOptions options;
        for (int round = 0; round < 120; ++round) {
            options.minNodes = 20;
            options.maxNodes = 90;
            options.edgeProbability = 0.01 + 0.02 * (round % 8);
            Graph g = test::randomGraph(rng, options);
            const auto closure = transitiveClosure(g);
            Reachability r(g, 1 + round % 4);
            for (int32_t a = 0; a < g.nodeCount(); ++a)
                for (int32_t b = 0; b < g.nodeCount(); ++b)
                    if (r.reaches(nodeId(a), nodeId(b)) != bool(closure[a][b]))
                        QFAIL(qPrintable(QString("%1 -> %2 wrong (closure says %3) in\n%4")
                                             .arg(QString::fromStdString(g.id(nodeId(a))))
                                             .arg(QString::fromStdString(g.id(nodeId(b))))
                                             .arg(bool(closure[a][b]))
                                             .arg(QString::fromStdString(test::describe(g, CostParams {}, 1)))));
        }
    }

    // Random pairs on generated model graphs (long skips, wide levels).
    void reachabilityOnGeneratedGraphs()
    {
        for (const char *family : { "unet", "inception", "random", "transformer" }) {
            auto g = generateGraph({ family, 1500, 11 });
            QVERIFY(g.ok());
            const auto closure = transitiveClosure(*g);
            Reachability r(*g);
            std::mt19937_64 rng(3);
            std::uniform_int_distribution<int32_t> node(0, g->nodeCount() - 1);
            int positives = 0;
            for (int q = 0; q < 20000; ++q) {
                const int32_t a = node(rng), b = node(rng);
                const bool expected = closure[a][b];
                positives += expected;
                QCOMPARE(r.reaches(nodeId(a), nodeId(b)), expected);
            }
            QVERIFY(positives > 100); // both answers exercised
        }
    }

    // topology.h's example of closureWork.
    void closureWorkHandExample()
    {
        const Graph g = buildGraph({ { .id = "a", .work = 1 }, { .id = "b", .work = 2 }, { .id = "c", .work = 4 } },
            { { "a", "b" }, { "a", "c" } });
        std::vector<uint64_t> bits;
        const auto up = closureWork(g, ClosureOf::Ancestors, &bits);
        const auto down = closureWork(g, ClosureOf::Descendants);
        for (const auto &[id, a, d, row] : { std::tuple { "a", 1.0, 7.0, 0b001u }, std::tuple { "b", 3.0, 2.0, 0b011u },
                 std::tuple { "c", 5.0, 4.0, 0b101u } }) {
            const int32_t x = index(*g.find(id));
            QCOMPARE(up[x], a);
            QCOMPARE(down[x], d);
            uint64_t expected = 0; // the row by node index: a, b, c may be numbered otherwise
            for (int i = 0; i < 3; ++i)
                if (row >> i & 1u)
                    expected |= uint64_t(1) << index(*g.find(std::string(1, char('a' + i))));
            QCOMPARE(bits[size_t(x)], expected);
        }
    }

    // Ancestor and descendant work and closures against the transitive
    // closure on generated graphs of two chunks of sources and more; a stop
    // at once leaves lower bounds.
    void closureWorkMatchesClosure()
    {
        bool below = false;
        for (const char *family : { "unet", "inception", "random" }) {
            auto g = generateGraph({ family, 1500, 5 });
            QVERIFY(g.ok());
            const int32_t n = g->nodeCount();
            const size_t words = (size_t(n) + 63) / 64;
            const auto closure = transitiveClosure(*g);
            std::vector<uint64_t> upBits, downBits;
            const auto up = closureWork(*g, ClosureOf::Ancestors, &upBits);
            const auto down = closureWork(*g, ClosureOf::Descendants, &downBits);
            for (int32_t x = 0; x < n; ++x) {
                double a = 0, d = 0;
                for (int32_t y = 0; y < n; ++y) {
                    a += closure[y][x] ? g->work(nodeId(y)) : 0.0;
                    d += closure[x][y] ? g->work(nodeId(y)) : 0.0;
                    QCOMPARE(bool(upBits[x * words + y / 64] >> (y % 64) & 1u), bool(closure[y][x]));
                    QCOMPARE(bool(downBits[x * words + y / 64] >> (y % 64) & 1u), bool(closure[x][y]));
                }
                QVERIFY(std::abs(up[x] - a) <= 1e-9 * std::max(1.0, a));
                QVERIFY(std::abs(down[x] - d) <= 1e-9 * std::max(1.0, d));
            }
            std::vector<int32_t> order;
            for (NodeId v : g->topologicalOrder())
                order.push_back(index(v));
            Adjacency pred;
            pred.offset.assign(g->predOffsets().begin(), g->predOffsets().end());
            for (NodeId v : g->predecessorArray())
                pred.target.push_back(index(v));
            std::vector<double> work;
            for (int32_t x = 0; x < n; ++x)
                work.push_back(g->work(nodeId(x)));
            const auto stopped = closureWork(order, pred, work, [] { return true; });
            for (int32_t x = 0; x < n; ++x) {
                QVERIFY(stopped[x] >= work[x] && stopped[x] <= up[x] * (1 + 1e-12));
                below = below || stopped[x] < up[x] * (1 - 1e-9);
            }
        }
        QVERIFY(below); // it did stop (on a chain with skips the heaviest path holds every ancestor)
    }

    void forcedMovesHandExample()
    {
        // a -> b -> c with stages 0, 1, 1: a to stage 2 drags b and c.
        Graph g = buildGraph(
            { { .id = "a" }, { .id = "b" }, { .id = "c" }, { .id = "d", .group = "g" }, { .id = "e", .group = "g" } },
            { { "a", "b" }, { "b", "c" }, { "d", "c" } });
        const std::vector<int32_t> stage { 0, 1, 1, 0, 0 };
        QCOMPARE(forcedMoves(g, stage, std::vector<NodeId> { nodeId(0) }, 2),
            (std::vector<NodeId> { nodeId(1), nodeId(2) }));
        // c back to stage 0 pulls b and a... a is already 0; b must come.
        QCOMPARE(forcedMoves(g, stage, std::vector<NodeId> { nodeId(2) }, 0), (std::vector<NodeId> { nodeId(1) }));
        // d to stage 2: c must follow, and d's group mate e; then b stays (1 <= 2).
        QCOMPARE(forcedMoves(g, stage, std::vector<NodeId> { nodeId(3) }, 2),
            (std::vector<NodeId> { nodeId(2), nodeId(4) }));
        // Nothing to do.
        QVERIFY(forcedMoves(g, stage, std::vector<NodeId> { nodeId(1) }, 1).empty());
    }

    // Against brute force: among all sets F of other nodes such that moving
    // plus F at the target (others unchanged) is valid, the answer is the
    // unique smallest (every valid F contains it), and removing any forced
    // node breaks validity.
    void forcedMovesMatchBruteForce()
    {
        std::mt19937_64 rng(99);
        test::RandomGraphOptions options;
        options.maxNodes = 8;
        options.groupProbability = 0.25;
        int cases = 0;
        for (int round = 0; round < 600; ++round) {
            options.edgeProbability = 0.2 + 0.1 * (round % 4);
            Graph g = test::randomGraph(rng, options);
            const int32_t n = g.nodeCount();
            const int k = 3;
            // A random valid partition: cut the contracted DAG's topological order.
            auto c = contractGroups(g);
            QVERIFY(c.ok());
            std::vector<int32_t> cutStage(c->graph.nodeCount());
            {
                std::vector<int32_t> cuts { int32_t(rng() % (c->graph.nodeCount() + 1)),
                    int32_t(rng() % (c->graph.nodeCount() + 1)) };
                std::sort(cuts.begin(), cuts.end());
                for (int32_t p = 0; p < c->graph.nodeCount(); ++p)
                    cutStage[index(c->graph.topologicalOrder()[p])] = (p >= cuts[0]) + (p >= cuts[1]);
            }
            std::vector<int32_t> stage(n);
            for (int32_t v = 0; v < n; ++v)
                stage[v] = cutStage[c->nodeToContracted[v]];
            QVERIFY(structurallyValid(g, stage));
            std::vector<NodeId> moving { nodeId(int32_t(rng() % n)) };
            if (n > 1 && rng() % 3 == 0) {
                const NodeId second = nodeId(int32_t(rng() % n));
                if (second != moving[0])
                    moving.push_back(second);
            }
            const int32_t target = int32_t(rng() % k);
            const std::vector<NodeId> forced = forcedMoves(g, stage, moving, target);
            QVERIFY(std::is_sorted(forced.begin(), forced.end()));
            for (NodeId f : forced)
                QVERIFY(std::find(moving.begin(), moving.end(), f) == moving.end());
            QVERIFY2(structurallyValid(g, applyMove(stage, moving, forced, target)),
                test::describe(g, CostParams {}, k).c_str());
            for (size_t drop = 0; drop < forced.size(); ++drop) {
                std::vector<NodeId> fewer = forced;
                fewer.erase(fewer.begin() + drop);
                QVERIFY(!structurallyValid(g, applyMove(stage, moving, fewer, target)));
            }
            // Every valid set contains the answer.
            std::vector<NodeId> others;
            for (int32_t v = 0; v < n; ++v)
                if (std::find(moving.begin(), moving.end(), nodeId(v)) == moving.end())
                    others.push_back(nodeId(v));
            for (uint32_t mask = 0; mask < (1u << others.size()); ++mask) {
                std::vector<NodeId> extra;
                for (size_t i = 0; i < others.size(); ++i)
                    if (mask >> i & 1)
                        extra.push_back(others[i]);
                if (structurallyValid(g, applyMove(stage, moving, extra, target)))
                    for (NodeId f : forced)
                        QVERIFY2(std::find(extra.begin(), extra.end(), f) != extra.end() || stage[index(f)] == target,
                            test::describe(g, CostParams {}, k).c_str());
            }
            cases += !forced.empty();
        }
        QVERIFY(cases > 100); // the non-trivial case is exercised
    }

    void widthSpecExample()
    {
        const Width w = graphWidth(test::specExample());
        QCOMPARE(w.value, int64_t(2));
        QVERIFY(w.exact);
    }

    void widthMatchesBruteForce()
    {
        std::mt19937_64 rng(5);
        test::RandomGraphOptions options;
        options.maxNodes = 12;
        for (int round = 0; round < 300; ++round) {
            options.edgeProbability = 0.05 + 0.05 * (round % 10);
            Graph g = test::randomGraph(rng, options);
            const int64_t expected = bruteForceWidth(g);
            const Width exact = graphWidth(g);
            QVERIFY(exact.exact);
            QVERIFY2(exact.value == expected, test::describe(g, CostParams {}, 1).c_str());
            // The estimate is a lower bound (an antichain it found).
            const Width estimate = graphWidth(g, 0);
            QVERIFY(!estimate.exact);
            QVERIFY(estimate.value >= 1 && estimate.value <= expected);
        }
    }

    // On generated graphs of 1500 nodes the level estimate never exceeds the
    // exact width.
    void widthExactVersusEstimate()
    {
        for (const char *family : { "unet", "inception", "random" }) {
            auto g = generateGraph({ family, 1500, 2 });
            QVERIFY(g.ok());
            const Width exact = graphWidth(*g, 2000);
            const Width estimate = graphWidth(*g, 100);
            QVERIFY(exact.exact && !estimate.exact);
            QVERIFY2(estimate.value <= exact.value, family);
            QVERIFY(exact.value >= 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestTopology)
#include "tst_topology.moc"
