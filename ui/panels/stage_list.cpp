#include "ui/panels/stage_list.h"

#include "ui/document/move_controller.h"
#include "ui/format.h"
#include "ui/stage_palette.h"

#include <QDragEnterEvent>
#include <QHeaderView>
#include <QMimeData>
#include <QPainter>

namespace pipecut::ui {

namespace {
QIcon swatch(int stage)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(80, 80, 80));
    p.setBrush(stageColor(stage));
    p.drawRoundedRect(QRectF(0.5, 0.5, 13, 13), 3, 3);
    return QIcon(pixmap);
}
} // namespace

StageList::StageList(Document *document, MoveController *moves, QWidget *parent)
    : QTreeWidget(parent)
    , m_document(document)
    , m_moves(moves)
{
    setColumnCount(4);
    setHeaderLabels({ tr("Stage"), tr("Cost"), tr("Nodes"), QString() });
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setSelectionMode(NoSelection);
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    setDropIndicatorShown(false);
    header()->setStretchLastSection(true);
    // Columns fit their contents, measured once per refresh (in ResizeToContents
    // mode every changed cell re-measured all of them).
    header()->setSectionResizeMode(QHeaderView::Interactive);
    setToolTip(tr("Drop selected nodes on a stage to move them there (Shift: bring along the nodes that "
                  "must follow). Double-click a stage to select its nodes."));
    connect(document, &Document::changed, this, [this](const DocumentChange &c) {
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Partition) || c.has(DocumentChange::Params))
            refresh(c.has(DocumentChange::Graph) || c.has(DocumentChange::Params) || c.nodes.empty());
    });
    connect(this, &QTreeWidget::itemDoubleClicked, this,
        [this](QTreeWidgetItem *item) { emit stageActivated(item->data(0, Qt::UserRole).toInt()); });
}

void StageList::refresh(bool remeasure)
{
    if (!m_document->hasGraph()) {
        clear();
        return;
    }
    const auto &eval = m_document->evaluator();
    const int k = eval.k();
    bool changed = topLevelItemCount() != k;
    remeasure = remeasure || changed;
    while (topLevelItemCount() > k)
        delete takeTopLevelItem(topLevelItemCount() - 1);
    while (topLevelItemCount() < k) {
        auto *item = new QTreeWidgetItem(this);
        const int s = topLevelItemCount() - 1;
        item->setData(0, Qt::UserRole, s);
        item->setIcon(0, swatch(s));
        item->setText(0, QString::number(s + 1));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
    }
    const int bottleneck = eval.bottleneckStage();
    const QString unit = m_document->timeUnit();
    const QString sizeUnit = m_document->sizeUnit();
    // A move changes two stages' figures and perhaps the bottleneck marker:
    // touch only the cells that change, and measure the columns again only
    // when a changed cell does not fit (measuring every cell, and the repaint
    // of the whole list when a column's width changes, cost more than the
    // rest of an edit's update of the list). The widths only grow on edits.
    auto setText = [&](QTreeWidgetItem *item, int column, const QString &text) {
        if (item->text(column) != text) {
            item->setText(column, text);
            changed = true;
            remeasure = remeasure || !fits(item, column);
        }
    };
    for (int s = 0; s < k; ++s) {
        QTreeWidgetItem *item = topLevelItem(s);
        const StageCost &c = eval.stage(stageId(s));
        setText(item, 1, formatCost(c.cost, unit));
        setText(item, 2, QString::number(c.nodes));
        const bool isBottleneck = s == bottleneck;
        setText(item, 3, isBottleneck ? tr("\u25C0 bottleneck") : QString());
        if (item->font(0).bold() != isBottleneck) {
            QFont font = item->font(0);
            font.setBold(isBottleneck);
            for (int col = 0; col < 4; ++col) {
                item->setFont(col, font);
                remeasure = remeasure || !fits(item, col);
            }
            changed = true;
        }
        QString tip = tr("work %1, comm in %2, comm out %3, param %4")
                          .arg(formatCost(c.work, unit), formatSize(c.commIn, sizeUnit),
                              formatSize(c.commOut, sizeUnit), formatSize(c.param, m_document->paramUnit()));
        if (const auto limit = m_document->params().memoryLimit) // e.g. an LLM stage's weights + KV cache
            tip += tr(" of %1 (%2 %)")
                       .arg(formatSize(*limit, m_document->paramUnit()))
                       .arg(*limit > 0 ? 100.0 * c.param / *limit : 0.0, 0, 'f', 1);
        if (item->toolTip(0) != tip)
            item->setToolTip(0, tip);
    }
    if (changed && remeasure)
        header()->resizeSections(QHeaderView::ResizeToContents);
}

bool StageList::fits(QTreeWidgetItem *item, int column) const
{
    if (column == columnCount() - 1)
        return true; // the last section stretches
    // What the delegate asks for, as the column's measure would.
    const int needed = sizeHintForIndex(indexFromItem(item, column)).width();
    return needed <= header()->sectionSize(column);
}

int StageList::stageAt(QPoint pos) const
{
    QTreeWidgetItem *item = itemAt(pos);
    return item ? item->data(0, Qt::UserRole).toInt() : -1;
}

QRect StageList::stageRect(int stage) const
{
    QTreeWidgetItem *item = topLevelItem(stage);
    return item ? visualItemRect(item) : QRect();
}

void StageList::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(MoveController::mimeType()))
        event->acceptProposedAction();
    else
        event->ignore();
}

void StageList::dragMoveEvent(QDragMoveEvent *event)
{
    const auto nodes = MoveController::nodesFromMimeData(event->mimeData());
    const int stage = nodes.empty() ? -1 : stageAt(event->position().toPoint());
    if (stage >= 0 && m_moves->hover(nodes, stageId(stage), event->modifiers() & Qt::ShiftModifier).valid) {
        event->acceptProposedAction();
        return;
    }
    if (stage < 0)
        m_moves->leave();
    event->ignore();
}

void StageList::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_moves->leave();
    event->accept();
}

void StageList::dropEvent(QDropEvent *event)
{
    const auto nodes = MoveController::nodesFromMimeData(event->mimeData());
    const int stage = nodes.empty() ? -1 : stageAt(event->position().toPoint());
    if (stage >= 0 && m_moves->commit(nodes, stageId(stage), event->modifiers() & Qt::ShiftModifier))
        event->acceptProposedAction();
    else
        event->ignore();
}

} // namespace pipecut::ui
