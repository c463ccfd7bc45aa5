#pragma once
// A cluster description (docs/model.md §1.7, docs/formats.md): one device per
// pipeline stage, each with a speed, an optional memory limit and link
// bandwidths, read from
//   {"format": "pipecut-cluster", "version": 1,
//    "devices": [{"name": "a100-0", "speed": 1.0, "memory": 8.0e10, "bandwidth": 25.0},
//                {"name": "l4-0", "speed": 0.35, "memory": 2.4e10,
//                 "bandwidth_in": 8.0, "bandwidth_out": 6.0, "profile": "l4-fp16"},
//                {"name": "cpu-0", "costs": "cpu"}]}
// and resolved onto CostParams (the graph's limit and bandwidth fill what a
// device leaves out). Errors name the file, the device (1-based) and the key.
// Stage j runs on device j; distinctOrders() lists the device orders worth
// trying when the order is free (identical devices are interchangeable).
//
// Example: two devices of speed 1 and 0.5 on the graph a(2) -> b(4), B = 1,
// no tensors: {a} | {b} costs max(2, 8) = 8, {b} cannot come first, and
// the order (slow, fast) gives {a} | {b} = max(4, 4) = 4.

#include "core/cost/cost_params.h"
#include "core/cost/device_profile.h"
#include "core/util/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pipecut {

struct ClusterDevice {
    std::string name;
    std::optional<double> speed, memory, bandwidthIn, bandwidthOut;
    std::string profile; // a device profile name or path, "" when absent
    std::string costs; // the device kind whose per-node work it uses ("cpu"), "" for the graph's work

    bool operator==(const ClusterDevice &) const = default;
};

struct Cluster {
    std::string source; // the file it came from, for messages
    std::vector<ClusterDevice> devices;
    int size() const { return static_cast<int>(devices.size()); }
};

Result<Cluster> parseCluster(std::string_view json, const std::string &name);
Result<Cluster> loadCluster(const std::string &path);
std::string clusterToJson(const Cluster &cluster);

// `base` with one StageDevice per device: a missing speed is 1 (or, with a
// profile, the profile's FLOP rate over `reference`'s), a missing memory the
// profile's memory or else base.memoryLimit, a missing bandwidth base.bandwidth.
// The scalar fields become the envelope (cost_params.h).
Result<CostParams> applyCluster(
    const CostParams &base, const Cluster &cluster, const DeviceProfile &reference = defaultDeviceProfile());

// `params` with its devices permuted: stage j gets device order[j].
CostParams withDeviceOrder(const CostParams &params, const std::vector<int> &order);

// The order (a device index per stage) that `names` gives, as a partition file's
// "devices" records it (docs/model.md §6): devices of the same name are taken in
// file order. An error says which name does not match the cluster.
Result<std::vector<int>> deviceOrderOf(const CostParams &params, const std::vector<std::string> &names);

// The distinct device orders (permutations up to identical devices), the
// identity first; an error when there are more than `cap`.
Result<std::vector<std::vector<int>>> distinctOrders(const CostParams &params, int64_t cap);

} // namespace pipecut
