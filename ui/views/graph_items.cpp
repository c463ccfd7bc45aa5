#include "ui/views/graph_items.h"

#include "core/cost/estimates.h"

#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/stage_palette.h"
#include "ui/views/scope_collapse.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace pipecut::ui {

namespace {
constexpr double kMaxEdgeWidth = 7.0;
constexpr double kOutlineRoom = 4.0;
constexpr double kLongEdge = 1500.0; // scene units; longer edges are culled per segment
const QColor kSelection(0x00, 0x72, 0xB2); // Okabe-Ito blue: distinct from every stage fill
const QColor kMarked(0xCC, 0x33, 0x99);
const QColor kMeasured(0x11, 0x77, 0x33); // Paul Tol green: work measured by a runtime
const QColor kDiffers(0xD5, 0x5E, 0x00); // Okabe-Ito vermillion: a node in another stage in B

bool flagged(const std::vector<uint8_t> &flags, NodeId v)
{
    return flags.size() > size_t(index(v)) && flags[size_t(index(v))];
}

const QFont &labelFont()
{
    static const QFont font = [] {
        QFont f;
        f.setPointSizeF(7.5);
        return f;
    }();
    return font;
}
} // namespace

NodeItem::NodeItem(const SceneContext *context, NodeId node)
    : m_context(context)
    , m_node(node)
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
    const QRectF box = m_rect.adjusted(kOutlineRoom, kOutlineRoom, -kOutlineRoom, -kOutlineRoom);
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool bottleneck = stage == doc.bottleneckStage() && lod >= kBottleneckOutlineMinScale;

    QPen pen(QColor(90, 90, 90), 0.8);
    if (bottleneck)
        pen = QPen(QColor(20, 20, 20), 2.6);
    if (isSelected())
        pen = QPen(kSelection, 4.0);
    else if (flagged(m_context->marked, m_node))
        pen = QPen(kMarked, 3.0, Qt::DashLine);
    else if (flagged(m_context->differs, m_node))
        pen = QPen(kDiffers, 4.0);
    const bool plain = pen.style() == Qt::SolidLine && !flagged(m_context->differs, m_node);
    if (lod < 0.1 && !bottleneck && !isSelected() && plain) {
        // A few pixels on screen: the fill is all one sees, and fillRect is the fastest path.
        painter->fillRect(box, stageColor(stage));
        return;
    }
    painter->setPen(pen);
    painter->setBrush(stageColor(stage));
    if (lod < 0.25) { // far away: plain boxes are all one can see, and antialiasing them costs
        const bool aa = painter->testRenderHint(QPainter::Antialiasing);
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->drawRect(box);
        painter->setRenderHint(QPainter::Antialiasing, aa);
        return;
    }
    painter->drawRoundedRect(box, 5, 5);
    const Graph &graph = doc.graph();
    if (isEstimatedOp(graph.op(m_node))) { // estimated costs: hatched
        painter->save();
        painter->setPen(Qt::NoPen);
        painter->setBrush(QBrush(QColor(0, 0, 0, 70), Qt::BDiagPattern));
        painter->drawRoundedRect(box, 5, 5);
        painter->restore();
    } else if (isMeasuredOp(graph.op(m_node))) { // measured by a runtime profile: a green corner
        painter->save();
        painter->setPen(Qt::NoPen);
        painter->setBrush(kMeasured);
        const double c = std::min(box.height(), box.width()) * 0.45;
        painter->drawPolygon(
            QPolygonF({ box.topRight(), box.topRight() - QPointF(c, 0), box.topRight() + QPointF(0, c) }));
        painter->restore();
    }
    if (lod < 0.45)
        return;
    painter->setPen(stageTextColor(stage));
    QFont font = labelFont();
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

GroupItem::GroupItem(const SceneContext *context, int32_t element)
    : m_context(context)
    , m_element(element)
{
    const QSizeF s = context->nodeSize;
    m_rect = QRectF(-s.width() / 2, -s.height() / 2, s.width(), s.height())
                 .adjusted(-kOutlineRoom - 3, -kOutlineRoom - 3, kOutlineRoom + 3, kOutlineRoom + 3);
    setFlag(ItemIsSelectable);
    setZValue(1);
    const Graph &g = context->document->graph();
    for (NodeId v : members())
        m_work += g.work(v);
    m_costText = formatCost(m_work, context->document->timeUnit());
    setToolTip(QObject::tr(
        "%1 — %n node(s), work %2; the stripe is its stage mix; double-click to expand", nullptr, int(members().size()))
                   .arg(scope(), m_costText));
}

const std::vector<NodeId> &GroupItem::members() const
{
    return m_context->collapsed->members[size_t(m_element)];
}

QString GroupItem::scope() const
{
    return QString::fromStdString(m_context->collapsed->scope[size_t(m_element)]);
}

QRectF GroupItem::box() const
{
    const QSizeF s = m_context->nodeSize;
    return QRectF(-s.width() / 2, -s.height() / 2, s.width(), s.height());
}

QPainterPath GroupItem::shape() const
{
    QPainterPath path;
    path.addRect(box().adjusted(-3, -3, 3, 3));
    return path;
}

std::vector<int32_t> GroupItem::stageCounts() const
{
    const Partition &p = m_context->document->partition();
    std::vector<int32_t> counts(size_t(std::max(1, p.k())), 0);
    for (NodeId v : members())
        ++counts[size_t(index(p.stage(v)))];
    return counts;
}

int GroupItem::stageAt(QPointF localPos) const
{
    const auto counts = stageCounts();
    const QRectF b = box();
    const double total = double(members().size());
    const double x = std::clamp((localPos.x() - b.left()) / b.width(), 0.0, 1.0) * total;
    double acc = 0;
    int last = 0;
    for (size_t s = 0; s < counts.size(); ++s) {
        if (counts[s] == 0)
            continue;
        last = int(s);
        acc += counts[s];
        if (x <= acc)
            return int(s);
    }
    return last;
}

void GroupItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QRectF b = box();
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const auto counts = stageCounts();
    const double total = double(members().size());
    // A stack of two boxes says "many nodes"; the stripe of stage colours
    // across the whole box is the stage mix (width proportional to the count).
    painter->setPen(QPen(QColor(90, 90, 90), 0.8));
    painter->setBrush(QColor(0xF4, 0xF4, 0xF0));
    painter->drawRect(b.translated(3, -3));
    const double stripeH = lod < 0.45 ? b.height() : b.height() * 0.42;
    const QRectF stripe(b.left(), b.bottom() - stripeH, b.width(), stripeH);
    double x = stripe.left();
    painter->setPen(Qt::NoPen);
    for (size_t s = 0; s < counts.size(); ++s) {
        if (counts[s] == 0)
            continue;
        const double w = stripe.width() * counts[s] / total;
        painter->setBrush(stageColor(int(s)));
        painter->drawRect(QRectF(x, stripe.top(), w, stripe.height()));
        x += w;
    }
    if (lod >= 0.45) {
        painter->setBrush(Qt::white);
        painter->drawRect(QRectF(b.left(), b.top(), b.width(), b.height() - stripeH));
    }
    painter->setBrush(Qt::NoBrush);
    const auto &m = members();
    const bool differs = std::any_of(m.begin(), m.end(), [this](NodeId v) { return flagged(m_context->differs, v); });
    painter->setPen(isSelected() ? QPen(kSelection, 4.0)
            : differs            ? QPen(kDiffers, 4.0)
                                 : QPen(QColor(60, 60, 60), 1.4));
    painter->drawRect(b);
    if (lod < 0.45)
        return;
    QFont font = labelFont();
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(Qt::black);
    QFontMetricsF fm(font);
    const QRectF text(b.left() + 5, b.top() + 1, b.width() - 10, b.height() - stripeH - 2);
    const QString label = QStringLiteral("%1 (%2)").arg(scope()).arg(members().size());
    painter->drawText(text, Qt::AlignCenter, fm.elidedText(label, Qt::ElideLeft, text.width()));
    // The cost on the stripe, in the text colour of its largest stage.
    const auto most = std::max_element(counts.begin(), counts.end()) - counts.begin();
    font.setBold(false);
    painter->setFont(font);
    painter->setPen(stageTextColor(int(most)));
    painter->drawText(stripe, Qt::AlignCenter, m_costText);
}

double crossingTensor(const SceneContext &context, int32_t edge)
{
    const Document &doc = *context.document;
    const Partition &p = doc.partition();
    const ScopeView &view = *context.collapsed;
    double out = -1.0;
    for (int32_t i = view.edgeOffset[size_t(edge)]; i < view.edgeOffset[size_t(edge) + 1]; ++i) {
        const auto [u, v] = view.edgeMembers[size_t(i)];
        if (p.stage(u) != p.stage(v))
            out = std::max(out, doc.graph().out(u));
    }
    return out;
}

EdgeItem::EdgeItem(const SceneContext *context, int32_t edge, QPointF start, QPointF end)
    : m_context(context)
    , m_edge(edge)
{
    const QPointF half
        = context->vertical ? QPointF(0, (end.y() - start.y()) * 0.5) : QPointF((end.x() - start.x()) * 0.5, 0);
    const QPointF c1 = start + half, c2 = end - half;
    m_path.moveTo(start);
    m_path.cubicTo(c1, c2, end);
    m_rect = m_path.boundingRect().adjusted(-kMaxEdgeWidth, -kMaxEdgeWidth, kMaxEdgeWidth, kMaxEdgeWidth);
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(0);
    if (std::max(m_rect.width(), m_rect.height()) > kLongEdge) {
        m_long = true;
        m_bezier[0] = start;
        m_bezier[1] = c1;
        m_bezier[2] = c2;
        m_bezier[3] = end;
        setFlag(ItemUsesExtendedStyleOption); // for option->exposedRect
    }
}

QPointF EdgeItem::pointAt(double t) const
{
    const double u = 1 - t;
    return u * u * u * m_bezier[0] + 3 * u * u * t * m_bezier[1] + 3 * u * t * t * m_bezier[2]
        + t * t * t * m_bezier[3];
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const double out = crossingTensor(*m_context, m_edge);
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (out < 0 && lod < 0.05)
        return; // the whole graph at a glance: only the edges that cross stages say anything
    painter->setBrush(Qt::NoBrush);
    if (out < 0) {
        // Opaque: alpha blending thousands of paths is what makes a fitted view slow.
        QPen pen(QColor(178, 178, 178), 1.0);
        pen.setCosmetic(true);
        painter->setPen(pen);
    } else {
        // Communication is what the partition pays for: width grows with the tensor size.
        const double share = m_context->maxOut > 0 ? std::sqrt(out / m_context->maxOut) : 0.0;
        painter->setPen(QPen(QColor(45, 45, 45), 1.6 + (kMaxEdgeWidth - 1.6) * share, Qt::SolidLine, Qt::RoundCap));
    }
    if (!m_long || option->exposedRect.contains(m_rect)) {
        painter->drawPath(m_path);
        return;
    }
    // Both coordinates of the curve are monotone in t (its control points are
    // ordered along x and along y), so the points inside the exposed rect form
    // one parameter interval: the intersection of the x band's and the y band's.
    // Two pixels beyond the exposed rect (the painter clips the rest), so that
    // finding the range to a quarter of a pixel is enough: along either axis
    // the curve moves at most 1.5 times its extent per unit of t, and each
    // halving of the interval halves that.
    const double pad = std::max(kMaxEdgeWidth, 2.0 / std::max(lod, 1e-9));
    const QRectF exposed = option->exposedRect.adjusted(-pad, -pad, pad, pad);
    const QPointF extent = m_bezier[3] - m_bezier[0];
    const double extentPx = std::max(std::abs(extent.x()), std::abs(extent.y())) * lod;
    const int halvings = std::clamp(int(std::ceil(std::log2(std::max(1.0, 6 * extentPx)))), 4, 40);
    auto band = [this, halvings](double lo, double hi, auto coordinate) {
        const bool increasing = coordinate(m_bezier[3]) >= coordinate(m_bezier[0]);
        auto firstPast = [&](double value) { // the first t whose coordinate passes value
            double a = 0, b = 1;
            for (int i = 0; i < halvings; ++i) {
                const double mid = (a + b) / 2;
                const double c = coordinate(pointAt(mid));
                ((increasing ? c < value : c > value) ? a : b) = mid;
            }
            return a;
        };
        const double a = firstPast(increasing ? lo : hi), b = firstPast(increasing ? hi : lo);
        return std::pair(std::min(a, b), std::max(a, b));
    };
    const auto [x0, x1] = band(exposed.left(), exposed.right(), [](QPointF p) { return p.x(); });
    const auto [y0, y1] = band(exposed.top(), exposed.bottom(), [](QPointF p) { return p.y(); });
    const double t0 = std::max(x0, y0), t1 = std::min(x1, y1);
    if (t1 <= t0)
        return;
    // The visible stretch is itself a cubic (de Casteljau split at t0, then
    // at t1 mapped into the tail): one curve that the stroker offsets
    // directly, where a polyline sampled every few pixels cost a join per
    // sample. That, and antialiasing off (a long thick edge may show a
    // one-pixel step where it is nearly straight), make the fan of long
    // edges near a widely used node four times cheaper to paint.
    auto lerp = [](QPointF a, QPointF b, double t) { return a + (b - a) * t; };
    const QPointF *b = m_bezier;
    const QPointF a01 = lerp(b[0], b[1], t0), a12 = lerp(b[1], b[2], t0), a23 = lerp(b[2], b[3], t0);
    const QPointF a012 = lerp(a01, a12, t0), a123 = lerp(a12, a23, t0);
    const QPointF tail[4] = { lerp(a012, a123, t0), a123, a23, b[3] };
    const double s = t0 < 1 ? (t1 - t0) / (1 - t0) : 1.0;
    const QPointF c01 = lerp(tail[0], tail[1], s), c12 = lerp(tail[1], tail[2], s), c23 = lerp(tail[2], tail[3], s);
    const QPointF c012 = lerp(c01, c12, s), c123 = lerp(c12, c23, s);
    QPainterPath visible(tail[0]);
    visible.cubicTo(c01, c012, lerp(c012, c123, s));
    const bool aa = painter->testRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->drawPath(visible);
    painter->setRenderHint(QPainter::Antialiasing, aa);
}

} // namespace pipecut::ui
