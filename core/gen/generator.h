#pragma once
// Synthetic model-shaped graphs with realistic costs, for scale tests and
// demos: transformer stacks at operator granularity, residual CNNs, U-Nets
// (long skip connections: wide graphs), Inception-style parallel branches,
// random layered DAGs, randomly wired networks (RandWire: WS, ER and BA
// wirings), NASNet/AmoebaNet stacked cells and feature pyramid networks.
//
// Problem: produce a DAG of about `nodes` nodes (exactly `nodes` in practice:
// each family picks the repeat count of its block pattern that fits and pads
// the small remainder with a "neck" chain before the head) whose structure and
// costs look like a real exported model. Every node has an op and a
// '/'-separated scope ("encoder/layer_3/attention") so views can collapse by
// module; work is in ms from FLOPs and bytes on a reference accelerator, out
// and param are bytes, the bandwidth is a 50 GB/s link (core/gen/emitter.h
// documents the cost model; the graph's notes repeat it).
// Complexity: O(nodes) time and memory (a million nodes in a few seconds).
// Deterministic: the same options give the same graph on every platform (a
// built-in xoshiro256** generator, core/util/rng.h); the seed picks the shape
// (widths, depth pattern, batch, resolution) and the per-operator jitter.
// References: Vaswani et al. 2017; He et al. 2016; Ronneberger et al. 2015;
// Szegedy et al. 2016; Xie et al. 2019; Zoph et al. 2018; Real et al. 2019;
// Lin et al. 2017.
//
// Example: generateGraph({"transformer", 200, 7}) gives 200 nodes:
// embeddings, nine encoder layers of 19 operators, a short neck, and an
// LM head ending in Softmax.

#include "core/graph/graph.h"
#include "core/util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pipecut {

inline constexpr int64_t kMinGeneratedNodes = 10;
inline constexpr int64_t kMaxGeneratedNodes = 1000000;

struct GeneratorOptions {
    // transformer|moe|cnn|unet|inception|random|randwire-ws|randwire-er|randwire-ba|nasnet|fpn
    std::string family = "transformer";
    int64_t nodes = 1000; // target, kMinGeneratedNodes .. kMaxGeneratedNodes
    uint64_t seed = 1;
};

const std::vector<std::string> &generatorFamilies();
// Errors: unknown family, node count out of range.
Result<Graph> generateGraph(const GeneratorOptions &options);

} // namespace pipecut
