#include "ui/panels/stage_list.h"

#include "ui/document/move_controller.h"
#include "ui/format.h"
#include "ui/stage_palette.h"

#include <QDragEnterEvent>
#include <QHeaderView>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QSettings>
#include <QStyledItemDelegate>

#include <algorithm>
#include <optional>

namespace pipecut::ui {

namespace {

constexpr int kSortRole = Qt::UserRole + 1; // the figure a column sorts by

// Rows sort by their figures, not by their text.
class StageItem : public QTreeWidgetItem {
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem &other) const override
    {
        const int column = treeWidget() ? treeWidget()->sortColumn() : 0;
        return data(column, kSortRole).toDouble() < other.data(column, kSortRole).toDouble();
    }
};

// The memory column: a bar of the stage's parameters against the memory
// limit (or against the largest stage when there is none), red when over.
class MemoryBarDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const double share = index.data(Qt::UserRole + 2).toDouble();
        if (share > 0) {
            QRectF bar = QRectF(option.rect).adjusted(2, 3, -2, -3);
            bar.setWidth(bar.width() * std::min(1.0, share));
            painter->save();
            painter->setPen(Qt::NoPen);
            painter->setBrush(share > 1.0 + 1e-12 ? QColor(0xF4, 0xA5, 0xA5) : QColor(0xB8, 0xDC, 0xB0));
            painter->drawRect(bar);
            painter->restore();
        }
        QStyledItemDelegate::paint(painter, option, index);
    }
};

QString settingsKey(int column)
{
    return QStringLiteral("stageList/hide%1").arg(column);
}

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
    setColumnCount(kColumns);
    setHeaderLabels(
        { tr("Stage"), tr("Cost"), tr("Work"), tr("Comm in"), tr("Comm out"), tr("Memory"), tr("Nodes"), QString() });
    setItemDelegateForColumn(MemoryColumn, new MemoryBarDelegate(this));
    setSortingEnabled(true);
    sortByColumn(StageColumn, Qt::AscendingOrder);
    header()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header(), &QWidget::customContextMenuRequested, this, &StageList::chooseColumns);
    for (int column = CostColumn; column < MarkColumn; ++column)
        setColumnHidden(column, QSettings().value(settingsKey(column), column == NodesColumn).toBool());
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
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
                  "must follow). Double-click a stage to select its nodes. Click a header to sort; "
                  "right-click it to choose the columns."));
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
        m_items.clear();
        return;
    }
    const auto &eval = m_document->evaluator();
    const int k = eval.k();
    bool changed = int(m_items.size()) != k;
    remeasure = remeasure || changed;
    const bool sorting = isSortingEnabled();
    setSortingEnabled(false); // rows keep still while their figures change
    while (int(m_items.size()) > k) {
        delete m_items.back();
        m_items.pop_back();
    }
    while (int(m_items.size()) < k) {
        auto *item = new StageItem(this);
        const int s = int(m_items.size());
        m_items.push_back(item);
        item->setData(0, Qt::UserRole, s);
        item->setData(0, kSortRole, s);
        item->setIcon(0, swatch(s));
        item->setText(0, QString::number(s + 1));
        for (int column = CostColumn; column <= NodesColumn; ++column)
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    }
    // With a cluster (docs/model.md §1.7) stage s runs on device s: its name
    // follows the stage number and its own memory is the limit.
    const std::vector<StageDevice> &devices = m_document->params().devices;
    const bool perDevice = devices.size() == size_t(k);
    double largestParam = 0.0;
    for (int s = 0; s < k; ++s)
        largestParam = std::max(largestParam, eval.stage(stageId(s)).param);
    const int bottleneck = eval.bottleneckStage();
    const QString unit = m_document->timeUnit();
    const QString sizeUnit = m_document->sizeUnit();
    // A move changes two stages' figures and perhaps the bottleneck marker:
    // touch only the cells that change, and measure the columns again only
    // when a changed cell does not fit (measuring every cell, and the repaint
    // of the whole list when a column's width changes, cost more than the
    // rest of an edit's update of the list). The widths only grow on edits.
    auto setText = [&](QTreeWidgetItem *item, int column, const QString &text, double figure) {
        item->setData(column, kSortRole, figure);
        if (item->text(column) != text) {
            item->setText(column, text);
            changed = true;
            remeasure = remeasure || !fits(item, column);
        }
    };
    const QString paramUnit = m_document->paramUnit();
    for (int s = 0; s < k; ++s) {
        QTreeWidgetItem *item = m_items[size_t(s)];
        const StageCost &c = eval.stage(stageId(s));
        const std::optional<double> limit
            = perDevice ? devices[size_t(s)].memoryLimit : m_document->params().memoryLimit;
        const double memoryScale = limit && *limit > 0 ? *limit : largestParam;
        setText(item, StageColumn,
            perDevice ? QStringLiteral("%1 %2").arg(s + 1).arg(QString::fromStdString(devices[size_t(s)].name))
                      : QString::number(s + 1),
            s);
        setText(item, WorkColumn, formatCost(c.work, unit), c.work);
        setText(item, CommInColumn, formatSize(c.commIn, sizeUnit), c.commIn);
        setText(item, CommOutColumn, formatSize(c.commOut, sizeUnit), c.commOut);
        QString memory = formatSize(c.param, paramUnit);
        if (limit && *limit > 0)
            memory += QStringLiteral(" (%1 %)").arg(100.0 * c.param / *limit, 0, 'f', 0);
        setText(item, MemoryColumn, memory, c.param);
        item->setData(MemoryColumn, Qt::UserRole + 2, memoryScale > 0 ? c.param / memoryScale : 0.0);
        setText(item, CostColumn, formatCost(c.cost, unit), c.cost);
        setText(item, NodesColumn, QString::number(c.nodes), c.nodes);
        const bool isBottleneck = s == bottleneck;
        setText(item, MarkColumn, isBottleneck ? tr("\u25C0 bottleneck") : QString(), isBottleneck ? 1 : 0);
        if (item->font(0).bold() != isBottleneck) {
            QFont font = item->font(0);
            font.setBold(isBottleneck);
            for (int col = 0; col < kColumns; ++col) {
                item->setFont(col, font);
                remeasure = remeasure || !fits(item, col);
            }
            changed = true;
        }
        QString tip
            = tr("stage %1: work %2, comm in %3, comm out %4, memory %5, cost %6")
                  .arg(s + 1)
                  .arg(formatCost(c.work, unit), formatSize(c.commIn, sizeUnit), formatSize(c.commOut, sizeUnit),
                      formatSize(c.param, paramUnit), formatCost(c.cost, unit));
        if (limit)
            tip += tr(" (memory limit %1)").arg(formatSize(*limit, paramUnit));
        if (perDevice) {
            const StageDevice &d = devices[size_t(s)];
            tip += tr("; device %1, speed %2, bandwidth in %3, out %4")
                       .arg(QString::fromStdString(d.name))
                       .arg(d.speed)
                       .arg(d.bandwidthIn)
                       .arg(d.bandwidthOut);
        }
        if (item->toolTip(0) != tip)
            for (int col = 0; col < kColumns; ++col)
                item->setToolTip(col, tip);
    }
    setSortingEnabled(sorting);
    if (changed && remeasure)
        header()->resizeSections(QHeaderView::ResizeToContents);
}

QTreeWidgetItem *StageList::stageItem(int stage) const
{
    return stage >= 0 && stage < int(m_items.size()) ? m_items[size_t(stage)] : nullptr;
}

void StageList::setColumnShown(int column, bool shown)
{
    if (column <= StageColumn || column >= kColumns)
        return;
    setColumnHidden(column, !shown);
    QSettings().setValue(settingsKey(column), !shown);
    if (shown)
        resizeColumnToContents(column);
}

void StageList::chooseColumns(QPoint pos)
{
    QMenu menu(this);
    for (int column = CostColumn; column < MarkColumn; ++column) {
        QAction *action = menu.addAction(headerItem()->text(column));
        action->setCheckable(true);
        action->setChecked(!isColumnHidden(column));
        connect(action, &QAction::toggled, this, [this, column](bool on) { setColumnShown(column, on); });
    }
    menu.exec(header()->mapToGlobal(pos));
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
    QTreeWidgetItem *item = stageItem(stage);
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
