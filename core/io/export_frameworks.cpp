// Stage boundaries in the forms pipeline frameworks take: split points by node
// name (torch.distributed.pipelining) and layer-index boundaries over the
// default topological order (DeepSpeed PipelineModule.parts, Megatron).
//
// Both are "cut one sequence of layers" descriptions. A partition that is valid
// for the DAG is contiguous in the order that sorts nodes by (stage, default
// topological position), so its split points are always defined; whether the
// framework's own execution order places each stage contiguously is the
// framework's order, which pipecut cannot see (docs/exports.md says more).
#include "core/io/export_json.h"
#include "core/io/exports.h"

#include <vector>

namespace pipecut {

namespace {

std::string header(const char *format, const Graph &graph, const Partition &partition)
{
    return std::string("{\n  \"format\": ") + io::jsonQuote(format) + ",\n  \"version\": 1,\n  \"graph\": "
        + io::jsonQuote(graph.name()) + ",\n  \"k\": " + std::to_string(partition.k()) + ",\n";
}

} // namespace

std::string exportPyTorchSplitPoints(const Graph &graph, const Partition &partition)
{
    const int k = partition.k();
    // First node of each stage in the default topological order.
    std::vector<int32_t> first(static_cast<size_t>(k), -1);
    for (NodeId v : graph.topologicalOrder()) {
        const int32_t s = index(partition.stage(v));
        if (first[s] < 0)
            first[s] = index(v);
    }
    std::vector<NodeId> splits;
    int nonEmpty = 0;
    for (int s = 0; s < k; ++s) {
        if (first[s] < 0)
            continue;
        if (nonEmpty++ > 0)
            splits.push_back(nodeId(first[s]));
    }
    const auto quotedId = [&](NodeId v) { return io::jsonQuote(graph.id(v)); };
    std::string spec = "{";
    for (size_t j = 0; j < splits.size(); ++j)
        spec += (j ? ", " : "") + quotedId(splits[j]) + ": \"BEGINNING\"";
    spec += '}';
    return header("pipecut-pytorch-split-points", graph, partition) + "  \"num_stages\": " + std::to_string(nonEmpty)
        + ",\n  \"split_points\": " + io::jsonInlineArray(splits, quotedId) + ",\n  \"split_spec\": " + spec + "\n}\n";
}

Result<std::string> exportLayerBoundaries(const Graph &graph, const Partition &partition)
{
    const auto order = graph.topologicalOrder();
    for (size_t i = 1; i < order.size(); ++i) {
        const int32_t before = index(partition.stage(order[i - 1]));
        const int32_t after = index(partition.stage(order[i]));
        if (after < before)
            return makeError("the partition is not contiguous in the default topological order, so it has no "
                             "layer-index boundaries: layer "
                + std::to_string(i - 1) + " '" + graph.id(order[i - 1]) + "' is in stage " + std::to_string(before + 1)
                + " but the next layer " + std::to_string(i) + " '" + graph.id(order[i]) + "' is in stage "
                + std::to_string(after + 1)
                + " (layer boundaries describe chain-structured models; use the pytorch or "
                  "dnn-partitioning export)");
    }
    const int k = partition.k();
    std::vector<int32_t> perStage(static_cast<size_t>(k), 0);
    for (int32_t s : partition.stages())
        ++perStage[s];
    std::vector<int32_t> parts { 0 };
    for (int32_t count : perStage)
        parts.push_back(parts.back() + count);
    const auto integer = [](int32_t x) { return std::to_string(x); };
    return header("pipecut-layer-boundaries", graph, partition) + "  \"num_layers\": "
        + std::to_string(graph.nodeCount()) + ",\n  \"parts\": " + io::jsonInlineArray(parts, integer)
        + ",\n  \"layers_per_stage\": " + io::jsonInlineArray(perStage, integer) + ",\n  \"order\": "
        + io::jsonBlockArray(
            order, [&](NodeId v) { return io::jsonQuote(graph.id(v)); }, 4)
        + "\n}\n";
}

} // namespace pipecut
