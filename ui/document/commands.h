#pragma once
// The undoable edits of the partition. Each user action is exactly one command.

#include "core/cost/partition.h"
#include "core/util/ids.h"
#include "ui/document/document.h"

#include <QUndoCommand>

#include <vector>

namespace pipecut::ui {

class Document;

// Moves nodes (already including any forced ones) to one stage.
class MoveNodesCommand : public QUndoCommand {
public:
    MoveNodesCommand(Document *document, std::vector<NodeId> nodes, StageId target, const QString &text);
    void redo() override;
    void undo() override;

private:
    Document *m_document;
    std::vector<NodeId> m_nodes;
    std::vector<int32_t> m_previous; // stage of each node before the move
    StageId m_target;
};

// Replaces the whole partition (a solver result), possibly with a new k.
class SetPartitionCommand : public QUndoCommand {
public:
    SetPartitionCommand(Document *document, Partition partition, const QString &text);
    void redo() override;
    void undo() override;

private:
    Document *m_document;
    Partition m_before, m_after;
};

// Installs another costing (a cluster applied or cleared, with the partition
// re-split when the device count changed k); undo swaps the previous one back.
class SetCostingCommand : public QUndoCommand {
public:
    SetCostingCommand(Document *document, Costing costing, const QString &text);
    void redo() override;
    void undo() override;

private:
    Document *m_document;
    Costing m_other; // the costing not installed
};

} // namespace pipecut::ui
