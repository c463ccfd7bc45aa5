#include "core/bounds/mip_bound.h"

#include "core/bounds/combinatorial.h"
#include "core/cost/evaluate.h"

#include <algorithm>

// Referenced by the link options of pipecut_core (core/CMakeLists.txt) so that
// this file, and with it the installation of "mip" below, is linked into every
// program that partitions, also when it never asks for a bound.
extern "C" const bool pipecut_mip_partitioner_installed
    = (pipecut::installMipPartitioner(&pipecut::runMipPartitioner), true);

namespace pipecut::bounds {

BoundResult exactMipBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "mip";
    mip::ExactMipInput in { ctx.graph, ctx.params, ctx.k, ctx.classes };
    in.combinatorial = combinatorialBound(ctx).lowerBound;
    in.known = ctx.known;
    in.incumbent = ctx.incumbent;
    in.stopped = [&] { return ctx.stopped(); };
    in.solveOptions = [&] { return ctx.solveOptions(); };
    in.progress = [&](double incumbent, double bound) {
        ctx.report(std::min(ctx.upper, incumbent), std::max(ctx.known, bound), "mip");
    };
    mip::ExactMipOutcome out = mip::solveExactMip(in);
    if (out.infeasible) {
        r.infeasible = true;
        r.reason = "no partition into " + std::to_string(ctx.k) + " stages satisfies the memory limit (proven by CBC)";
        return r;
    }
    r.lowerBound = out.lowerBound;
    r.partition = std::move(out.partition);
    r.upperBound = out.upperBound;
    r.optimal = out.optimal;
    return r;
}

} // namespace pipecut::bounds

namespace pipecut {

Result<PartitionResult> runMipPartitioner(const Graph &graph, const CostParams &params, const PartitionOptions &options,
    const StopToken &stop, const ProgressFn &progress)
{
    BoundOptions b;
    b.k = options.k;
    b.method = "mip";
    b.timeLimit = options.timeLimit;
    b.incumbent = options.start;
    b.useCache = false;
    b.memoryBudget = options.memoryBudget;
    b.maxMipColumns = options.maxMipColumns;
    auto r = runBound(graph, params, b, stop, progress);
    if (!r)
        return r.failure();
    if (r->infeasible)
        return makeError(
            ErrorKind::Infeasible, "no valid partition into " + std::to_string(options.k) + " stages: " + r->reason);
    PartitionResult p;
    p.method = "mip";
    p.lowerBound = r->lowerBound;
    p.seconds = r->seconds;
    if (r->partition) {
        p.partition = *r->partition;
        p.bottleneck = r->upperBound;
    } else if (options.start) {
        p.partition = *options.start;
        p.bottleneck = bottleneckOf(graph, params, options.start->stages(), options.k);
        p.notes.push_back("CBC found no better partition than the start within the time limit");
    } else {
        return makeError(ErrorKind::Stopped,
            "mip found no partition within the time limit (" + formatNumber(r->seconds)
                + " s); try a longer --time-limit or another method");
    }
    p.optimal = p.lowerBound >= p.bottleneck * (1 - bounds::kOptimalityTolerance);
    return p;
}

} // namespace pipecut
