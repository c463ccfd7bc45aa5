#include "core/cost/incremental.h"

#include <algorithm>
#include <cassert>

namespace pipecut {

IncrementalEvaluator::IncrementalEvaluator(const Graph &graph, const CostParams &params, Partition partition)
    : m_graph(&graph)
    , m_params(params)
    , m_partition(std::move(partition))
{
    assert(m_partition.nodeCount() == graph.nodeCount());
    m_slots.resize(graph.successorArray().size());
    m_used.assign(graph.nodeCount(), 0);
    m_stamp.assign(graph.nodeCount(), 0);
    rebuild();
}

void IncrementalEvaluator::rebuild()
{
    const Graph &g = *m_graph;
    const auto off = g.succOffsets();
    const auto succ = g.successorArray();
    const auto stage = m_partition.stages();
    std::fill(m_used.begin(), m_used.end(), 0);
    for (int32_t u = 0; u < g.nodeCount(); ++u)
        for (int32_t e = off[u]; e < off[u + 1]; ++e)
            addSuccessorStage(u, stage[index(succ[e])], +1);
    Evaluation ev = evaluate(g, m_params, m_partition);
    m_stages = std::move(ev.stages);
    m_movesSinceResum = 0;
}

// Successor-stage counts of u live in u's own slice of the slot array; the
// number of distinct stages never exceeds the out-degree, so it always fits.
void IncrementalEvaluator::addSuccessorStage(int32_t u, int32_t stage, int32_t delta)
{
    Slot *slots = m_slots.data() + m_graph->succOffsets()[u];
    int32_t &used = m_used[u];
    for (int32_t i = 0; i < used; ++i) {
        if (slots[i].stage == stage) {
            slots[i].count += delta;
            assert(slots[i].count >= 0);
            if (slots[i].count == 0)
                slots[i] = slots[--used];
            return;
        }
    }
    assert(delta > 0);
    slots[used++] = Slot { stage, delta };
}

// Adds (sign = +1) or removes (sign = -1) the communication of u's tensor:
// read once by every other stage holding a successor, written once by u's
// stage if any such stage exists.
void IncrementalEvaluator::applyTensor(int32_t u, double sign)
{
    const double size = m_graph->outs()[u] * sign;
    if (size == 0)
        return;
    const int32_t s = m_partition.stages()[u];
    const Slot *slots = m_slots.data() + m_graph->succOffsets()[u];
    bool written = false;
    for (int32_t i = 0; i < m_used[u]; ++i)
        if (slots[i].stage != s) {
            m_stages[slots[i].stage].commIn += size;
            written = true;
        }
    if (written)
        m_stages[s].commOut += size;
}

void IncrementalEvaluator::moveOne(int32_t v, int32_t to)
{
    const int32_t from = m_partition.stages()[v];
    if (from == to)
        return;
    const Graph &g = *m_graph;
    StageCost &a = m_stages[from];
    StageCost &b = m_stages[to];
    const double w = g.works()[v];
    const bool perDevice = m_params.devices.size() == m_stages.size(); // per-device work, §1.7
    a.work -= perDevice ? m_params.workOn(from, v, w) : w;
    b.work += perDevice ? m_params.workOn(to, v, w) : w;
    a.param -= g.params()[v];
    b.param += g.params()[v];
    --a.nodes;
    ++b.nodes;
    for (NodeId p : g.predecessors(nodeId(v))) {
        addSuccessorStage(index(p), from, -1);
        addSuccessorStage(index(p), to, +1);
    }
    m_partition.rawStages()[v] = to;
}

void IncrementalEvaluator::move(std::span<const NodeId> nodes, StageId to)
{
    const int32_t t = index(to);
    assert(t >= 0 && t < k());
    const Graph &g = *m_graph;
    // The tensors whose readers or writer change: the moved nodes' own and
    // their predecessors'. Remove each once, move, then add each back once.
    if (++m_stampValue == INT32_MAX) {
        std::fill(m_stamp.begin(), m_stamp.end(), 0);
        m_stampValue = 1;
    }
    m_touched.clear();
    auto touch = [&](int32_t u) {
        if (m_stamp[u] != m_stampValue) {
            m_stamp[u] = m_stampValue;
            m_touched.push_back(u);
        }
    };
    for (NodeId v : nodes) {
        touch(index(v));
        for (NodeId p : g.predecessors(v))
            touch(index(p));
    }
    for (int32_t u : m_touched)
        applyTensor(u, -1.0);
    for (NodeId v : nodes)
        moveOne(index(v), t);
    for (int32_t u : m_touched)
        applyTensor(u, +1.0);
    m_movesSinceResum += static_cast<int64_t>(nodes.size());
    if (m_movesSinceResum >= kResumInterval)
        rebuild();
    else
        refreshCosts();
}

void IncrementalEvaluator::assign(const Partition &partition)
{
    assert(partition.k() == k() && partition.nodeCount() == m_partition.nodeCount());
    // Group the differing nodes by target stage and move each group at once.
    std::vector<std::vector<NodeId>> byTarget(k());
    size_t changed = 0;
    for (int32_t v = 0; v < partition.nodeCount(); ++v)
        if (partition.stages()[v] != m_partition.stages()[v]) {
            byTarget[partition.stages()[v]].push_back(nodeId(v));
            ++changed;
        }
    if (changed * 4 > static_cast<size_t>(partition.nodeCount())) {
        m_partition = partition;
        rebuild();
        return;
    }
    for (int32_t s = 0; s < k(); ++s)
        if (!byTarget[s].empty())
            move(byTarget[s], stageId(s));
}

double IncrementalEvaluator::bottleneckIfMoved(std::span<const NodeId> nodes, StageId to)
{
    // Remember where each node was, apply, read, and move them back.
    std::vector<std::pair<NodeId, int32_t>> previous;
    previous.reserve(nodes.size());
    for (NodeId v : nodes)
        previous.emplace_back(v, m_partition.stages()[index(v)]);
    const int64_t resumCounter = m_movesSinceResum;
    m_movesSinceResum = 0; // no full re-sum in the middle of a what-if
    move(nodes, to);
    const double t = bottleneck();
    std::vector<std::vector<NodeId>> back(k());
    for (auto [v, s] : previous)
        back[s].push_back(v);
    for (int32_t s = 0; s < k(); ++s)
        if (!back[s].empty())
            move(back[s], stageId(s));
    m_movesSinceResum = resumCounter;
    return t;
}

void IncrementalEvaluator::setParams(const CostParams &params)
{
    m_params = params;
    refreshCosts();
}

void IncrementalEvaluator::refreshCosts()
{
    const bool perDevice = m_params.devices.size() == m_stages.size();
    for (size_t b = 0; b < m_stages.size(); ++b) {
        StageCost &c = m_stages[b];
        // Clamp the tiny negative residue that add/subtract can leave on empty stages.
        if (c.nodes == 0) {
            c.work = c.param = c.commIn = c.commOut = 0.0;
        }
        c.cost = perDevice ? m_params.stageCost(static_cast<int>(b), c.work, c.commIn, c.commOut, c.param)
                           : m_params.stageCost(c.work, c.commIn, c.commOut, c.param);
    }
}

double IncrementalEvaluator::bottleneck() const
{
    double t = 0;
    for (const StageCost &c : m_stages)
        t = std::max(t, c.cost);
    return t;
}

int IncrementalEvaluator::bottleneckStage() const
{
    int best = 0;
    for (int s = 1; s < static_cast<int>(m_stages.size()); ++s)
        if (m_stages[s].cost > m_stages[best].cost)
            best = s;
    return best;
}

Evaluation IncrementalEvaluator::evaluation() const
{
    Evaluation ev;
    ev.stages = m_stages;
    ev.bottleneckStage = bottleneckStage();
    ev.bottleneck = m_stages.empty() ? 0.0 : m_stages[ev.bottleneckStage].cost;
    return ev;
}

} // namespace pipecut
