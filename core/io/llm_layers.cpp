#include "core/io/llm_layers.h"

#include <charconv>
#include <numeric>

namespace pipecut {

namespace {

// "model.layers.12" -> 12, else -1.
int layerIndex(std::string_view group)
{
    constexpr std::string_view prefix = "model.layers.";
    if (group.substr(0, prefix.size()) != prefix)
        return -1;
    const std::string_view digits = group.substr(prefix.size());
    int value = -1;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc() && ptr == digits.data() + digits.size() ? value : -1;
}

} // namespace

Result<LlmLayerMap> llmLayerMap(const Graph &graph)
{
    LlmLayerMap map;
    map.layerOf.assign(static_cast<size_t>(graph.nodeCount()), 0);
    bool embedding = false, head = false;
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        const NodeId id = nodeId(v);
        const GroupId g = graph.group(id);
        const std::string group = index(g) >= 0 ? graph.groupName(g) : std::string();
        if (graph.op(id) == "embedding") {
            map.layerOf[v] = LlmLayerMap::kEmbedding;
            embedding = true;
        } else if (group == "lm_head") {
            map.layerOf[v] = LlmLayerMap::kHead;
            head = true;
        } else if (const int layer = layerIndex(group); layer >= 0) {
            map.layerOf[v] = layer;
            map.layers = std::max(map.layers, layer + 1);
        } else {
            return makeError("node '" + graph.id(id)
                + "' is not part of a decoder layer (group model.layers.<i>), the embedding or the LM head: "
                  "this export needs a model read from a Hugging Face config.json");
        }
    }
    if (!embedding || !head || map.layers == 0)
        return makeError("the graph has no embedding, decoder layers and LM head: this export needs a model read "
                         "from a Hugging Face config.json");
    return map;
}

Result<std::vector<int>> llmLayersPerStage(const Graph &graph, const LlmLayerMap &map, const Partition &partition)
{
    const int k = partition.k();
    std::vector<int> stageOfLayer(static_cast<size_t>(map.layers), -1);
    int embeddingStage = -1, headStage = -1;
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        const int s = partition.stages()[v];
        const int layer = map.layerOf[v];
        if (layer == LlmLayerMap::kEmbedding)
            embeddingStage = s;
        else if (layer == LlmLayerMap::kHead)
            headStage = s;
        else if (stageOfLayer[layer] >= 0 && stageOfLayer[layer] != s)
            return makeError("layer " + std::to_string(layer) + " is split between stages "
                + std::to_string(stageOfLayer[layer] + 1) + " and " + std::to_string(s + 1));
        else
            stageOfLayer[layer] = s;
    }
    std::vector<int> counts(static_cast<size_t>(k), 0);
    for (int s : stageOfLayer)
        ++counts[s];
    if (embeddingStage != 0)
        return makeError("the embedding is on stage " + std::to_string(embeddingStage + 1)
            + ", but the frameworks place it on the first stage");
    if (headStage != k - 1)
        return makeError("the LM head is on stage " + std::to_string(headStage + 1) + " of " + std::to_string(k)
            + ", but the frameworks place it on the last stage");
    return counts;
}

Partition llmPartitionFromCounts(const LlmLayerMap &map, const std::vector<int> &counts)
{
    const int k = static_cast<int>(counts.size());
    std::vector<int> stageOfLayer;
    for (int s = 0; s < k; ++s)
        stageOfLayer.insert(stageOfLayer.end(), static_cast<size_t>(counts[s]), s);
    std::vector<int32_t> stages(map.layerOf.size(), 0);
    for (size_t v = 0; v < map.layerOf.size(); ++v) {
        const int layer = map.layerOf[v];
        stages[v] = layer == LlmLayerMap::kEmbedding ? 0 : layer == LlmLayerMap::kHead ? k - 1 : stageOfLayer[layer];
    }
    return Partition(std::move(stages), k);
}

} // namespace pipecut
