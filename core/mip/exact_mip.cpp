#include "core/mip/exact_mip.h"

#include "core/cost/device_work.h"
#include "core/cost/evaluate.h"

#include <algorithm>
#include <cmath>

namespace pipecut::mip {

namespace {

constexpr int64_t kSymmetryRowLimit = 2000;

// Stage per class of a valid partition with its empty stages moved last.
std::vector<int> classStages(const ExactMipInput &in, const Partition &p)
{
    const NodeClasses &cls = in.classes;
    std::vector<char> used(in.k, 0);
    for (int32_t v = 0; v < p.nodeCount(); ++v)
        used[p.stages()[v]] = 1;
    std::vector<int> renumber(in.k, 0);
    for (int s = 0, next = 0; s < in.k; ++s)
        renumber[s] = in.params.hasDevices() ? s : used[s] ? next++ : 0; // a cluster's stages keep their devices
    std::vector<int> stage(cls.count);
    for (int32_t c = 0; c < cls.count; ++c)
        stage[c] = renumber[p.stages()[cls.members[c][0]]];
    return stage;
}

// The model's columns: z[b][c] (class c in stages 1..b), T, and per stage its
// cost and its "used" column (-1 without symmetry rows).
struct ExactModel {
    MipModel model;
    std::vector<std::vector<int>> z;
    int t = -1;
    std::vector<Lin> stageCost;
    std::vector<int> used;
};

// The nested ideals z[1..k-1]. Building the model looks at the clock between
// blocks (each O(n + m); about 0.4 s in all for 140,000 columns), so that a
// stop or the limit does not wait for the whole model; stopped, it proves nothing.
bool addIdeals(const ExactMipInput &in, BlockBuilder &builder, ExactModel &m)
{
    const int k = in.k;
    m.z.resize(k + 1);
    m.z[0].assign(in.classes.count, kZero);
    m.z[k].assign(in.classes.count, kOne);
    for (int b = 1; b < k; ++b) {
        if (in.stopped())
            return false;
        m.z[b] = builder.addIdeal();
        builder.addNested(m.z[b - 1], m.z[b]);
    }
    return true;
}

// T >= f_b per stage, and empty stages last.
bool addStages(const ExactMipInput &in, BlockBuilder &builder, ExactModel &m)
{
    const int k = in.k;
    const NodeClasses &cls = in.classes;
    // The symmetry rows are dense (one term per class) and slow the LP down
    // several times on large models, where the search never gets deep enough
    // for symmetry to matter; they pay off on small ones.
    // With a cluster an empty stage cannot move: its device is not the last one's.
    const bool symmetryRows
        = k > 1 && static_cast<int64_t>(cls.count) * k <= kSymmetryRowLimit && !in.params.hasDevices();
    m.stageCost.resize(k + 1);
    m.used.assign(k + 1, -1);
    for (int b = 1; b <= k; ++b) {
        if (in.stopped())
            return false;
        m.stageCost[b] = in.params.hasDevices() ? builder.blockCostOn(m.z[b], m.z[b - 1], b - 1)
                                                : builder.blockCost(m.z[b], m.z[b - 1]);
        Lin row = m.stageCost[b];
        row.add(m.t, -1.0);
        addLessEqual(m.model, row, 0.0);
        // Empty stages last.
        if (symmetryRows) {
            m.used[b] = m.model.addColumn(0.0, 1.0, 0.0, false);
            Lin count;
            for (int32_t c = 0; c < cls.count; ++c) {
                count.add(m.z[b][c], 1.0);
                count.add(m.z[b - 1][c], -1.0);
            }
            Lin atMost = count; // used_b <= |S_b|
            atMost.add(m.used[b], -1.0);
            addGreaterEqual(m.model, atMost, 0.0);
            Lin atLeast = count; // |S_b| <= n used_b
            atLeast.add(m.used[b], -static_cast<double>(cls.count));
            addLessEqual(m.model, atLeast, 0.0);
            if (b > 1)
                m.model.addLessEqual({ { m.used[b], 1.0 }, { m.used[b - 1], -1.0 } }, 0.0);
        }
    }
    return true;
}

// The incumbent (empty stages moved last) as a complete start vector.
std::vector<double> warmStart(
    const ExactMipInput &in, const BlockBuilder &builder, const ExactModel &m, double floor, double scale)
{
    const int k = in.k;
    const std::vector<int> stage = classStages(in, *in.incumbent);
    std::vector<double> start(m.model.columnCount(), 0.0);
    for (int b = 1; b < k; ++b)
        for (int32_t c = 0; c < in.classes.count; ++c)
            start[m.z[b][c]] = stage[c] < b ? 1.0 : 0.0;
    builder.complete(start);
    double top = floor / scale;
    for (int b = 1; b <= k; ++b) {
        top = std::max(top, valueOf(start, m.stageCost[b]));
        if (m.used[b] >= 0)
            start[m.used[b]] = std::count(stage.begin(), stage.end(), b - 1) > 0 ? 1.0 : 0.0;
    }
    start[m.t] = top;
    return start;
}

// The partition of CBC's solution: class c lies in the first stage b whose ideal holds it.
Partition partitionOf(const ExactMipInput &in, const ExactModel &m, const std::vector<double> &solution)
{
    const int k = in.k;
    Partition p(in.graph.nodeCount(), k);
    for (int32_t c = 0; c < in.classes.count; ++c) {
        int s = k - 1;
        for (int b = 1; b < k; ++b)
            if (valueOf(solution, m.z[b][c]) > 0.5) {
                s = b - 1;
                break;
            }
        for (int32_t v : in.classes.members[c])
            p.setStage(nodeId(v), stageId(s));
    }
    return p;
}

} // namespace

ExactMipOutcome solveExactMip(const ExactMipInput &in)
{
    ExactMipOutcome r;
    const int k = in.k;
    const double comb = in.combinatorial;
    const double scale = comb > 0 ? comb : 1.0;
    const double floor = std::max(comb, in.known);

    ExactModel m;
    BlockBuilder builder(m.model, in.graph, in.params, in.classes, scale);
    if (!addIdeals(in, builder, m)) {
        r.stopped = true;
        return r;
    }
    m.t = m.model.addColumn(floor / scale, MipModel::kInf, 1.0, false);
    if (!addStages(in, builder, m)) {
        r.stopped = true;
        return r;
    }
    // k T >= W; with a cluster (sum of speeds) T >= W (docs/model.md §4.1), W
    // each node's least work over the devices with per-device work (§1.7).
    m.model.addGreaterEqual(
        { { m.t, in.params.totalSpeed(k) } }, leastTotalWork(in.graph, in.params) / scale * (1 - 1e-12));

    std::vector<double> start;
    if (in.incumbent)
        start = warmStart(in, builder, m, floor, scale);

    if (in.stopped()) {
        r.stopped = true;
        return r;
    }
    SolveOptions o = in.solveOptions();
    o.start = start;
    o.progress = [&](double inc, double bound) {
        if (in.progress)
            in.progress(inc * scale, bound * scale);
    };
    const SolveOutcome out = solve(m.model, o);
    if (out.status == SolveOutcome::Status::Infeasible) {
        r.infeasible = true;
        return r;
    }
    r.lowerBound = std::max(0.0, out.bound * scale);
    if (!out.solution.empty()) {
        Partition p = partitionOf(in, m, out.solution);
        if (validatePartition(in.graph, in.params, p).ok()) {
            r.upperBound = bottleneckOf(in.graph, in.params, p.stages(), k);
            r.partition = std::move(p);
            r.optimal = r.lowerBound >= r.upperBound * (1 - kOptimalityTolerance);
        }
    }
    return r;
}

} // namespace pipecut::mip
