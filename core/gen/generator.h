#pragma once
// Synthetic model-shaped graphs with realistic costs, for scale tests:
// transformer stacks at operator granularity, residual CNNs, U-Nets,
// Inception-style branches, random layered DAGs. Seeded and deterministic.

#include "core/graph/graph.h"
#include "core/util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pipecut {

struct GeneratorOptions {
    std::string family = "transformer"; // transformer|cnn|unet|inception|random
    int64_t nodes = 1000;               // approximate target, 10 .. 1,000,000
    uint64_t seed = 1;
};

const std::vector<std::string> &generatorFamilies();
Result<Graph> generateGraph(const GeneratorOptions &options);

} // namespace pipecut
