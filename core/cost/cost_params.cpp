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
    for (size_t j = 0; j < devices.size(); ++j) {
        const StageDevice &d = devices[j];
        const std::string where = "device " + std::to_string(j + 1) + " ('" + d.name + "'): ";
        for (auto [name, v] : { std::pair { "speed", d.speed }, std::pair { "bandwidth_in", d.bandwidthIn },
                 std::pair { "bandwidth_out", d.bandwidthOut } })
            if (!positive(v))
                return makeError(
                    ErrorKind::Usage, where + name + " must be a positive finite number, not " + formatNumber(v));
        if (d.memoryLimit && !positive(*d.memoryLimit))
            return makeError(ErrorKind::Usage,
                where + "memory must be a positive finite number, not " + formatNumber(*d.memoryLimit));
    }
    return Ok {};
}

double CostParams::maxSpeed() const
{
    double s = devices.empty() ? 1.0 : 0.0;
    for (const StageDevice &d : devices)
        s = std::max(s, d.speed);
    return s;
}

double CostParams::totalSpeed(int k) const
{
    if (devices.empty())
        return k;
    double s = 0;
    for (const StageDevice &d : devices)
        s += d.speed;
    return s;
}

std::optional<double> CostParams::totalMemory(int k) const
{
    if (devices.empty())
        return memoryLimit ? std::optional<double>(*memoryLimit * k) : std::nullopt;
    double m = 0;
    for (const StageDevice &d : devices) {
        if (!d.memoryLimit)
            return std::nullopt;
        m += *d.memoryLimit;
    }
    return m;
}

CostParams CostParams::envelope() const
{
    CostParams e = *this;
    e.devices.clear();
    if (devices.empty())
        return e;
    e.bandwidth = 0;
    e.memoryLimit = 0.0;
    for (const StageDevice &d : devices) {
        e.bandwidth = std::max({ e.bandwidth, d.bandwidthIn, d.bandwidthOut });
        if (!d.memoryLimit || !e.memoryLimit)
            e.memoryLimit.reset();
        else
            e.memoryLimit = std::max(*e.memoryLimit, *d.memoryLimit);
    }
    return e;
}

} // namespace pipecut
