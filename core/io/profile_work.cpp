#include "core/io/profile_work.h"

#include "core/io/onnx_reader.h"

#include <map>
#include <memory>

namespace pipecut {

namespace {

// The graph costed for one device profile from what its load kept (the ONNX
// analysis, the config's text); without it, from its file: an ONNX model is
// analysed once (the expensive part), a config is read again per profile.
class Recoster {
public:
    static Result<Recoster> open(const Graph &graph, const CostOrigin &origin)
    {
        Recoster r;
        r.m_path = graph.sourcePath();
        r.m_origin = origin;
        if (graph.format() == "onnx" && !origin.onnx) {
            auto analysis = analyzeOnnxModel(graph.sourcePath(), origin.options);
            if (!analysis)
                return analysis.failure();
            r.m_origin.onnx = std::make_shared<const OnnxAnalysis>(std::move(analysis).value());
        }
        return r;
    }

    // `device` as --device takes it ("" for the reader's default).
    Result<Graph> graphFor(const std::string &device) const
    {
        if (m_origin.onnx) {
            auto profile = device.empty() ? Result<DeviceProfile>(defaultDeviceProfile()) : findDeviceProfile(device);
            if (!profile)
                return profile.failure();
            return onnxGraphFor(*m_origin.onnx, *profile);
        }
        LoadOptions o = m_origin.options;
        o.device = device;
        if (m_origin.config)
            return parseGraph(*m_origin.config, m_path, o);
        return loadGraph(m_path, o);
    }

private:
    std::string m_path;
    CostOrigin m_origin;
};

// The first node whose id differs between the two graphs (-1: none; the node
// count when only the counts differ).
int32_t firstMismatch(const Graph &a, const Graph &b)
{
    if (a.nodeCount() != b.nodeCount())
        return std::min(a.nodeCount(), b.nodeCount());
    for (int32_t v = 0; v < a.nodeCount(); ++v)
        if (a.id(nodeId(v)) != b.id(nodeId(v)))
            return v;
    return -1;
}

} // namespace

Result<CostParams> applyProfileWork(const CostParams &params, const Cluster &cluster, const Graph &graph,
    const CostOrigin &origin, const StopToken *stop)
{
    bool wanted = false;
    for (const ClusterDevice &d : cluster.devices)
        wanted = wanted || (!d.profile.empty() && d.costs.empty());
    // Measured times and the file's own keep the speed rule.
    if (!wanted || origin.times != CostOrigin::Times::Profile || params.devices.size() != cluster.devices.size())
        return params;
    auto recoster = Recoster::open(graph, origin);
    if (!recoster)
        return recoster.failure().prefixed(cluster.source + ": re-costing for the devices' profiles: ");
    if (stop && stop->stopRequested())
        return makeError(ErrorKind::Stopped, "stopped");
    auto own = recoster->graphFor(origin.options.device);
    if (!own)
        return own.failure();
    if (const int32_t v = firstMismatch(graph, *own); v >= 0)
        return makeError(graph.sourcePath() + ": the file no longer matches the graph loaded from it (node "
            + std::to_string(v + 1) + "): cannot re-cost it for the profiles of " + cluster.source);
    CostParams p = params;
    std::map<std::string, std::shared_ptr<const std::vector<double>>> columns; // one per profile
    for (size_t j = 0; j < cluster.devices.size(); ++j) {
        const ClusterDevice &d = cluster.devices[j];
        if (d.profile.empty() || !d.costs.empty())
            continue;
        auto &column = columns[d.profile];
        if (!column) {
            if (stop && stop->stopRequested())
                return makeError(ErrorKind::Stopped, "stopped");
            auto costed = recoster->graphFor(d.profile);
            if (!costed)
                return costed.failure().prefixed(cluster.source + ": device " + std::to_string(j + 1) + " ('" + d.name
                    + "'): 'profile' " + d.profile + ": ");
            if (firstMismatch(graph, *costed) >= 0)
                return makeError(cluster.source + ": device " + std::to_string(j + 1) + " ('" + d.name
                    + "'): 'profile' " + d.profile + " gives " + graph.sourcePath()
                    + " other nodes than the graph's; cannot re-cost it node by node");
            column = std::make_shared<const std::vector<double>>(costed->works().begin(), costed->works().end());
        }
        StageDevice &s = p.devices[j];
        s.costs = "profile " + d.profile;
        s.work = column;
        if (!d.speed)
            s.speed = 1.0;
    }
    return p;
}

} // namespace pipecut
