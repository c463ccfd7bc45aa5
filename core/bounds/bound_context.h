#pragma once
// What every bound method receives: the instance, its classes (group closure),
// the time limit, the stop token, the progress callback and the strongest
// bound already proven (methods skip work that cannot beat it).

#include "core/bounds/block_model.h"
#include "core/bounds/bound.h"
#include "core/util/progress.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pipecut::bounds {

struct BoundContext {
    const Graph &graph;
    const CostParams &params;
    int k;
    const NodeClasses &classes;
    Deadline clock = Deadline(); // started with the run: elapsed time for progress reports
    double limit = 0; // seconds since the clock started at which to stop; <= 0: none
    StopToken stop;
    ProgressFn progress;
    double known = 0.0;                   // best proven bound so far (graph units)
    double upper = mip::MipModel::kInf;   // best known partition's bottleneck
    const Partition *incumbent = nullptr; // that partition, when known

    double remaining() const
    {
        return limit > 0 ? limit - clock.elapsed() : std::numeric_limits<double>::infinity();
    }
    bool stopped() const { return stop.stopRequested() || remaining() <= 0; }
    // CBC's time limit for the next solve (0 = none).
    double solveSeconds() const
    {
        const double r = remaining();
        return std::isinf(r) ? 0.0 : std::max(0.01, r);
    }
    // The same context limited to `seconds` more (never beyond its own limit).
    BoundContext withBudget(double seconds) const
    {
        BoundContext c = *this;
        const double until = clock.elapsed() + seconds;
        c.limit = limit > 0 ? std::min(limit, until) : until;
        return c;
    }
    void report(double incumbent, double bound, const std::string &stage) const
    {
        if (!progress)
            return;
        Progress p;
        p.incumbent = incumbent;
        p.bound = bound;
        p.seconds = clock.elapsed();
        p.stage = stage;
        progress(p);
    }
};

// Relative tolerance under which a bound and an incumbent count as equal.
inline constexpr double kOptimalityTolerance = 1e-6;

} // namespace pipecut::bounds
