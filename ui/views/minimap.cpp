#include "ui/views/minimap.h"

#include "ui/document/document.h"
#include "ui/stage_palette.h"
#include "ui/views/graph_view.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace pipecut::ui {

namespace {
constexpr int kSide = 190; // the longer side of the minimap, in pixels
}

Minimap::Minimap(GraphView *view, const Document *document)
    : QWidget(view)
    , m_view(view)
    , m_document(document)
{
    setObjectName("minimap");
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Minimap: click or drag to move the view"));
    m_timer.setSingleShot(true);
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &Minimap::rebuild);
    hide();
}

QTransform Minimap::sceneToMapTransform() const
{
    const QRectF scene = m_view->sceneRect();
    if (scene.isEmpty())
        return {};
    const double scale = std::min((width() - 4) / scene.width(), (height() - 4) / scene.height());
    return QTransform::fromTranslate(-scene.left(), -scene.top()) * QTransform::fromScale(scale, scale)
        * QTransform::fromTranslate(2, 2);
}

QPointF Minimap::sceneToMap(QPointF scenePos) const
{
    return sceneToMapTransform().map(scenePos);
}

void Minimap::rebuild()
{
    m_timer.stop();
    const QRectF scene = m_view->sceneRect();
    const ScopeView *collapsed = m_view->scopeView();
    if (!collapsed || scene.isEmpty()) {
        m_picture = QImage();
        hide();
        return;
    }
    // Keep the scene's aspect ratio within kSide x kSide.
    const double aspect = scene.width() / scene.height();
    const QSize size = aspect >= 1 ? QSize(kSide, std::max(40, int(kSide / aspect)))
                                   : QSize(std::max(40, int(kSide * aspect)), kSide);
    resize(size);
    m_picture = QImage(size, QImage::Format_RGB32);
    m_picture.fill(QColor(0xFA, 0xFA, 0xF8));
    const Partition &p = m_document->partition();
    QPainter painter(&m_picture);
    const QTransform t = sceneToMapTransform();
    painter.setPen(Qt::NoPen);
    // One dot per element in the colour of the stage most of its nodes are in.
    std::vector<int32_t> counts(size_t(std::max(1, p.k())));
    for (int32_t e = 0; e < collapsed->elementCount(); ++e) {
        const auto &members = collapsed->members[size_t(e)];
        int stage = index(p.stage(members.front()));
        if (members.size() > 1) {
            std::fill(counts.begin(), counts.end(), 0);
            for (NodeId v : members)
                ++counts[size_t(index(p.stage(v)))];
            stage = int(std::max_element(counts.begin(), counts.end()) - counts.begin());
        }
        const QGraphicsItem *item = m_view->elementItem(members.front());
        const QRectF r = t.mapRect(item->sceneBoundingRect());
        painter.fillRect(QRectF(r.topLeft(), r.size().expandedTo(QSizeF(1.5, 1.5))), stageColor(stage).darker(115));
    }
    painter.setPen(QColor(160, 160, 160));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(m_picture.rect().adjusted(0, 0, -1, -1));
    painter.end();
    // Worth showing only when the whole graph does not fit the view.
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    setVisible(!visible.contains(scene.adjusted(30, 30, -30, -30)));
    update();
}

QRectF Minimap::visibleFrame() const
{
    const QRectF visible = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    return sceneToMapTransform().mapRect(visible).intersected(QRectF(rect()));
}

void Minimap::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.drawImage(0, 0, m_picture);
    painter.setPen(QPen(QColor(0x00, 0x72, 0xB2), 1.5));
    painter.setBrush(QColor(0x00, 0x72, 0xB2, 40));
    painter.drawRect(visibleFrame().adjusted(0.5, 0.5, -0.5, -0.5));
}

void Minimap::centreViewAt(QPointF mapPos)
{
    bool ok = false;
    const QTransform inverse = sceneToMapTransform().inverted(&ok);
    if (ok)
        m_view->centerOn(inverse.map(mapPos));
    update();
}

void Minimap::mousePressEvent(QMouseEvent *event)
{
    centreViewAt(event->position());
    event->accept();
}

void Minimap::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        centreViewAt(event->position());
    event->accept();
}

} // namespace pipecut::ui
