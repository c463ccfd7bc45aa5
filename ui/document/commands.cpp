#include "ui/document/commands.h"

#include "ui/document/document.h"

namespace pipecut::ui {

MoveNodesCommand::MoveNodesCommand(Document *document, std::vector<NodeId> nodes, StageId target, const QString &text)
    : QUndoCommand(text)
    , m_document(document)
    , m_nodes(std::move(nodes))
    , m_target(target)
{
    m_previous.reserve(m_nodes.size());
    for (NodeId v : m_nodes)
        m_previous.push_back(index(document->partition().stage(v)));
}

void MoveNodesCommand::redo()
{
    m_document->applyMove(m_nodes, m_target);
    m_document->recordPoint(text());
}

void MoveNodesCommand::undo()
{
    m_document->applyStages(m_nodes, m_previous);
    m_document->recordPoint(QObject::tr("undo %1").arg(text()));
}

SetPartitionCommand::SetPartitionCommand(Document *document, Partition partition, const QString &text)
    : QUndoCommand(text)
    , m_document(document)
    , m_before(document->partition())
    , m_after(std::move(partition))
{
}

void SetPartitionCommand::redo()
{
    m_document->applyPartition(m_after);
    m_document->recordPoint(text());
}

void SetPartitionCommand::undo()
{
    m_document->applyPartition(m_before);
    m_document->recordPoint(QObject::tr("undo %1").arg(text()));
}

SetCostingCommand::SetCostingCommand(Document *document, Costing costing, const QString &text)
    : QUndoCommand(text)
    , m_document(document)
    , m_other(std::move(costing))
{
}

void SetCostingCommand::redo()
{
    m_other = m_document->swapCosting(std::move(m_other));
    m_document->recordPoint(text());
}

void SetCostingCommand::undo()
{
    m_other = m_document->swapCosting(std::move(m_other));
    m_document->recordPoint(QObject::tr("undo %1").arg(text()));
}

} // namespace pipecut::ui
