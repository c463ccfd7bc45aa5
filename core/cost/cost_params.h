#pragma once
// Cost parameters of docs/model.md §1.1 and §1.6: the link bandwidth B, the optional hard per-stage
// memory limit M on parameters, and the optional parameter-overflow term
// max(0, param(S) - F) / B_s (off by default).
//
// A cluster (docs/model.md §1.7, core/cost/cluster.h) adds one device per stage:
// stage j's work is divided by its speed, its inputs by its bandwidth in, its
// outputs by its bandwidth out, and its parameters must fit its memory. With
// devices, the scalar fields hold their envelope (the largest bandwidth and
// memory of any device), so a check that only reads them stays a necessary
// condition; the stage-indexed stageCost(j, ...) and fitsMemory(j, ...) are exact.

#include "core/util/result.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pipecut {

class Graph;

// The device that runs one stage, resolved (every field set).
struct StageDevice {
    std::string name;
    double speed = 1.0; // divides the stage's work
    std::optional<double> memoryLimit;
    double bandwidthIn = 1.0, bandwidthOut = 1.0;
    // Per-node work of this device kind (core/cost/device_work.h): "" and null
    // for the graph's own work.
    std::string costs;
    std::shared_ptr<const std::vector<double>> work;

    bool operator==(const StageDevice &) const = default;
};

struct CostParams {
    double bandwidth = 1.0;
    std::optional<double> memoryLimit;
    bool overflow = false;
    double fastMemory = 0.0; // F
    double slowBandwidth = 1.0; // B_s

    static CostParams fromGraph(const Graph &graph);
    Status validate() const;

    // f(S) from the stage's totals.
    double stageCost(double work, double commIn, double commOut, double param) const
    {
        double c = work + (commIn + commOut) / bandwidth;
        if (overflow)
            c += std::max(0.0, param - fastMemory) / slowBandwidth;
        return c;
    }
    bool fitsMemory(double param) const { return !memoryLimit || param <= *memoryLimit * (1 + 1e-12); }

    // One device per stage (empty: k identical devices, the fields above).
    std::vector<StageDevice> devices;
    bool hasDevices() const { return !devices.empty(); }
    // f_j(S) of stage j (0-based); without devices the same as stageCost().
    double stageCost(int j, double work, double commIn, double commOut, double param) const
    {
        if (devices.empty())
            return stageCost(work, commIn, commOut, param);
        const StageDevice &d = devices[static_cast<size_t>(j)];
        // Equal links are summed first, as stageCost() does: a homogeneous
        // cluster gives exactly the numbers of the model without devices.
        double c = d.bandwidthIn == d.bandwidthOut ? work / d.speed + (commIn + commOut) / d.bandwidthIn
                                                   : work / d.speed + commIn / d.bandwidthIn + commOut / d.bandwidthOut;
        if (overflow)
            c += std::max(0.0, param - fastMemory) / slowBandwidth;
        return c;
    }
    bool fitsMemory(int j, double param) const
    {
        if (devices.empty())
            return fitsMemory(param);
        const auto &m = devices[static_cast<size_t>(j)].memoryLimit;
        return !m || param <= *m * (1 + 1e-12);
    }
    // Some device has its own per-node work (core/cost/device_work.h).
    bool hasDeviceWork() const
    {
        return std::any_of(devices.begin(), devices.end(), [](const StageDevice &d) { return d.work != nullptr; });
    }
    // Node v's work on stage j's device, before its speed.
    double workOn(int j, int32_t v, double graphWork) const
    {
        return devices.empty() || !devices[static_cast<size_t>(j)].work
            ? graphWork
            : (*devices[static_cast<size_t>(j)].work)[static_cast<size_t>(v)];
    }
    double speedOf(int j) const { return devices.empty() ? 1.0 : devices[static_cast<size_t>(j)].speed; }
    // The largest and the sum of the speeds of k stages (k and k without devices).
    double maxSpeed() const;
    double totalSpeed(int k) const;
    // The memory of all k stages together (none when a stage is unlimited).
    std::optional<double> totalMemory(int k) const;
    // A homogeneous model whose stage cost is at most every device's (bandwidth
    // and memory the envelope), for a graph whose work is divided by maxSpeed().
    CostParams envelope() const;

    bool operator==(const CostParams &) const = default;
};

} // namespace pipecut
