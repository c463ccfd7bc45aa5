#pragma once
// The one interface behind every partitioner of docs/model.md §3 (slice, slicegraph,
// ideal-dp, mip, refine, balanced-work, uniform, auto). The GUI calls
// runPartitioner() off its thread; the CLI calls it directly.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipecut {

// Parameters, validated once up front (mt-kahypar's Context).
struct PartitionOptions {
    int k = 4;
    std::string method = "auto";
    uint64_t seed = 1;
    int population = 0; // slicegraph; 0 = the method's default
    int generations = 0; // slicegraph; 0 = the method's default
    double timeLimit = 0.0; // seconds of wall time; 0 = the method's default
    // auto: spend what the heuristic leaves of timeLimit on timedSearch
    // (core/partition/lns.h); the CLI sets it with --time-limit.
    bool searchToLimit = false;
    // auto: run every step of its default search to its end, with no clock:
    // the same steps and budgets as under the default time limit when that
    // limit does not cut one short, so the result depends on the seed alone,
    // never on the machine's load. timeLimit and searchToLimit are ignored,
    // and past the ideal cap no proof is tried after the heuristic (its
    // share is time): the result is the refined heuristic's, not proven.
    bool deterministic = false;
    int threads = 0; // 0 = all cores
    // A starting partition (refine, and warm starts of mip/slicegraph).
    std::optional<Partition> start;
    // slice, balanced-work, uniform: the topological order to cut (default:
    // the graph's deterministic order). Must be a topological order of all nodes.
    std::optional<std::vector<NodeId>> order;

    // slicegraph (Goncalves & Resende 2011 BRKGA parameters).
    double eliteFraction = 0.2;
    double mutantFraction = 0.15;
    double crossoverBias = 0.7; // chance that a child takes the elite parent's key
    // Run refine on the method's result (auto always does when not proven optimal).
    bool refineAfter = false;
    // ideal-dp: refuse past this many ideals of the group-contracted graph
    // (0 = the default cap, sized to stay far below the machine's memory).
    int64_t idealCap = 0;
    // ideal-dp's tables and the mip method's model must fit this many bytes
    // (0 = kDefaultMemoryBudget, core/util/limits.h); refused before allocating.
    int64_t memoryBudget = 0;
    // mip: refuse models of more columns (0 = kDefaultMaxMipColumns).
    int64_t maxMipColumns = 0;
    // With a cluster (docs/model.md §1.7): also choose which device takes which
    // stage, trying every distinct order of the devices (at most maxDeviceOrders).
    bool freeDeviceOrder = false;
    int64_t maxDeviceOrders = 5040;

    Status validate() const;
};

struct PartitionResult {
    Partition partition;
    double bottleneck = 0.0;
    bool optimal = false; // proven optimal by the method itself
    double lowerBound = 0.0; // the best bound the method proved on the way (0 if none)
    double seconds = 0.0;
    std::string method; // the method that produced the partition (for auto: e.g. "auto(ideal-dp)")
    std::vector<std::string> notes; // e.g. "ideal-dp refused: 2.1M ideals > cap 1M; used slicegraph"
    // With freeDeviceOrder: the device (index in the cluster) of each stage;
    // the partition is costed with withDeviceOrder(params, deviceOrder).
    std::vector<int> deviceOrder;
};

// Parses a slicegraph budget "POPxGEN" (e.g. "10x10", "100x100").
Result<std::pair<int, int>> parseBudget(std::string_view text);

// Names accepted by runPartitioner, in the order the GUI lists them.
const std::vector<std::string> &partitionMethods();

Result<PartitionResult> runPartitioner(const Graph &graph, const CostParams &params, const PartitionOptions &options,
    const StopToken &stop = {}, const ProgressFn &progress = {});

// Method "mip" is the exact MIP of core/bounds (it starts from the anchor bound
// and a slicegraph warm start, so it sits above this layer); core/bounds
// installs it here when the library loads. Without it "mip" is refused as not
// available in this build.
using PartitionerFn = Result<PartitionResult> (*)(const Graph &graph, const CostParams &params,
    const PartitionOptions &options, const StopToken &stop, const ProgressFn &progress);
void installMipPartitioner(PartitionerFn run);

// runPartitioner over every distinct device order of the cluster
// (core/partition/device_order.cpp): the best result, with its deviceOrder;
// optimal only when every order's run was.
Result<PartitionResult> runOverDeviceOrders(const Graph &graph, const CostParams &params,
    const PartitionOptions &options, const StopToken &stop, const ProgressFn &progress);

} // namespace pipecut
