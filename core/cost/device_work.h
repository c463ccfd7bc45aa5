#pragma once
// Per-node per-device work (docs/model.md §1.7): a cluster device with
// "costs": "cpu" runs stage j with the graph's "cpu" work column
// (Graph::workColumns) instead of the graph's own work, still divided by its
// speed. StageDevice::work then points at that column.
//
// Example: nodes a, b with cpu work (4, 6) and fpga work (1, 3); devices
// cpu-0 ("costs": "cpu") and fpga-0 ("costs": "fpga"), no tensors: {a} | {b}
// costs max(4, 3) = 4 and {b} | {a} is not a pipeline; {} | {a, b} costs 4.

#include "core/cost/cost_params.h"
#include "core/graph/graph.h"
#include "core/util/result.h"

#include <string>
#include <utility>

namespace pipecut {

// `params` (from applyCluster) with every device's `costs` kind resolved to
// the graph's column of that kind. Bad input names the cluster file, the
// device and 'costs' (a kind the graph does not carry), or the graph file, the
// node and the file's field (a node without that work).
Result<CostParams> applyDeviceWork(const CostParams &params, const Graph &graph, const std::string &clusterSource);

// The relaxation the bounds use with per-device work: every node's work is
// its least work over the k devices divided by their speed, and the devices
// keep their links and memory with speed 1 and no column. Every stage's cost
// is at most its cost on any device, so a lower bound of the relaxation is one
// of the instance, for every device order. Without per-device work: the inputs.
std::pair<Graph, CostParams> leastWorkRelaxation(const Graph &graph, const CostParams &params);

// A relaxation that holds for every device order (--device-order free): the
// least-work relaxation, then work divided by the fastest speed and the
// envelope's links and memory (CostParams::envelope, no devices).
std::pair<Graph, CostParams> orderFreeRelaxation(const Graph &graph, const CostParams &params);

// The work every partition must do at least: each node's least work over the
// devices, summed (the graph's total work without per-device work).
double leastTotalWork(const Graph &graph, const CostParams &params);

// Methods that read per-device work exactly: all but ideal-bb, whose pruning
// costs a stage by one work per node (docs/model.md §3.8); it refuses it.
bool supportsDeviceWork(const std::string &method);

} // namespace pipecut
