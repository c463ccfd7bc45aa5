#include "core/bounds/bottleneck.h"

#include "core/bounds/combinatorial.h"

namespace pipecut::bounds {

BoundResult bottleneckBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "bottleneck";
    const double scale = combinatorialBound(ctx).lowerBound;
    if (scale <= 0)
        return r;
    mip::MipModel model;
    BlockBuilder builder(model, ctx.graph, ctx.params, ctx.classes, scale);
    const std::vector<int> x = builder.addIdeal();
    const std::vector<int> y = builder.addIdeal();
    builder.addNested(y, x);
    const Lin cost = builder.blockCost(x, y);
    for (const auto &[col, v] : cost.terms)
        model.addObjective(col, v);
    addGreaterEqual(model, builder.blockWork(x, y), ctx.graph.totalWork() / ctx.k / scale * (1 - 1e-12));

    mip::SolveOptions o;
    o.seconds = ctx.solveSeconds();
    o.stop = ctx.stop;
    o.stopAtOrBelow = ctx.known / scale * (1 + 1e-9) - cost.constant;
    o.progress = [&](double inc, double bound) {
        ctx.report(ctx.upper, std::max(ctx.known, (bound + cost.constant) * scale), "bottleneck");
        (void)inc;
    };
    const mip::SolveOutcome out = mip::solve(model, o);
    if (out.status == mip::SolveOutcome::Status::Infeasible) {
        r.infeasible = true;
        r.reason = "no stage with at least W/k work fits the memory limit";
        return r;
    }
    r.lowerBound = std::max(0.0, (out.bound + cost.constant) * scale);
    return r;
}

} // namespace pipecut::bounds
