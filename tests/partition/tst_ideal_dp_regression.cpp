// On this 9-node instance the optimum is 8.27 (the heaviest node: no partition
// can do better, and slicegraph finds it); a work-band pruning of DP levels
// makes ideal-dp claim 9.372 optimal here, so this keeps such a pruning out.
#include "core/partition/partitioner.h"
#include "tests/support/test_graphs.h"

#include <QTest>

using namespace pipecut;

class TestIdealDpRegression : public QObject {
    Q_OBJECT
private slots:
    void workBandPruningLostTheOptimum()
    {
        GraphBuilder b("regression");
        const struct {
            const char *id;
            double w, o, p;
        } nodes[] = { { "v0", 0, 5.31, 0 }, { "v1", 0, 0, 0.68 }, { "v2", 7.22, 1.77, 1.12 }, { "v3", 2.01, 0, 3.77 },
            { "v4", 5.91, 2.9, 1.02 }, { "v5", 1.01, 2.53, 2.85 }, { "v6", 0, 4.22, 3.56 }, { "v7", 8.27, 1.78, 0 },
            { "v8", 7.55, 3.15, 0.19 } };
        for (auto &n : nodes)
            b.addNode({ .id = n.id, .work = n.w, .out = n.o, .param = n.p });
        b.addEdge("v0", "v6");
        b.addEdge("v1", "v8");
        b.addEdge("v2", "v0");
        b.addEdge("v5", "v6");
        b.setBandwidth(2.17948);
        Graph g = std::move(b.build()).value();
        CostParams params = CostParams::fromGraph(g);
        const test::BruteForce brute = test::bruteForceOptimum(g, params, 4);
        QVERIFY(brute.feasible);
        QCOMPARE(brute.optimum, 8.27);
        for (const char *method : { "ideal-dp", "auto" }) {
            PartitionOptions o;
            o.k = 4;
            o.method = method;
            auto r = runPartitioner(g, params, o);
            QVERIFY2(r.ok(), method);
            QVERIFY2(r->bottleneck <= brute.optimum * (1 + 1e-9), method);
            if (r->optimal)
                QCOMPARE(r->bottleneck, brute.optimum);
        }
    }
};

QTEST_GUILESS_MAIN(TestIdealDpRegression)
#include "tst_ideal_dp_regression.moc"
