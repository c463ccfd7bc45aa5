#include "core/bounds/exact_mip.h"

#include "core/bounds/combinatorial.h"
#include "core/cost/evaluate.h"

#include <algorithm>
#include <cmath>

namespace pipecut::bounds {

namespace {

constexpr int64_t kSymmetryRowLimit = 2000;

// Stage per class of a valid partition with its empty stages moved last.
std::vector<int> classStages(const BoundContext &ctx, const Partition &p)
{
    const NodeClasses &cls = ctx.classes;
    std::vector<char> used(ctx.k, 0);
    for (int32_t v = 0; v < p.nodeCount(); ++v)
        used[p.stages()[v]] = 1;
    std::vector<int> renumber(ctx.k, 0);
    for (int s = 0, next = 0; s < ctx.k; ++s)
        renumber[s] = used[s] ? next++ : 0;
    std::vector<int> stage(cls.count);
    for (int32_t c = 0; c < cls.count; ++c)
        stage[c] = renumber[p.stages()[cls.members[c][0]]];
    return stage;
}

} // namespace

BoundResult exactMipBound(const BoundContext &ctx)
{
    BoundResult r;
    r.provenBy = "mip";
    const int k = ctx.k;
    const NodeClasses &cls = ctx.classes;
    const double comb = combinatorialBound(ctx).lowerBound;
    const double scale = comb > 0 ? comb : 1.0;
    const double floor = std::max(comb, ctx.known);

    mip::MipModel model;
    BlockBuilder builder(model, ctx.graph, ctx.params, cls, scale);
    std::vector<std::vector<int>> z(k + 1);
    z[0].assign(cls.count, kZero);
    z[k].assign(cls.count, kOne);
    // Building the model looks at the clock between blocks (each O(n + m);
    // about 0.4 s in all for 140,000 columns), so that a stop or the limit
    // does not wait for the whole model; stopped, it proves nothing.
    for (int b = 1; b < k; ++b) {
        if (ctx.stopped())
            return r;
        z[b] = builder.addIdeal();
        builder.addNested(z[b - 1], z[b]);
    }
    const int t = model.addColumn(floor / scale, mip::MipModel::kInf, 1.0, false);
    // The symmetry rows are dense (one term per class) and slow the LP down
    // several times on large models, where the search never gets deep enough
    // for symmetry to matter; they pay off on small ones.
    const bool symmetryRows = k > 1 && static_cast<int64_t>(cls.count) * k <= kSymmetryRowLimit;
    std::vector<Lin> stageCost(k + 1);
    std::vector<int> used(k + 1, -1);
    for (int b = 1; b <= k; ++b) {
        if (ctx.stopped())
            return r;
        stageCost[b] = builder.blockCost(z[b], z[b - 1]);
        Lin row = stageCost[b];
        row.add(t, -1.0);
        addLessEqual(model, row, 0.0);
        // Empty stages last.
        if (symmetryRows) {
            used[b] = model.addColumn(0.0, 1.0, 0.0, false);
            Lin count;
            for (int32_t c = 0; c < cls.count; ++c) {
                count.add(z[b][c], 1.0);
                count.add(z[b - 1][c], -1.0);
            }
            Lin atMost = count; // used_b <= |S_b|
            atMost.add(used[b], -1.0);
            addGreaterEqual(model, atMost, 0.0);
            Lin atLeast = count; // |S_b| <= n used_b
            atLeast.add(used[b], -static_cast<double>(cls.count));
            addLessEqual(model, atLeast, 0.0);
            if (b > 1)
                model.addLessEqual({{used[b], 1.0}, {used[b - 1], -1.0}}, 0.0);
        }
    }
    model.addGreaterEqual({{t, static_cast<double>(k)}}, ctx.graph.totalWork() / scale * (1 - 1e-12));

    std::vector<double> start;
    if (ctx.incumbent) {
        const std::vector<int> stage = classStages(ctx, *ctx.incumbent);
        start.assign(model.columnCount(), 0.0);
        for (int b = 1; b < k; ++b)
            for (int32_t c = 0; c < cls.count; ++c)
                start[z[b][c]] = stage[c] < b ? 1.0 : 0.0;
        builder.complete(start);
        double top = floor / scale;
        for (int b = 1; b <= k; ++b) {
            top = std::max(top, valueOf(start, stageCost[b]));
            if (used[b] >= 0)
                start[used[b]] = std::count(stage.begin(), stage.end(), b - 1) > 0 ? 1.0 : 0.0;
        }
        start[t] = top;
    }

    if (ctx.stopped())
        return r;
    mip::SolveOptions o = ctx.solveOptions();
    o.start = start;
    o.progress = [&](double inc, double bound) {
        ctx.report(std::min(ctx.upper, inc * scale), std::max(ctx.known, bound * scale), "mip");
    };
    const mip::SolveOutcome out = mip::solve(model, o);
    if (out.status == mip::SolveOutcome::Status::Infeasible) {
        r.infeasible = true;
        r.reason = "no partition into " + std::to_string(k) + " stages satisfies the memory limit (proven by CBC)";
        return r;
    }
    r.lowerBound = std::max(0.0, out.bound * scale);
    if (!out.solution.empty()) {
        Partition p(ctx.graph.nodeCount(), k);
        for (int32_t c = 0; c < cls.count; ++c) {
            int s = k - 1;
            for (int b = 1; b < k; ++b)
                if (valueOf(out.solution, z[b][c]) > 0.5) {
                    s = b - 1;
                    break;
                }
            for (int32_t v : cls.members[c])
                p.setStage(nodeId(v), stageId(s));
        }
        if (validatePartition(ctx.graph, ctx.params, p).ok()) {
            r.upperBound = bottleneckOf(ctx.graph, ctx.params, p.stages(), k);
            r.partition = std::move(p);
            r.optimal = r.lowerBound >= r.upperBound * (1 - kOptimalityTolerance);
        }
    }
    return r;
}

} // namespace pipecut::bounds

namespace pipecut {

Result<PartitionResult> runMipPartitioner(const Graph &graph, const CostParams &params,
                                          const PartitionOptions &options, const StopToken &stop,
                                          const ProgressFn &progress)
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
        return makeError(ErrorKind::Infeasible, "no valid partition into " + std::to_string(options.k) + " stages: " + r->reason);
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
        return makeError(ErrorKind::Stopped, "mip found no partition within the time limit (" +
                         formatNumber(r->seconds) + " s); try a longer --time-limit or another method");
    }
    p.optimal = p.lowerBound >= p.bottleneck * (1 - bounds::kOptimalityTolerance);
    return p;
}

} // namespace pipecut
