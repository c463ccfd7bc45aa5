#pragma once
// The one interface behind every lower bound of docs/model.md §4 (combinatorial, anchor,
// bottleneck, guess, mip, ideal-dp, best). Every bound is a proof: it never
// exceeds the optimum bottleneck of the instance (graph, k, cost parameters).
// Methods: combinatorial (combinatorial.h), boundary (boundary_cut.h), anchor (anchor.h), bottleneck
// (bottleneck.h), guess (guess.h), mip (mip_bound.h), ideal-dp (the exact
// dynamic programme of core/partition/ideal_dp.h; its optimum proves itself) and best: the
// strongest proof within the time limit, cheapest first, stopping once the
// bound meets the incumbent. Results are cached (bound_cache.h).

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace pipecut {

struct BoundOptions {
    int k = 4;
    std::string method = "best";
    std::vector<std::string> exclude; // methods "best" must not use
    double timeLimit = 0.0; // seconds of wall time; 0 = the method's default
    // The best known partition (warm start for mip; an upper bound for pruning).
    std::optional<Partition> incumbent;
    bool useCache = true; // consult and fill BoundCache::global()
    // Resource limits (core/util/limits.h; 0 = default): the ideal-dp method's
    // cap on ideals and memory, and the largest MIP handed to CBC. A method
    // asked for by name refuses past them; "best" leaves such methods out.
    int64_t idealCap = 0;
    int64_t memoryBudget = 0;
    int64_t maxMipColumns = 0;

    Status validate() const;
};

struct BoundResult {
    double lowerBound = 0.0;
    std::string provenBy; // the method whose proof gave lowerBound
    double seconds = 0.0;
    bool infeasible = false; // the instance has no valid partition at all
    std::string reason; // why, when infeasible
    // When a method found a partition on the way (mip, ideal-dp) it is kept.
    std::optional<Partition> partition;
    double upperBound = 0.0; // its bottleneck, when partition is set
    bool optimal = false; // lowerBound equals the optimum (within 1e-6 relative)
};

const std::vector<std::string> &boundMethods();

Result<BoundResult> runBound(const Graph &graph, const CostParams &params, const BoundOptions &options,
    const StopToken &stop = {}, const ProgressFn &progress = {});

} // namespace pipecut
