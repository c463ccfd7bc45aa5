// The Microsoft dnn-partitioning placement (msr-fiddle/dnn-partitioning, the
// form of its human-experts/*.json): one "fpgas" entry per stage with the
// stage's cost as "load" and its nodes by number, one empty CPU, and the
// bottleneck as "maxLoad" (the expert files write -1 where pipecut has costs).
#include "core/cost/evaluate.h"
#include "core/io/export_json.h"
#include "core/io/exports.h"

#include <charconv>
#include <vector>

namespace pipecut {

namespace {

// A non-negative integer written the way std::to_string writes it, so that a
// reader mapping numbers back to ids with to_string finds the same node.
std::optional<int64_t> canonicalInteger(const std::string &id)
{
    if (id.empty() || id.size() > 18 || (id.size() > 1 && id[0] == '0'))
        return std::nullopt;
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (ec != std::errc() || end != id.data() + id.size() || value < 0)
        return std::nullopt;
    return value;
}

int64_t placementNumber(const Graph &graph, PlacementNumbering numbering, NodeId v)
{
    switch (numbering) {
    case PlacementNumbering::SourceNumber:
        return graph.number(v);
    case PlacementNumbering::IntegerId:
        return *canonicalInteger(graph.id(v));
    case PlacementNumbering::NodeIndex:
        break;
    }
    return index(v);
}

} // namespace

const char *placementNumberingName(PlacementNumbering numbering)
{
    switch (numbering) {
    case PlacementNumbering::SourceNumber:
        return "the source file's node numbers";
    case PlacementNumbering::IntegerId:
        return "the node ids (all integers)";
    case PlacementNumbering::NodeIndex:
        return "node indices (0-based position in the graph file), as not every node id is an integer";
    }
    return "?";
}

PlacementNumbering placementNumbering(const Graph &graph)
{
    const int32_t n = graph.nodeCount();
    if (graph.hasNumbers()) {
        for (int32_t i = 0; i < n; ++i)
            if (graph.number(nodeId(i)) < 0)
                return PlacementNumbering::NodeIndex; // a partial numbering would mix with ids on reading
        return PlacementNumbering::SourceNumber;
    }
    for (int32_t i = 0; i < n; ++i)
        if (!canonicalInteger(graph.id(nodeId(i))))
            return PlacementNumbering::NodeIndex;
    return PlacementNumbering::IntegerId;
}

std::string exportDnnPartitioningPlacement(const Graph &graph, const CostParams &params, const Partition &partition)
{
    const PlacementNumbering numbering = placementNumbering(graph);
    const Evaluation ev = evaluate(graph, params, partition);
    const auto members = partition.members();
    std::vector<int> stages(static_cast<size_t>(partition.k()));
    for (int s = 0; s < partition.k(); ++s)
        stages[s] = s;
    const auto fpga = [&](int s) {
        return "{\"load\": " + io::exactNumber(ev.stages[s].cost) + ", \"nodes\": "
            + io::jsonInlineArray(
                members[s], [&](NodeId v) { return std::to_string(placementNumber(graph, numbering, v)); })
            + "}";
    };
    return "{\n  \"cpus\": [{\"load\": 0, \"nodes\": []}],\n  \"fpgas\": " + io::jsonBlockArray(stages, fpga, 4)
        + ",\n  \"maxLoad\": " + io::exactNumber(ev.bottleneck) + "\n}\n";
}

} // namespace pipecut
