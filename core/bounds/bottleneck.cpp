#include "core/bounds/bottleneck.h"

#include "core/bounds/combinatorial.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pipecut::bounds {

namespace {

struct BlockMinimum {
    bool infeasible = false;
    double bound = 0; // proven lower bound on the minimum
};

// min { f(S) : work(S) >= share, S fits } on stage `device`'s device, or on
// the instance's identical stages for -1; `report` says whether CBC's running
// bound is itself a bound worth reporting.
BlockMinimum cheapestBlockWith(const BoundContext &ctx, int device, double share, double scale, bool report)
{
    mip::MipModel model;
    BlockBuilder builder(model, ctx.graph, ctx.params, ctx.classes, scale);
    const std::vector<int> x = builder.addIdeal();
    const std::vector<int> y = builder.addIdeal();
    builder.addNested(y, x);
    const Lin cost = device < 0 ? builder.blockCost(x, y) : builder.blockCostOn(x, y, device);
    for (const auto &[col, v] : cost.terms)
        model.addObjective(col, v);
    addGreaterEqual(model, builder.blockWork(x, y), share / scale * (1 - 1e-12));

    mip::SolveOptions o = ctx.solveOptions();
    o.stopAtOrBelow = ctx.known / scale * (1 + 1e-9) - cost.constant;
    o.progress = [&](double inc, double bound) {
        ctx.report(ctx.upper, report ? std::max(ctx.known, (bound + cost.constant) * scale) : ctx.known, "bottleneck");
        (void)inc;
    };
    const mip::SolveOutcome out = mip::solve(model, o);
    BlockMinimum m;
    m.infeasible = out.status == mip::SolveOutcome::Status::Infeasible;
    m.bound = std::max(0.0, (out.bound + cost.constant) * scale);
    return m;
}

} // namespace

BoundResult bottleneckBound(const BoundContext &ctx)
{
    // With a mixed cluster (and one work per node) the device-aware bound of
    // docs/model.md §4.12; with any other cluster on its relaxation.
    const bool deviceAware = ctx.deviceAware();
    if (!deviceAware && ctx.unrelaxed())
        return bottleneckBound(ctx.relaxed());
    BoundResult r;
    r.provenBy = "bottleneck";
    const double scale = combinatorialBound(ctx).lowerBound;
    if (scale <= 0)
        return r;
    if (!deviceAware) {
        const BlockMinimum m = cheapestBlockWith(ctx, -1, ctx.graph.totalWork() / ctx.k, scale, true);
        if (m.infeasible) {
            r.infeasible = true;
            r.reason = "no stage with at least W/k work fits the memory limit";
            return r;
        }
        r.lowerBound = m.bound;
        return r;
    }
    // Some stage j holds work >= s_j W / (s_1 + ... + s_k): the minimum over
    // the device classes of their cheapest such block.
    const auto &classes = ctx.cluster->deviceClasses;
    const double speeds = ctx.params.totalSpeed(ctx.k);
    double lower = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < classes.size(); ++i) {
        if (ctx.stopped())
            return r; // a class not solved: its minimum may be anything
        const DeviceClass &d = classes[i];
        const BoundContext share = ctx.withBudget(ctx.remaining() / static_cast<double>(classes.size() - i));
        const BlockMinimum m
            = cheapestBlockWith(share, d.first, d.device.speed * ctx.graph.totalWork() / speeds, scale, false);
        if (!m.infeasible)
            lower = std::min(lower, m.bound);
        if (lower <= ctx.known)
            return r; // cannot raise the bound
    }
    if (std::isinf(lower)) {
        r.infeasible = true;
        r.reason = "no stage with at least its share of the work fits its device's memory";
        return r;
    }
    r.lowerBound = lower;
    return r;
}

} // namespace pipecut::bounds
