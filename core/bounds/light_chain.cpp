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

// μ_L of light_chain.h: at most L stages of a partition with bottleneck <= t hold less work.
double lightWork(double total, int k, int light, double t)
{
    return (total - (k - 1 - light) * t) / (light + 1);
}

// κ_i per interval for one set of counted tensors, with the search budget
// each interval has had and whether a larger one may still raise it.
struct IntervalCuts {
    std::vector<double> kappa;
    std::vector<int64_t> visits;
    std::vector<uint8_t> open;
};

// Per set of counted tensors met so far, keyed by its size: the sets are
// those with F(u) below a threshold, so the size names one.
struct KappaCache {
    LightChainSearch budget;
    std::map<size_t, IntervalCuts> sets;
};

double intervalLow(double total, int i)
{
    return i * (total / kIntervals);
}
double intervalHigh(double total, int i)
{
    return i + 1 == kIntervals ? total : (i + 1) * (total / kIntervals);
}

// Searches the intervals `which` again, each with its own budget (on every
// core); each reads `cut` only. False when stopped (the values kept are valid).
bool searchIntervals(const BoundaryCut &cut, const BoundContext &ctx, const std::vector<double> &weight,
    IntervalCuts &cuts, const std::vector<int> &which)
{
    const double total = cut.totalWork();
    int64_t budget = 0; // small batches run here: starting threads would cost more
    for (int i : which)
        budget += cuts.visits[size_t(i)];
    const int threads
        = budget < 200'000 ? 1 : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    auto work = [&](size_t first) {
        for (size_t x = first; x < which.size() && !ctx.stopped(); x += size_t(threads)) {
            const auto i = size_t(which[x]);
            bool open = false;
            const double value = cut.intervalCut(
                intervalLow(total, int(i)), intervalHigh(total, int(i)), weight, cuts.visits[i], &open);
            cuts.kappa[i] = std::max(cuts.kappa[i], value);
            cuts.open[i] = open ? 1 : 0;
        }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t)
        workers.emplace_back(work, size_t(t));
    work(0);
    for (std::thread &w : workers)
        w.join();
    return !ctx.stopped();
}

// κ_i of every interval for `weight`; null when stopped.
IntervalCuts *intervalCuts(
    const BoundaryCut &cut, const BoundContext &ctx, const std::vector<double> &weight, KappaCache &cache)
{
    const auto counted = static_cast<size_t>(std::count(weight.begin(), weight.end(), 1.0));
    auto found = cache.sets.find(counted);
    if (found != cache.sets.end())
        return &found->second;
    IntervalCuts cuts { std::vector<double>(kIntervals, 0.0),
        std::vector<int64_t>(kIntervals, cache.budget.firstVisits), std::vector<uint8_t>(kIntervals, 0) };
    std::vector<int> all(kIntervals);
    for (int i = 0; i < kIntervals; ++i)
        all[size_t(i)] = i;
    if (!searchIntervals(cut, ctx, weight, cuts, all))
        return nullptr;
    return &cache.sets.emplace(counted, std::move(cuts)).first->second;
}

// The chain of light_chain.h over the κ_i: the intervals of boundaries 1 .. k - 1
// of a sequence that fits under t, or empty when none does (t refuted).
std::vector<int> feasibleChain(const std::vector<double> &kappa, double total, int k, double t, int light, double mu)
{
    const double delta = total / kIntervals, eps = kSlack * std::max(total, t);
    const double lightStep = mu * (1 + kSlack) + eps;
    // g[j][l] = G_{j,l} (best w_j - κ before a heavy stage), h[j][l] = H_{j,l}
    // (best w_j before a light one), and the intervals attaining them.
    std::vector<std::vector<double>> g(k, std::vector<double>(light + 1, -kInfinity)), h = g;
    std::vector<std::vector<int>> argG(k, std::vector<int>(light + 1, -1)), argH = argG;
    g[0][0] = h[0][0] = 0.0; // boundary 0: the empty ideal
    // w reached at boundary j in interval i with l light stages, and whether by a light stage.
    auto reach = [&](int j, int i, int l, bool *byLight) {
        const double kap = kappa[size_t(i)];
        const double a = i * delta, b = i + 1 == kIntervals ? total : (i + 1) * delta;
        const double cap = std::min(b, j * t) + eps, floor = std::max(a, total - (k - j) * t);
        double w = std::min(cap, g[j - 1][l] + t - kap + eps); // after a heavy stage j
        const double viaLight = l > 0 ? std::min(cap, h[j - 1][l - 1] + lightStep) : -kInfinity;
        *byLight = viaLight > w;
        w = std::max(w, viaLight);
        return w >= floor ? w : -kInfinity;
    };
    for (int j = 1; j < k; ++j)
        for (int i = 0; i < kIntervals; ++i) {
            if (!std::isfinite(kappa[size_t(i)]))
                continue;
            for (int l = 0; l <= light; ++l) {
                bool byLight = false;
                const double w = reach(j, i, l, &byLight);
                if (w == -kInfinity)
                    continue;
                if (w - kappa[size_t(i)] > g[j][l]) {
                    g[j][l] = w - kappa[size_t(i)];
                    argG[j][l] = i;
                }
                if (w > h[j][l]) {
                    h[j][l] = w;
                    argH[j][l] = i;
                }
            }
        }
    // The last stage, then back through the transitions that reached each boundary.
    int i = -1, l = 0;
    for (int x = 0; x <= light && i < 0; ++x) {
        if (argG[k - 1][x] >= 0 && g[k - 1][x] + eps >= total - t)
            i = argG[k - 1][x], l = x; // a heavy last stage fits
        else if (x < light && argH[k - 1][x] >= 0 && h[k - 1][x] + lightStep >= total)
            i = argH[k - 1][x], l = x; // a light last stage fits
    }
    if (i < 0)
        return {};
    std::vector<int> chain(size_t(k - 1));
    for (int j = k - 1; j >= 1; --j) {
        chain[size_t(j - 1)] = i;
        bool byLight = false;
        reach(j, i, l, &byLight);
        if (byLight)
            --l;
        i = j > 1 ? (byLight ? argH[j - 1][l] : argG[j - 1][l]) : -1;
    }
    return chain;
}

// True when no chain with at most `light` light stages fits under t; false also when stopped.
// A chain found through intervals whose search ran out of visits has those
// searched again with ten times the budget (up to cache.budget.maxVisits), until t is
// refuted, the chain's intervals are all settled, or ctx stops.
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
    IntervalCuts *cuts = intervalCuts(cut, ctx, weight, cache);
    while (cuts && !ctx.stopped()) {
        const std::vector<int> chain = feasibleChain(cuts->kappa, total, k, t, light, mu);
        if (chain.empty())
            return true;
        std::vector<int> again;
        for (int i : chain)
            if (cuts->open[size_t(i)] && cuts->visits[size_t(i)] < cache.budget.maxVisits
                && std::find(again.begin(), again.end(), i) == again.end()) {
                cuts->visits[size_t(i)] *= 10;
                again.push_back(i);
            }
        if (again.empty() || !searchIntervals(cut, ctx, weight, *cuts, again))
            return false;
    }
    return false;
}

bool refutes(const BoundaryCut &cut, const BoundContext &ctx, double t, KappaCache &cache)
{
    for (int light = 0; light <= std::min(kMaxLight, ctx.k - 1); ++light)
        if (refutesWith(cut, ctx, t, light, cache))
            return true;
    return false;
}

} // namespace

double lightChainBound(const BoundaryCut &cut, const BoundContext &ctx, double proven, LightChainSearch budget)
{
    if (ctx.k <= 1 || ctx.stopped() || ctx.classes.count > kMaxClasses)
        return proven;
    KappaCache cache { budget, {} };
    return largestRefuted(
        ctx, proven, std::min(ctx.upper, cut.totalWork()), [&](double t) { return refutes(cut, ctx, t, cache); });
}

} // namespace pipecut::bounds
