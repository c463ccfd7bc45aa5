#pragma once
// What every bound method receives: the instance, its classes (group closure),
// the time limit, the stop token, the progress callback, the strongest
// bound already proven (methods skip work that cannot beat it) and, with a
// cluster, its view (cluster_view.h).

#include "core/bounds/bound.h"
#include "core/bounds/cluster_view.h"
#include "core/mip/block_model.h"
#include "core/mip/exact_mip.h"
#include "core/util/progress.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pipecut::bounds {

// The block model of core/mip, used by every bound method.
using mip::addGreaterEqual;
using mip::addLessEqual;
using mip::bisectionLevels;
using mip::BlockBuilder;
using mip::blockTotals;
using mip::BlockTotals;
using mip::buildClasses;
using mip::kMaxBisectionLevel;
using mip::kOne;
using mip::kZero;
using mip::Lin;
using mip::memoryInfeasibility;
using mip::NodeClasses;
using mip::singletonCosts;
using mip::valueOf;

struct BoundContext {
    const Graph &graph;
    const CostParams &params;
    int k;
    const NodeClasses &classes;
    Deadline clock = Deadline(); // started with the run: elapsed time for progress reports
    double limit = 0; // seconds since the clock started at which to stop; <= 0: none
    StopToken stop; // the caller's
    StopToken cancel; // internal: e.g. ideal-dp proved the optimum first
    ProgressFn progress;
    double known = 0.0; // best proven bound so far (graph units)
    double upper = mip::MipModel::kInf; // best known partition's bottleneck
    const Partition *incumbent = nullptr; // that partition, when known
    const ClusterView *cluster = nullptr; // the run's cluster, when it has devices

    double remaining() const { return limit > 0 ? limit - clock.elapsed() : std::numeric_limits<double>::infinity(); }
    bool stopped() const { return stop.stopRequested() || cancel.stopRequested() || remaining() <= 0; }
    // Time limit and stop requests for the next CBC solve.
    mip::SolveOptions solveOptions() const
    {
        mip::SolveOptions o;
        const double r = remaining();
        o.seconds = std::isinf(r) ? 0.0 : std::max(0.01, r);
        o.stop = stop;
        o.cancel = cancel;
        return o;
    }
    // The same context limited to `seconds` more (never beyond its own limit).
    BoundContext withBudget(double seconds) const
    {
        BoundContext c = *this;
        const double until = clock.elapsed() + seconds;
        c.limit = limit > 0 ? std::min(limit, until) : until;
        return c;
    }
    // Another instance (a relaxation, a device class's) with this run's clock,
    // limit, stop tokens, progress, proven bound and incumbent.
    BoundContext on(const Graph &g, const CostParams &p, const NodeClasses &c) const
    {
        BoundContext r { g, p, k, c };
        r.clock = clock;
        r.limit = limit;
        r.stop = stop;
        r.cancel = cancel;
        r.progress = progress;
        r.known = known;
        r.upper = upper;
        r.incumbent = incumbent;
        r.cluster = cluster;
        return r;
    }
    // Two or more classes of devices (the device-aware bounds apply).
    bool mixedCluster() const { return cluster && cluster->mixed(); }
    // A mixed cluster with one work per node, on its own devices: anchor and
    // bottleneck take their device-aware forms (docs/model.md §4.12).
    bool deviceAware() const { return mixedCluster() && params.hasDevices() && !params.hasDeviceWork(); }
    // A cluster's instance not yet replaced by its relaxation.
    bool unrelaxed() const { return cluster && &graph != &cluster->relaxedGraph; }
    // With a cluster, the relaxation of docs/model.md §4.12 (every device as
    // fast as the fastest, the envelope's links and memory), else this instance.
    BoundContext relaxed() const
    {
        if (!unrelaxed())
            return *this;
        return on(cluster->relaxedGraph, cluster->relaxedParams, cluster->relaxedClasses);
    }
    void report(double incumbent, double bound, const std::string &stage) const
    {
        reportProgress(progress, incumbent, bound, clock.elapsed(), stage);
    }
};

using mip::kOptimalityTolerance;

} // namespace pipecut::bounds
