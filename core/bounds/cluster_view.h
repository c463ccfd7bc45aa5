#pragma once
// What the bounds know of a cluster (docs/model.md §1.7, §4.12), built once
// per runBound and reached through BoundContext::cluster:
//   - the classes of identical devices (equal speed, memory and links);
//   - with per-device work, the least-work relaxation (core/cost/device_work.h);
//   - the relaxation of §4.12 (every work divided by the fastest speed, the
//     envelope's links and memory), on which the bounds that model identical
//     devices run.
// Example: devices (speed 1), (speed 1), (speed 0.5) give two device classes,
// {speed 1: 2 devices} and {speed 0.5: 1 device}, and a relaxation with the
// graph's own work (the fastest speed is 1).

#include "core/cost/cost_params.h"
#include "core/graph/graph.h"
#include "core/mip/block_model.h"

#include <optional>
#include <utility>
#include <vector>

namespace pipecut::bounds {

struct DeviceClass {
    StageDevice device; // a representative
    int count = 0;
    int first = 0; // the index of its first device (0-based)
};

// The classes of identical devices in order of first appearance (none without devices).
std::vector<DeviceClass> deviceClassesOf(const CostParams &params);

// The device classes no other class dominates: a class with at most the speed,
// links and memory of another costs every block at least as much there and
// holds no block the other cannot, so a minimum over devices of a block's
// cost may skip it. Classes with their own per-device work are all kept.
std::vector<DeviceClass> undominatedClasses(const std::vector<DeviceClass> &classes);

struct ClusterView {
    std::vector<DeviceClass> deviceClasses;
    // With per-device work: the least-work relaxation and its node classes.
    std::optional<std::pair<Graph, CostParams>> leastWork;
    std::optional<mip::NodeClasses> leastClasses;
    // The relaxation of §4.12 and its node classes.
    Graph relaxedGraph;
    CostParams relaxedParams;
    mip::NodeClasses relaxedClasses;

    // Two or more classes of devices: the device-aware bounds apply.
    bool mixed() const { return deviceClasses.size() >= 2; }
};

// The view of `params`' cluster on `graph` (which must have devices). `least`
// is the least-work relaxation when the caller already built it (else it is
// built here when the cluster has per-device work).
ClusterView buildClusterView(
    const Graph &graph, const CostParams &params, std::optional<std::pair<Graph, CostParams>> least = std::nullopt);

} // namespace pipecut::bounds
