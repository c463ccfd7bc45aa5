#include "core/bounds/bound.h"

#include "core/bounds/anchor.h"
#include "core/bounds/bottleneck.h"
#include "core/bounds/bound_cache.h"
#include "core/bounds/bound_context.h"
#include "core/bounds/combinatorial.h"
#include "core/bounds/exact_mip.h"
#include "core/bounds/guess.h"
#include "core/cost/evaluate.h"

#include <algorithm>
#include <cmath>

namespace pipecut {

const std::vector<std::string> &boundMethods()
{
    static const std::vector<std::string> methods{"best",       "combinatorial", "anchor",  "bottleneck",
                                                  "guess",      "mip",           "ideal-dp"};
    return methods;
}

Status BoundOptions::validate() const
{
    const auto &m = boundMethods();
    if (k < 1)
        return makeError("k must be at least 1 (got " + std::to_string(k) + ")");
    if (std::find(m.begin(), m.end(), method) == m.end())
        return makeError("unknown bound method '" + method + "'");
    for (const auto &e : exclude)
        if (std::find(m.begin() + 1, m.end(), e) == m.end())
            return makeError("unknown bound method '" + e + "' in --exclude");
    if (!std::isfinite(timeLimit) || timeLimit < 0)
        return makeError("time limit must be a non-negative number of seconds");
    return Ok{};
}

namespace {

using namespace bounds;

constexpr double kDefaultTimeLimit = 60.0;
// The exact MIP is skipped by "best" past this many binaries: CBC would not
// finish even the root LP within typical limits, and the relaxations do better.
constexpr int64_t kMipBinaryLimit = 60000;

class Runner {
public:
    Runner(const Graph &g, const CostParams &params, const BoundOptions &o, const NodeClasses &cls,
           const StopToken &stop, const ProgressFn &progress, double timeLimit)
        : m_options(o), m_ctx{g, params, o.k, cls}, m_timeLimit(timeLimit)
    {
        m_ctx.limit = timeLimit;
        m_ctx.stop = stop;
        m_ctx.progress = progress;
        m_key.graph = graphFingerprint(g);
        m_key.k = o.k;
        m_key.params = params;
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
            raise(guessBound(m_ctx));
        } else if (method == "mip") {
            if (maxSingleton() > m_ctx.known)
                raise(anchors(m_ctx.withBudget(0.25 * m_ctx.remaining())).result);
            raise(exactMipBound(m_ctx));
        } else if (method == "best") {
            best();
        }
        m_result.seconds = m_ctx.clock.elapsed();
        if (m_result.infeasible) {
            m_result.lowerBound = 0;
            m_result.optimal = false;
        } else if (m_ctx.upper < mip::MipModel::kInf &&
                   m_result.lowerBound >= m_ctx.upper * (1 - kOptimalityTolerance)) {
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
    bool done() const
    {
        return m_result.infeasible || m_ctx.stopped() ||
               (m_ctx.upper < mip::MipModel::kInf && m_result.lowerBound >= m_ctx.upper * (1 - kOptimalityTolerance));
    }
    double maxSingleton() const
    {
        const auto costs = singletonCosts(m_ctx.graph, m_ctx.params, m_ctx.classes);
        return costs.empty() ? 0.0 : *std::max_element(costs.begin(), costs.end());
    }

    void raise(const BoundResult &r)
    {
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

    void best()
    {
        auto share = [&](double fraction) { return m_ctx.withBudget(fraction * m_ctx.remaining()); };
        if (!excluded("anchor") && !done() && maxSingleton() > m_ctx.known) {
            AnchorOutcome a = anchors(share(0.3));
            m_anchorValues = a.anchors;
            raise(a.result);
        }
        if (!excluded("bottleneck") && !done())
            raise(bottleneckBound(share(0.15)));
        if (!excluded("guess") && !done()) {
            raise(guessBound(share(0.4)));
            if (!m_anchorValues.empty() && !done()) {
                std::vector<int32_t> top;
                for (const auto &[value, c] : m_anchorValues)
                    if (top.size() < 8)
                        top.push_back(c);
                raise(anchoredGuessBound(share(0.4), top));
            }
        }
        const int64_t binaries = static_cast<int64_t>(m_ctx.classes.count) * (m_options.k - 1);
        if (!excluded("mip") && !done() && binaries <= kMipBinaryLimit)
            raise(exactMipBound(m_ctx));
    }

    const BoundOptions &m_options;
    BoundContext m_ctx;
    double m_timeLimit;
    BoundKey m_key;
    BoundResult m_result;
    std::optional<Partition> m_ownIncumbent;
    std::vector<std::pair<double, int32_t>> m_anchorValues;
};

} // namespace

Result<BoundResult> runBound(const Graph &graph, const CostParams &params, const BoundOptions &options,
                             const StopToken &stop, const ProgressFn &progress)
{
    if (auto s = options.validate(); !s)
        return makeError(s.error());
    if (auto s = params.validate(); !s)
        return makeError(s.error());
    if (options.incumbent) {
        if (options.incumbent->nodeCount() != graph.nodeCount() || options.incumbent->k() != options.k)
            return makeError("incumbent partition has " + std::to_string(options.incumbent->nodeCount()) +
                             " nodes and k = " + std::to_string(options.incumbent->k()) + ", expected " +
                             std::to_string(graph.nodeCount()) + " and " + std::to_string(options.k));
        if (auto s = validatePartition(graph, params, *options.incumbent); !s)
            return makeError("incumbent partition: " + s.error());
    }
    if (options.method == "ideal-dp")
        return makeError("bound method 'ideal-dp' is not available in this build yet");

    const double timeLimit = options.timeLimit > 0 ? options.timeLimit : kDefaultTimeLimit;
    BoundKey key;
    key.graph = graphFingerprint(graph);
    key.k = options.k;
    key.params = params;
    key.method = options.method;
    key.exclude = options.exclude;
    std::sort(key.exclude.begin(), key.exclude.end());
    if (options.useCache && !options.incumbent)
        if (auto cached = BoundCache::global().find(key, timeLimit))
            return *cached;

    const NodeClasses classes = buildClasses(graph);
    Runner runner(graph, params, options, classes, stop, progress, timeLimit);
    runner.setIncumbent(options.incumbent ? &*options.incumbent : nullptr);
    BoundResult result = runner.run(options.method);
    if (options.useCache && !stop.stopRequested())
        BoundCache::global().store(key, result, timeLimit, runner.finished());
    return result;
}

} // namespace pipecut
