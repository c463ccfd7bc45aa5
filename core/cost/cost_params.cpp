#include "core/cost/cost_params.h"

#include "core/graph/graph.h"

#include <cmath>

namespace pipecut {

CostParams CostParams::fromGraph(const Graph &graph)
{
    CostParams p;
    p.bandwidth = graph.bandwidth();
    p.memoryLimit = graph.memoryLimit();
    return p;
}

Status CostParams::validate() const
{
    auto positive = [](double x) { return std::isfinite(x) && x > 0; };
    if (!positive(bandwidth))
        return makeError(
            ErrorKind::Usage, "bandwidth must be a positive finite number, not " + formatNumber(bandwidth));
    if (memoryLimit && (!std::isfinite(*memoryLimit) || *memoryLimit < 0))
        return makeError(
            ErrorKind::Usage, "memory limit must be a non-negative finite number, not " + formatNumber(*memoryLimit));
    if (overflow) {
        if (!std::isfinite(fastMemory) || fastMemory < 0)
            return makeError(
                ErrorKind::Usage, "fast memory must be a non-negative finite number, not " + formatNumber(fastMemory));
        if (!positive(slowBandwidth))
            return makeError(ErrorKind::Usage,
                "slow bandwidth must be a positive finite number, not " + formatNumber(slowBandwidth));
    }
    return Ok {};
}

} // namespace pipecut
