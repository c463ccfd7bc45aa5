// Stage boundaries in the forms pipeline frameworks take: split points by node
// name (torch.distributed.pipelining) and layer-index boundaries over the
// default topological order (DeepSpeed PipelineModule.parts, Megatron).
//
// Both are "cut one sequence of layers" descriptions. A partition that is valid
// for the DAG is contiguous in the order that sorts nodes by (stage, default
// topological position), so its split points are always defined; whether the
// framework's own execution order places each stage contiguously is the
// framework's order, which pipecut cannot see (docs/exports.md says more).
#include "core/io/exports.h"
#include "core/util/json_writer.h"

#include <vector>

namespace pipecut {

namespace {

void writeHeader(JsonWriter &w, const char *format, const Graph &graph, const Partition &partition)
{
    w.key("format").value(format);
    w.key("version").value(1);
    w.key("graph").value(graph.name());
    w.key("k").value(partition.k());
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

    JsonWriter w(true);
    w.beginObject();
    writeHeader(w, "pipecut-pytorch-split-points", graph, partition);
    w.key("num_stages").value(nonEmpty);
    w.key("split_points").beginArray();
    for (NodeId v : splits)
        w.value(graph.id(v));
    w.endArray();
    w.key("split_spec").beginObject();
    for (NodeId v : splits)
        w.key(graph.id(v)).value("BEGINNING");
    w.endObject();
    w.endObject();
    return w.str() + "\n";
}

Result<std::string> exportLayerBoundaries(const Graph &graph, const Partition &partition)
{
    const auto order = graph.topologicalOrder();
    for (size_t i = 1; i < order.size(); ++i) {
        const int32_t before = index(partition.stage(order[i - 1]));
        const int32_t after = index(partition.stage(order[i]));
        if (after < before)
            return makeError("the partition is not contiguous in the default topological order, so it has no "
                             "layer-index boundaries: layer " + std::to_string(i - 1) + " '" + graph.id(order[i - 1]) +
                             "' is in stage " + std::to_string(before + 1) + " but the next layer " +
                             std::to_string(i) + " '" + graph.id(order[i]) + "' is in stage " +
                             std::to_string(after + 1) +
                             " (layer boundaries describe chain-structured models; use the pytorch or "
                             "dnn-partitioning export)");
    }
    const int k = partition.k();
    std::vector<int32_t> perStage(static_cast<size_t>(k), 0);
    for (int32_t s : partition.stages())
        ++perStage[s];

    JsonWriter w(true);
    w.beginObject();
    writeHeader(w, "pipecut-layer-boundaries", graph, partition);
    w.key("num_layers").value(graph.nodeCount());
    w.key("parts").beginArray();
    int32_t boundary = 0;
    w.value(boundary);
    for (int32_t count : perStage)
        w.value(boundary += count);
    w.endArray();
    w.key("layers_per_stage").beginArray();
    for (int32_t count : perStage)
        w.value(count);
    w.endArray();
    w.key("order").beginArray();
    for (NodeId v : order)
        w.value(graph.id(v));
    w.endArray();
    w.endObject();
    return w.str() + "\n";
}

} // namespace pipecut
