// Clusters of unequal devices (docs/model.md §1.7): the cluster file and its
// errors, a homogeneous cluster reproducing the model without devices exactly,
// and, on random graphs of at most 9 nodes with random clusters (speeds 0.25-4x,
// memory limits that bind, unequal links), every exact method against the
// brute-force optimum, every bound at or below it, every heuristic valid, and
// --device-order free against the best of all orders.

#include "core/bounds/anchor.h"
#include "core/bounds/bottleneck.h"
#include "core/bounds/bound.h"
#include "core/bounds/boundary_cut.h"
#include "core/bounds/device_chain.h"
#include "core/bounds/device_cover.h"
#include "core/bounds/device_guess.h"
#include "core/cost/cluster.h"
#include "core/cost/evaluate.h"
#include "core/partition/partitioner.h"
#include "core/partition/slice.h"
#include "tests/support/brute_force_trials.h"
#include "tests/support/cluster_runs.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace pipecut;
using namespace pipecut::test;

namespace {

bool same(double a, double b)
{
    return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

template <class T> std::string errorOf(const Result<T> &r)
{
    return r.ok() ? std::string() : r.error();
}

Cluster parse(const std::string &json)
{
    auto c = parseCluster(json, "c.json");
    if (!c)
        qFatal("parseCluster: %s", c.error().c_str());
    return *c;
}

} // namespace

class TestCluster : public QObject {
    Q_OBJECT

private slots:
    void readsTheIssueForm()
    {
        const Cluster c = parse(R"({"format": "pipecut-cluster", "version": 1,
            "devices": [{"name": "a100-0", "speed": 1.0, "memory": 8.0e10, "bandwidth": 25.0},
                        {"name": "l4-0", "speed": 0.35, "memory": 2.4e10, "bandwidth_in": 8.0, "bandwidth_out": 6},
                        {"name": "x", "profile": "l4-fp16"}]})");
        QCOMPARE(c.size(), 3);
        QCOMPARE(c.devices[0].bandwidthIn.value(), 25.0);
        QCOMPARE(c.devices[0].bandwidthOut.value(), 25.0);
        QCOMPARE(c.devices[1].bandwidthOut.value(), 6.0);
        CostParams base;
        base.bandwidth = 2;
        base.memoryLimit = 5e10;
        auto p = applyCluster(base, c, *findDeviceProfile("a100-fp16"));
        QVERIFY(p.ok());
        QCOMPARE(p->devices[1].speed, 0.35);
        QCOMPARE(p->devices[2].speed, 121e12 / 312e12); // the profile's FLOP rate over the reference's
        QCOMPARE(p->devices[2].memoryLimit.value(), 24e9);
        QCOMPARE(p->devices[2].bandwidthIn, 2.0); // the graph's
        QCOMPARE(p->bandwidth, 25.0); // the envelope
        QCOMPARE(p->memoryLimit.value(), 8e10);
        // Written and read back.
        QCOMPARE(parse(clusterToJson(c)).devices, c.devices);
    }

    void badFilesNameTheField_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        const QString head = R"({"format": "pipecut-cluster", "version": 1, "devices": [{"speed": 1}, )";
        QTest::newRow("speed 0") << head + R"({"speed": 0}]})"
                                 << "device 2: 'speed' must be positive";
        QTest::newRow("negative bandwidth") << head + R"({"bandwidth": -1}]})"
                                            << "device 2: 'bandwidth' must be";
        QTest::newRow("memory 0") << head + R"({"memory": 0}]})"
                                  << "device 2: 'memory' must be positive";
        QTest::newRow("bandwidth_out") << head + R"({"bandwidth_out": "x"}]})"
                                       << "'bandwidth_out' must be a number";
        QTest::newRow("profile") << head + R"({"profile": "no-such-gpu"}]})"
                                 << "device 2: 'profile': unknown device";
        QTest::newRow("unknown key") << head + R"({"sped": 2}]})"
                                     << "device 2: unknown key 'sped'";
        QTest::newRow("format") << R"({"format": "x", "version": 1, "devices": []})"
                                << "field 'format' is 'x'";
        QTest::newRow("version") << R"({"format": "pipecut-cluster", "version": 2, "devices": []})"
                                 << "field 'version' must be 1";
        QTest::newRow("empty") << R"({"format": "pipecut-cluster", "version": 1, "devices": []})"
                               << "'devices' is empty";
        QTest::newRow("not json") << "{"
                                  << "not valid JSON";
    }
    void badFilesNameTheField()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        auto c = parseCluster(json.toStdString(), "c.json");
        QVERIFY(!c.ok());
        QCOMPARE(c.errorKind(), ErrorKind::BadInput);
        QVERIFY2(c.error().rfind("c.json: ", 0) == 0, c.error().c_str());
        QVERIFY2(c.error().find(expected.toStdString()) != std::string::npos, c.error().c_str());
    }

    void refusesAnotherK()
    {
        const Graph g = specExample();
        CostParams p = CostParams::fromGraph(g);
        p.devices.assign(3, StageDevice { "d", 1.0, std::nullopt, 1.0, 1.0 });
        auto r = clusterPartition(g, p, 2, "auto");
        QVERIFY(!r.ok());
        QCOMPARE(r.errorKind(), ErrorKind::BadInput);
        QVERIFY(r.error().find("3 devices but k is 2") != std::string::npos);
        BoundOptions o;
        o.k = 2;
        QVERIFY(!runBound(g, p, o).ok());
    }

    void memoryNoSplitMeetsIsInfeasible()
    {
        const Graph g = specExample();
        CostParams p = CostParams::fromGraph(g);
        p.devices.assign(2, StageDevice { "d", 1.0, 0.5, 1.0, 1.0 });
        GraphBuilder b("m");
        b.addNode({ .id = "a", .work = 1, .out = 1, .param = 1 });
        b.addNode({ .id = "b", .work = 1, .out = 1, .param = 1 });
        b.addEdge("a", "b");
        const Graph heavy = *b.build();
        auto r = clusterPartition(heavy, p, 2, "auto");
        QVERIFY(!r.ok());
        QCOMPARE(r.errorKind(), ErrorKind::Infeasible);
        QVERIFY(clusterBound(heavy, p, 2, "best").infeasible);
    }

    // docs/model.md §1.7's example: speeds 1 and 0.5 on a(2) -> b(4), no tensors.
    void workedExample()
    {
        GraphBuilder b("ex");
        b.addNode({ .id = "a", .work = 2, .out = 0 });
        b.addNode({ .id = "b", .work = 4, .out = 0 });
        b.addEdge("a", "b");
        const Graph g = *b.build();
        CostParams p = CostParams::fromGraph(g);
        p.devices = { StageDevice { "fast", 1.0, std::nullopt, 1.0, 1.0 },
            StageDevice { "slow", 0.5, std::nullopt, 1.0, 1.0 } };
        auto fixed = clusterPartition(g, p, 2, "ideal-dp");
        QVERIFY(fixed.ok());
        QCOMPARE(fixed->bottleneck, 6.0); // both on the fast device
        auto freed = clusterPartition(g, p, 2, "ideal-dp", true);
        QVERIFY(freed.ok());
        QCOMPARE(freed->bottleneck, 4.0); // slow first: a takes 4, b takes 4
        QCOMPARE(freed->deviceOrder, (std::vector<int> { 1, 0 }));
        QVERIFY(freed->optimal);
    }

    void homogeneousClusterReproducesTodaysNumbers()
    {
        std::mt19937_64 rng(20261207);
        for (int trial = 0; trial < 60; ++trial) {
            const BoundInstance inst = randomBoundInstance(rng, trial);
            const Graph &g = inst.graph;
            const int k = inst.k;
            CostParams cluster = inst.params;
            cluster.devices.assign(
                k, StageDevice { "same", 1.0, inst.params.memoryLimit, inst.params.bandwidth, inst.params.bandwidth });
            const std::string instance = describe(g, inst.params, k);
            // Every partition of the brute force costs exactly the same.
            const BruteForce plain = bruteForceOptimum(g, inst.params, k);
            const BruteForce withDevices = bruteForceOptimum(g, cluster, k);
            QCOMPARE(withDevices.feasible, plain.feasible);
            if (!plain.feasible)
                continue;
            QCOMPARE(withDevices.optimum, plain.optimum);
            const Evaluation a = evaluate(g, inst.params, plain.best), b = evaluate(g, cluster, plain.best);
            for (int s = 0; s < k; ++s)
                QCOMPARE(b.stages[s].cost, a.stages[s].cost);
            QCOMPARE(clusterBound(g, cluster, k, "combinatorial").lowerBound,
                clusterBound(g, inst.params, k, "combinatorial").lowerBound);
            // One class of identical devices: the cover bound of the model without devices runs.
            QCOMPARE(bounds::deviceClassCount(cluster), 1);
            auto dpPlain = clusterPartition(g, inst.params, k, "ideal-dp");
            auto dpCluster = clusterPartition(g, cluster, k, "ideal-dp");
            QVERIFY2(dpPlain.ok() && dpCluster.ok(), instance.c_str());
            QVERIFY2(dpCluster->bottleneck == dpPlain->bottleneck, instance.c_str());
        }
    }

    void randomClustersAgainstBruteForce()
    {
        std::mt19937_64 rng(7122026);
        const int trials = kUnderSanitizer ? 25 : 100;
        int proven = 0, infeasible = 0, orderChecks = 0;
        for (int trial = 0; trial < trials; ++trial) {
            const auto &[g, p, k, instance] = randomClusterInstance(rng, trial, 1, 4);
            const BruteForce brute = bruteForceOptimum(g, p, k);
            for (const char *m : { "ideal-dp", "mip" }) {
                auto r = clusterPartition(g, p, k, m);
                if (!brute.feasible) {
                    QVERIFY2(
                        !r.ok() && r.errorKind() == ErrorKind::Infeasible, (m + std::string("\n") + instance).c_str());
                    continue;
                }
                QVERIFY2(r.ok(), (m + std::string(": ") + errorOf(r) + "\n" + instance).c_str());
                QVERIFY2(r->optimal, (m + std::string(" not proven\n") + instance).c_str());
                QVERIFY2(same(r->bottleneck, brute.optimum),
                    (m + std::string(" ") + std::to_string(r->bottleneck) + " != " + std::to_string(brute.optimum)
                        + "\n" + instance)
                        .c_str());
            }
            for (const char *m :
                { "combinatorial", "anchor", "bottleneck", "guess", "cover", "mip", "ideal-dp", "best" }) {
                const BoundResult r = clusterBound(g, p, k, m);
                if (!brute.feasible) {
                    QVERIFY2(r.lowerBound == 0 || r.infeasible, instance.c_str());
                    continue;
                }
                QVERIFY2(!r.infeasible, (m + std::string(" claims infeasible: ") + r.reason + "\n" + instance).c_str());
                QVERIFY2(atMostOptimum(r.lowerBound, brute.optimum),
                    aboveOptimum(m + std::string(" bound"), r.lowerBound, brute.optimum, instance).c_str());
                if (r.partition)
                    QVERIFY2(validatePartition(g, p, *r.partition).ok(), instance.c_str());
            }
            if (!brute.feasible) {
                ++infeasible;
                continue;
            }
            ++proven;
            for (const char *m : { "slice", "slicegraph", "refine", "balanced-work", "uniform", "auto" }) {
                auto r = clusterPartition(g, p, k, m);
                if (!r.ok()) { // an order-bound method may find no cut of its order that fits memory
                    QVERIFY2(r.errorKind() == ErrorKind::BadInput || r.errorKind() == ErrorKind::Infeasible,
                        (m + std::string(": ") + errorOf(r) + "\n" + instance).c_str());
                    QVERIFY2(std::string(m) != "auto" && std::string(m) != "slicegraph", instance.c_str());
                    continue;
                }
                QVERIFY2(validatePartition(g, p, r->partition).ok(), instance.c_str());
                QVERIFY2(r->bottleneck >= brute.optimum * (1 - 1e-9), (m + std::string("\n") + instance).c_str());
            }
            // slice is exact for its order.
            const std::string sliceError = sliceMismatch(g, p, k, randomOrder(g, rng));
            QVERIFY2(sliceError.empty(), (sliceError + "\n" + instance).c_str());
            // --device-order free finds the best of every order.
            if (k >= 2 && trial % 2 == 0) {
                const double bestOverOrders = bestOverDeviceOrders(g, p, k);
                auto r = clusterPartition(g, p, k, "ideal-dp", true);
                QVERIFY2(r.ok(), (errorOf(r) + "\n" + instance).c_str());
                QVERIFY(r->optimal);
                QVERIFY2(same(r->bottleneck, bestOverOrders),
                    ("free order " + std::to_string(r->bottleneck) + " != " + std::to_string(bestOverOrders) + "\n"
                        + instance)
                        .c_str());
                const CostParams chosen = withDeviceOrder(p, r->deviceOrder);
                QVERIFY(validatePartition(g, chosen, r->partition).ok());
                QVERIFY(same(bottleneckOf(g, chosen, r->partition.stages(), k), r->bottleneck));
                ++orderChecks;
            }
        }
        qInfo("%d feasible instances checked, %d infeasible, %d free-order checks", proven, infeasible, orderChecks);
        QVERIFY(proven > trials / 2);
        QVERIFY(orderChecks > trials / 10); // 25 trials under the sanitizers
    }

    // The device-indexed cover bound and the device-aware position guess
    // (docs/model.md §4.12) on random clusters with at least two device
    // classes: the cover probed up to 1.5 times the brute-force optimum, both
    // never prove more than the optimum, and both beat the combinatorial
    // bound on some instances.
    void deviceBoundsAgainstBruteForce()
    {
        const int trials = kUnderSanitizer ? 25 : 100;
        const auto make = [](std::mt19937_64 &rng, int trial) {
            const ClusterInstance c = randomClusterInstance(rng, trial, 2, 3);
            return BoundInstance { c.graph, c.params, c.k };
        };
        int checked = 0, stronger = 0, guessStronger = 0, anchorStronger = 0, bottleneckStronger = 0, chainStronger = 0;
        checkFeasibleTrials(22122026, trials, make, [&](const BoundInstance &in, const BruteForce &brute) {
            const auto &[g, p, k] = in;
            if (bounds::deviceClassCount(p) < 2)
                return;
            const std::string instance = describe(g, p, k) + "\ncluster:" + clusterText(p);
            const mip::NodeClasses classes = mip::buildClasses(g);
            const bounds::ClusterView view = bounds::buildClusterView(g, p);
            bounds::BoundContext ctx { g, p, k, classes };
            ctx.cluster = &view;
            ctx.limit = 20;
            ctx.known = clusterBound(g, p, k, "combinatorial").lowerBound;
            ctx.upper = 1.5 * brute.optimum + 1e-9;
            const BoundResult r = bounds::deviceCoverBound(ctx);
            QVERIFY2(atMostOptimum(r.lowerBound, brute.optimum),
                aboveOptimum("device cover", r.lowerBound, brute.optimum, instance).c_str());
            ++checked;
            if (r.lowerBound > ctx.known * (1 + 1e-6) + 1e-9)
                ++stronger;
            const BoundResult guess = bounds::deviceGuessBound(ctx);
            QVERIFY2(atMostOptimum(guess.lowerBound, brute.optimum),
                aboveOptimum("device guess", guess.lowerBound, brute.optimum, instance).c_str());
            if (guess.lowerBound > ctx.known * (1 + 1e-6) + 1e-9)
                ++guessStronger;
            // The device-aware anchor and bottleneck against their relaxed forms (docs/model.md §4.12).
            const bounds::BoundContext relaxed = ctx.relaxed();
            const double anchor = bounds::anchorBound(ctx).result.lowerBound;
            const double bottleneck = bounds::bottleneckBound(ctx).lowerBound;
            const double chain = bounds::deviceChainBound(ctx).lowerBound;
            for (const auto &[name, value] : { std::pair { "device anchor", anchor },
                     { "device bottleneck", bottleneck }, { "device chain", chain } })
                QVERIFY2(
                    atMostOptimum(value, brute.optimum), aboveOptimum(name, value, brute.optimum, instance).c_str());
            if (anchor > bounds::anchorBound(relaxed).result.lowerBound * (1 + 1e-6) + 1e-9)
                ++anchorStronger;
            if (bottleneck > bounds::bottleneckBound(relaxed).lowerBound * (1 + 1e-6) + 1e-9)
                ++bottleneckStronger;
            if (chain > std::max(ctx.known, bounds::boundaryCutBound(relaxed).lowerBound) * (1 + 1e-6) + 1e-9)
                ++chainStronger;
        });
        if (QTest::currentTestFailed())
            return;
        qInfo("%d instances checked; above the combinatorial bound: cover %d, guess %d; above the relaxation's: "
              "anchor %d, bottleneck %d; chain above the boundary cut: %d",
            checked, stronger, guessStronger, anchorStronger, bottleneckStronger, chainStronger);
        QVERIFY(checked > trials / 2);
        QVERIFY(stronger > checked / 4);
        QVERIFY(guessStronger > checked / 10);
        QVERIFY(anchorStronger > checked / 10);
        QVERIFY(bottleneckStronger > checked / 10);
        QVERIFY(chainStronger > checked / 10);
    }

    // docs/model.md §4.12's examples of the device-aware anchor and device chain.
    void deviceBoundExamples()
    {
        GraphBuilder b("chain");
        b.addNode({ .id = "a", .work = 4, .out = 3 });
        b.addNode({ .id = "b", .work = 4, .out = 3 });
        b.addNode({ .id = "c", .work = 4, .out = 0 });
        b.addEdge("a", "b");
        b.addEdge("b", "c");
        const Graph chain = *b.build();
        CostParams p = CostParams::fromGraph(chain);
        p.bandwidth = 1;
        p.devices = { StageDevice { "f0", 1.0, std::nullopt, 1.0, 1.0 },
            StageDevice { "f1", 1.0, std::nullopt, 1.0, 1.0 }, StageDevice { "s2", 0.5, std::nullopt, 1.0, 1.0 } };
        QCOMPARE(bruteForceOptimum(chain, p, 3).optimum, 11.0);
        QCOMPARE(clusterBound(chain, p, 3, "combinatorial").lowerBound, 12.0 / 2.5);
        const double chainBound = clusterBound(chain, p, 3, "boundary").lowerBound;
        // 11 less twice the width of a work interval (12 / 256): 10.9 at least.
        QVERIFY2(chainBound > 10.9 && chainBound <= 11.0, std::to_string(chainBound).c_str());
        qInfo("device chain on the example: %.4f", chainBound);

        GraphBuilder a("pair");
        a.addNode({ .id = "a", .work = 1, .out = 10, .param = 1 });
        a.addNode({ .id = "b", .work = 1, .out = 0, .param = 1 });
        a.addEdge("a", "b");
        const Graph pair = *a.build();
        CostParams q = CostParams::fromGraph(pair);
        q.bandwidth = 1;
        q.devices = { StageDevice { "A", 1.0, 1.5, 1.0, 1.0 }, StageDevice { "B", 0.5, std::nullopt, 10.0, 10.0 } };
        QCOMPARE(bruteForceOptimum(pair, q, 2).optimum, 4.0);
        QVERIFY(std::abs(clusterBound(pair, q, 2, "anchor").lowerBound - 3.0) < 1e-6);
    }

    void distinctOrdersSkipIdenticalDevices()
    {
        CostParams p;
        const StageDevice fast { "f", 1.0, std::nullopt, 1.0, 1.0 }, slow { "s", 0.5, std::nullopt, 1.0, 1.0 };
        p.devices = { fast, fast, slow, slow };
        auto orders = distinctOrders(p, 100);
        QVERIFY(orders.ok());
        QCOMPARE(orders->size(), size_t(6)); // 4! / (2! 2!)
        QCOMPARE(orders->front(), (std::vector<int> { 0, 1, 2, 3 }));
        p.devices.clear();
        for (int j = 0; j < 9; ++j)
            p.devices.push_back(StageDevice { "d", 1.0 + j, std::nullopt, 1.0, 1.0 });
        auto many = distinctOrders(p, 5040);
        QVERIFY(!many.ok());
        QVERIFY(many.error().find("362880 distinct orders") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
