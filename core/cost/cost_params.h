#pragma once
// Cost parameters of docs/model.md §1.1 and §1.6: the link bandwidth B, the optional hard per-stage
// memory limit M on parameters, and the optional parameter-overflow term
// max(0, param(S) - F) / B_s (off by default).

#include "core/util/result.h"

#include <algorithm>
#include <optional>

namespace pipecut {

class Graph;

struct CostParams {
    double bandwidth = 1.0;
    std::optional<double> memoryLimit;
    bool overflow = false;
    double fastMemory = 0.0; // F
    double slowBandwidth = 1.0; // B_s

    static CostParams fromGraph(const Graph &graph);
    Status validate() const;

    // f(S) from the stage's totals.
    double stageCost(double work, double commIn, double commOut, double param) const
    {
        double c = work + (commIn + commOut) / bandwidth;
        if (overflow)
            c += std::max(0.0, param - fastMemory) / slowBandwidth;
        return c;
    }
    bool fitsMemory(double param) const { return !memoryLimit || param <= *memoryLimit * (1 + 1e-12); }

    bool operator==(const CostParams &) const = default;
};

} // namespace pipecut
