#pragma once
// Full evaluation of a partition under the cost model of docs/model.md §1.3, in O(n + m):
//
//   f(S) = work(S) + (in(S) + outw(S)) / B  [+ max(0, param(S) - F) / B_s]
//   in(S)   = sum of out(u), u not in S with a successor in S
//   outw(S) = sum of out(u), u in S with a successor not in S
//
// A tensor is paid once per consuming stage, not once per edge.
// Worked example (B = 1): a(2,1) -> b(3,2), a -> c(4,2), b -> d(1,0), c -> d;
// {a,b} | {c,d} costs 5 + (1 + 2) = 8 for both stages, so the bottleneck is 8.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"

#include <string>
#include <vector>

namespace pipecut {

struct StageCost {
    double work = 0.0;
    double commIn = 0.0; // bytes (or time units when B = 1) read from other stages
    double commOut = 0.0; // bytes written for other stages
    double param = 0.0;
    double cost = 0.0; // f(S)
    int32_t nodes = 0;
};

struct Evaluation {
    std::vector<StageCost> stages;
    double bottleneck = 0.0;
    int bottleneckStage = 0; // first stage attaining the bottleneck
    double sumOfCosts() const;
};

// Requires every stage index in [0, k). O(n + m).
Evaluation evaluate(const Graph &graph, const CostParams &params, const Partition &partition);

// Just the bottleneck of a raw stage vector (same rules), for hot loops.
double bottleneckOf(const Graph &graph, const CostParams &params, std::span<const int32_t> stage, int k);

// One reason a partition is not valid, with a message naming nodes and stages
// (1-based for users).
struct Violation {
    enum class Kind { StageOutOfRange, BackwardEdge, SplitGroup, OverMemory, SizeMismatch };
    Kind kind;
    std::string message;
};

// Every violation, up to maxReported (0 = all). O(n + m).
std::vector<Violation> checkFeasibility(
    const Graph &graph, const CostParams &params, const Partition &partition, size_t maxReported = 20);
// The first violations joined into one message, or Ok.
Status validatePartition(const Graph &graph, const CostParams &params, const Partition &partition);

} // namespace pipecut
