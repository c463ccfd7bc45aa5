#include "core/bounds/device_guess.h"

#include "core/bounds/combinatorial.h"

#include <algorithm>

namespace pipecut::bounds {

namespace {

// The proven minimum T of position b (1-based); 0 when the solve proves nothing.
double solveDevicePosition(const BoundContext &ctx, int b, double floor, double scale)
{
    const int k = ctx.k;
    const NodeClasses &cls = ctx.classes;
    const CostParams &params = ctx.params;
    mip::MipModel model;
    BlockBuilder builder(model, ctx.graph, params, cls, scale);
    const std::vector<int> y = b == 1 ? std::vector<int>(cls.count, kZero) : builder.addIdeal();
    const std::vector<int> x = b == k ? std::vector<int>(cls.count, kOne) : builder.addIdeal();
    builder.addNested(y, x);
    const int t = model.addColumn(floor / scale, mip::MipModel::kInf, 1.0, false);
    Lin stage = builder.blockCostOn(x, y, b - 1);
    stage.add(t, -1.0);
    addLessEqual(model, stage, 0.0);
    auto speeds = [&](int first, int last) {
        double s = 0;
        for (int j = first; j < last; ++j)
            s += params.speedOf(j);
        return s;
    };
    if (b > 1) {
        Lin prefix = builder.spanCostOn(y, std::vector<int>(cls.count, kZero), false, 0, b - 1);
        prefix.add(t, -speeds(0, b - 1));
        addLessEqual(model, prefix, 0.0);
    }
    if (b < k) {
        Lin suffix = builder.spanCostOn(std::vector<int>(cls.count, kOne), x, true, b, k);
        suffix.add(t, -speeds(b, k));
        addLessEqual(model, suffix, 0.0);
    }
    mip::SolveOptions o = ctx.solveOptions();
    o.stopAtOrBelow = floor / scale * (1 + 1e-9);
    const mip::SolveOutcome out = mip::solve(model, o);
    if (out.status == mip::SolveOutcome::Status::Infeasible)
        return 0.0; // no partition fits memory; the other bounds say so
    return std::max(0.0, out.bound * scale);
}

} // namespace

BoundResult deviceGuessBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "guess";
    if (!ctx.params.hasDevices() || static_cast<int>(ctx.params.devices.size()) != ctx.k)
        return r;
    const double comb = combinatorialBound(ctx).lowerBound;
    const double scale = comb > 0 ? comb : 1.0;
    double best = std::max(ctx.known, comb);
    // Positions from the slowest device on: after them the prefix or suffix
    // holds most of the work on the fewest speeds.
    std::vector<int> order(ctx.k);
    for (int b = 0; b < ctx.k; ++b)
        order[b] = b + 1;
    std::stable_sort(order.begin(), order.end(),
        [&](int a, int b) { return ctx.params.speedOf(a - 1) < ctx.params.speedOf(b - 1); });
    for (size_t i = 0; i < order.size() && !ctx.stopped(); ++i) {
        // Equal shares of the time left (time a position does not use passes on).
        const BoundContext share = ctx.withBudget(ctx.remaining() / static_cast<double>(order.size() - i));
        best = std::max(best, solveDevicePosition(share, order[i], best, scale));
        ctx.report(ctx.upper, best, "guess position " + std::to_string(order[i]));
    }
    r.lowerBound = best;
    return r;
}

} // namespace pipecut::bounds
