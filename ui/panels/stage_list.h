#pragma once
// The stage list: legend (colour, stage number, cost, node count, bottleneck
// marker) and drop target for moves. Double-clicking a stage selects its nodes.

#include "ui/document/document.h"

#include <QTreeWidget>

namespace pipecut::ui {

class MoveController;

class StageList : public QTreeWidget {
    Q_OBJECT
public:
    StageList(Document *document, MoveController *moves, QWidget *parent = nullptr);

    // The rectangle of a stage's row in viewport coordinates (for tests and drops).
    QRect stageRect(int stage) const;

signals:
    void stageActivated(int stage);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    // With `remeasure` the columns fit their contents again; otherwise they
    // only grow, when a new figure does not fit.
    void refresh(bool remeasure);
    bool fits(QTreeWidgetItem *item, int column) const;
    int stageAt(QPoint pos) const;

    Document *m_document;
    MoveController *m_moves;
};

} // namespace pipecut::ui
