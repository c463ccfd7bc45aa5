#include "ui/document/document.h"

#include "core/cost/evaluate.h"
#include "core/graph/topology.h"

#include <algorithm>

namespace pipecut::ui {

Document::Document(QObject *parent)
    : QObject(parent)
{
}

Document::~Document()
{
    // QUndoStack::~QUndoStack clears the stack and, when it was not clean,
    // emits cleanChanged(): the receivers (the main window's title) may be
    // half destroyed by now. A dying document tells no one.
    m_undo.blockSignals(true);
    blockSignals(true);
}

QString Document::timeUnit() const
{
    return hasGraph() ? QString::fromStdString(m_graph->units().time) : QString();
}

QString Document::paramUnit() const
{
    return hasGraph() ? QString::fromStdString(m_graph->units().paramUnit()) : QString();
}

QString Document::sizeUnit() const
{
    return hasGraph() ? QString::fromStdString(m_graph->units().size) : QString();
}

void Document::notify(DocumentChange change)
{
    emit changed(change);
}

QString Document::boundKey(int k, const CostParams &params)
{
    BoundKey key;
    key.k = k;
    key.params = params;
    return QString::fromStdString(key.text());
}

BoundKey Document::cacheKey(int k, const CostParams &params) const
{
    BoundKey key;
    key.graph = m_graphFingerprint;
    key.k = k;
    key.params = params;
    return key;
}

const BoundInfo *Document::bound() const
{
    if (!hasGraph())
        return nullptr;
    const auto proof = m_bounds.proof(cacheKey(k(), m_params));
    if (!proof)
        return nullptr;
    m_bound = BoundInfo { proof->lowerBound, QString::fromStdString(proof->provenBy), proof->seconds };
    return &m_bound;
}

bool Document::provenOptimal() const
{
    const BoundInfo *b = bound();
    return b && bottleneck() <= b->lowerBound * (1 + 1e-9) + 1e-12;
}

void Document::setGraph(Graph graph, const QString &filePath, int k)
{
    m_undo.clear();
    m_evaluator.reset();
    m_bounds.forgetProofs(m_graphFingerprint);
    m_graph = std::make_shared<const Graph>(std::move(graph));
    m_graphFingerprint = graphFingerprint(*m_graph);
    m_bounds.forgetProofs(m_graphFingerprint);
    m_filePath = filePath;
    m_details.clear();
    m_estimatedWork.clear();
    m_costOrigin = {};
    m_params = CostParams::fromGraph(*m_graph);
    m_cluster = {};
    m_history.clear();
    m_evaluator
        = std::make_unique<IncrementalEvaluator>(*m_graph, m_params, Partition(m_graph->nodeCount(), std::max(1, k)));
    notify({ DocumentChange::Graph | DocumentChange::Partition | DocumentChange::Bound | DocumentChange::Params, {} });
}

void Document::setParams(const CostParams &params)
{
    if (!hasGraph() || params == m_params)
        return;
    m_params = params;
    m_evaluator->setParams(params);
    notify({ DocumentChange::Params | DocumentChange::Bound, {} });
}

void Document::setNodeDetails(std::vector<NodeDetail> details)
{
    m_details = std::move(details);
}

const NodeDetail *Document::nodeDetail(NodeId v) const
{
    if (!hasGraph() || m_details.size() != size_t(m_graph->nodeCount()))
        return nullptr;
    return &m_details[size_t(index(v))];
}

bool Document::recost(Graph graph, std::vector<double> estimatedWork)
{
    if (!hasGraph() || graph.nodeCount() != m_graph->nodeCount() || graph.edges() != m_graph->edges())
        return false;
    for (int32_t v = 0; v < graph.nodeCount(); ++v)
        if (graph.id(nodeId(v)) != m_graph->id(nodeId(v)))
            return false;
    m_estimatedWork = std::move(estimatedWork);
    const Partition keep = partition();
    m_bounds.forgetProofs(m_graphFingerprint); // every bound was for the old costs
    m_graph = std::make_shared<const Graph>(std::move(graph));
    m_graphFingerprint = graphFingerprint(*m_graph);
    m_params = CostParams::fromGraph(*m_graph);
    m_cluster = {};
    m_evaluator = std::make_unique<IncrementalEvaluator>(*m_graph, m_params, keep);
    notify({ DocumentChange::Params | DocumentChange::Partition | DocumentChange::Bound, {} });
    return true;
}

void Document::setBound(int k, const CostParams &params, double lowerBound, const QString &provenBy, double seconds)
{
    if (!hasGraph())
        return;
    if (!m_bounds.recordProof(cacheKey(k, params), { lowerBound, provenBy.toStdString(), seconds }))
        return; // keep the stronger proof
    if (k == this->k() && params == m_params) {
        notify({ DocumentChange::Bound, {} });
        addHistory(bottleneck(), lowerBound, QStringLiteral("bound (%1)").arg(provenBy));
    }
}

void Document::setBoundRunning(bool running)
{
    if (m_boundRunning == running)
        return;
    m_boundRunning = running;
    notify({ DocumentChange::Bound, {} });
}

void Document::forgetBound()
{
    if (!hasGraph() || !m_bounds.proof(cacheKey(k(), m_params)))
        return;
    m_bounds.forgetProof(cacheKey(k(), m_params));
    notify({ DocumentChange::Bound, {} });
}

void Document::addHistory(double t, double lb, const QString &what)
{
    m_history.push_back({ t, lb, what });
    notify({ DocumentChange::History, {} });
}

void Document::recordPoint(const QString &what)
{
    const BoundInfo *b = bound();
    addHistory(bottleneck(), b ? b->lowerBound : 0.0, what);
}

MovePlan Document::planMove(std::vector<NodeId> nodes, StageId target, bool withForced)
{
    MovePlan plan;
    plan.target = target;
    if (!hasGraph())
        return plan;
    const Partition &current = partition();
    plan.before = bottleneck();
    plan.after = plan.before;
    std::erase_if(nodes, [&](NodeId v) { return current.stage(v) == target; });
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    if (index(target) < 0 || index(target) >= k()) {
        plan.reason = tr("there is no stage %1").arg(index(target) + 1);
        return plan;
    }
    if (nodes.empty()) {
        plan.reason = tr("the nodes are already in stage %1").arg(index(target) + 1);
        return plan;
    }
    const auto forced = forcedMoves(*m_graph, current.stages(), nodes, index(target));
    if (withForced) {
        plan.forced = forced;
        nodes.insert(nodes.end(), forced.begin(), forced.end());
    }
    plan.nodes = nodes;

    Partition trial = current;
    for (NodeId v : nodes)
        trial.setStage(v, target);
    auto violations = checkFeasibility(*m_graph, m_params, trial, 1);
    if (!violations.empty()) {
        plan.reason = QString::fromStdString(violations.front().message);
        if (!withForced && !forced.empty())
            plan.reason += tr(" (hold Shift to bring along %n more node(s))", nullptr, int(forced.size()));
        return plan;
    }
    plan.valid = true;
    plan.after = m_evaluator->bottleneckIfMoved(nodes, target);
    return plan;
}

void Document::applyMove(std::span<const NodeId> nodes, StageId target)
{
    m_evaluator->move(nodes, target);
    notify({ DocumentChange::Partition, std::vector<NodeId>(nodes.begin(), nodes.end()) });
}

void Document::applyStages(std::span<const NodeId> nodes, std::span<const int32_t> stages)
{
    // Group by target stage so that each evaluator move is one batch.
    std::map<int32_t, std::vector<NodeId>> byStage;
    for (size_t i = 0; i < nodes.size(); ++i)
        byStage[stages[i]].push_back(nodes[i]);
    for (const auto &[s, members] : byStage)
        m_evaluator->move(members, stageId(s));
    notify({ DocumentChange::Partition, std::vector<NodeId>(nodes.begin(), nodes.end()) });
}

void Document::applyPartition(const Partition &partition)
{
    if (partition.k() == k()) {
        m_evaluator->assign(partition);
    } else {
        m_evaluator = std::make_unique<IncrementalEvaluator>(*m_graph, m_params, partition);
    }
    notify({ DocumentChange::Partition | DocumentChange::Bound, {} });
}

Costing Document::swapCosting(Costing costing)
{
    if (costing.graph != m_graph)
        costing.evaluator
            = std::make_unique<IncrementalEvaluator>(*m_graph, costing.params, costing.evaluator->partition());
    Costing previous { std::move(m_params), std::move(m_cluster), m_graph, std::move(m_evaluator) };
    m_params = std::move(costing.params);
    m_cluster = std::move(costing.cluster);
    m_evaluator = std::move(costing.evaluator);
    notify({ DocumentChange::Params | DocumentChange::Partition | DocumentChange::Bound, {} });
    return previous;
}

} // namespace pipecut::ui
