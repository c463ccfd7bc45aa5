#include "core/bounds/chain_cut.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kSlack = 1e-9; // every comparison errs on the permissive (valid) side
constexpr int kIntervals = 2048;
constexpr double kPrecision = 1e-5; // relative width where the bisection stops
constexpr int32_t kMaxClasses = 50'000;

// True when no partition has bottleneck <= t (chain_cut.h); false also when stopped.
bool refutes(const BoundaryCut &cut, const BoundContext &ctx, double t)
{
    const int k = ctx.k;
    const double total = cut.totalWork();
    if (total <= 0)
        return false;
    const std::vector<double> weight = cut.singleCrossingWeights(t);
    const double delta = total / kIntervals, eps = kSlack * std::max(total, t);
    std::vector<double> kappa(kIntervals);
    for (int i = 0; i < kIntervals; ++i) {
        if (ctx.stopped())
            return false;
        kappa[size_t(i)] = cut.intervalCut(i * delta, i + 1 == kIntervals ? total : (i + 1) * delta, weight);
    }
    double g = 0.0; // G_0
    for (int j = 1; j < k; ++j) {
        const double winLo = total - (k - j) * t, winHi = j * t;
        double next = -kInfinity;
        for (int i = 0; i < kIntervals; ++i) {
            const double kap = kappa[size_t(i)];
            if (!std::isfinite(kap))
                continue;
            const double a = i * delta, b = i + 1 == kIntervals ? total : (i + 1) * delta;
            const double w = std::min({ b, winHi, g + t - kap }) + eps;
            if (w >= std::max(a, winLo))
                next = std::max(next, w - kap);
        }
        if (next == -kInfinity)
            return true;
        g = next;
    }
    return g + eps < total - t;
}

} // namespace

double chainCutBound(const BoundaryCut &cut, const BoundContext &ctx, double proven)
{
    // A probe is kIntervals passes over all classes: kept to graphs where that is cheap.
    if (ctx.k <= 1 || ctx.stopped() || ctx.classes.count > kMaxClasses)
        return proven;
    return largestRefuted(
        ctx, proven, std::min(ctx.upper, cut.totalWork()), [&](double t) { return refutes(cut, ctx, t); });
}

double largestRefuted(const BoundContext &ctx, double proven, double hi, const std::function<bool(double)> &refutes)
{
    double lo = proven;
    if (!(hi > lo))
        return proven;
    // Refuting just above `proven` first: a failure there ends it in one probe.
    const double first = lo + kPrecision * hi;
    if (first >= hi || !refutes(first))
        return proven;
    lo = proven = first;
    ctx.report(ctx.upper, proven, "boundary");
    while (!ctx.stopped() && hi - lo > kPrecision * hi) {
        const double mid = 0.5 * (lo + hi);
        if (refutes(mid)) {
            lo = proven = mid;
            ctx.report(ctx.upper, proven, "boundary");
        } else if (!ctx.stopped()) {
            hi = mid;
        }
    }
    return proven;
}

} // namespace pipecut::bounds
