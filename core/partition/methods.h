#pragma once
// Internal: what every partitioning method receives, and the methods that
// registry.cpp dispatches to by name (one file each). Not for the GUI or CLI:
// they call runPartitioner() in partitioner.h.

#include "core/graph/topology.h"
#include "core/partition/partitioner.h"

#include <optional>
#include <string>

namespace pipecut {

struct MethodContext {
    const Graph &graph;
    const CostParams &params;
    const PartitionOptions &options;
    const StopToken &stop;
    const ProgressFn &progress;
    Deadline deadline;

    bool shouldStop() const { return stop.stopRequested() || deadline.expired(); }
    void report(double incumbent, double bound, std::string stage, double fraction = -1.0) const
    {
        reportProgress(progress, incumbent, bound, deadline.elapsed(), std::move(stage), fraction);
    }
    // The order the slice-based methods cut: options.order or the graph's own.
    std::span<const NodeId> order() const
    {
        return options.order ? std::span<const NodeId>(*options.order) : graph.topologicalOrder();
    }
};

// Each returns a feasible partition (method, optimal, lowerBound and notes
// filled in); the registry evaluates it, validates it and times it.
Result<PartitionResult> runSliceMethod(const MethodContext &ctx);
Result<PartitionResult> runBalancedWork(const MethodContext &ctx);
Result<PartitionResult> runUniform(const MethodContext &ctx);
Result<PartitionResult> runSliceGraph(const MethodContext &ctx);
Result<PartitionResult> runSliceGraph(const MethodContext &ctx, const Contraction &units); // groups contracted
Result<PartitionResult> runIdealDp(const MethodContext &ctx);
Result<PartitionResult> runIdealBb(const MethodContext &ctx); // frontier_dp.cpp
// solveFrontier (frontier_dp.h) from `start` (none: it searches from scratch),
// as a method result named `method`.
Result<PartitionResult> proveWithFrontier(
    const MethodContext &ctx, const Contraction &units, std::optional<Partition> start, const std::string &method);
// The exact MIP of core/bounds (installed by it), with the time left of ctx's
// deadline; an error when core/bounds is not linked.
Result<PartitionResult> runMip(const MethodContext &ctx);
Result<PartitionResult> runRefineMethod(const MethodContext &ctx);
Result<PartitionResult> runAuto(const MethodContext &ctx);
Result<PartitionResult> runVllmDefault(const MethodContext &ctx); // llm_baselines.cpp
Result<PartitionResult> runMegatronEven(const MethodContext &ctx);

} // namespace pipecut
