#include "core/bounds/device_chain.h"

#include "core/bounds/boundary_cut.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace pipecut::bounds {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kSlack = 1e-9; // every comparison errs on the permissive (valid) side
// Equal work intervals: finer on smaller graphs (a table entry is a maximum
// flow over the classes).
int intervalCount(int32_t classes)
{
    return classes <= 1000 ? 1024 : classes <= 4000 ? 512 : 256;
}
constexpr int kLevels = 12; // levels of g: quantiles of the tensors' free work
constexpr double kPrecision = 1e-5; // relative width where the bisection stops
constexpr int32_t kMaxClasses = 50'000;

class DeviceChain {
public:
    DeviceChain(const BoundaryCut &cut, const std::vector<double> &speeds, const BoundContext &ctx)
        : m_intervals(intervalCount(ctx.classes.count))
        , m_total(cut.totalWork())
        , m_speeds(speeds)
    {
        m_width = m_total / m_intervals;
        // Levels: 0 (no tensor counted, but an interval without ideals stays
        // closed), then quantiles of the tensors' free work.
        const std::vector<double> freeWork = cut.freeWork();
        std::vector<double> sorted = freeWork;
        std::sort(sorted.begin(), sorted.end());
        m_levels.push_back(0.0);
        for (int l = 1; l < kLevels && !sorted.empty(); ++l) {
            const double q = sorted[std::min(sorted.size() - 1, sorted.size() * size_t(l) / size_t(kLevels - 1))];
            // Just above q, so that the tensors with free(u) = q count.
            if (const double level = q * (1 + 4 * kSlack) + kSlack * m_total; level > m_levels.back())
                m_levels.push_back(level);
        }
        m_levels.push_back(kInfinity); // every tensor (next to the empty ideal or the whole graph)
        m_kappa.assign(size_t(m_intervals) * m_levels.size(), 0.0);
        std::vector<double> weight(freeWork.size());
        for (size_t l = 0; l < m_levels.size(); ++l) {
            // Counted at level l: free(u) < level, with slack towards counting fewer.
            for (size_t t = 0; t < freeWork.size(); ++t)
                weight[t] = freeWork[t] * (1 + kSlack) < m_levels[l] ? 1.0 : 0.0;
            for (int i = 0; i < m_intervals; ++i) {
                if (ctx.stopped())
                    return;
                m_kappa[index(i, l)] = cut.intervalCut(low(i), high(i), weight);
            }
        }
        m_ready = true;
    }

    bool ready() const { return m_ready; }

    // True when no partition has bottleneck <= t (device_chain.h).
    bool refutes(double t) const
    {
        const int k = static_cast<int>(m_speeds.size());
        double totalSpeed = 0;
        for (double s : m_speeds)
            totalSpeed += s;
        const double eps = kSlack * std::max(m_total, t);
        // States of a boundary I_j: 0 the empty ideal (w = 0, no tensor
        // crosses it), 1..N an ideal with work in interval i - 1, N + 1 the
        // whole graph (w = W, none crosses it either). best[s]: the largest
        // feasible w_j there, -inf when none.
        const int states = m_intervals + 2, end = m_intervals + 1;
        std::vector<double> best(states, -kInfinity), next(states);
        best[0] = 0.0;
        double before = 0; // r_1 + ... + r_j
        for (int j = 1; j <= k; ++j) {
            const double r = m_speeds[size_t(j - 1)];
            before += r;
            const double winHi = before * t + eps, winLo = m_total - (totalSpeed - before) * t - eps;
            std::fill(next.begin(), next.end(), -kInfinity);
            for (int to = 0; to < states; ++to) {
                const double a = to == 0 ? 0.0 : to == end ? m_total : low(to - 1);
                const double b = to == 0 ? 0.0 : to == end ? m_total : high(to - 1);
                for (int from = 0; from <= to; ++from) {
                    const double w = best[size_t(from)];
                    if (w == -kInfinity)
                        continue;
                    const double charge = stageCharge(from, to, a, eps);
                    if (!(charge <= t + eps))
                        continue;
                    const double cap = std::min({ b, winHi, w + r * (t - charge) + eps });
                    if (cap >= std::max(a, winLo))
                        next[size_t(to)] = std::max(next[size_t(to)], cap);
                }
            }
            best.swap(next);
            if (std::all_of(best.begin(), best.end(), [](double v) { return v == -kInfinity; }))
                return true;
        }
        return best[size_t(end)] == -kInfinity;
    }

    double total() const { return m_total; }

private:
    double low(int i) const { return i * m_width; }
    double high(int i) const { return i + 1 == m_intervals ? m_total : (i + 1) * m_width; }
    size_t index(int i, size_t level) const { return size_t(i) * m_levels.size() + level; }
    // κ_i(g) rounded down to a level.
    double kappa(int i, double g) const
    {
        size_t l = 0;
        while (l + 2 < m_levels.size() && m_levels[l + 1] <= g)
            ++l;
        return m_kappa[index(i, l)];
    }
    // What a stage between boundary states `from` and `to` (refutes())
    // certainly sends and receives; `a` is the low end of `to`'s work.
    // Next to the empty ideal or the whole graph no tensor passes over the
    // stage, so every tensor crossing the other boundary counts.
    double stageCharge(int from, int to, double a, double eps) const
    {
        const int end = m_intervals + 1;
        const size_t all = m_levels.size() - 1;
        if (from == to && (from == 0 || from == end))
            return 0.0; // an empty stage before the first or after the last
        if (from == 0)
            return to == end ? 0.0 : m_kappa[index(to - 1, all)];
        if (to == end)
            return m_kappa[index(from - 1, all)];
        const double g = a - high(from - 1) - eps; // at most the stage's work
        return kappa(from - 1, g) + kappa(to - 1, g);
    }

    int m_intervals = 256;
    double m_total = 0, m_width = 0;
    std::vector<double> m_speeds; // r_j per stage
    std::vector<double> m_levels;
    std::vector<double> m_kappa; // per interval and level
    bool m_ready = false;
};

} // namespace

BoundResult deviceChainBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "boundary";
    if (!ctx.cluster || !ctx.params.hasDevices() || ctx.params.hasDeviceWork()
        || static_cast<int>(ctx.params.devices.size()) != ctx.k || ctx.k <= 1)
        return r;
    const BoundContext relaxed = ctx.relaxed();
    if (relaxed.classes.count > kMaxClasses || ctx.stopped())
        return r;
    std::vector<double> speeds;
    const double fastest = ctx.params.maxSpeed();
    for (int j = 0; j < ctx.k; ++j)
        speeds.push_back(ctx.params.speedOf(j) / fastest);
    const BoundaryCut cut(relaxed);
    if (ctx.stopped() || !(cut.totalWork() > 0))
        return r;
    const DeviceChain chain(cut, speeds, ctx);
    if (!chain.ready())
        return r;
    // The bisection runs on the relaxation's units (work / s_max): costs are the same.
    double lo = ctx.known, hi = ctx.upper;
    if (!std::isfinite(hi)) {
        hi = std::max(lo, chain.total() * 1e-9);
        for (int i = 0; i < 64 && chain.refutes(hi) && !ctx.stopped(); ++i)
            hi *= 2;
    }
    double proven = 0;
    const double first = lo + kPrecision * hi;
    if (!(first < hi) || !chain.refutes(first))
        return r;
    lo = proven = first;
    while (!ctx.stopped() && hi - lo > kPrecision * hi) {
        const double mid = 0.5 * (lo + hi);
        if (chain.refutes(mid)) {
            lo = proven = mid;
            ctx.report(ctx.upper, proven, "boundary (devices)");
        } else {
            hi = mid;
        }
    }
    r.lowerBound = proven;
    return r;
}

} // namespace pipecut::bounds
