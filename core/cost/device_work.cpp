#include "core/cost/device_work.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace pipecut {

namespace {

std::string kindsOf(const Graph &graph)
{
    std::string kinds;
    for (const WorkColumn &c : graph.workColumns())
        kinds += (kinds.empty() ? "" : ", ") + c.kind;
    return kinds.empty() ? "none; only dnn-partitioning files carry per-device work" : kinds;
}

} // namespace

Result<CostParams> applyDeviceWork(const CostParams &params, const Graph &graph, const std::string &clusterSource)
{
    CostParams p = params;
    std::map<std::string, std::shared_ptr<const std::vector<double>>> resolved; // one column per kind
    for (size_t j = 0; j < p.devices.size(); ++j) {
        StageDevice &d = p.devices[j];
        d.work.reset();
        if (d.costs.empty())
            continue;
        if (auto it = resolved.find(d.costs); it != resolved.end()) {
            d.work = it->second;
            continue;
        }
        const WorkColumn *column = graph.workColumn(d.costs);
        if (!column)
            return makeError(clusterSource + ": device " + std::to_string(j + 1) + " ('" + d.name
                + "'): 'costs': " + graph.sourcePath() + " carries no per-node '" + d.costs
                + "' work (it carries: " + kindsOf(graph) + ")");
        if (static_cast<int32_t>(column->work.size()) != graph.nodeCount())
            return makeError(ErrorKind::Internal,
                "internal error: the '" + d.costs + "' work column has " + std::to_string(column->work.size())
                    + " entries for " + std::to_string(graph.nodeCount()) + " nodes");
        for (int32_t v = 0; v < graph.nodeCount(); ++v)
            if (!std::isfinite(column->work[static_cast<size_t>(v)]))
                return makeError(graph.sourcePath() + ": node '" + graph.id(nodeId(v)) + "' has no \"" + column->field
                    + "\" (its '" + d.costs + "' work), which device " + std::to_string(j + 1) + " ('" + d.name
                    + "') of " + clusterSource + " uses");
        d.work = std::make_shared<const std::vector<double>>(column->work);
        resolved.emplace(d.costs, d.work);
    }
    return p;
}

std::pair<Graph, CostParams> leastWorkRelaxation(const Graph &graph, const CostParams &params)
{
    if (!params.hasDeviceWork())
        return { graph, params };
    std::vector<double> least(static_cast<size_t>(graph.nodeCount()), std::numeric_limits<double>::infinity());
    for (size_t j = 0; j < params.devices.size(); ++j)
        for (int32_t v = 0; v < graph.nodeCount(); ++v) {
            const double w = params.workOn(static_cast<int>(j), v, graph.works()[static_cast<size_t>(v)]);
            least[static_cast<size_t>(v)] = std::min(least[static_cast<size_t>(v)], w / params.devices[j].speed);
        }
    CostParams relaxed = params;
    for (StageDevice &d : relaxed.devices) {
        d.speed = 1.0;
        d.costs.clear();
        d.work.reset();
    }
    return { graph.withWorks(std::move(least)), relaxed };
}

std::pair<Graph, CostParams> orderFreeRelaxation(const Graph &graph, const CostParams &params)
{
    auto [least, leastParams] = leastWorkRelaxation(graph, params);
    return { least.withWorkDividedBy(leastParams.maxSpeed()), leastParams.envelope() };
}

double leastTotalWork(const Graph &graph, const CostParams &params)
{
    if (!params.hasDeviceWork())
        return graph.totalWork();
    double total = 0;
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        double least = std::numeric_limits<double>::infinity();
        for (size_t j = 0; j < params.devices.size(); ++j)
            least = std::min(least, params.workOn(static_cast<int>(j), v, graph.works()[static_cast<size_t>(v)]));
        total += least;
    }
    return total;
}

bool supportsDeviceWork(const std::string &method)
{
    return method != "ideal-bb";
}

} // namespace pipecut
