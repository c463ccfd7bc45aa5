#pragma once
// The stage list: legend (colour, stage number) with each stage's cost, work,
// comm in, comm out, memory against the limit (a bar), node count and the
// bottleneck marker; drop target for moves. Every column sorts (click its
// header); the header's context menu chooses the columns shown (remembered).
// Double-clicking a stage selects its nodes.

#include "ui/document/document.h"

#include <QTreeWidget>

#include <vector>

namespace pipecut::ui {

class MoveController;

class StageList : public QTreeWidget {
    Q_OBJECT
public:
    StageList(Document *document, MoveController *moves, QWidget *parent = nullptr);

    enum Column {
        StageColumn,
        CostColumn,
        WorkColumn,
        CommInColumn,
        CommOutColumn,
        MemoryColumn,
        NodesColumn,
        MarkColumn
    };
    static constexpr int kColumns = MarkColumn + 1;

    // The rectangle of a stage's row in viewport coordinates (for tests and drops).
    QRect stageRect(int stage) const;
    // The row of a stage, wherever sorting put it.
    QTreeWidgetItem *stageItem(int stage) const;
    void setColumnShown(int column, bool shown); // remembered in the settings

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

    void chooseColumns(QPoint pos);

    Document *m_document;
    MoveController *m_moves;
    std::vector<QTreeWidgetItem *> m_items; // per stage
};

} // namespace pipecut::ui
