#include "core/bounds/light_chain.h"

#include "core/bounds/chain_cut.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <thread>
#include <vector>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kSlack = 1e-9; // every comparison errs on the permissive (valid) side
constexpr int kIntervals = 8192;
constexpr int kMaxLight = 2;
constexpr int32_t kMaxClasses = 50'000;
constexpr int64_t kSearchVisits = 5'000; // per interval (ideal_cut_search.h)

// μ_L of light_chain.h: at most L stages of a partition with bottleneck <= t hold less work.
double lightWork(double total, int k, int light, double t)
{
    return (total - (k - 1 - light) * t) / (light + 1);
}

// κ_i per interval for each set of counted tensors met so far, keyed by its
// size: the sets are those with F(u) below a threshold, so the size names one.
using KappaCache = std::map<size_t, std::vector<double>>;

// κ_i of every interval for `weight`; empty when stopped.
const std::vector<double> &intervalCuts(
    const BoundaryCut &cut, const BoundContext &ctx, const std::vector<double> &weight, KappaCache &cache)
{
    const auto counted = static_cast<size_t>(std::count(weight.begin(), weight.end(), 1.0));
    auto found = cache.find(counted);
    if (found != cache.end())
        return found->second;
    const double total = cut.totalWork(), delta = total / kIntervals;
    std::vector<double> kappa(kIntervals);
    // Intervals dealt round robin to the cores; each cut reads `cut` only.
    const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    auto work = [&](int first) {
        for (int i = first; i < kIntervals && !ctx.stopped(); i += threads)
            kappa[size_t(i)]
                = cut.intervalCut(i * delta, i + 1 == kIntervals ? total : (i + 1) * delta, weight, kSearchVisits);
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t)
        workers.emplace_back(work, t);
    work(0);
    for (std::thread &w : workers)
        w.join();
    if (ctx.stopped()) {
        static const std::vector<double> none;
        return none;
    }
    return cache.emplace(counted, std::move(kappa)).first->second;
}

// True when no chain with at most `light` light stages fits under t; false also when stopped.
bool refutesWith(const BoundaryCut &cut, const BoundContext &ctx, double t, int light, KappaCache &cache)
{
    const int k = ctx.k;
    const double total = cut.totalWork();
    const double mu = lightWork(total, k, light, t);
    if (total <= 0 || !(mu > 0))
        return false;
    // singleCrossingWeights counts the tensors with F(u) below W - (k - 1) t',
    // here μ (a little less by its rounding slack, which only drops tensors).
    const std::vector<double> weight = cut.singleCrossingWeights((total - mu) / (k - 1));
    const double delta = total / kIntervals, eps = kSlack * std::max(total, t);
    const std::vector<double> &kappa = intervalCuts(cut, ctx, weight, cache);
    if (kappa.empty())
        return false;
    // g[l] = G_{j,l} (best w_j - κ before a heavy stage), h[l] = H_{j,l} (best w_j before a light one).
    std::vector<double> g(light + 1, -kInfinity), h(light + 1, -kInfinity);
    g[0] = h[0] = 0.0; // boundary 0: the empty ideal
    const double lightStep = mu * (1 + kSlack) + eps;
    for (int j = 1; j < k; ++j) {
        const double winLo = total - (k - j) * t, winHi = j * t;
        std::vector<double> ng(light + 1, -kInfinity), nh(light + 1, -kInfinity);
        for (int i = 0; i < kIntervals; ++i) {
            const double kap = kappa[size_t(i)];
            if (!std::isfinite(kap))
                continue;
            const double a = i * delta, b = i + 1 == kIntervals ? total : (i + 1) * delta;
            const double cap = std::min(b, winHi) + eps, floor = std::max(a, winLo);
            for (int l = 0; l <= light; ++l) {
                double w = std::min(cap, g[l] + t - kap + eps); // after a heavy stage j
                if (l > 0)
                    w = std::max(w, std::min(cap, h[l - 1] + lightStep)); // after a light stage j
                if (w >= floor) {
                    ng[l] = std::max(ng[l], w - kap);
                    nh[l] = std::max(nh[l], w);
                }
            }
        }
        g = std::move(ng);
        h = std::move(nh);
    }
    for (int l = 0; l <= light; ++l) {
        if (g[l] + eps >= total - t) // a heavy last stage fits
            return false;
        if (l < light && h[l] + lightStep >= total) // a light last stage fits
            return false;
    }
    return true;
}

bool refutes(const BoundaryCut &cut, const BoundContext &ctx, double t, KappaCache &cache)
{
    for (int light = 0; light <= std::min(kMaxLight, ctx.k - 1); ++light)
        if (refutesWith(cut, ctx, t, light, cache))
            return true;
    return false;
}

} // namespace

double lightChainBound(const BoundaryCut &cut, const BoundContext &ctx, double proven)
{
    if (ctx.k <= 1 || ctx.stopped() || ctx.classes.count > kMaxClasses)
        return proven;
    KappaCache cache;
    return largestRefuted(
        ctx, proven, std::min(ctx.upper, cut.totalWork()), [&](double t) { return refutes(cut, ctx, t, cache); });
}

} // namespace pipecut::bounds
