#include "ui/graph_items.h"

#include "ui/document.h"
#include "ui/stage_palette.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace pipecut::ui {

namespace {
constexpr double kMaxEdgeWidth = 7.0;
constexpr double kOutlineRoom = 4.0;
const QColor kSelection(0x00, 0x72, 0xB2); // Okabe-Ito blue: distinct from every stage fill
const QColor kMarked(0xCC, 0x33, 0x99);
} // namespace

NodeItem::NodeItem(const SceneContext *context, NodeId node) : m_context(context), m_node(node)
{
    const QSizeF s = context->nodeSize;
    m_rect = QRectF(-s.width() / 2, -s.height() / 2, s.width(), s.height())
                 .adjusted(-kOutlineRoom, -kOutlineRoom, kOutlineRoom, kOutlineRoom);
    setFlag(ItemIsSelectable);
    setZValue(1);
}

QPainterPath NodeItem::shape() const
{
    QPainterPath path;
    path.addRect(m_rect.adjusted(kOutlineRoom, kOutlineRoom, -kOutlineRoom, -kOutlineRoom));
    return path;
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const Document &doc = *m_context->document;
    const int stage = index(doc.partition().stage(m_node));
    const bool bottleneck = stage == doc.bottleneckStage();
    const QRectF box = m_rect.adjusted(kOutlineRoom, kOutlineRoom, -kOutlineRoom, -kOutlineRoom);
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());

    QPen pen(QColor(90, 90, 90), 0.8);
    if (bottleneck)
        pen = QPen(QColor(20, 20, 20), 2.6);
    if (isSelected())
        pen = QPen(kSelection, 4.0);
    else if (m_context->marked.size() > size_t(index(m_node)) && m_context->marked[index(m_node)])
        pen = QPen(kMarked, 3.0, Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(stageColor(stage));
    if (lod < 0.25) { // far away: plain boxes are all one can see
        painter->drawRect(box);
        return;
    }
    painter->drawRoundedRect(box, 5, 5);
    if (lod < 0.45)
        return;
    const Graph &graph = doc.graph();
    painter->setPen(stageTextColor(stage));
    QFont font = painter->font();
    font.setPointSizeF(7.5);
    painter->setFont(font);
    const QRectF text = box.adjusted(5, 2, -5, -2);
    const QString id = QString::fromStdString(graph.id(m_node));
    const QString op = QString::fromStdString(graph.op(m_node));
    QFontMetricsF fm(font);
    if (op.isEmpty() || text.height() < 2 * fm.height()) {
        painter->drawText(text, Qt::AlignCenter, fm.elidedText(id, Qt::ElideLeft, text.width()));
        return;
    }
    painter->drawText(text, Qt::AlignHCenter | Qt::AlignTop, fm.elidedText(id, Qt::ElideLeft, text.width()));
    font.setItalic(true);
    painter->setFont(font);
    painter->drawText(text, Qt::AlignHCenter | Qt::AlignBottom, fm.elidedText(op, Qt::ElideRight, text.width()));
}

EdgeItem::EdgeItem(const SceneContext *context, NodeId from, NodeId to, QPointF start, QPointF end)
    : m_context(context), m_from(from), m_to(to)
{
    m_path.moveTo(start);
    if (context->vertical) {
        const double dy = (end.y() - start.y()) * 0.5;
        m_path.cubicTo(start + QPointF(0, dy), end - QPointF(0, dy), end);
    } else {
        const double dx = (end.x() - start.x()) * 0.5;
        m_path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end);
    }
    m_rect = m_path.boundingRect().adjusted(-kMaxEdgeWidth, -kMaxEdgeWidth, kMaxEdgeWidth, kMaxEdgeWidth);
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(0);
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const Document &doc = *m_context->document;
    const Partition &p = doc.partition();
    const bool crossing = p.stage(m_from) != p.stage(m_to);
    painter->setBrush(Qt::NoBrush);
    if (!crossing) {
        QPen pen(QColor(120, 120, 120, 150), 1.0);
        pen.setCosmetic(true);
        painter->setPen(pen);
    } else {
        // Communication is what the partition pays for: width grows with the tensor size.
        const double out = doc.graph().out(m_from);
        const double share = m_context->maxOut > 0 ? std::sqrt(out / m_context->maxOut) : 0.0;
        painter->setPen(QPen(QColor(35, 35, 35, 220), 1.6 + (kMaxEdgeWidth - 1.6) * share, Qt::SolidLine,
                             Qt::RoundCap));
    }
    painter->drawPath(m_path);
}

} // namespace pipecut::ui
