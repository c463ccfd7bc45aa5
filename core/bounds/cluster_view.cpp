#include "core/bounds/cluster_view.h"

#include "core/cost/device_work.h"

#include <algorithm>

namespace pipecut::bounds {

namespace {

bool sameDevice(const StageDevice &a, const StageDevice &b)
{
    return a.speed == b.speed && a.memoryLimit == b.memoryLimit && a.bandwidthIn == b.bandwidthIn
        && a.bandwidthOut == b.bandwidthOut;
}

} // namespace

std::vector<DeviceClass> deviceClassesOf(const CostParams &params)
{
    std::vector<DeviceClass> out;
    for (const StageDevice &d : params.devices) {
        auto it = std::find_if(out.begin(), out.end(), [&](const DeviceClass &c) { return sameDevice(c.device, d); });
        if (it == out.end())
            out.push_back({ d, 1, static_cast<int>(&d - params.devices.data()) });
        else
            ++it->count;
    }
    return out;
}

std::vector<DeviceClass> undominatedClasses(const std::vector<DeviceClass> &classes)
{
    auto atMost = [](const StageDevice &a, const StageDevice &b) { // a is never better than b
        const bool memory = b.memoryLimit ? a.memoryLimit && *a.memoryLimit <= *b.memoryLimit : true;
        return !a.work && !b.work && a.speed <= b.speed && a.bandwidthIn <= b.bandwidthIn
            && a.bandwidthOut <= b.bandwidthOut && memory;
    };
    std::vector<DeviceClass> out;
    for (size_t i = 0; i < classes.size(); ++i) {
        bool dominated = false;
        for (size_t j = 0; j < classes.size() && !dominated; ++j)
            // Of two equal classes (never both in `classes`) the first is kept.
            dominated = j != i && atMost(classes[i].device, classes[j].device)
                && (!atMost(classes[j].device, classes[i].device) || j < i);
        if (!dominated)
            out.push_back(classes[i]);
    }
    return out;
}

ClusterView buildClusterView(
    const Graph &graph, const CostParams &params, std::optional<std::pair<Graph, CostParams>> least)
{
    ClusterView v;
    v.deviceClasses = deviceClassesOf(params);
    if (params.hasDeviceWork()) {
        v.leastWork = least ? std::move(least) : leastWorkRelaxation(graph, params);
        v.leastClasses = mip::buildClasses(v.leastWork->first);
        v.relaxedGraph = v.leastWork->first.withWorkDividedBy(v.leastWork->second.maxSpeed());
        v.relaxedParams = v.leastWork->second.envelope();
    } else {
        v.relaxedGraph = graph.withWorkDividedBy(params.maxSpeed());
        v.relaxedParams = params.envelope();
    }
    v.relaxedClasses = mip::buildClasses(v.relaxedGraph);
    return v;
}

} // namespace pipecut::bounds
