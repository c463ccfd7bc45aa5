#include "core/bounds/combinatorial.h"

#include "core/cost/device_work.h"

#include <algorithm>

namespace pipecut::bounds {

BoundResult combinatorialBound(const BoundContext &ctx)
{
    if (ctx.params.hasDeviceWork()) { // on the least-work relaxation (core/cost/device_work.h)
        if (ctx.cluster && ctx.cluster->leastWork) // built once per run (cluster_view.h)
            return combinatorialBound(BoundContext {
                ctx.cluster->leastWork->first, ctx.cluster->leastWork->second, ctx.k, *ctx.cluster->leastClasses });
        const auto [graph, params] = leastWorkRelaxation(ctx.graph, ctx.params);
        const NodeClasses classes = buildClasses(graph);
        return combinatorialBound(BoundContext { graph, params, ctx.k, classes });
    }
    BoundResult r;
    r.provenBy = "combinatorial";
    const CostParams &p = ctx.params;
    const NodeClasses &cls = ctx.classes;
    auto overflowOf = [&](double param, int stages) {
        return p.overflow ? std::max(0.0, param - stages * p.fastMemory) / p.slowBandwidth : 0.0;
    };
    if (p.hasDevices()) { // docs/model.md §4.1, with a cluster
        double heaviest = 0;
        for (int32_t c = 0; c < cls.count; ++c) {
            double least = mip::MipModel::kInf; // the class on the fastest device whose memory holds it
            for (int j = 0; j < ctx.k; ++j)
                if (p.fitsMemory(j, cls.param[c]))
                    least = std::min(least, cls.work[c] / p.devices[j].speed);
            if (least < mip::MipModel::kInf)
                heaviest = std::max(heaviest, least + overflowOf(cls.param[c], 1));
        }
        double slowest = mip::MipModel::kInf;
        for (const StageDevice &d : p.devices)
            slowest = std::min(slowest, d.speed);
        const double average
            = (ctx.graph.totalWork() + slowest * overflowOf(ctx.graph.totalParam(), ctx.k)) / p.totalSpeed(ctx.k);
        r.lowerBound = std::max(average, heaviest);
        return r;
    }
    double heaviest = 0;
    for (int32_t c = 0; c < cls.count; ++c)
        heaviest = std::max(heaviest, cls.work[c] + overflowOf(cls.param[c], 1));
    const double average = (ctx.graph.totalWork() + overflowOf(ctx.graph.totalParam(), ctx.k)) / ctx.k;
    r.lowerBound = std::max(average, heaviest);
    return r;
}

} // namespace pipecut::bounds
