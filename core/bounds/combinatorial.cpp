#include "core/bounds/combinatorial.h"

#include <algorithm>

namespace pipecut::bounds {

BoundResult combinatorialBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "combinatorial";
    const CostParams &p = ctx.params;
    const NodeClasses &cls = ctx.classes;
    auto overflowOf = [&](double param, int stages) {
        return p.overflow ? std::max(0.0, param - stages * p.fastMemory) / p.slowBandwidth : 0.0;
    };
    double heaviest = 0;
    for (int32_t c = 0; c < cls.count; ++c)
        heaviest = std::max(heaviest, cls.work[c] + overflowOf(cls.param[c], 1));
    const double average = (ctx.graph.totalWork() + overflowOf(ctx.graph.totalParam(), ctx.k)) / ctx.k;
    r.lowerBound = std::max(average, heaviest);
    return r;
}

} // namespace pipecut::bounds
