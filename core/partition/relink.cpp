#include "core/partition/relink.h"

#include "core/cost/evaluate.h"
#include "core/cost/incremental.h"
#include "core/partition/lns.h"
#include "core/partition/refine.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <vector>

namespace pipecut {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

int32_t unitStage(const Partition &p, const Contraction &units, int32_t c)
{
    return index(p.stage(units.members(c)[0]));
}

// The state of one walk: the units' current and target stages, the units
// still to move in topological order, and the incremental costs.
class Walk {
public:
    Walk(const Graph &graph, const CostParams &params, const Contraction &units, const Partition &from,
        const Partition &to)
        : m_params(params)
        , m_units(units)
        , m_eval(graph, params, from)
    {
        const Graph &q = units.graph;
        m_cur.resize(size_t(q.nodeCount()));
        m_target.resize(size_t(q.nodeCount()));
        for (NodeId c : q.topologicalOrder()) {
            const int32_t i = index(c);
            m_cur[i] = unitStage(from, units, i);
            m_target[i] = unitStage(to, units, i);
            if (m_cur[i] != m_target[i])
                m_left.push_back(i);
        }
    }
    bool done() const { return m_left.empty(); }

    // Moves one unit toward its target; false when none can move (never for
    // valid endpoints, relink.h), which ends the walk.
    bool step(int candidates)
    {
        // The first 8 x `candidates` movable units in topological order suffice.
        std::vector<size_t> movable;
        const size_t enough = 8 * size_t(std::max(1, candidates));
        for (size_t j = 0; j < m_left.size() && movable.size() < enough; ++j)
            if (canMove(m_left[j]))
                movable.push_back(j);
        if (movable.empty())
            return false;
        const size_t stride = std::max<size_t>(1, movable.size() / size_t(std::max(1, candidates)));
        std::tuple<double, double, int32_t> best { kInf, kInf, 0 };
        size_t bestJ = movable[0];
        for (size_t m = 0; m < movable.size(); m += stride) {
            const int32_t c = m_left[movable[m]];
            const int32_t f = m_cur[c], t = m_target[c];
            m_eval.move(m_units.members(c), stageId(t));
            const std::tuple<double, double, int32_t> score { m_eval.bottleneck(),
                std::max(m_eval.stage(stageId(f)).cost, m_eval.stage(stageId(t)).cost), c };
            m_eval.move(m_units.members(c), stageId(f));
            if (score < best) {
                best = score;
                bestJ = movable[m];
            }
        }
        const int32_t c = m_left[bestJ];
        m_eval.move(m_units.members(c), stageId(m_target[c]));
        m_cur[c] = m_target[c];
        m_left.erase(m_left.begin() + static_cast<std::ptrdiff_t>(bestJ));
        m_moved.push_back(c);
        return true;
    }
    bool fitsMemory() const
    {
        for (int j = 0; j < m_eval.k(); ++j)
            if (!m_params.fitsMemory(j, m_eval.stage(stageId(j)).param))
                return false;
        return true;
    }
    double bottleneck() const { return m_eval.bottleneck(); }
    int64_t moves() const { return int64_t(m_moved.size()); }

    // `from` with the first `count` moves of the walk applied.
    Partition prefix(const Partition &from, int64_t count) const
    {
        std::vector<int32_t> stage(from.stages().begin(), from.stages().end());
        for (int64_t i = 0; i < count; ++i) {
            const int32_t c = m_moved[size_t(i)];
            for (NodeId v : m_units.members(c))
                stage[index(v)] = m_target[c];
        }
        return Partition(std::move(stage), from.k());
    }

private:
    bool canMove(int32_t c) const
    {
        const int32_t t = m_target[c];
        const Graph &q = m_units.graph;
        for (NodeId p : q.predecessors(nodeId(c)))
            if (m_cur[index(p)] > t)
                return false;
        for (NodeId s : q.successors(nodeId(c)))
            if (m_cur[index(s)] < t)
                return false;
        return true;
    }

    const CostParams &m_params;
    const Contraction &m_units;
    IncrementalEvaluator m_eval;
    std::vector<int32_t> m_cur, m_target, m_left, m_moved;
};

} // namespace

RelinkWalk relinkWalk(const Graph &graph, const CostParams &params, const Contraction &units, const Partition &from,
    const Partition &to, const StopToken &stop, const Deadline &deadline, int candidates)
{
    Walk walk(graph, params, units, from, to);
    RelinkWalk out { from, kInf, 0 };
    int64_t bestCount = 0;
    while (!walk.done() && !stop.stopRequested() && !deadline.expired() && walk.step(candidates))
        if (!walk.done() && walk.bottleneck() < out.bottleneck && walk.fitsMemory()) {
            out.bottleneck = walk.bottleneck();
            bestCount = walk.moves();
        }
    out.steps = walk.moves();
    if (bestCount > 0) {
        out.partition = walk.prefix(from, bestCount);
        out.bottleneck = bottleneckOf(graph, params, out.partition.stages(), from.k());
    }
    return out;
}

RelinkOutcome relinkSearch(const Graph &graph, const CostParams &params, const Contraction &units, const Partition &a,
    const Partition &b, const StopToken &stop, const Deadline &deadline, int candidates)
{
    const int k = a.k();
    const double ta = bottleneckOf(graph, params, a.stages(), k), tb = bottleneckOf(graph, params, b.stages(), k);
    RelinkOutcome out { tb < ta ? b : a, std::min(ta, tb), 0, false };
    for (const auto &[from, to] : { std::pair { &a, &b }, std::pair { &b, &a } }) {
        const RelinkWalk w = relinkWalk(graph, params, units, *from, *to, stop, deadline, candidates);
        out.steps += w.steps;
        if (w.bottleneck == kInf)
            continue;
        const RefineOutcome r = refinePartition(graph, params, w.partition, stop, deadline, &units);
        const WindowOutcome d = windowDescent(graph, params, units, r.partition, stop, deadline);
        if (d.bottleneck < out.bottleneck) {
            out.partition = d.partition;
            out.bottleneck = d.bottleneck;
        }
    }
    out.improved = out.bottleneck < std::min(ta, tb) * (1 - 1e-12);
    return out;
}

} // namespace pipecut
