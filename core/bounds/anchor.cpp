#include "core/bounds/anchor.h"

#include <algorithm>
#include <cmath>
#include <queue>

namespace pipecut::bounds {

AnchorOutcome anchorBound(const BoundContext &ctx)
{
    AnchorOutcome a;
    a.result.provenBy = "anchor";
    const Graph &g = ctx.graph;
    const NodeClasses &cls = ctx.classes;
    const std::vector<double> single = singletonCosts(g, ctx.params, cls);
    std::vector<double> known(cls.count);
    double scale = 0;
    for (int32_t c = 0; c < cls.count; ++c) {
        known[c] = single[cls.members[c][0]];
        scale = std::max(scale, known[c]);
    }
    if (scale <= 0) {
        a.complete = true;
        return a;
    }

    // The base model (O(n + m) rows; some 0.2 s for a 20,000-node graph)
    // looks at the clock between its parts; stopped, it proves nothing.
    mip::MipModel base;
    BlockBuilder builder(base, g, ctx.params, cls, scale);
    const std::vector<int> x = builder.addIdeal();
    const std::vector<int> y = builder.addIdeal();
    if (ctx.stopped()) {
        a.complete = false;
        return a;
    }
    builder.addNested(y, x);
    const Lin cost = builder.blockCost(x, y);
    for (const auto &[col, v] : cost.terms)
        base.addObjective(col, v);

    std::priority_queue<std::pair<double, int32_t>> queue;
    for (int32_t c = 0; c < cls.count; ++c)
        queue.emplace(known[c], c);
    double best = 0;
    a.complete = true;
    int solved = 0;
    while (!queue.empty()) {
        const auto [value, c] = queue.top();
        queue.pop();
        if (value > known[c])
            continue; // stale entry
        if (value <= best * (1 + 1e-9))
            break; // no remaining anchor can raise the bound
        if (ctx.stopped()) {
            a.complete = false;
            break;
        }
        mip::MipModel model = base;
        model.setBounds(x[c], 1.0, 1.0);
        model.setBounds(y[c], 0.0, 0.0);
        mip::SolveOptions o = ctx.solveOptions();
        o.stopAtOrBelow = best / scale * (1 + 1e-9) - cost.constant;
        const mip::SolveOutcome out = mip::solve(model, o);
        ++solved;
        if (out.status == mip::SolveOutcome::Status::Infeasible) {
            a.result.infeasible = true;
            a.result.reason = "no stage holding node '" + g.id(nodeId(cls.members[c][0])) + "' fits the memory limit";
            a.complete = true;
            return a;
        }
        if (out.status != mip::SolveOutcome::Status::Optimal && !out.stoppedEarly)
            a.complete = false;
        // No bound and no solution in the last half second (the solver keeps
        // up to that much in reserve for an LP): it had no time for even the
        // LP, and neither will any later anchor.
        if (out.status == mip::SolveOutcome::Status::Limit && !std::isfinite(out.bound) && out.solution.empty()
            && ctx.remaining() <= 0.5)
            break;
        const double lower = std::max(0.0, (out.bound + cost.constant) * scale);
        a.anchors.emplace_back(lower, c);
        best = std::max(best, lower);
        if (!out.solution.empty()) {
            const double found = (out.objective + cost.constant) * scale;
            for (int32_t d = 0; d < cls.count; ++d)
                if (valueOf(out.solution, x[d]) - valueOf(out.solution, y[d]) > 0.5 && found < known[d]) {
                    known[d] = found;
                    queue.emplace(found, d);
                }
        }
        ctx.report(ctx.upper, std::max(best, ctx.known), "anchor " + std::to_string(solved));
    }
    std::sort(a.anchors.rbegin(), a.anchors.rend());
    a.result.lowerBound = best;
    return a;
}

} // namespace pipecut::bounds
