// Per-node per-device work (docs/model.md §1.7, core/cost/device_work.h): a
// cluster device with "costs" uses the graph's work column of that kind. The
// cluster key and its errors, the worked example, the dnn-partitioning
// columns, and on random graphs of at most 8 nodes with two work columns and a
// random mixed cluster: the exact methods against the brute-force optimum
// (fixed and free device order), slice against the brute-force best cut of its
// order, the heuristics valid and costed as the evaluator costs them, every
// bound at or below the optimum, ideal-bb refused by name.

#include "core/bounds/bound.h"
#include "core/cost/cluster.h"
#include "core/cost/device_work.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "tests/support/cluster_runs.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

using namespace pipecut;
using namespace pipecut::test;

namespace {

bool same(double a, double b)
{
    return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

// `g` with a "cpu" column (0.5..8 times the graph's work, or 0) and an "fpga"
// column equal to the graph's work.
Graph withColumns(const Graph &g, std::mt19937_64 &rng)
{
    std::uniform_real_distribution<double> factor(0.5, 8.0), unit(0.0, 1.0);
    Graph out = g;
    std::vector<double> cpu(static_cast<size_t>(g.nodeCount()));
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        cpu[static_cast<size_t>(v)] = unit(rng) < 0.1 ? 0.0 : g.works()[static_cast<size_t>(v)] * factor(rng) + 0.1;
    out.addWorkColumn(WorkColumn { "cpu", "cpuLatency", std::move(cpu) });
    out.addWorkColumn(WorkColumn { "fpga", "fpgaLatency", std::vector<double>(g.works().begin(), g.works().end()) });
    return out;
}

// The methods that read per-device work, and those of them that are exact.
const char *const kMethods[]
    = { "auto", "slice", "slicegraph", "ideal-dp", "mip", "refine", "balanced-work", "uniform" };
const char *const kExact[] = { "ideal-dp", "mip", "auto" };

// Devices using the cpu column, the fpga column or the graph's own work.
const RandomClusterOptions kMixed { 0.3, 0.3, 0.4, { "cpu", "cpu", "fpga", "fpga", "" } };

Graph twoNodes()
{
    GraphBuilder b("two");
    b.addNode({ .id = "a", .work = 1, .out = 0 });
    b.addNode({ .id = "b", .work = 3, .out = 0 });
    b.addEdge("a", "b");
    Graph g = *b.build();
    g.setSource("two.json", "pipecut-json");
    g.addWorkColumn(WorkColumn { "cpu", "cpuLatency", { 4.0, 6.0 } });
    g.addWorkColumn(WorkColumn { "fpga", "fpgaLatency", { 1.0, 3.0 } });
    return g;
}

CostParams cpuThenFpga(const Graph &g)
{
    Cluster c;
    c.source = "c.json";
    c.devices
        = { ClusterDevice { .name = "cpu-0", .costs = "cpu" }, ClusterDevice { .name = "fpga-0", .costs = "fpga" } };
    return applyDeviceWork(applyCluster(CostParams::fromGraph(g), c).value(), g, c.source).value();
}

// balanced-work's objective: the largest stage work on its device's column
// over the device's speed.
double weighedWork(const Graph &g, const CostParams &p, const Partition &part)
{
    const Evaluation ev = evaluate(g, p, part);
    double x = 0;
    for (size_t b = 0; b < ev.stages.size(); ++b)
        x = std::max(x, ev.stages[b].work / p.devices[b].speed);
    return x;
}

// The least weighedWork over the valid cuts of the default order (infinity
// when none is valid), by enumerating every non-decreasing stage sequence.
double bestWeighedCut(const Graph &g, const CostParams &p, int k)
{
    const auto order = g.topologicalOrder();
    std::vector<int32_t> stage(static_cast<size_t>(g.nodeCount()), 0);
    double best = std::numeric_limits<double>::infinity();
    std::function<void(size_t, int)> rec = [&](size_t pos, int from) {
        if (pos == order.size()) {
            const Partition part(stage, k);
            if (checkFeasibility(g, p, part, 1).empty())
                best = std::min(best, weighedWork(g, p, part));
            return;
        }
        for (int b = from; b < k; ++b) {
            stage[static_cast<size_t>(index(order[pos]))] = b;
            rec(pos + 1, b);
        }
    };
    rec(0, 0);
    return best;
}

// The heuristics give valid partitions whose reported cost is the
// evaluator's, never below the optimum (an order-bound method may find
// no cut of its order that fits memory).
void checkHeuristics(const Graph &g, const CostParams &p, int k, double optimum, const std::string &instance)
{
    for (const char *m : { "slicegraph", "refine", "balanced-work", "uniform" }) {
        auto r = clusterPartition(g, p, k, m);
        if (!r.ok()) {
            QVERIFY2(r.errorKind() == ErrorKind::BadInput || r.errorKind() == ErrorKind::Infeasible,
                (m + (": " + r.error() + "\n" + instance)).c_str());
            QVERIFY2(std::string(m) != "slicegraph", instance.c_str());
            continue;
        }
        QVERIFY2(validatePartition(g, p, r->partition).ok(), (m + ("\n" + instance)).c_str());
        QVERIFY2(same(r->bottleneck, evaluate(g, p, r->partition).bottleneck), (m + ("\n" + instance)).c_str());
        QVERIFY2(r->bottleneck >= optimum * (1 - 1e-9), (m + ("\n" + instance)).c_str());
    }
}

} // namespace

class TestDeviceWork : public QObject {
    Q_OBJECT

private slots:
    void readsAndWritesCosts()
    {
        auto c = parseCluster(R"({"format": "pipecut-cluster", "version": 1,
            "devices": [{"name": "cpu-0", "costs": "cpu"}, {"name": "fpga-0", "costs": "fpga", "speed": 2}]})",
            "c.json");
        QVERIFY(c.ok());
        QCOMPARE(c->devices[0].costs, std::string("cpu"));
        QCOMPARE(parseCluster(clusterToJson(*c), "again").value().devices, c->devices);
        auto bad = parseCluster(R"({"format": "pipecut-cluster", "version": 1, "devices": [{"costs": 3}]})", "c.json");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("c.json: device 1: 'costs'") == 0, bad.error().c_str());
    }

    // core/cost/device_work.h's example.
    void workedExample()
    {
        const Graph g = twoNodes();
        const CostParams p = cpuThenFpga(g);
        QVERIFY(p.hasDeviceWork());
        QCOMPARE(bottleneckOf(g, p, std::vector<int32_t> { 0, 1 }, 2), 4.0); // max(4, 3)
        QCOMPARE(bottleneckOf(g, p, std::vector<int32_t> { 1, 1 }, 2), 4.0); // fpga: 1 + 3
        QCOMPARE(bottleneckOf(g, p, std::vector<int32_t> { 0, 0 }, 2), 10.0); // cpu: 4 + 6
        const Evaluation ev = evaluate(g, p, Partition({ 0, 1 }, 2));
        QCOMPARE(ev.stages[0].work, 4.0); // the device's column
        QCOMPARE(ev.stages[1].work, 3.0);
        auto r = clusterPartition(g, p, 2, "auto");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        QCOMPARE(r->bottleneck, 4.0);
        QVERIFY(r->optimal);
        // The relaxation: each node's least work; the bound stays at most 4.
        QVERIFY(clusterBound(g, p, 2, "best").lowerBound <= 4.0 + 1e-9);
        QCOMPARE(leastTotalWork(g, p), 4.0);
    }

    void badInputNamesFileAndField()
    {
        Graph g = twoNodes();
        CostParams p = cpuThenFpga(g);
        p.devices[1].costs = "gpu";
        auto unknown = applyDeviceWork(p, g, "c.json");
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.errorKind(), ErrorKind::BadInput);
        QVERIFY2(unknown.error().find("c.json: device 2 ('fpga-0'): 'costs'") == 0, unknown.error().c_str());
        QVERIFY2(unknown.error().find("carries: cpu, fpga") != std::string::npos, unknown.error().c_str());
        GraphBuilder b("gap");
        b.addNode({ .id = "a", .work = 1 });
        b.addNode({ .id = "b", .work = 1 });
        Graph gap = *b.build();
        gap.setSource("gap.json", "dnn-partitioning");
        gap.addWorkColumn(WorkColumn { "cpu", "cpuLatency", { 2.0, std::numeric_limits<double>::quiet_NaN() } });
        p.devices[1].costs = "cpu";
        auto missing = applyDeviceWork(p, gap, "c.json");
        QVERIFY(!missing.ok());
        QCOMPARE(missing.errorKind(), ErrorKind::BadInput);
        QVERIFY2(missing.error().find("gap.json: node 'b' has no \"cpuLatency\"") == 0, missing.error().c_str());
    }

    // Every method but ideal-bb finds the worked example's optimum 4
    // (balanced-work: max(4 / 1, 3 / 1) for {a} | {b}; uniform: one node each).
    void methodsOnTheWorkedExample()
    {
        const Graph g = twoNodes();
        const CostParams p = cpuThenFpga(g);
        for (const char *m : kMethods) {
            auto r = clusterPartition(g, p, 2, m);
            QVERIFY2(r.ok(), (m + (": " + (r.ok() ? "" : r.error()))).c_str());
            QCOMPARE(r->bottleneck, 4.0);
        }
        auto r = clusterPartition(g, p, 2, "ideal-bb");
        QVERIFY(!r.ok());
        QCOMPARE(r.errorKind(), ErrorKind::Usage);
        QVERIFY2(r.error().find("method 'ideal-bb' does not support per-device work") == 0, r.error().c_str());
    }

    void dnnPartitioningColumns()
    {
        const std::string path = corpusPath("dnn-partitioning/latency-inputs/LayerGraphs/bert24_inference.json");
        auto g = loadGraph(path);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        const WorkColumn *cpu = g->workColumn("cpu");
        const WorkColumn *fpga = g->workColumn("fpga");
        QVERIFY(cpu && fpga);
        QCOMPARE(cpu->field, std::string("cpuLatency"));
        for (int32_t v = 0; v < g->nodeCount(); ++v) {
            QCOMPARE(fpga->work[static_cast<size_t>(v)], g->works()[static_cast<size_t>(v)]);
            QVERIFY(same(cpu->work[static_cast<size_t>(v)], 10 * fpga->work[static_cast<size_t>(v)]));
        }
    }

    void randomAgainstBruteForce()
    {
        std::mt19937_64 rng(22122026);
        const int trials = kUnderSanitizer ? 20 : 60;
        int feasible = 0, freeChecks = 0, pastCapChecks = 0;
        for (int trial = 0; trial < trials; ++trial) {
            RandomGraphOptions go;
            go.maxNodes = trial % 3 == 0 ? 5 : 8;
            go.memoryLimitProbability = 0;
            const Graph g = withColumns(randomGraph(rng, go), rng);
            const int k = 1 + trial % 4;
            auto cluster = randomCluster(g, k, rng, kMixed);
            QVERIFY2(cluster.ok(), cluster.ok() ? "" : cluster.error().c_str());
            const CostParams &p = *cluster;
            const std::string instance = describe(g, p, k) + "\ncluster:" + clusterText(p);
            const BruteForce brute = bruteForceOptimum(g, p, k);
            for (const char *m : kExact) {
                auto r = clusterPartition(g, p, k, m);
                if (!brute.feasible) {
                    QVERIFY2(!r.ok() && r.errorKind() == ErrorKind::Infeasible, (m + ("\n" + instance)).c_str());
                    continue;
                }
                QVERIFY2(r.ok(), (m + (": " + (r.ok() ? "" : r.error()) + "\n" + instance)).c_str());
                QVERIFY2(r->optimal, (m + (" not proven\n" + instance)).c_str());
                QVERIFY2(same(r->bottleneck, brute.optimum),
                    (m + (" " + std::to_string(r->bottleneck) + " != " + std::to_string(brute.optimum) + "\n")
                        + instance)
                        .c_str());
            }
            // auto past its ideal cap with per-device work: slicegraph, then the exact MIP proves it.
            if (p.hasDeviceWork()) {
                PartitionOptions capped;
                capped.k = k;
                capped.threads = 1;
                capped.timeLimit = 20;
                capped.idealCap = 1;
                auto pastCap = runPartitioner(g, p, capped);
                if (brute.feasible) {
                    QVERIFY2(pastCap.ok() && pastCap->optimal && pastCap->method == "auto(slicegraph+mip)",
                        ((pastCap.ok() ? pastCap->method : pastCap.error()) + "\n" + instance).c_str());
                    QVERIFY2(same(pastCap->bottleneck, brute.optimum), instance.c_str());
                } else
                    QVERIFY2(!pastCap.ok() && pastCap.errorKind() == ErrorKind::Infeasible, instance.c_str());
                ++pastCapChecks;
            }
            for (const char *m :
                { "combinatorial", "anchor", "bottleneck", "guess", "cover", "mip", "ideal-dp", "boundary", "best" }) {
                const BoundResult r = clusterBound(g, p, k, m);
                if (!brute.feasible)
                    continue;
                QVERIFY2(!r.infeasible, (m + (" claims infeasible: " + r.reason + "\n" + instance)).c_str());
                QVERIFY2(r.lowerBound <= brute.optimum * (1 + 1e-6) + 1e-9,
                    (m + (" bound " + std::to_string(r.lowerBound) + " > optimum " + std::to_string(brute.optimum))
                        + "\n" + instance)
                        .c_str());
                if (r.optimal)
                    QVERIFY2(same(r.lowerBound, brute.optimum), (m + ("\n" + instance)).c_str());
            }
            if (!brute.feasible)
                continue;
            ++feasible;
            checkHeuristics(g, p, k, brute.optimum, instance);
            if (QTest::currentTestFailed())
                return;
            // balanced-work balances each device's own column exactly.
            const double weighed = bestWeighedCut(g, p, k);
            auto balanced = clusterPartition(g, p, k, "balanced-work");
            QCOMPARE(balanced.ok(), std::isfinite(weighed));
            if (balanced.ok())
                QVERIFY2(same(weighedWork(g, p, balanced->partition), weighed),
                    ("balanced-work " + std::to_string(weighedWork(g, p, balanced->partition))
                        + " != " + std::to_string(weighed) + "\n" + instance)
                        .c_str());
            // slice is exact for its order, a random one and the default one.
            const std::string sliceError = sliceMismatch(g, p, k, randomOrder(g, rng));
            QVERIFY2(sliceError.empty(), (sliceError + "\n" + instance).c_str());
            const auto topo = g.topologicalOrder();
            const BruteForce defaultBrute = bruteForceSliceOf(g, p, k, std::vector<NodeId>(topo.begin(), topo.end()));
            auto sliced = clusterPartition(g, p, k, "slice");
            QCOMPARE(sliced.ok(), defaultBrute.feasible);
            if (sliced.ok())
                QVERIFY2(same(sliced->bottleneck, defaultBrute.optimum), instance.c_str());
            if (k >= 2 && trial % 2 == 0) { // --device-order free: the best over every order
                const double best = bestOverDeviceOrders(g, p, k);
                auto r = clusterPartition(g, p, k, "auto", true);
                QVERIFY2(r.ok(), (r.ok() ? "" : r.error() + "\n" + instance).c_str());
                QVERIFY(r->optimal);
                QVERIFY2(same(r->bottleneck, best),
                    ("free order " + std::to_string(r->bottleneck) + " != " + std::to_string(best) + "\n" + instance)
                        .c_str());
                const auto [rg, rp] = orderFreeRelaxation(g, p);
                BoundOptions o;
                o.k = k;
                o.method = "best";
                o.useCache = false;
                o.timeLimit = 20;
                auto lb = runBound(rg, rp, o);
                QVERIFY(lb.ok());
                QVERIFY2(lb->lowerBound <= best * (1 + 1e-6) + 1e-9, instance.c_str());
                ++freeChecks;
            }
        }
        qInfo(
            "%d feasible instances, %d free-order checks, %d past the ideal cap", feasible, freeChecks, pastCapChecks);
        QVERIFY(feasible > trials / 2);
        QVERIFY(freeChecks > trials / 10);
        QVERIFY(pastCapChecks > trials / 4);
    }

    // A cluster whose devices all use a column equal to the graph's work costs
    // exactly what the cluster without "costs" costs.
    void ownColumnReproducesTheCluster()
    {
        std::mt19937_64 rng(5);
        for (int trial = 0; trial < 20; ++trial) {
            const Graph g = withColumns(randomGraph(rng), rng);
            const int k = 1 + trial % 3;
            auto p = randomCluster(g, k, rng, kMixed);
            QVERIFY(p.ok());
            CostParams plain = *p, fpga = *p;
            for (size_t j = 0; j < plain.devices.size(); ++j) {
                plain.devices[j].costs.clear();
                plain.devices[j].work.reset();
                fpga.devices[j].costs = "fpga";
            }
            auto resolved = applyDeviceWork(fpga, g, "c.json");
            QVERIFY(resolved.ok());
            const BruteForce a = bruteForceOptimum(g, plain, k), b = bruteForceOptimum(g, *resolved, k);
            QCOMPARE(a.feasible, b.feasible);
            if (a.feasible)
                QCOMPARE(b.optimum, a.optimum);
        }
    }
};

QTEST_GUILESS_MAIN(TestDeviceWork)
#include "tst_device_work.moc"
