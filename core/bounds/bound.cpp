#include "core/bounds/bound.h"

#include "core/bounds/anchor.h"
#include "core/bounds/bottleneck.h"
#include "core/bounds/bound_cache.h"
#include "core/bounds/bound_context.h"
#include "core/bounds/boundary_cut.h"
#include "core/bounds/combinatorial.h"
#include "core/bounds/cover.h"
#include "core/bounds/device_chain.h"
#include "core/bounds/device_cover.h"
#include "core/bounds/device_guess.h"
#include "core/bounds/guess.h"
#include "core/bounds/mip_bound.h"
#include "core/cost/device_work.h"
#include "core/cost/evaluate.h"

#include "core/partition/ideal_dp.h"
#include "core/partition/partitioner.h"
#include "core/partition/relaxed_chain.h"
#include "core/util/limits.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

namespace pipecut {

const std::vector<std::string> &boundMethods()
{
    static const std::vector<std::string> methods { "best", "combinatorial", "anchor", "bottleneck", "guess", "mip",
        "ideal-dp", "cover", "boundary", "relaxed-chain" };
    return methods;
}

Status BoundOptions::validate() const
{
    const auto &m = boundMethods();
    if (k < 1)
        return makeError(ErrorKind::Usage, "k must be at least 1 (got " + std::to_string(k) + ")");
    if (std::find(m.begin(), m.end(), method) == m.end())
        return makeError(ErrorKind::Usage, "unknown bound method '" + method + "'");
    for (const auto &e : exclude)
        if (std::find(m.begin() + 1, m.end(), e) == m.end())
            return makeError(ErrorKind::Usage, "unknown bound method '" + e + "' in --exclude");
    if (!std::isfinite(timeLimit) || timeLimit < 0)
        return makeError(ErrorKind::Usage, "time limit must be a non-negative number of seconds");
    if (idealCap < 0 || memoryBudget < 0 || maxMipColumns < 0)
        return makeError(
            ErrorKind::Usage, "the ideal cap, memory budget and MIP column limit must be non-negative (0 = default)");
    return Ok {};
}

namespace {

using namespace bounds;

constexpr double kDefaultTimeLimit = 60.0;
// "best" runs the relaxed chain bound up to this many classes (its own cap is 8,192 units).
constexpr int32_t kRelaxedChainClasses = 8192;
// The exact MIP is skipped by "best" past this many binaries: CBC would not
// finish even the root LP within typical limits, and the relaxations do better.
constexpr int64_t kMipBinaryLimit = 60000;
// Up to this many binaries "best" runs the exact MIP right after the anchor
// bound: on such models CBC usually proves the optimum faster than the
// relaxations narrow the gap.
constexpr int64_t kEarlyMipBinaries = 6000;

constexpr double kMipSetupSecondsPerColumn = 5.5e-6;
// "best" runs the cover bound when the proven bound is below this fraction of the incumbent.
constexpr double kCoverGapRatio = 0.9;
// From this many stages on, "best" runs the cover bound right after the anchor bound.
constexpr int kCoverFirstK = 8;
// ... and at fewer stages when W / k is below this fraction of the incumbent.
constexpr double kCommunicationShare = 0.5;
constexpr int32_t kCoverMaxClasses = 5000; // the cover bound refuses more (cover.cpp)
// "best" reads cached proofs for up to this many stages (docs/model.md §4.13).
constexpr int32_t kMaxCachedK = 1024;
// With unequal devices (docs/model.md §4.12) the device-indexed cover bound
// runs right after the anchor bound whenever the gap exceeds this fraction.
constexpr double kDeviceCoverGapRatio = 0.995;

// Columns of the largest model `method` builds (block_model.h: per block one
// binary per class and ideal, one read and one write column per tensor).
int64_t mipColumns(const NodeClasses &classes, int64_t k, const std::string &method)
{
    int64_t tensors = 0;
    for (const auto &succ : classes.succClasses)
        tensors += succ.empty() ? 0 : 1;
    return method == "mip" ? (k - 1) * classes.count + 2 * k * tensors + 2 * k + 1
                           : 2 * int64_t(classes.count) + 2 * tensors + 2;
}

class Runner {
public:
    Runner(const Graph &g, const CostParams &params, const BoundOptions &o, const NodeClasses &cls,
        const StopToken &stop, const ProgressFn &progress, double timeLimit, const Deadline &clock,
        uint64_t fingerprint, std::optional<std::pair<Graph, CostParams>> least)
        : m_options(o)
        , m_ctx { g, params, o.k, cls }
        , m_timeLimit(timeLimit)
    {
        m_ctx.clock = clock; // started when runBound was called: validation and classes count
        m_ctx.limit = timeLimit;
        m_ctx.stop = stop;
        m_ctx.progress = progress;
        m_key.graph = fingerprint; // runBound's (0 without the cache, which alone reads it)
        m_key.k = o.k;
        m_key.params = params;
        m_key.exclude = o.exclude;
        if (params.hasDevices()) { // docs/model.md §4.12; per-device work relaxed first (§1.7)
            m_cluster.emplace(buildClusterView(g, params, std::move(least)));
            m_ctx.cluster = &*m_cluster;
        }
    }

    void setIncumbent(const Partition *p)
    {
        m_ctx.incumbent = p;
        if (p)
            m_ctx.upper = bottleneckOf(m_ctx.graph, m_ctx.params, p->stages(), m_options.k);
    }

    BoundResult run(const std::string &method)
    {
        m_result = combinatorialBound(m_ctx);
        m_ctx.known = m_result.lowerBound;
        if (method == "best" && m_options.useCache)
            if (auto cached = strongestCached(); cached && cached->lowerBound > m_ctx.known) {
                // Seeded by an earlier proof for this instance (never by an excluded method).
                m_result.lowerBound = m_ctx.known = cached->lowerBound;
                m_result.provenBy = cached->provenBy;
            }
        const std::string reason = memoryInfeasibility(m_ctx.graph, m_ctx.params, m_ctx.classes, m_options.k);
        if (!reason.empty()) {
            m_result.infeasible = true;
            m_result.reason = reason;
            m_result.provenBy = "combinatorial";
        } else if (method == "anchor") {
            raise(anchors(m_ctx).result);
        } else if (method == "bottleneck") {
            raise(bottleneckBound(m_ctx));
        } else if (method == "guess") {
            raise(guess(m_ctx));
        } else if (method == "boundary") {
            raise(boundary(m_ctx, 1.0));
        } else if (method == "relaxed-chain") {
            quickIncumbent();
            raise(relaxedChain(m_ctx));
        } else if (method == "mip" || method == "cover") {
            // Both start from the anchor bound and need an incumbent (the MIP's
            // warm start, the cover probes' ceiling).
            if (maxSingleton() > m_ctx.known)
                raise(anchors(m_ctx.withBudget(0.25 * m_ctx.remaining())).result);
            quickIncumbent();
            if (!done())
                raise(method == "mip" ? exactMipBound(m_ctx) : cover(m_ctx));
        } else if (method == "ideal-dp") {
            raise(idealDp(m_ctx.stop));
        } else if (method == "best") {
            if (excluded("ideal-dp"))
                best();
            else
                bestWithIdealDp();
        }
        m_result.seconds = m_ctx.clock.elapsed();
        m_ctx.report(m_ctx.upper, m_result.infeasible ? 0.0 : m_result.lowerBound, "done");
        if (m_result.infeasible) {
            m_result.lowerBound = 0;
            m_result.optimal = false;
        } else if (m_ctx.upper < mip::MipModel::kInf
            && m_result.lowerBound >= m_ctx.upper * (1 - kOptimalityTolerance)) {
            m_result.optimal = true;
        }
        return m_result;
    }

    bool finished() const { return !m_ctx.stopped() || m_result.optimal || m_result.infeasible; }

private:
    bool excluded(const std::string &name) const
    {
        return std::find(m_options.exclude.begin(), m_options.exclude.end(), name) != m_options.exclude.end();
    }
    // The strongest proof cached for this instance or, without a cluster, for
    // the same graph and costs with more stages: the optimum cannot rise when
    // stages are added (docs/model.md §4.13).
    std::optional<BoundResult> strongestCached() const
    {
        std::optional<BoundResult> best = BoundCache::global().strongest(m_key);
        if (m_ctx.params.hasDevices())
            return best;
        BoundKey more = m_key;
        for (more.k = m_options.k + 1; more.k <= kMaxCachedK; ++more.k)
            if (auto r = BoundCache::global().strongest(more); r && (!best || r->lowerBound > best->lowerBound))
                best = r;
        return best;
    }
    bool done() const
    {
        return m_result.infeasible || m_ctx.stopped()
            || (m_ctx.upper < mip::MipModel::kInf && m_result.lowerBound >= m_ctx.upper * (1 - kOptimalityTolerance));
    }
    // Seconds the exact MIP takes to build and load before CBC first looks at
    // the clock (about 5.5 us per column: 0.8 s for 140,000): with less than
    // twice that left, "best" does not start it, since it would overrun the limit.
    double mipSetupSeconds() const
    {
        return kMipSetupSecondsPerColumn * double(mipColumns(m_ctx.classes, m_options.k, "mip"));
    }
    // Whether a two-ideal block model (anchor, guess, bottleneck, cover) can be
    // built within `budget` seconds: its build fires no event, and on a million
    // nodes it takes longer than any share of a short limit.
    bool blockModelFits(double budget) const
    {
        return kMipSetupSecondsPerColumn * double(mipColumns(m_ctx.classes, m_options.k, "anchor")) <= budget;
    }
    // The incumbent is over twice the work share W / k: communication dominates. The
    // MIP relaxations pay fractional communication there and stay near the anchor
    // bound at any k, while the cover's blocks are integral (docs/model.md §4.9).
    bool communicationBound() const
    {
        const BoundContext c = relaxed(m_ctx);
        return c.upper < mip::MipModel::kInf && c.graph.totalWork() < kCommunicationShare * m_options.k * c.upper;
    }
    double maxSingleton() const
    {
        const BoundContext c = relaxed(m_ctx);
        const auto costs = singletonCosts(c.graph, c.params, c.classes);
        return costs.empty() ? 0.0 : *std::max_element(costs.begin(), costs.end());
    }

    // With a cluster, the methods that model identical devices run on the
    // relaxation of docs/model.md §4.12: work divided by the fastest speed,
    // the largest bandwidth and memory. Its costs are at most every device's,
    // so its bounds hold; the partitions it finds are not costed for the cluster.
    static BoundContext relaxed(const BoundContext &c) { return c.relaxed(); }

    // The cover bound: device-indexed with unequal devices (docs/model.md
    // §4.12), else on the relaxation (the instance itself without a cluster).
    BoundResult cover(const BoundContext &c) const
    {
        return c.mixedCluster() ? deviceCoverBound(c) : coverBound(relaxed(c));
    }
    // The position guess: device-aware likewise (the device order is the file's).
    BoundResult guess(const BoundContext &c) const
    {
        return c.mixedCluster() ? deviceGuessBound(c) : guessBound(relaxed(c));
    }

    // The boundary cut on the relaxation (within `c`), then on unequal
    // devices the device chain (docs/model.md §4.12) within `chainShare` of the time left.
    BoundResult boundary(const BoundContext &c, double chainShare) const
    {
        BoundResult r = boundaryCutBound(relaxed(c));
        if (m_ctx.mixedCluster()) {
            BoundContext chain = m_ctx.withBudget(chainShare * m_ctx.remaining());
            chain.known = std::max(chain.known, r.lowerBound);
            if (BoundResult d = deviceChainBound(chain); d.lowerBound > r.lowerBound)
                r = d;
        }
        return r;
    }

    // The relaxed chain proof (docs/model.md §3.13, §4.16) from the incumbent:
    // wide graphs with narrow stage windows. Nothing (a zero bound) on a
    // cluster, past kRelaxedChainClasses classes, without an incumbent, or
    // when it refuses.
    BoundResult relaxedChain(const BoundContext &c) const
    {
        BoundResult r;
        r.provenBy = "relaxed-chain";
        if (c.params.hasDevices() || c.classes.count > kRelaxedChainClasses || !c.incumbent || c.stopped())
            return r;
        auto units = contractGroups(c.graph);
        if (!units)
            return r;
        RelaxedChainOptions options;
        options.tightenBound = true;
        options.memoryBudget = m_options.memoryBudget;
        options.threads = int(std::max(1u, std::thread::hardware_concurrency()));
        const auto out = relaxedChainSearch(
            c.graph, c.params, *units, m_options.k, c.upper, c.stop, Deadline(std::max(1e-3, c.remaining())), options);
        if (!out)
            return r;
        r.lowerBound = out->bound;
        if (out->partition) {
            r.partition = out->partition;
            r.upperBound = out->bottleneck;
        }
        return r;
    }

    void raise(BoundResult r)
    {
        if (m_cluster && r.provenBy != "mip" && r.provenBy != "ideal-dp" && r.provenBy != "slicegraph")
            r.partition.reset();
        if (r.infeasible) {
            m_result.infeasible = true;
            m_result.reason = r.reason;
            m_result.provenBy = r.provenBy;
        }
        if (r.lowerBound > m_result.lowerBound) {
            m_result.lowerBound = r.lowerBound;
            m_result.provenBy = r.provenBy;
        }
        if (r.partition && r.upperBound < m_ctx.upper) {
            m_result.partition = r.partition;
            m_result.upperBound = r.upperBound;
            m_ctx.upper = r.upperBound;
            m_ownIncumbent = *r.partition;
            m_ctx.incumbent = &*m_ownIncumbent;
        }
        m_ctx.known = std::max(m_ctx.known, m_result.lowerBound);
        m_ctx.report(m_ctx.upper, m_ctx.known, r.provenBy);
    }

    AnchorOutcome anchors(const BoundContext &ctx)
    {
        if (m_options.useCache)
            if (auto cached = BoundCache::global().findAnchor(m_key, m_timeLimit))
                return *cached;
        AnchorOutcome a = anchorBound(ctx);
        if (m_options.useCache && !ctx.stop.stopRequested())
            BoundCache::global().storeAnchor(m_key, a, m_timeLimit);
        m_anchorValues = a.anchors;
        return a;
    }

    // A warm start for the exact MIP when the caller gave none: slicegraph's
    // smallest budget (brkga-100) within a tenth of the remaining time.
    void quickIncumbent()
    {
        if (m_ctx.incumbent || m_ctx.stopped())
            return;
        PartitionOptions po;
        po.k = m_options.k;
        po.method = "slicegraph";
        po.population = 10;
        po.generations = 10;
        po.threads = 1;
        po.timeLimit = std::max(0.05, 0.1 * m_ctx.remaining());
        auto p = runPartitioner(m_ctx.graph, m_ctx.params, po, m_ctx.stop);
        if (!p.ok())
            return;
        BoundResult r;
        r.provenBy = "slicegraph";
        r.partition = p->partition;
        r.upperBound = p->bottleneck;
        raise(r);
    }

    // ideal-dp (the exact DP of core/partition/ideal_dp.h): its optimum proves itself; a
    // refusal (too many ideals) or a time-out proves nothing here.
    BoundResult idealDp(const StopToken &stop) const
    {
        BoundResult r;
        r.provenBy = "ideal-dp";
        PartitionOptions po;
        po.k = m_options.k;
        po.method = "ideal-dp";
        po.threads = 1;
        po.timeLimit = std::max(0.01, m_ctx.remaining());
        po.idealCap = m_options.idealCap;
        po.memoryBudget = m_options.memoryBudget;
        if (m_ctx.incumbent)
            po.start = *m_ctx.incumbent;
        auto p = runPartitioner(m_ctx.graph, m_ctx.params, po, stop);
        if (!p.ok()) {
            // The exhausted search is a proof that no partition exists; a
            // refusal (too many ideals) or a stop proves nothing.
            if (p.errorKind() == ErrorKind::Infeasible) {
                r.infeasible = true;
                r.reason = p.error();
            }
            return r;
        }
        r.lowerBound = p->optimal ? p->bottleneck : p->lowerBound;
        r.partition = p->partition;
        r.upperBound = p->bottleneck;
        return r;
    }

    // ideal-dp in a second thread next to the CBC methods (which hold the CBC
    // mutex, so two cores are used); whichever proves the optimum first stops
    // the other.
    void bestWithIdealDp()
    {
        if (m_ctx.stopped())
            return; // stopped during the set-up (node classes of a million nodes): nothing to start
        StopToken dpStop;
        std::atomic<bool> dpDone { false };
        BoundResult dp;
        const StopToken cancel = m_ctx.cancel;
        std::thread worker([&] {
            dp = idealDp(dpStop);
            if (dp.infeasible || (dp.partition && dp.lowerBound >= dp.upperBound * (1 - kOptimalityTolerance)))
                cancel.requestStop();
            dpDone = true;
        });
        best();
        while (!dpDone) {
            if (m_ctx.stop.stopRequested() || m_ctx.remaining() <= 0)
                dpStop.requestStop();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        worker.join();
        raise(dp);
    }

    // Cheapest first: combinatorial (already in), anchor (k-independent, cached),
    // for k >= 8 with a gap over 10% or below 8 on a communication-bound instance
    // the cover bound, the position guesses
    // (exact for k <= 3, strong for small k), on small models the exact MIP
    // (it often closes the gap outright), anchored guesses, the single-block
    // relaxation, the cover bound on a gap over 10% when it did not run yet,
    // and on larger models the exact MIP with what time is left.
    void best()
    {
        auto share = [&](double fraction) { return m_ctx.withBudget(fraction * m_ctx.remaining()); };
        auto fits = [&](double fraction) { return blockModelFits(fraction * m_ctx.remaining()); };
        const bool mixed = m_ctx.mixedCluster(); // two or more classes of devices (docs/model.md §4.12)
        // No solver: cheap even on 10^5 nodes. Past the cover bound's 5,000 classes
        // it is the main proof (its chain bounds, light_chain.h), so it gets more time.
        const double boundaryShare = mixed ? 0.1 : m_ctx.classes.count > 5000 ? 0.7 : 0.3;
        if (!excluded("boundary") && !done())
            raise(boundary(share(boundaryShare), 0.2));
        // Wide graphs with light communication (NASNet-like cells): the relaxed
        // chain (§4.16) is far stronger than the rest there.
        if (!excluded("relaxed-chain") && !m_ctx.params.hasDevices() && !done()
            && m_ctx.classes.count <= kRelaxedChainClasses) {
            quickIncumbent();
            if (!done() && !communicationBound()) // communication-heavy graphs: the cover's, and m <= 0 at many stages
                raise(relaxedChain(share(0.4)));
        }
        if (!excluded("anchor") && !done() && fits(0.3) && maxSingleton() > m_ctx.known) {
            AnchorOutcome a = anchors(share(0.3));
            m_anchorValues = a.anchors;
            raise(a.result);
        }
        // The cover bound (column generation, seconds per probe) only where
        // the cheaper proofs leave a wide gap: communication-heavy wide graphs.
        // On many stages the position guesses and the MIPs' relaxations stay
        // near W/k there, so it goes first.
        // Below 8 stages on a communication-bound instance the cover runs on any gap: the
        // other bounds stay near the anchor bound there.
        auto coverWanted = [&] {
            const bool anyGap = m_options.k < kCoverFirstK && communicationBound();
            return !excluded("cover") && !done() && m_ctx.upper < mip::MipModel::kInf
                && (anyGap || m_ctx.known < (mixed ? kDeviceCoverGapRatio : kCoverGapRatio) * m_ctx.upper) && fits(0.5);
        };
        // The cover goes first on many stages, with unequal devices, and (up
        // to kCoverMaxClasses classes) on a communication-bound instance.
        auto coverFirst = [&] {
            if (m_options.k >= kCoverFirstK || mixed)
                return true;
            if (m_ctx.classes.count > kCoverMaxClasses)
                return false;
            quickIncumbent();
            return communicationBound();
        };
        bool coverDone = false;
        // With unequal devices the device-aware guesses and cover come first:
        // the relaxation's bounds are weak there.
        if (mixed && !excluded("guess") && !done() && fits(0.4))
            raise(guess(share(0.4)));
        if (!excluded("cover") && !done() && fits(0.8) && coverFirst()) {
            quickIncumbent();
            if (coverWanted()) {
                raise(cover(share(mixed ? 0.5 : 0.8)));
                coverDone = true;
            }
        }
        if (!mixed && !excluded("guess") && !done() && fits(0.4))
            raise(guess(share(0.4)));
        const int64_t binaries = static_cast<int64_t>(m_ctx.classes.count) * (m_options.k - 1);
        const bool mipAllowed = !excluded("mip") && binaries <= kMipBinaryLimit;
        const bool mipEarly = mipAllowed && binaries <= kEarlyMipBinaries;
        if (mipEarly && !done()) {
            quickIncumbent();
            if (!done())
                raise(exactMipBound(share(0.7)));
        }
        if (!excluded("guess") && !m_anchorValues.empty() && !done() && fits(0.5)) {
            std::vector<int32_t> top;
            for (const auto &[value, c] : m_anchorValues)
                if (top.size() < 8)
                    top.push_back(c);
            raise(anchoredGuessBound(relaxed(share(0.5)), top));
        }
        const bool coverLast = !coverDone && coverWanted();
        const double bottleneckShare = mipAllowed && !mipEarly ? 0.3 : coverLast ? 0.4 : 1.0;
        if (!excluded("bottleneck") && !done() && fits(bottleneckShare))
            raise(bottleneckBound(share(bottleneckShare)));
        if (coverLast && coverWanted())
            raise(cover(share(mipAllowed && !mipEarly ? 0.5 : 1.0)));
        if (mipAllowed && !mipEarly && !done() && m_ctx.remaining() >= 2 * mipSetupSeconds()) {
            quickIncumbent();
            if (!done())
                raise(exactMipBound(m_ctx));
        }
    }

    const BoundOptions &m_options;
    BoundContext m_ctx;
    double m_timeLimit;
    BoundKey m_key;
    BoundResult m_result;
    std::optional<Partition> m_ownIncumbent;
    std::vector<std::pair<double, int32_t>> m_anchorValues;
    std::optional<ClusterView> m_cluster; // with a cluster: its device classes and relaxations
};

// A refusal when the columns of `method`'s model exceed the column limit or
// CBC's memory for them the budget.
Status mipSizeRefusal(const NodeClasses &classes, const BoundOptions &options, const std::string &method)
{
    const int64_t columns = mipColumns(classes, options.k, method);
    const int64_t maxColumns = maxMipColumnsOr(options.maxMipColumns);
    if (columns > maxColumns)
        return makeError(ErrorKind::LimitExceeded,
            method + " refused: its MIP has " + std::to_string(columns) + " columns, over the limit of "
                + std::to_string(maxColumns) + " columns",
            ResourceLimit::MipColumns);
    const double bytes = double(columns) * kCbcBytesPerColumn;
    const int64_t budget = memoryBudgetOr(options.memoryBudget);
    if (bytes > double(budget))
        return makeError(ErrorKind::LimitExceeded,
            method + " refused: its MIP (" + std::to_string(columns) + " columns) needs about " + formatBytes(bytes)
                + ", over the memory budget of " + formatBytes(double(budget)),
            ResourceLimit::MemoryBudget);
    return Ok {};
}

// With per-device work every bound but the exact MIP runs on the least-work
// relaxation (core/cost/device_work.h, docs/model.md §1.7); the partitions it
// finds are re-costed for the cluster, and optimality is judged on those costs.
Result<BoundResult> leastWorkBound(const Graph &graph, const CostParams &params,
    const std::pair<Graph, CostParams> &least, const BoundOptions &options, const StopToken &stop,
    const ProgressFn &progress)
{
    auto r = runBound(least.first, least.second, options, stop, progress);
    if (!r)
        return r;
    double upper = mip::MipModel::kInf;
    if (r->partition)
        upper = r->upperBound = bottleneckOf(graph, params, r->partition->stages(), options.k);
    if (options.incumbent)
        upper = std::min(upper, bottleneckOf(graph, params, options.incumbent->stages(), options.k));
    r->optimal = !r->infeasible && upper < mip::MipModel::kInf && r->lowerBound >= upper * (1 - kOptimalityTolerance);
    return r;
}

} // namespace

Result<BoundResult> runBound(const Graph &graph, const CostParams &params, const BoundOptions &options,
    const StopToken &stop, const ProgressFn &progress)
{
    // The clock starts at entry: validation and the node classes of a
    // million-node graph take seconds and count against the limit.
    const double timeLimit = options.timeLimit > 0 ? options.timeLimit : kDefaultTimeLimit;
    const Deadline clock(timeLimit);
    if (auto s = options.validate(); !s)
        return s.failure();
    if (auto s = params.validate(); !s)
        return s.failure();
    if (params.hasDevices() && static_cast<int>(params.devices.size()) != options.k)
        return makeError("the cluster has " + std::to_string(params.devices.size()) + " devices but k is "
            + std::to_string(options.k) + " (k is the number of devices)");
    // Built once: the bounds of a "mip" run read it through the cluster view.
    std::optional<std::pair<Graph, CostParams>> least;
    if (params.hasDeviceWork())
        least = leastWorkRelaxation(graph, params);
    if (least && options.method != "mip")
        return leastWorkBound(graph, params, *least, options, stop, progress);
    if (options.incumbent) {
        if (options.incumbent->nodeCount() != graph.nodeCount() || options.incumbent->k() != options.k)
            return makeError("incumbent partition has " + std::to_string(options.incumbent->nodeCount())
                + " nodes and k = " + std::to_string(options.incumbent->k()) + ", expected "
                + std::to_string(graph.nodeCount()) + " and " + std::to_string(options.k));
        if (auto s = validatePartition(graph, params, *options.incumbent); !s)
            return s.failure().prefixed("incumbent partition: ");
    }

    BoundKey key;
    // Only the cache reads the key, and the fingerprint is a pass over every
    // node before the first look at the clock: not taken without it.
    key.graph = options.useCache ? graphFingerprint(graph) : 0;
    key.k = options.k;
    key.params = params;
    key.method = options.method;
    key.exclude = options.exclude;
    std::sort(key.exclude.begin(), key.exclude.end());
    if (options.useCache && !options.incumbent)
        if (auto cached = BoundCache::global().find(key, timeLimit))
            return *cached;

    const NodeClasses classes = buildClasses(graph);
    // The MIP methods' model sizes are known before any is built: a method
    // asked for by name refuses past the limits, "best" leaves it out.
    BoundOptions limited = options;
    for (const char *method : { "anchor", "bottleneck", "guess", "mip", "cover" }) {
        const Status refusal = mipSizeRefusal(classes, options, method);
        if (refusal.ok())
            continue;
        if (options.method == method)
            return refusal.failure();
        limited.exclude.push_back(method);
    }
    Runner runner(graph, params, limited, classes, stop, progress, timeLimit, clock, key.graph, std::move(least));
    runner.setIncumbent(options.incumbent ? &*options.incumbent : nullptr);
    BoundResult result = runner.run(options.method);
    if (options.useCache && !stop.stopRequested())
        BoundCache::global().store(key, result, timeLimit, runner.finished());
    return result;
}

} // namespace pipecut
