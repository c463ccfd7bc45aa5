#include "core/cost/evaluate.h"

#include "core/cost/summary.h"

#include <algorithm>

namespace pipecut {

double Evaluation::sumOfCosts() const
{
    return summarize(stages, bottleneck).fillLatency;
}

namespace {

// Accumulates work/comm/param per stage into flat arrays.
struct Accum {
    std::vector<double> work, in, out, param;
    std::vector<int32_t> count;
};

// With per-device work (docs/model.md §1.7) a stage's work is its device's column.
void accumulate(const Graph &g, const CostParams &p, std::span<const int32_t> stage, int k, Accum &a)
{
    const bool perDevice = p.devices.size() == static_cast<size_t>(k) && p.hasDeviceWork();
    a.work.assign(k, 0.0);
    a.in.assign(k, 0.0);
    a.out.assign(k, 0.0);
    a.param.assign(k, 0.0);
    a.count.assign(k, 0);
    // mark[b] == u+1 when stage b already reads u's tensor.
    std::vector<int32_t> mark(k, 0);
    const auto works = g.works();
    const auto outs = g.outs();
    const auto params = g.params();
    const auto off = g.succOffsets();
    const auto succ = g.successorArray();
    const int32_t n = g.nodeCount();
    for (int32_t u = 0; u < n; ++u) {
        const int32_t s = stage[u];
        a.work[s] += perDevice ? p.workOn(s, u, works[u]) : works[u];
        a.param[s] += params[u];
        ++a.count[s];
        bool written = false;
        for (int32_t e = off[u]; e < off[u + 1]; ++e) {
            const int32_t b = stage[index(succ[e])];
            if (b != s && mark[b] != u + 1) {
                mark[b] = u + 1;
                a.in[b] += outs[u];
                written = true;
            }
        }
        if (written)
            a.out[s] += outs[u];
    }
}

// Stage b's cost: on its device when the cluster has k devices (a mismatch is
// reported by checkFeasibility), else the homogeneous model.
double costOf(const CostParams &params, int b, int k, double work, double in, double out, double param)
{
    return params.devices.size() == static_cast<size_t>(k) ? params.stageCost(b, work, in, out, param)
                                                           : params.stageCost(work, in, out, param);
}

} // namespace

Evaluation evaluate(const Graph &graph, const CostParams &params, const Partition &partition)
{
    const int k = partition.k();
    Accum a;
    accumulate(graph, params, partition.stages(), k, a);
    Evaluation ev;
    ev.stages.resize(k);
    for (int b = 0; b < k; ++b) {
        StageCost &c = ev.stages[b];
        c.work = a.work[b];
        c.commIn = a.in[b];
        c.commOut = a.out[b];
        c.param = a.param[b];
        c.nodes = a.count[b];
        c.cost = costOf(params, b, k, c.work, c.commIn, c.commOut, c.param);
        if (c.cost > ev.bottleneck) {
            ev.bottleneck = c.cost;
            ev.bottleneckStage = b;
        }
    }
    return ev;
}

double bottleneckOf(const Graph &graph, const CostParams &params, std::span<const int32_t> stage, int k)
{
    Accum a;
    accumulate(graph, params, stage, k, a);
    double t = 0;
    for (int b = 0; b < k; ++b)
        t = std::max(t, costOf(params, b, k, a.work[b], a.in[b], a.out[b], a.param[b]));
    return t;
}

std::vector<Violation> checkFeasibility(
    const Graph &g, const CostParams &params, const Partition &p, size_t maxReported)
{
    std::vector<Violation> out;
    auto full = [&] { return maxReported && out.size() >= maxReported; };
    auto add = [&](Violation::Kind kind, std::string msg) {
        if (!full())
            out.push_back({ kind, std::move(msg) });
    };
    if (p.nodeCount() != g.nodeCount()) {
        add(Violation::Kind::SizeMismatch,
            "the partition has " + std::to_string(p.nodeCount()) + " nodes but the graph has "
                + std::to_string(g.nodeCount()));
        return out;
    }
    const int k = p.k();
    if (k < 1) {
        add(Violation::Kind::StageOutOfRange, "k must be at least 1, not " + std::to_string(k));
        return out;
    }
    bool rangeOk = true;
    for (int32_t v = 0; v < g.nodeCount(); ++v) {
        const int32_t s = p.stages()[v];
        if (s < 0 || s >= k) {
            rangeOk = false;
            add(Violation::Kind::StageOutOfRange,
                "node '" + g.id(nodeId(v)) + "' is in stage " + std::to_string(s + 1) + ", outside 1.."
                    + std::to_string(k));
        }
    }
    if (!rangeOk)
        return out;
    for (auto [u, v] : g.edges()) {
        const int32_t a = p.stages()[index(u)], b = p.stages()[index(v)];
        if (a > b)
            add(Violation::Kind::BackwardEdge,
                "edge '" + g.id(u) + "' -> '" + g.id(v) + "' runs backwards, from stage " + std::to_string(a + 1)
                    + " to stage " + std::to_string(b + 1));
    }
    for (int32_t gi = 0; gi < g.groupCount(); ++gi) {
        auto members = g.groupMembers(groupId(gi));
        const int32_t s0 = p.stages()[index(members[0])];
        for (NodeId m : members)
            if (p.stages()[index(m)] != s0) {
                add(Violation::Kind::SplitGroup,
                    "group '" + g.groupName(groupId(gi)) + "' is split: '" + g.id(members[0]) + "' is in stage "
                        + std::to_string(s0 + 1) + " and '" + g.id(m) + "' in stage "
                        + std::to_string(p.stages()[index(m)] + 1));
                break;
            }
    }
    if (params.hasDevices() && static_cast<int>(params.devices.size()) != k) {
        add(Violation::Kind::SizeMismatch,
            "the partition has " + std::to_string(k) + " stages but the cluster has "
                + std::to_string(params.devices.size()) + " devices");
        return out;
    }
    if (params.memoryLimit || params.hasDevices()) {
        std::vector<double> param(k, 0.0);
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            param[p.stages()[v]] += g.params()[v];
        for (int b = 0; b < k; ++b)
            if (!params.fitsMemory(b, param[b])) {
                const double limit = params.hasDevices() ? *params.devices[b].memoryLimit : *params.memoryLimit;
                add(Violation::Kind::OverMemory,
                    "stage " + std::to_string(b + 1) + " holds " + formatNumber(param[b])
                        + " of parameters, over the memory limit " + formatNumber(limit)
                        + (params.hasDevices() ? " of its device '" + params.devices[b].name + "'" : std::string()));
            }
    }
    return out;
}

Status validatePartition(const Graph &graph, const CostParams &params, const Partition &partition)
{
    auto v = checkFeasibility(graph, params, partition, 5);
    if (v.empty())
        return Ok {};
    std::string msg = v.front().message;
    for (size_t i = 1; i < v.size(); ++i)
        msg += "; " + v[i].message;
    return makeError(msg);
}

} // namespace pipecut
