#include "core/cost/estimates.h"

#include <cmath>

namespace pipecut {

bool isEstimatedOp(std::string_view op)
{
    return op.size() >= kEstimatedOpSuffix.size()
        && op.substr(op.size() - kEstimatedOpSuffix.size()) == kEstimatedOpSuffix;
}

bool isMeasuredOp(std::string_view op)
{
    return op.size() >= kMeasuredOpSuffix.size()
        && op.substr(op.size() - kMeasuredOpSuffix.size()) == kMeasuredOpSuffix;
}

EstimateShare estimateShare(const Graph &graph)
{
    EstimateShare e;
    for (int32_t i = 0; i < graph.nodeCount(); ++i)
        if (const NodeId v = nodeId(i); isEstimatedOp(graph.op(v))) {
            ++e.nodes;
            e.work += graph.work(v);
        } else if (isMeasuredOp(graph.op(v))) {
            ++e.measured;
        }
    const double total = graph.totalWork();
    e.share = total > 0 ? e.work / total : 0.0;
    return e;
}

std::string formatShare(double share)
{
    if (share > 0 && share < 0.01)
        return "< 1 %";
    return std::to_string(static_cast<long long>(std::lround(100.0 * share))) + " %";
}

std::string estimateSummary(const Graph &graph, const EstimateShare &e)
{
    const std::string measured = e.measured > 0 ? ", " + std::to_string(e.measured) + " measured" : std::string();
    if (e.nodes == 0)
        return "no estimated node costs" + measured;
    return std::to_string(e.nodes) + " of " + std::to_string(graph.nodeCount())
        + " nodes have estimated costs, carrying " + formatShare(e.share) + " of the work" + measured;
}

std::string optimalWording(const EstimateShare &e)
{
    if (!e.qualifies())
        return "proven optimal";
    return "optimal for these costs (" + formatShare(e.share) + " of the work estimated)";
}

} // namespace pipecut
