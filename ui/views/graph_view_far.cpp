// The drawing zoomed out (GraphView::paintFarView): below kFarViewMaxScale a
// node box is a few pixels, and visiting the 20,000 items of a large drawing
// one by one costs far more than what they draw. The view then paints what
// the items would at that scale, in batches: the boxes as stage-coloured
// rectangles, one batch per stage; the edges inside a stage as one thin grey
// path (none below half that scale, as the items do); and, item by item, what
// stands out: the edges that cross stages, selected, marked or compared
// nodes, and scope groups (their stage stripes).
#include "ui/document/document.h"
#include "ui/stage_palette.h"
#include "ui/views/graph_items.h"
#include "ui/views/graph_view.h"
#include "ui/views/scope_collapse.h"

#include <QPaintEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QStyleOptionRubberBand>

#include <map>

namespace pipecut::ui {

namespace {

constexpr double kInnerEdgesMinScale = 0.05; // EdgeItem::paint draws no inner edge below it

bool flagged(const std::vector<uint8_t> &flags, NodeId v)
{
    return flags.size() > size_t(index(v)) && flags[size_t(index(v))];
}

// Paints `item` as the scene would, in its own coordinates.
void paintItem(QPainter &painter, QGraphicsItem *item, const QTransform &view, const QRectF &exposed, QWidget *widget)
{
    QStyleOptionGraphicsItem option;
    option.state = item->isSelected() ? QStyle::State_Selected : QStyle::State_None;
    option.exposedRect = item->mapRectFromScene(exposed) & item->boundingRect();
    painter.save();
    painter.setWorldTransform(item->sceneTransform() * view);
    item->paint(&painter, &option, widget);
    painter.restore();
}

} // namespace

bool GraphView::isFarView() const
{
    return !m_build && !m_elements.empty() && m_collapsed && transform().m11() < kFarViewMaxScale;
}

void GraphView::paintEvent(QPaintEvent *event)
{
    if (!isFarView()) {
        QGraphicsView::paintEvent(event);
        return;
    }
    QPainter painter(viewport());
    painter.setRenderHints(renderHints());
    const QRectF exposed = mapToScene(event->region().boundingRect()).boundingRect();
    painter.setClipRegion(event->region());
    painter.setWorldTransform(viewportTransform());
    drawBackground(&painter, exposed);
    paintFarView(painter, exposed);
    painter.setWorldTransform(viewportTransform());
    drawForeground(&painter, exposed);
    if (!rubberBandRect().isEmpty()) {
        painter.resetTransform();
        QStyleOptionRubberBand option;
        option.initFrom(viewport());
        option.rect = rubberBandRect();
        option.shape = QRubberBand::Rectangle;
        style()->drawControl(QStyle::CE_RubberBand, &option, &painter, viewport());
    }
}

void GraphView::paintFarView(QPainter &painter, const QRectF &exposed)
{
    const QTransform view = viewportTransform();
    const double scale = transform().m11();
    // Edges first (the items' z order): inside a stage in one thin path, across stages as items.
    QPainterPath inner;
    std::vector<QGraphicsItem *> standOut;
    for (EdgeItem *edge : m_edges) {
        if (!edge || !edge->boundingRect().intersects(exposed))
            continue;
        if (crossingTensor(m_context, edge->edge()) >= 0)
            standOut.push_back(edge);
        else if (scale >= kInnerEdgesMinScale)
            inner.addPath(edge->path());
    }
    if (!inner.isEmpty()) {
        QPen pen(QColor(178, 178, 178), 1.0);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(inner);
    }
    for (QGraphicsItem *item : standOut)
        paintItem(painter, item, view, exposed, viewport());
    standOut.clear();
    // Plain boxes: one batch per stage.
    const Document &doc = *m_document;
    const Partition &partition = doc.partition();
    std::map<int, std::vector<QRectF>> boxes;
    const QSizeF size = m_context.nodeSize;
    for (size_t e = 0; e < m_elements.size(); ++e) {
        const QRectF box(m_centres[e] - QPointF(size.width() / 2, size.height() / 2), size);
        if (!box.intersects(exposed))
            continue;
        QGraphicsItem *item = m_elements[e];
        const NodeId v = m_collapsed->members[e].front();
        const bool plain = item->type() == NodeItem::Type && !item->isSelected() && !flagged(m_context.marked, v)
            && !flagged(m_context.differs, v);
        if (plain)
            boxes[index(partition.stage(v))].push_back(box);
        else
            standOut.push_back(item);
    }
    painter.setPen(Qt::NoPen);
    for (const auto &[stage, rects] : boxes) {
        painter.setBrush(stageColor(stage));
        painter.drawRects(rects.data(), int(rects.size()));
    }
    for (QGraphicsItem *item : standOut)
        paintItem(painter, item, view, exposed, viewport());
}

} // namespace pipecut::ui
