#pragma once
// Turns drags and keyboard moves into MoveNodesCommands: plans the move with
// the Document (validity, forced nodes, bottleneck after), reports the preview
// while hovering, pushes the command on drop, and explains refusals. The graph
// view and the stage list both drop through it, so both behave the same.

#include "ui/document/document.h"

#include <QObject>

class QMimeData;

namespace pipecut::ui {

class MoveController : public QObject {
    Q_OBJECT
public:
    explicit MoveController(Document *document, QObject *parent = nullptr);

    static QString mimeType();
    static QMimeData *makeMimeData(const std::vector<NodeId> &nodes);
    static std::vector<NodeId> nodesFromMimeData(const QMimeData *mime);

    // While dragging over a target: the plan (recomputed only when the target,
    // the modifier or the payload changes).
    const MovePlan &hover(const std::vector<NodeId> &nodes, StageId target, bool withForced);
    void leave();
    // Drop or keyboard move: pushes one command when valid, otherwise emits refused().
    bool commit(const std::vector<NodeId> &nodes, StageId target, bool withForced);
    // Keyboard move: to the stage before the first (delta < 0) or after the
    // last (delta > 0) stage of the nodes.
    bool moveBy(const std::vector<NodeId> &nodes, int delta, bool withForced);

    QString describe(const MovePlan &plan) const;

signals:
    void previewChanged(const QString &text, bool valid);
    void markedChanged(const std::vector<pipecut::NodeId> &forced); // nodes that would come along
    void refused(const QString &reason);

private:
    Document *m_document;
    MovePlan m_plan;
    std::vector<NodeId> m_planNodes;
    bool m_planForced = false;
    bool m_hasPlan = false;
};

} // namespace pipecut::ui
