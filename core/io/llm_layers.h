#pragma once
// The decoder layers of a graph read from a Hugging Face config.json (or
// converted from one): which layer each node belongs to, and the layers per
// stage of a partition, the form vLLM, SGLang and Megatron take
// (docs/exports.md, "LLM serving").
//
// A node is a decoder layer's when its group is "model.layers.<i>"; the node of
// op "embedding" comes before layer 0 and the group "lm_head" (final norm and
// LM head) after the last layer. O(n). Deterministic.
// Example: llama with 2 layers, k = 2, stages {embed, layer 0} | {layer 1, head}:
// layers per stage [1, 1], vLLM string "1,1".

#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/result.h"

#include <string>
#include <vector>

namespace pipecut {

struct LlmLayerMap {
    int layers = 0;
    // Per node: the layer index, kEmbedding or kHead.
    std::vector<int> layerOf;
    static constexpr int kEmbedding = -1;
    static constexpr int kHead = -2;
};

// Fails, saying why, when the graph is not a decoder's layer chain.
Result<LlmLayerMap> llmLayerMap(const Graph &graph);

// Decoder layers per stage; fails naming the stage when a stage splits a layer
// or the embedding / the head is not on the first / last stage.
Result<std::vector<int>> llmLayersPerStage(const Graph &graph, const LlmLayerMap &map, const Partition &partition);

// The partition that gives stage s the layers counts[s] (embedding on the first
// stage, final norm and LM head on the last). counts must sum to map.layers.
Partition llmPartitionFromCounts(const LlmLayerMap &map, const std::vector<int> &counts);

} // namespace pipecut
