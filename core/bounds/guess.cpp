#include "core/bounds/guess.h"

#include "core/bounds/combinatorial.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pipecut::bounds {

namespace {

struct Position {
    mip::SolveOutcome outcome;
    double lower = 0; // proven bound of this position (graph units)
    double found = std::numeric_limits<double>::infinity(); // a solution's T
    bool infeasible = false;
};

// Solves position b (1-based), anchored at class `anchor` when >= 0.
Position solvePosition(const BoundContext &ctx, int b, int32_t anchor, double floor, double scale)
{
    const int k = ctx.k;
    const NodeClasses &cls = ctx.classes;
    mip::MipModel model;
    BlockBuilder builder(model, ctx.graph, ctx.params, cls, scale);
    const std::vector<int> y = b == 1 ? std::vector<int>(cls.count, kZero) : builder.addIdeal();
    const std::vector<int> x = b == k ? std::vector<int>(cls.count, kOne) : builder.addIdeal();
    builder.addNested(y, x);
    const int t = model.addColumn(floor / scale, mip::MipModel::kInf, 1.0, false);
    Position p;
    if (anchor >= 0) {
        if (x[anchor] == kZero || y[anchor] == kOne) {
            p.infeasible = true;
            return p;
        }
        builder.anchor(x, y, anchor);
    }
    Lin stage = builder.blockCost(x, y);
    stage.add(t, -1.0);
    addLessEqual(model, stage, 0.0);
    if (b > 1) {
        Lin prefix = builder.prefixCost(y, b - 1);
        prefix.add(t, -(b - 1));
        addLessEqual(model, prefix, 0.0);
    }
    if (b < k) {
        Lin suffix = builder.suffixCost(x, k - b);
        suffix.add(t, -(k - b));
        addLessEqual(model, suffix, 0.0);
    }
    mip::SolveOptions o = ctx.solveOptions();
    o.stopAtOrBelow = floor / scale * (1 + 1e-9);
    p.outcome = mip::solve(model, o);
    if (p.outcome.status == mip::SolveOutcome::Status::Infeasible) {
        p.infeasible = true;
        return p;
    }
    p.lower = std::max(0.0, p.outcome.bound * scale);
    if (!p.outcome.solution.empty())
        p.found = p.outcome.objective * scale;
    return p;
}

// 1, k, 2, k - 1, ...: the end positions carry the strongest prefix/suffix terms.
std::vector<int> positionOrder(int k)
{
    std::vector<int> order;
    for (int lo = 1, hi = k; lo <= hi; ++lo, --hi) {
        order.push_back(lo);
        if (hi != lo)
            order.push_back(hi);
    }
    return order;
}

} // namespace

BoundResult guessBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "guess";
    const double comb = combinatorialBound(ctx).lowerBound;
    const double scale = comb > 0 ? comb : 1.0;
    double best = std::max(ctx.known, comb);
    const std::vector<int> order = positionOrder(ctx.k);
    for (size_t i = 0; i < order.size(); ++i) {
        const int b = order[i];
        if (ctx.stopped())
            break;
        // An equal share of the time left, so that one hard position cannot
        // starve the others (time a position does not use passes on).
        const BoundContext share = ctx.withBudget(ctx.remaining() / static_cast<double>(order.size() - i));
        const Position p = solvePosition(share, b, -1, best, scale);
        if (p.infeasible) {
            r.infeasible = true;
            r.reason = "no partition into " + std::to_string(ctx.k) + " stages satisfies the memory limit (stage "
                + std::to_string(b) + " relaxation is infeasible)";
            return r;
        }
        best = std::max(best, p.lower);
        ctx.report(ctx.upper, best, "guess position " + std::to_string(b));
    }
    r.lowerBound = best;
    return r;
}

BoundResult anchoredGuessBound(const BoundContext &ctx, const std::vector<int32_t> &anchors)
{
    BoundResult r;
    r.provenBy = "guess";
    const double comb = combinatorialBound(ctx).lowerBound;
    const double scale = comb > 0 ? comb : 1.0;
    double best = std::max(ctx.known, comb);
    const int k = ctx.k;
    const int32_t n = ctx.graph.nodeCount();
    for (int32_t a : anchors) {
        if (ctx.stopped())
            break;
        // Try first the positions where the anchor's topological place puts it.
        const int32_t pos = ctx.graph.topoPosition(nodeId(ctx.classes.members[a][0]));
        const int home = std::clamp(static_cast<int>(std::ceil((pos + 0.5) * k / n)), 1, k);
        std::vector<int> order { home };
        for (int d = 1; d < k; ++d) {
            if (home + d <= k)
                order.push_back(home + d);
            if (home - d >= 1)
                order.push_back(home - d);
        }
        double lowest = std::numeric_limits<double>::infinity();
        bool dropped = false;
        for (int b : order) {
            if (ctx.stopped()) {
                dropped = true;
                break;
            }
            const Position p = solvePosition(ctx, b, a, best, scale);
            if (p.outcome.status == mip::SolveOutcome::Status::Limit && !p.outcome.stoppedEarly && ctx.stopped()) {
                dropped = true; // cut by the time limit: this position's bound is partial
                lowest = std::min(lowest, p.lower);
                break;
            }
            if (p.infeasible)
                continue; // the anchor cannot sit at position b
            lowest = std::min(lowest, p.lower);
            if (p.found <= best * (1 + 1e-9) || lowest <= best) {
                dropped = true; // this anchor cannot raise the bound
                break;
            }
        }
        if (!dropped && std::isinf(lowest)) {
            r.infeasible = true;
            r.reason = "no partition into " + std::to_string(k) + " stages places node '"
                + ctx.graph.id(nodeId(ctx.classes.members[a][0])) + "' within the memory limit";
            return r;
        }
        if (!dropped)
            best = std::max(best, lowest);
        ctx.report(ctx.upper, best, "anchored guess");
    }
    r.lowerBound = best;
    return r;
}

} // namespace pipecut::bounds
