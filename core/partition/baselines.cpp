// The baselines of docs/model.md §3.6 that users would otherwise use, reported honestly:
//   balanced-work: cut the default topological order so that the heaviest
//     stage's *work* is smallest, ignoring communication (DeepSpeed-style
//     "parameters"/"uniform" splitters balance a per-layer weight the same way);
//   uniform: cut it into stages with equal node counts (as near as the rules allow).
// Both still honour groups (no cut inside a group's span) and the memory limit,
// and report an error naming the rule when the order cannot satisfy them.
// Complexity O(n log n * log2(range / tol)) (OrderSlicer::solveByWeight).
// Deterministic. Example (docs/model.md §1.5, k = 2): balanced-work cuts a, b, c, d into
// {a, b} (work 5) | {c, d} (work 5), cost 8; uniform gives the same cut.

#include "core/partition/methods.h"
#include "core/partition/slice.h"

namespace pipecut {

namespace {

Result<PartitionResult> cutByWeight(const MethodContext &ctx, const char *name, bool byWork)
{
    const auto order = ctx.order();
    OrderSlicer slicer(ctx.graph, ctx.params, order, /*forceSweep=*/true);
    std::vector<double> weight(order.size(), 1.0);
    if (byWork)
        for (size_t p = 0; p < order.size(); ++p)
            weight[p] = ctx.graph.work(order[p]);
    // Per-device work: segment b holds up to X s_b of its device's own column.
    auto cut = byWork && ctx.params.hasDeviceWork() ? slicer.solveByDeviceWork(ctx.options.k)
                                                    : slicer.solveByWeight(weight, ctx.options.k);
    if (!cut)
        return makeError(std::string(name) + " cannot satisfy the constraints: " + cut.error());
    PartitionResult r;
    r.partition = std::move(cut->partition);
    r.method = name;
    return r;
}

} // namespace

Result<PartitionResult> runBalancedWork(const MethodContext &ctx)
{
    return cutByWeight(ctx, "balanced-work", true);
}
Result<PartitionResult> runUniform(const MethodContext &ctx)
{
    return cutByWeight(ctx, "uniform", false);
}

} // namespace pipecut
