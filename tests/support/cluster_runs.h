#pragma once
// Test support for the cluster tests (docs/model.md §1.7): a partitioner or a
// bound run with a 20 s limit on one thread, the brute-force best over every
// device order, and the files the CLI cluster tests write.

#include "core/bounds/bound.h"
#include "core/partition/partitioner.h"

#include <QTemporaryDir>

#include <random>
#include <string>
#include <vector>

namespace pipecut::test {

Result<PartitionResult> clusterPartition(
    const Graph &graph, const CostParams &params, int k, const std::string &method, bool freeOrder = false);
// No cache; aborts the test on an error.
BoundResult clusterBound(const Graph &graph, const CostParams &params, int k, const std::string &method);
// The brute-force optimum over every order of the devices (infinity when none is feasible).
double bestOverDeviceOrders(const Graph &graph, const CostParams &params, int k);

// slice of `order` against the brute-force best cut of that order: "" when
// they agree (both infeasible, or equal costs), else what differs.
std::string sliceMismatch(const Graph &graph, const CostParams &params, int k, const std::vector<NodeId> &order);

// Random cluster descriptions for graph `g` (applyCluster with the graph's
// costs and no memory limit): k devices of speed 0.25..4 (1 with probability
// `unitSpeed`), links 0.25..4 times the graph's, in and out unequal half the
// time, and memory that binds (`memoryFloor`..1 of the total parameters) with
// probability `memoryProbability`. With `kinds`, each device's "costs" is
// drawn from them ("" for the graph's own work).
struct RandomClusterOptions {
    double unitSpeed = 0.2, memoryProbability = 0.5, memoryFloor = 0.3;
    std::vector<std::string> kinds;
};
Result<CostParams> randomCluster(
    const Graph &graph, int k, std::mt19937_64 &rng, const RandomClusterOptions &options = {});
// One line per device, for failure messages.
std::string clusterText(const CostParams &params);

// One instance of the cluster tests' brute-force loops: a random graph of at
// most 6 (every third trial) or 9 nodes with no memory limit of its own,
// k = minK + trial % kCount, and a random cluster for it; `text` is both, for
// failure messages.
struct ClusterInstance {
    Graph graph;
    CostParams params;
    int k = 1;
    std::string text;
};
ClusterInstance randomClusterInstance(std::mt19937_64 &rng, int trial, int minK, int kCount);

// Writes `text` to `name` in `dir` and returns its path.
std::string writeIn(const QTemporaryDir &dir, const std::string &name, const std::string &text);
// docs/model.md §1.7's example: a(2) -> b(4), no tensors, as pipecut JSON,
// and its cluster: devices "fast" (speed 1) and "slow" (speed 0.5).
extern const char *const kFastSlowGraph;
extern const char *const kFastSlowDevices;
// {"format": "pipecut-cluster", "version": 1, "devices": [devices]}
std::string clusterJson(const std::string &devices);

} // namespace pipecut::test
