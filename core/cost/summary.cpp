#include "core/cost/summary.h"

#include <algorithm>

namespace pipecut {

Summary summarize(double bottleneck, int k, double lowerBound, double fillLatency)
{
    Summary s;
    s.bottleneck = bottleneck;
    s.lowerBound = lowerBound;
    s.gap = bottleneck > 0 ? std::max(0.0, (bottleneck - lowerBound) / bottleneck) : 0.0;
    s.throughput = bottleneck > 0 ? 1.0 / bottleneck : 0.0;
    s.latency = bottleneck * k;
    s.fillLatency = fillLatency;
    return s;
}

Summary summarize(const Evaluation &evaluation, int k, double lowerBound)
{
    return summarize(evaluation.bottleneck, k, lowerBound, evaluation.sumOfCosts());
}

Summary summarize(std::span<const StageCost> stages, double bottleneck, double lowerBound)
{
    double fill = 0;
    for (const StageCost &c : stages)
        fill += c.cost;
    return summarize(bottleneck, static_cast<int>(stages.size()), lowerBound, fill);
}

} // namespace pipecut
