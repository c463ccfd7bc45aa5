#include "core/bounds/anchor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// One inner problem's model: the block between ideals y and x and its cost,
// on stage `device`'s device (docs/model.md §4.12) or, for -1, on the
// instance's identical stages.
struct AnchorModel {
    mip::MipModel base;
    std::vector<int> x, y;
    Lin cost;
    int device = -1;
};

// The devices of the inner problems: one per undominated device class of a
// mixed cluster costed device by device (BoundContext::deviceAware), else
// just -1 (no cluster, or its relaxation).
std::vector<int> anchorDevices(const BoundContext &ctx)
{
    if (!ctx.deviceAware())
        return { -1 };
    std::vector<int> devices;
    for (const DeviceClass &d : undominatedClasses(ctx.cluster->deviceClasses))
        devices.push_back(d.first);
    return devices;
}

// Empty when stopped during the build (O(n + m) rows per model; some 0.2 s
// for a 20,000-node graph): stopped, it proves nothing.
std::vector<AnchorModel> anchorModels(const BoundContext &ctx, const std::vector<int> &devices, double scale)
{
    std::vector<AnchorModel> models;
    for (int device : devices) {
        AnchorModel m;
        m.device = device;
        BlockBuilder builder(m.base, ctx.graph, ctx.params, ctx.classes, scale);
        m.x = builder.addIdeal();
        m.y = builder.addIdeal();
        if (ctx.stopped())
            return {};
        builder.addNested(m.y, m.x);
        m.cost = device < 0 ? builder.blockCost(m.x, m.y) : builder.blockCostOn(m.x, m.y, device);
        for (const auto &[col, v] : m.cost.terms)
            m.base.addObjective(col, v);
        models.push_back(std::move(m));
    }
    return models;
}

// Per class, the cost of the class alone on the cheapest of `devices` whose
// memory holds it: an upper bound on its inner minimum (infinite if none).
std::vector<double> singletonUpperBounds(const BoundContext &ctx, const std::vector<int> &devices)
{
    const NodeClasses &cls = ctx.classes;
    std::vector<double> known(cls.count);
    if (devices.size() == 1 && devices[0] < 0) {
        const std::vector<double> single = singletonCosts(ctx.graph, ctx.params, cls);
        for (int32_t c = 0; c < cls.count; ++c)
            known[c] = single[cls.members[c][0]];
        return known;
    }
    std::vector<char> mask(ctx.graph.nodeCount(), 0);
    for (int32_t c = 0; c < cls.count; ++c) {
        for (int32_t v : cls.members[c])
            mask[v] = 1;
        const BlockTotals t = blockTotals(ctx.graph, ctx.params, mask);
        for (int32_t v : cls.members[c])
            mask[v] = 0;
        known[c] = kInfinity;
        for (int j : devices)
            if (ctx.params.fitsMemory(j, t.param))
                known[c] = std::min(known[c], ctx.params.stageCost(j, t.work, t.commIn, t.commOut, t.param));
    }
    return known;
}

// The block a solution of `m` found: its cost, and its classes into `members`.
double foundBlock(const AnchorModel &m, const mip::SolveOutcome &out, double scale, std::vector<int32_t> &members)
{
    members.clear();
    for (size_t c = 0; c < m.x.size(); ++c)
        if (valueOf(out.solution, m.x[c]) - valueOf(out.solution, m.y[c]) > 0.5)
            members.push_back(static_cast<int32_t>(c));
    return (out.objective + m.cost.constant) * scale;
}

} // namespace

AnchorOutcome anchorBound(const BoundContext &ctx)
{
    // With a mixed cluster (and one work per node) the device-aware bound of
    // docs/model.md §4.12; with any other cluster on its relaxation.
    const bool deviceAware = ctx.deviceAware();
    if (!deviceAware && ctx.unrelaxed())
        return anchorBound(ctx.relaxed());
    AnchorOutcome a;
    a.result.provenBy = "anchor";
    const Graph &g = ctx.graph;
    const NodeClasses &cls = ctx.classes;
    const std::vector<int> devices = anchorDevices(ctx);
    std::vector<double> known = singletonUpperBounds(ctx, devices);
    double scale = 0;
    for (double v : known)
        if (std::isfinite(v))
            scale = std::max(scale, v);
    if (scale <= 0) {
        a.complete = true;
        return a;
    }
    std::vector<AnchorModel> models = anchorModels(ctx, devices, scale);
    if (models.empty()) {
        a.complete = false;
        return a;
    }

    std::priority_queue<std::pair<double, int32_t>> queue;
    for (int32_t c = 0; c < cls.count; ++c)
        queue.emplace(known[c], c);
    double best = 0;
    a.complete = true;
    int solved = 0;
    std::vector<int32_t> members;
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
        // The inner minimum over the devices: each solve stops at the bound,
        // and once one device's minimum is at most the bound the class cannot raise it.
        double lower = kInfinity;
        bool outOfTime = false;
        for (size_t i = 0; i < models.size() && lower > best * (1 + 1e-9); ++i) {
            const AnchorModel &m = models[i];
            mip::MipModel model = m.base;
            model.setBounds(m.x[c], 1.0, 1.0);
            model.setBounds(m.y[c], 0.0, 0.0);
            mip::SolveOptions o = ctx.solveOptions();
            o.stopAtOrBelow = best / scale * (1 + 1e-9) - m.cost.constant;
            const mip::SolveOutcome out = mip::solve(model, o);
            ++solved;
            if (out.status == mip::SolveOutcome::Status::Infeasible)
                continue; // no block holding c fits this device
            if (out.status != mip::SolveOutcome::Status::Optimal && !out.stoppedEarly)
                a.complete = false;
            // No bound and no solution in the last half second (the solver keeps
            // up to that much in reserve for an LP): it had no time for even the
            // LP, and neither will any later anchor.
            if (out.status == mip::SolveOutcome::Status::Limit && !std::isfinite(out.bound) && out.solution.empty()
                && ctx.remaining() <= 0.5) {
                outOfTime = true;
                break;
            }
            lower = std::min(lower, std::max(0.0, (out.bound + m.cost.constant) * scale));
            if (!out.solution.empty()) {
                const double found = foundBlock(m, out, scale, members);
                for (int32_t d : members)
                    if (found < known[d]) {
                        known[d] = found;
                        queue.emplace(found, d);
                    }
            }
        }
        if (outOfTime)
            break;
        if (std::isinf(lower)) { // every device refused every block holding c
            a.result.infeasible = true;
            a.result.reason = "no stage holding node '" + g.id(nodeId(cls.members[c][0])) + "' fits the memory limit";
            a.complete = true;
            return a;
        }
        a.anchors.emplace_back(lower, c);
        best = std::max(best, lower);
        ctx.report(ctx.upper, std::max(best, ctx.known), "anchor " + std::to_string(solved));
    }
    std::sort(a.anchors.rbegin(), a.anchors.rend());
    a.result.lowerBound = best;
    return a;
}

} // namespace pipecut::bounds
