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
#include "core/io/llm_layers.h"

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

namespace {

std::string joinCounts(const std::vector<int> &counts, const char *separator)
{
    std::string text;
    for (size_t s = 0; s < counts.size(); ++s)
        text += (s ? separator : "") + std::to_string(counts[s]);
    return text;
}

// Megatron's --decoder-first/last-pipeline-num-layers, when the stages between
// the first and the last hold equal numbers of layers; empty otherwise.
std::string megatronFirstLast(const std::vector<int> &counts)
{
    const size_t k = counts.size();
    if (k < 2)
        return {};
    for (size_t s = 2; s + 1 < k; ++s)
        if (counts[s] != counts[1])
            return {};
    return "--decoder-first-pipeline-num-layers " + std::to_string(counts.front())
        + " --decoder-last-pipeline-num-layers " + std::to_string(counts.back());
}

std::string megatronLayout(const std::vector<int> &counts)
{
    std::string layout = "E";
    for (size_t s = 0; s < counts.size(); ++s) {
        if (s)
            layout += '|';
        layout.append(static_cast<size_t>(counts[s]), 't');
    }
    return layout + "L";
}

} // namespace

Result<std::string> exportLlmServing(ExportFormat format, const Graph &graph, const Partition &partition)
{
    const char *target = format == ExportFormat::Megatron ? "Megatron"
        : format == ExportFormat::Vllm                    ? "vLLM"
                                                          : "SGLang";
    auto map = llmLayerMap(graph);
    if (!map)
        return makeError(std::string(target) + " export: " + map.error());
    auto counts = llmLayersPerStage(graph, *map, partition);
    if (!counts)
        return makeError(std::string(target) + " cannot express this split: " + counts.error());
    const int k = partition.k();
    for (int s = 0; s < k; ++s) {
        const int n = (*counts)[s];
        const bool onlyEnds = (s == 0 || s == k - 1) && k > 1;
        if (n > 0 || (format == ExportFormat::Megatron && onlyEnds))
            continue;
        return makeError(std::string(target) + " cannot express this split: stage " + std::to_string(s + 1)
            + " holds no decoder layer"
            + (s == k - 1    ? std::string(" (only the final norm and the LM head)")
                    : s == 0 ? std::string(" (only the embedding)")
                             : std::string())
            + (format == ExportFormat::Megatron ? "" : ", and every pipeline rank runs at least one layer"));
    }
    const std::string head = "# " + std::string(target) + ": " + graph.name() + ", " + std::to_string(map->layers)
        + " decoder layers over " + std::to_string(k) + " pipeline stages\n";
    if (format != ExportFormat::Megatron) {
        const char *variable = format == ExportFormat::Vllm ? "VLLM_PP_LAYER_PARTITION" : "SGLANG_PP_LAYER_PARTITION";
        const char *flag = format == ExportFormat::Vllm ? "--pipeline-parallel-size " : "--pp-size ";
        return head + "export " + variable + "=\"" + joinCounts(*counts, ",") + "\"\n# with " + flag + std::to_string(k)
            + "\n";
    }
    const std::string firstLast = megatronFirstLast(*counts);
    return head + "--pipeline-model-parallel-size " + std::to_string(k) + " --pipeline-model-parallel-layout \""
        + megatronLayout(*counts) + "\"\n"
        + (firstLast.empty() ? "# layers per stage " + joinCounts(*counts, ",")
                    + " (the middle stages differ: no --decoder-first/last-pipeline-num-layers form)\n"
                             : "# or, without the layout: " + firstLast + "\n");
}

} // namespace pipecut
