#include "tests/support/cluster_runs.h"

#include "core/cost/cluster.h"
#include "core/cost/device_work.h"
#include "core/partition/slice.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>

namespace pipecut::test {

Result<PartitionResult> clusterPartition(
    const Graph &graph, const CostParams &params, int k, const std::string &method, bool freeOrder)
{
    PartitionOptions o;
    o.k = k;
    o.method = method;
    o.threads = 1;
    o.timeLimit = 20;
    o.freeDeviceOrder = freeOrder;
    return runPartitioner(graph, params, o);
}

BoundResult clusterBound(const Graph &graph, const CostParams &params, int k, const std::string &method)
{
    BoundOptions o;
    o.method = method;
    o.k = k;
    o.useCache = false;
    o.timeLimit = 20;
    auto r = runBound(graph, params, o);
    if (!r.ok())
        qFatal("bound %s failed: %s", method.c_str(), r.error().c_str());
    return *r;
}

std::string sliceMismatch(const Graph &graph, const CostParams &params, int k, const std::vector<NodeId> &order)
{
    const BruteForce brute = bruteForceSliceOf(graph, params, k, order);
    auto cut = sliceOrder(graph, params, order, k);
    if (cut.ok() != brute.feasible)
        return cut.ok() ? "slice cut an order no cut of which is feasible" : "slice failed: " + cut.error();
    if (cut.ok() && std::abs(cut->bottleneck - brute.optimum) > 1e-6 * std::max(1.0, std::abs(brute.optimum)))
        return "slice " + std::to_string(cut->bottleneck) + " != " + std::to_string(brute.optimum);
    return "";
}

double bestOverDeviceOrders(const Graph &graph, const CostParams &params, int k)
{
    double best = std::numeric_limits<double>::infinity();
    std::vector<int> perm(static_cast<size_t>(k));
    std::iota(perm.begin(), perm.end(), 0);
    do {
        const BruteForce b = bruteForceOptimum(graph, withDeviceOrder(params, perm), k);
        if (b.feasible)
            best = std::min(best, b.optimum);
    } while (std::next_permutation(perm.begin(), perm.end()));
    return best;
}

const char *const kFastSlowGraph = R"({"format": "pipecut-graph", "version": 1, "name": "ex",
    "nodes": [{"id": "a", "work": 2, "out": 0, "param": 1}, {"id": "b", "work": 4, "out": 0, "param": 1}],
    "edges": [["a", "b"]]})";
const char *const kFastSlowDevices = R"({"name": "fast", "speed": 1}, {"name": "slow", "speed": 0.5})";

Result<CostParams> randomCluster(const Graph &graph, int k, std::mt19937_64 &rng, const RandomClusterOptions &options)
{
    std::uniform_real_distribution<double> factor(0.25, 4.0), unit(0.0, 1.0);
    CostParams base = CostParams::fromGraph(graph);
    base.memoryLimit.reset();
    Cluster c;
    c.source = "random.json";
    const double total = std::max(graph.totalParam(), 1e-9);
    for (int j = 0; j < k; ++j) {
        ClusterDevice d;
        d.name = "d" + std::to_string(j);
        if (!options.kinds.empty())
            d.costs = options.kinds[std::min(
                options.kinds.size() - 1, static_cast<size_t>(unit(rng) * double(options.kinds.size())))];
        d.speed = unit(rng) < options.unitSpeed ? 1.0 : factor(rng);
        d.bandwidthIn = base.bandwidth * factor(rng);
        d.bandwidthOut = unit(rng) < 0.5 ? d.bandwidthIn : base.bandwidth * factor(rng);
        if (unit(rng) < options.memoryProbability)
            d.memory = total * (options.memoryFloor + (1 - options.memoryFloor) * unit(rng));
        c.devices.push_back(d);
    }
    auto p = applyCluster(base, c);
    if (!p)
        return p;
    return applyDeviceWork(*p, graph, c.source);
}

std::string clusterText(const CostParams &params)
{
    std::string s;
    for (const StageDevice &d : params.devices)
        s += " [" + (d.costs.empty() ? std::string() : d.costs + " ") + "s=" + std::to_string(d.speed)
            + " M=" + (d.memoryLimit ? std::to_string(*d.memoryLimit) : "none") + " in=" + std::to_string(d.bandwidthIn)
            + " out=" + std::to_string(d.bandwidthOut) + "]";
    return s;
}

ClusterInstance randomClusterInstance(std::mt19937_64 &rng, int trial, int minK, int kCount)
{
    RandomGraphOptions go;
    go.maxNodes = trial % 3 == 0 ? 6 : 9;
    go.memoryLimitProbability = 0;
    ClusterInstance c;
    c.graph = randomGraph(rng, go);
    c.k = minK + trial % kCount;
    c.params = randomCluster(c.graph, c.k, rng).value();
    c.text = describe(c.graph, c.params, c.k) + "\ncluster:" + clusterText(c.params);
    return c;
}

std::string writeIn(const QTemporaryDir &dir, const std::string &name, const std::string &text)
{
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path) << text;
    return path;
}

std::string clusterJson(const std::string &devices)
{
    return R"({"format": "pipecut-cluster", "version": 1, "devices": [)" + devices + "]}";
}

} // namespace pipecut::test
