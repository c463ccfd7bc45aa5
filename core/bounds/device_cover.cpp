#include "core/bounds/device_cover.h"

#include "core/bounds/cover.h"

#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>

namespace pipecut::bounds {

namespace {

constexpr int32_t kMaxClasses = 5000; // as cover.cpp
constexpr double kProofTolerance = 1e-6;
constexpr double kCutoffMargin = 3e-6;
constexpr double kArtificialCost = 4.0; // > 1: a master using artificials proves nothing by its value

// One device class: its relaxed homogeneous instance and its pricing.
struct PricedClass {
    int count = 0;
    // On the heap: the solver keeps references to them across moves.
    std::unique_ptr<Graph> graph;
    std::unique_ptr<CostParams> params;
    std::unique_ptr<NodeClasses> classes;
    std::unique_ptr<CoverSolver> solver;
    std::vector<std::vector<int32_t>> pending; // blocks not yet in the master

    BoundContext context(const BoundContext &c) const { return c.on(*graph, *params, *classes); }
};

class DeviceCover {
public:
    explicit DeviceCover(std::vector<PricedClass> classes, int32_t count)
        : m_classes(std::move(classes))
        , m_count(count)
    {
    }

    // Whether the probe proves that no partition has bottleneck <= threshold.
    bool proves(double threshold, const BoundContext &ctx)
    {
        const int32_t n = m_count;
        const int D = static_cast<int>(m_classes.size());
        std::unique_lock lock(mip::coinMutex());
        ClpSimplex lp;
        lp.setLogLevel(0);
        lp.messageHandler()->setLogLevel(0);
        loadMaster(lp);
        for (int d = 0; d < D; ++d) {
            m_classes[d].pending = m_classes[d].solver->admissibleBlocks(threshold);
            addColumns(lp, d);
        }
        lock.unlock();
        std::vector<double> pi(n), scaled(n), mu(D);
        for (int round = 0; !ctx.stopped(); ++round) {
            lock.lock();
            for (int d = 0; d < D; ++d)
                addColumns(lp, d);
            lp.primal();
            const bool optimal = lp.status() == 0;
            const double value = lp.objectiveValue();
            for (int32_t c = 0; c < n; ++c)
                pi[c] = std::max(0.0, lp.dualRowSolution()[c]);
            for (int d = 0; d < D; ++d)
                mu[d] = std::max(0.0, lp.dualRowSolution()[n + d]);
            lock.unlock();
            if (!optimal || value <= 1 + kProofTolerance)
                return false; // the restricted master is an upper bound on the LP: no proof here
            const double sumPi = std::accumulate(pi.begin(), pi.end(), 0.0);
            const double floor = 1e-6 * std::max(sumPi, 1e-12);
            bool added = false;
            for (int d = 0; d < D && !ctx.stopped(); ++d) {
                scale(pi, std::max(mu[d], floor), scaled);
                PricedClass &dc = m_classes[d];
                auto blocks = dc.solver->priceHeuristic(threshold, scaled, round, dc.context(ctx));
                added = added || !blocks.empty();
                std::move(blocks.begin(), blocks.end(), std::back_inserter(dc.pending));
            }
            if (added)
                continue;
            if (ctx.stopped())
                return false;
            // Exact pricing per class, each aiming at its share of sum(pi).
            double capacity = 0;
            for (int d = 0; d < D; ++d)
                capacity += m_classes[d].count * mu[d];
            if (!(capacity > 0))
                return false;
            double used = 0;
            for (int d = 0; d < D && !ctx.stopped(); ++d) {
                const double s = std::max(mu[d], floor);
                scale(pi, s, scaled);
                PricedClass &dc = m_classes[d];
                const double target = mu[d] * sumPi / (capacity * (1 + kCutoffMargin)) / s;
                std::vector<std::vector<int32_t>> found;
                const double delta = dc.solver->priceExact(threshold, scaled, target, dc.context(ctx), &found);
                added = added || !found.empty();
                std::move(found.begin(), found.end(), std::back_inserter(dc.pending));
                used += dc.count * std::max(0.0, s * delta); // infinity when unproven
            }
            if (!ctx.stopped() && used * (1 + kProofTolerance) < sumPi)
                return true;
            if (!added)
                return false;
        }
        return false;
    }

private:
    static void scale(const std::vector<double> &pi, double by, std::vector<double> &out)
    {
        for (size_t c = 0; c < pi.size(); ++c)
            out[c] = pi[c] / by;
    }

    // Rows: cover (>= 1) per class, capacity (m_d t - sum y_d >= 0) per device
    // class; columns: t, then one artificial per cover row.
    void loadMaster(ClpSimplex &lp) const
    {
        const int32_t n = m_count;
        const int D = static_cast<int>(m_classes.size());
        std::vector<CoinBigIndex> starts { 0 };
        std::vector<int> rows;
        std::vector<double> elements;
        for (int d = 0; d < D; ++d) {
            rows.push_back(n + d);
            elements.push_back(m_classes[d].count);
        }
        starts.push_back(static_cast<CoinBigIndex>(rows.size()));
        for (int32_t c = 0; c < n; ++c) {
            rows.push_back(c);
            elements.push_back(1.0);
            starts.push_back(static_cast<CoinBigIndex>(rows.size()));
        }
        const int columns = n + 1;
        std::vector<double> lower(columns, 0.0), upper(columns, COIN_DBL_MAX), cost(columns, kArtificialCost);
        cost[0] = 1.0;
        std::vector<double> rowLower(n + D, 0.0), rowUpper(n + D, COIN_DBL_MAX);
        std::fill(rowLower.begin(), rowLower.begin() + n, 1.0);
        CoinPackedMatrix matrix(true, n + D, columns, static_cast<CoinBigIndex>(rows.size()), elements.data(),
            rows.data(), starts.data(), nullptr);
        lp.loadProblem(matrix, lower.data(), upper.data(), cost.data(), rowLower.data(), rowUpper.data());
    }

    // The pending blocks of device class d as columns y_{S,d} (one batch).
    void addColumns(ClpSimplex &lp, int d)
    {
        auto &pending = m_classes[d].pending;
        if (pending.empty())
            return;
        std::vector<CoinBigIndex> starts { 0 };
        std::vector<int> rows;
        std::vector<double> elements;
        for (const auto &block : pending) {
            for (int32_t c : block) {
                rows.push_back(c);
                elements.push_back(1.0);
            }
            rows.push_back(m_count + d);
            elements.push_back(-1.0);
            starts.push_back(static_cast<CoinBigIndex>(rows.size()));
        }
        const int count = static_cast<int>(pending.size());
        const std::vector<double> lower(count, 0.0), upper(count, COIN_DBL_MAX), cost(count, 0.0);
        lp.addColumns(count, lower.data(), upper.data(), cost.data(), starts.data(), rows.data(), elements.data());
        pending.clear();
    }

    std::vector<PricedClass> m_classes;
    int32_t m_count;
};

} // namespace

int deviceClassCount(const CostParams &params)
{
    return static_cast<int>(deviceClassesOf(params).size());
}

BoundResult deviceCoverBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "cover";
    const auto groups = ctx.cluster ? ctx.cluster->deviceClasses : deviceClassesOf(ctx.params);
    if (groups.size() < 2 || ctx.classes.count > kMaxClasses || ctx.classes.count == 0)
        return r;
    if (!std::isfinite(ctx.upper) || !(ctx.upper > ctx.known))
        return r;
    std::vector<PricedClass> classes;
    for (const DeviceClass &group : groups) {
        const StageDevice &device = group.device;
        PricedClass dc;
        dc.count = group.count;
        dc.graph = std::make_unique<Graph>(ctx.graph.withWorkDividedBy(device.speed));
        dc.params = std::make_unique<CostParams>(ctx.params);
        dc.params->devices.clear();
        dc.params->bandwidth = std::max(device.bandwidthIn, device.bandwidthOut);
        dc.params->memoryLimit = device.memoryLimit;
        dc.classes = std::make_unique<NodeClasses>(buildClasses(*dc.graph));
        // The duals are shared: every instance must have the same classes.
        if (dc.classes->count != ctx.classes.count || dc.classes->classOf != ctx.classes.classOf)
            return r;
        if (ctx.stopped())
            return r;
        dc.solver = std::make_unique<CoverSolver>(dc.context(ctx));
        classes.push_back(std::move(dc));
    }
    DeviceCover cover(std::move(classes), ctx.classes.count);
    return bisectThresholds(ctx, "cover", [&](double t, const BoundContext &c) { return cover.proves(t, c); });
}

} // namespace pipecut::bounds
