#include "ui/views/graph_view.h"
#include "ui/atomic_image.h"

#include "ui/document/move_controller.h"
#include "ui/format.h"
#include "ui/views/minimap.h"

#include <QApplication>
#include <QDrag>
#include <QDragEnterEvent>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QImage>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace pipecut::ui {

GraphView::GraphView(Document *document, MoveController *moves, QWidget *parent)
    : QGraphicsView(parent)
    , m_document(document)
    , m_moves(moves)
    , m_scene(new QGraphicsScene(this))
{
    m_context.document = document;
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(RubberBandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setViewportUpdateMode(SmartViewportUpdate);
    setOptimizationFlags(DontSavePainterState);
    setAcceptDrops(true);
    setBackgroundBrush(QColor(0xFA, 0xFA, 0xF8));
    setFocusPolicy(Qt::StrongFocus);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &GraphView::nodeSelectionChanged);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, [this] {
        if (isFarView()) // the scene repaints only the items it painted itself
            viewport()->update();
    });
    connect(document, &Document::changed, this, &GraphView::onDocumentChanged);
    connect(moves, &MoveController::markedChanged, this, &GraphView::setMarked);
    connect(moves, &MoveController::refused, this, &GraphView::setBanner);
    m_buildTimer.setSingleShot(true);
    m_buildTimer.setInterval(0);
    connect(&m_buildTimer, &QTimer::timeout, this, &GraphView::buildItems);
    m_minimap = new Minimap(this, document);
}

GraphView::~GraphView()
{
    // Items point into m_context: delete them first, telling no one.
    m_scene->blockSignals(true);
    m_scene->clear();
}

void GraphView::clearPicture(const QString &message)
{
    m_build.reset();
    m_buildTimer.stop();
    m_scene->clearSelection();
    m_scene->clear();
    m_nodes.clear();
    m_elements.clear();
    m_edges.clear();
    m_collapsed.reset();
    m_centres.clear();
    m_context.collapsed = nullptr;
    m_incident.clear();
    m_incidentOffset.clear();
    m_markedNodes.clear();
    m_context.marked.clear();
    m_message = message;
    m_scene->setSceneRect(QRectF());
    m_minimap->rebuild();
    viewport()->update();
}

void GraphView::showLayout(
    const Layout &layout, const LayoutOptions &options, std::shared_ptr<const ScopeView> collapsed)
{
    clearPicture(QString());
    if (!m_document->hasGraph() || !collapsed || layout.centres.size() != size_t(collapsed->elementCount())
        || collapsed->elementOf.size() != size_t(m_document->graph().nodeCount())) {
        emit pictureReady(); // nothing to draw
        return;
    }
    const Graph &graph = m_document->graph();
    m_collapsed = std::move(collapsed);
    const ScopeView &view = *m_collapsed;
    m_context.collapsed = m_collapsed.get();
    m_context.nodeSize = QSizeF(options.nodeWidth, options.nodeHeight);
    m_context.vertical = options.direction == LayoutDirection::TopToBottom;
    m_context.maxOut = 0.0;
    for (const auto &[u, v] : graph.edges())
        m_context.maxOut = std::max(m_context.maxOut, graph.out(u));
    m_context.marked.assign(size_t(graph.nodeCount()), 0);

    const int32_t elements = view.elementCount();
    m_incidentOffset.assign(size_t(elements) + 1, 0);
    for (const auto &[a, b] : view.edges) {
        ++m_incidentOffset[size_t(a) + 1];
        ++m_incidentOffset[size_t(b) + 1];
    }
    for (int32_t e = 0; e < elements; ++e)
        m_incidentOffset[size_t(e) + 1] += m_incidentOffset[size_t(e)];
    m_incident.assign(size_t(m_incidentOffset[size_t(elements)]), 0);
    std::vector<int32_t> fill(m_incidentOffset.begin(), m_incidentOffset.end() - 1);
    for (size_t i = 0; i < view.edges.size(); ++i) {
        m_incident[size_t(fill[size_t(view.edges[i].first)]++)] = int32_t(i);
        m_incident[size_t(fill[size_t(view.edges[i].second)]++)] = int32_t(i);
    }
    m_elementStamp.assign(size_t(elements), 0);
    m_edgeLooks.assign(view.edges.size(), -1.0);
    m_paintedBottleneck = m_document->bottleneckStage();
    m_scene->setSceneRect(QRectF(0, 0, layout.width, layout.height).adjusted(-40, -40, 40, 40));
    // The scene index grows with the items: a depth fixed for the final count
    // (the one Qt would pick) keeps it from being rebuilt from scratch as
    // they arrive.
    const size_t items = size_t(elements) + view.edges.size();
    m_scene->setBspTreeDepth(std::max(5, int(std::ceil(std::log2(double(std::max<size_t>(items, 2)))))));
    m_build = std::make_unique<Build>();
    m_build->centres.reserve(layout.centres.size());
    for (const auto &c : layout.centres)
        m_build->centres.emplace_back(c.x, c.y);
    m_build->half = QSizeF(options.nodeWidth / 2, options.nodeHeight / 2);
    m_build->nodes.assign(size_t(graph.nodeCount()), nullptr);
    m_build->elements.assign(size_t(elements), nullptr);
    m_build->edges.assign(view.edges.size(), nullptr);
    m_centres = m_build->centres;
    m_half = m_build->half;
    m_scene->setSceneRect(m_scene->sceneRect() | drawingBox());
    showOverview();
    buildItems();
}

void GraphView::buildItems()
{
    // Items are made in slices of a few milliseconds, each followed by a turn
    // of the event loop: building the 45,000 items of a 20,000-node drawing at
    // once held the window for seconds. The view draws what exists so far; the
    // picture counts (hasPicture(), moves, selection) once it is complete.
    if (!m_build)
        return;
    QElapsedTimer clock;
    clock.start();
    constexpr qint64 kSliceNs = 6'000'000;
    constexpr int kBatch = 12; // items between two index updates
    const ScopeView &view = *m_collapsed;
    Build &b = *m_build;
    const int32_t elements = view.elementCount();
    const QRectF probe(b.centres.front(), QSizeF(1, 1));
    int made = 0;
    while (made < b.perSlice && clock.nsecsElapsed() < kSliceNs
        && (b.nextElement < elements || b.nextEdge < b.edges.size())) {
        for (int n = 0; n < kBatch && b.nextElement < elements; ++n, ++made) {
            const int32_t e = b.nextElement++;
            QGraphicsItem *item;
            if (view.isGroup(e)) {
                item = new GroupItem(&m_context, e);
            } else {
                const NodeId v = view.members[size_t(e)].front();
                b.nodes[index(v)] = new NodeItem(&m_context, v);
                item = b.nodes[index(v)];
            }
            item->setPos(b.centres[size_t(e)]);
            b.elements[size_t(e)] = item;
            m_scene->addItem(item);
        }
        for (int n = 0; n < kBatch && b.nextElement >= elements && b.nextEdge < b.edges.size(); ++n, ++made) {
            const size_t i = b.nextEdge++;
            const auto [from, to] = view.edges[i];
            const QPointF p = b.centres[size_t(from)], q = b.centres[size_t(to)];
            const QPointF start
                = m_context.vertical ? QPointF(p.x(), p.y() + b.half.height()) : QPointF(p.x() + b.half.width(), p.y());
            const QPointF end
                = m_context.vertical ? QPointF(q.x(), q.y() - b.half.height()) : QPointF(q.x() - b.half.width(), q.y());
            b.edges[i] = new EdgeItem(&m_context, int32_t(i), start, end);
            m_scene->addItem(b.edges[i]);
        }
        // Qt indexes new items at the next query of the scene: do it for each
        // small batch, inside the time slice (indexing thousands of long edges
        // at the first paint held the window for half a second).
        m_scene->items(probe);
    }
    // The scene's own processing of the new items (a queued call, about 10 us
    // an item) belongs to the slice too; the next slice is sized from what
    // this one cost, whatever the machine.
    QCoreApplication::sendPostedEvents(m_scene, QEvent::MetaCall);
    b.perSlice = std::clamp(int(double(b.perSlice) * kSliceNs / std::max<qint64>(clock.nsecsElapsed(), 1)), 12, 4096);
    if (b.nextElement < elements || b.nextEdge < b.edges.size()) {
        // A timer, not a queued call: Qt's event loop on Linux (glib) runs
        // timers only when no posted event is waiting, so a chain of queued
        // slices would starve every timer of the window until the end.
        m_buildTimer.start();
        return;
    }
    m_nodes = std::move(b.nodes);
    m_elements = std::move(b.elements);
    m_edges = std::move(b.edges);
    m_build.reset();
    m_paintedBottleneck = m_document->bottleneckStage();
    rememberEdgeLooks();
    viewport()->update(); // edits made while building
    m_minimap->rebuild();
    placeMinimap();
    emit pictureReady();
}

QGraphicsItem *GraphView::elementItem(NodeId v) const
{
    if (!m_collapsed || m_elements.empty())
        return nullptr;
    return m_elements[size_t(m_collapsed->elementOf[size_t(index(v))])];
}

GroupItem *GraphView::groupItem(const QString &scope) const
{
    if (!m_collapsed || m_elements.empty())
        return nullptr;
    const std::string key = scope.toStdString();
    for (int32_t e = 0; e < m_collapsed->elementCount(); ++e)
        if (m_collapsed->isGroup(e) && m_collapsed->scope[size_t(e)] == key)
            return static_cast<GroupItem *>(m_elements[size_t(e)]);
    return nullptr;
}

void GraphView::onDocumentChanged(const DocumentChange &change)
{
    if (change.has(DocumentChange::Graph) || change.has(DocumentChange::Partition))
        setBanner(QString()); // an edit is the next action
    if (change.has(DocumentChange::Graph)) {
        clearPicture(tr("Laying out\u2026"));
        return;
    }
    if (!(change.has(DocumentChange::Partition) || change.has(DocumentChange::Params)))
        return;
    if (m_elements.empty()) {
        if (m_build) // the items made so far read the stages when painted
            viewport()->update();
        return;
    }
    const int bottleneck = m_document->bottleneckStage();
    if (change.nodes.empty() || change.has(DocumentChange::Params)) {
        viewport()->update();
        rememberEdgeLooks();
    } else {
        // Only the moved nodes' items (or their groups) change, and of the
        // edges touching them those that start or stop crossing stages (or
        // whose widest crossing tensor changes): an edge that crossed before
        // and after, or never did, looks the same. A long edge repainted for
        // nothing drags every item under its bounding box along.
        if (++m_stamp == 0) {
            std::fill(m_elementStamp.begin(), m_elementStamp.end(), 0);
            m_stamp = 1;
        }
        for (NodeId v : change.nodes) {
            const int32_t e = m_collapsed->elementOf[size_t(index(v))];
            if (m_elementStamp[size_t(e)] == m_stamp)
                continue;
            m_elementStamp[size_t(e)] = m_stamp;
            repaintItem(m_elements[size_t(e)]);
            for (int32_t i = m_incidentOffset[size_t(e)]; i < m_incidentOffset[size_t(e) + 1]; ++i) {
                const int32_t edge = m_incident[size_t(i)];
                const double looks = crossingTensor(m_context, edge);
                if (looks != m_edgeLooks[size_t(edge)]) {
                    m_edgeLooks[size_t(edge)] = looks;
                    repaintItem(m_edges[size_t(edge)]);
                }
            }
        }
        if (bottleneck != m_paintedBottleneck && transform().m11() >= kBottleneckOutlineMinScale) {
            // The outline moves to another stage: only the nodes on screen need
            // repainting (items are not cached), so ask for exactly those.
            // Zoomed further out no outline is drawn (a zoom repaints everything).
            const Partition &p = m_document->partition();
            for (QGraphicsItem *item : m_scene->items(mapToScene(viewport()->rect()).boundingRect()))
                if (item->type() == NodeItem::Type) {
                    const int s = index(p.stage(static_cast<NodeItem *>(item)->node()));
                    if (s == bottleneck || s == m_paintedBottleneck)
                        repaintItem(item);
                }
        }
    }
    m_paintedBottleneck = bottleneck;
    m_minimap->scheduleRebuild();
}

void GraphView::repaintItem(const QGraphicsItem *item)
{
    // Straight to the viewport: QGraphicsItem::update() has the scene visit
    // every one of its items to find the dirty ones, about a millisecond for
    // the 22,000 items of a 10,000-node drawing. Positions and shapes never
    // change after an edit, so the item's box on screen is all there is.
    const QRect onScreen = mapFromScene(item->sceneBoundingRect()).boundingRect().adjusted(-2, -2, 2, 2);
    if (onScreen.intersects(viewport()->rect()))
        viewport()->update(onScreen);
}

void GraphView::rememberEdgeLooks()
{
    for (size_t i = 0; i < m_edgeLooks.size(); ++i)
        m_edgeLooks[i] = crossingTensor(m_context, int32_t(i));
}

void GraphView::setMarked(const std::vector<NodeId> &nodes)
{
    for (NodeId v : m_markedNodes)
        if (index(v) < int32_t(m_nodes.size())) {
            m_context.marked[index(v)] = 0;
            repaintItem(elementItem(v));
        }
    m_markedNodes.clear();
    if (m_elements.empty())
        return;
    m_markedNodes = nodes;
    for (NodeId v : m_markedNodes) {
        m_context.marked[index(v)] = 1;
        repaintItem(elementItem(v));
    }
}

void GraphView::setHighlighted(const std::vector<NodeId> &nodes)
{
    if (!m_document->hasGraph() || m_nodes.size() != size_t(m_document->graph().nodeCount())) {
        m_context.differs.clear();
        return;
    }
    std::vector<uint8_t> next(m_nodes.size(), 0);
    for (NodeId v : nodes)
        next[size_t(index(v))] = 1;
    if (m_context.differs.size() != next.size())
        m_context.differs.assign(next.size(), 0);
    std::swap(m_context.differs, next);
    for (size_t v = 0; v < next.size(); ++v)
        if (next[v] != m_context.differs[v])
            if (const QGraphicsItem *item = elementItem(nodeId(int32_t(v))))
                repaintItem(item);
}

std::vector<NodeId> GraphView::selectedNodes() const
{
    std::vector<NodeId> nodes;
    for (QGraphicsItem *item : m_scene->selectedItems()) {
        if (item->type() == NodeItem::Type) {
            nodes.push_back(static_cast<NodeItem *>(item)->node());
        } else if (item->type() == GroupItem::Type) {
            const auto &members = static_cast<GroupItem *>(item)->members();
            nodes.insert(nodes.end(), members.begin(), members.end());
        }
    }
    std::sort(nodes.begin(), nodes.end());
    return nodes;
}

void GraphView::selectNodes(const std::vector<NodeId> &nodes, bool frame)
{
    if (m_elements.empty())
        return;
    {
        const QSignalBlocker block(m_scene);
        m_scene->clearSelection();
        for (NodeId v : nodes)
            elementItem(v)->setSelected(true);
    }
    emit nodeSelectionChanged();
    if (frame && !nodes.empty())
        zoomToNodes(nodes);
}

QRectF GraphView::elementsBox(const std::vector<NodeId> &nodes) const
{
    QRectF box;
    if (!m_collapsed)
        return box;
    for (NodeId v : nodes) {
        const QPointF c = m_centres[size_t(m_collapsed->elementOf[size_t(index(v))])];
        box |= QRectF(c - QPointF(m_half.width(), m_half.height()), m_half * 2);
    }
    return box;
}

void GraphView::setView(const QRectF &box, double maxScale)
{
    // Fitted to the viewport less room for both scroll bars: they come and go
    // with the new scale, and the view is laid out again (half a bar off
    // centre) after this returns.
    const int bar = style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 4;
    const QSizeF room = QSizeF(viewport()->size()) - QSizeF(bar, bar);
    if (box.isEmpty() || room.width() <= 0 || room.height() <= 0)
        return;
    const double scale = std::min({ room.width() / box.width(), room.height() / box.height(), maxScale });
    m_settingView = true;
    setTransform(QTransform::fromScale(scale, scale));
    centerOn(box.center());
    m_settingView = false;
    m_minimap->update();
    placeMinimap();
    emit viewChanged();
}

void GraphView::zoomToNodes(const std::vector<NodeId> &nodes)
{
    const QRectF box = elementsBox(nodes);
    if (box.isEmpty())
        return;
    setView(box.adjusted(-30, -30, 30, 30), 1.0);
    m_autoView = AutoView::None;
}

QRectF GraphView::drawingBox() const
{
    // Every element's box (with room for outlines), whatever the layout
    // reports as its size.
    QRectF box;
    for (const QPointF &c : m_centres)
        box |= QRectF(c.x() - m_half.width(), c.y() - m_half.height(), 2 * m_half.width(), 2 * m_half.height());
    return box.adjusted(-24, -24, 24, 24);
}

void GraphView::fitAll()
{
    if (!m_collapsed)
        return;
    setView(drawingBox(), 8.0);
    m_autoView = AutoView::Fit;
}

void GraphView::showOverview()
{
    if (!m_collapsed)
        return;
    // Fitted whole, a box under about 10 pixels tall cannot be read: then the
    // bottleneck stage is shown instead, as close as it fits (at least that).
    constexpr double kReadable = 0.28;
    setView(drawingBox(), 1.0);
    const int b = m_document->bottleneckStage();
    if (transform().m11() < kReadable && b >= 0 && b < m_document->k()) {
        const QRectF box = elementsBox(m_document->partition().members()[size_t(b)]);
        setView(box.adjusted(-30, -30, 30, 30), 1.0);
        if (transform().m11() < kReadable) {
            m_settingView = true;
            setTransform(QTransform::fromScale(kReadable, kReadable));
            centerOn(box.center());
            m_settingView = false;
        }
    }
    m_autoView = AutoView::Overview;
}

void GraphView::zoomBy(double factor)
{
    m_autoView = AutoView::None;
    const double current = transform().m11();
    const double next = std::clamp(current * factor, 0.01, 8.0);
    scale(next / current, next / current);
    m_minimap->update();
    emit viewChanged();
}

void GraphView::setMinimapEnabled(bool enabled)
{
    m_minimapEnabled = enabled;
    placeMinimap();
}

void GraphView::placeMinimap()
{
    if (!m_minimapEnabled || m_elements.empty()) {
        m_minimap->hide();
        return;
    }
    const QRect area = viewport()->geometry();
    m_minimap->move(area.right() - m_minimap->width() - 8, area.bottom() - m_minimap->height() - 8);
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    m_minimap->setVisible(!visible.contains(sceneRect().adjusted(30, 30, -30, -30)));
    m_minimap->raise();
    m_minimap->update();
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    m_settingView = true;
    QGraphicsView::resizeEvent(event);
    m_settingView = false;
    if (m_autoView == AutoView::Fit)
        fitAll();
    else if (m_autoView == AutoView::Overview)
        showOverview();
    placeMinimap();
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    if (!m_settingView && !m_build)
        m_autoView = AutoView::None; // the user scrolled
    if (!m_banner.isEmpty())
        viewport()->update(); // the banner stays in place
    if (m_minimap->isVisible())
        m_minimap->update();
    emit viewChanged();
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ShiftModifier) { // Shift+wheel scrolls, as in most viewers
        QGraphicsView::wheelEvent(event);
        return;
    }
    zoomBy(std::pow(1.0015, event->angleDelta().y()));
    event->accept();
}

QGraphicsItem *GraphView::elementAt(QPoint viewPos) const
{
    for (QGraphicsItem *item : items(viewPos))
        if (item->type() == NodeItem::Type || item->type() == GroupItem::Type)
            return item;
    return nullptr;
}

void GraphView::setBanner(const QString &text)
{
    if (text == m_banner)
        return;
    m_banner = text;
    viewport()->update();
}

void GraphView::mousePressEvent(QMouseEvent *event)
{
    setBanner(QString());
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_panning = true;
        m_panLast = event->pos();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    m_pressNode = event->button() == Qt::LeftButton ? elementAt(event->pos()) : nullptr;
    m_pressPos = event->pos();
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint delta = event->pos() - m_panLast;
        m_panLast = event->pos();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        return;
    }
    if (m_pressNode && m_pressNode->isSelected() && (event->buttons() & Qt::LeftButton)
        && (event->pos() - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
        m_pressNode = nullptr;
        startNodeDrag();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning) {
        m_panning = false;
        viewport()->setCursor(m_spaceHeld ? Qt::OpenHandCursor : Qt::ArrowCursor);
        return;
    }
    m_pressNode = nullptr;
    QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (QGraphicsItem *item = elementAt(event->pos()); item && item->type() == GroupItem::Type) {
        emit expandRequested(static_cast<GroupItem *>(item)->scope());
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void GraphView::contextMenuEvent(QContextMenuEvent *event)
{
    QGraphicsItem *item = elementAt(event->pos());
    if (!item || !m_document->hasGraph())
        return;
    QMenu menu(this);
    std::string scope;
    if (item->type() == GroupItem::Type) {
        const QString group = static_cast<GroupItem *>(item)->scope();
        menu.addAction(tr("Expand %1").arg(group), this, [this, group] { emit expandRequested(group); });
        scope = group.toStdString();
        const size_t slash = scope.rfind('/');
        scope = slash == std::string::npos ? std::string() : scope.substr(0, slash);
    } else {
        scope = m_document->graph().scope(static_cast<NodeItem *>(item)->node());
    }
    // Collapse the scope of the node, or any scope around it.
    while (!scope.empty()) {
        const QString name = QString::fromStdString(scope);
        menu.addAction(tr("Collapse %1").arg(name), this, [this, name] { emit collapseRequested(name); });
        const size_t slash = scope.rfind('/');
        scope = slash == std::string::npos ? std::string() : scope.substr(0, slash);
    }
    if (!menu.isEmpty())
        menu.exec(event->globalPos());
}

void GraphView::keyPressEvent(QKeyEvent *event)
{
    setBanner(QString());
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        viewport()->setCursor(Qt::ArrowCursor);
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void GraphView::startNodeDrag()
{
    const std::vector<NodeId> nodes = selectedNodes();
    if (nodes.empty())
        return;
    auto *drag = new QDrag(this);
    drag->setMimeData(MoveController::makeMimeData(nodes));
    drag->exec(Qt::MoveAction);
    m_moves->leave();
}

void GraphView::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(MoveController::mimeType()))
        event->acceptProposedAction();
    else
        event->ignore(); // files: the main window opens them
}

bool GraphView::dropTarget(const QDropEvent *event, std::vector<NodeId> &nodes, StageId &stage) const
{
    nodes = MoveController::nodesFromMimeData(event->mimeData());
    QGraphicsItem *target = nodes.empty() ? nullptr : elementAt(event->position().toPoint());
    if (!target)
        return false;
    if (target->type() == GroupItem::Type) {
        const QPointF local = target->mapFromScene(mapToScene(event->position().toPoint()));
        stage = stageId(static_cast<GroupItem *>(target)->stageAt(local));
    } else {
        stage = m_document->partition().stage(static_cast<NodeItem *>(target)->node());
    }
    return true;
}

void GraphView::dragMoveEvent(QDragMoveEvent *event)
{
    std::vector<NodeId> nodes;
    StageId stage;
    if (!dropTarget(event, nodes, stage)) {
        m_moves->leave();
        event->ignore();
        return;
    }
    if (m_moves->hover(nodes, stage, event->modifiers() & Qt::ShiftModifier).valid)
        event->acceptProposedAction();
    else
        event->ignore();
}

void GraphView::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_moves->leave();
    event->accept();
}

void GraphView::dropEvent(QDropEvent *event)
{
    std::vector<NodeId> nodes;
    StageId stage;
    if (!dropTarget(event, nodes, stage)) {
        m_moves->leave();
        event->ignore();
    } else if (m_moves->commit(nodes, stage, event->modifiers() & Qt::ShiftModifier)) {
        event->acceptProposedAction();
    } else {
        event->ignore(); // commit() reported the reason
    }
}

bool GraphView::viewportEvent(QEvent *event)
{
    // A node's tooltip is made when asked (20,000 stored strings would cost
    // more than the picture): its work, out, param, op, scope and stage.
    if (event->type() == QEvent::ToolTip && m_document->hasGraph()) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (QGraphicsItem *item = elementAt(help->pos()); item && item->type() == NodeItem::Type) {
            const Graph &g = m_document->graph();
            const NodeId v = static_cast<NodeItem *>(item)->node();
            QString tip = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(g.id(v)).toHtmlEscaped());
            if (!g.op(v).empty())
                tip += tr("<br>op %1").arg(QString::fromStdString(g.op(v)).toHtmlEscaped());
            if (!g.scope(v).empty())
                tip += tr("<br>scope %1").arg(QString::fromStdString(g.scope(v)).toHtmlEscaped());
            tip += tr("<br>stage %1<br>work %2, out %3")
                       .arg(index(m_document->partition().stage(v)) + 1)
                       .arg(
                           formatCost(g.work(v), m_document->timeUnit()), formatSize(g.out(v), m_document->sizeUnit()));
            if (g.param(v) > 0)
                tip += tr(", param %1").arg(formatSize(g.param(v), m_document->paramUnit()));
            QToolTip::showText(help->globalPos(), tip, viewport());
            return true;
        }
    }
    return QGraphicsView::viewportEvent(event);
}

void GraphView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QGraphicsView::drawForeground(painter, rect);
    if (!m_banner.isEmpty()) {
        painter->save();
        painter->resetTransform();
        QFont font = painter->font();
        font.setBold(true);
        painter->setFont(font);
        const QFontMetrics fm(font);
        const QRect area = viewport()->rect().adjusted(12, 8, -12, 0);
        const QRect text = fm.boundingRect(area, Qt::AlignHCenter | Qt::TextWordWrap, m_banner);
        const QRect box = text.adjusted(-10, -6, 10, 6);
        painter->setPen(QColor(0xB2, 0x18, 0x2B));
        painter->setBrush(QColor(0xFD, 0xEC, 0xEC, 235));
        painter->drawRoundedRect(box, 6, 6);
        painter->drawText(text, Qt::AlignHCenter | Qt::TextWordWrap, m_banner);
        painter->restore();
    }
    if (m_message.isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setPen(QColor(110, 110, 110));
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    painter->setFont(font);
    painter->drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    painter->restore();
}

bool GraphView::exportPicture(const QString &path, bool visibleOnly, QString *error)
{
    if (m_elements.empty()) {
        *error = tr("there is no picture to export");
        return false;
    }
    const QRectF source = visibleOnly ? mapToScene(viewport()->rect()).boundingRect() : m_scene->sceneRect();
    const QString suffix = QFileInfo(path).suffix().toLower();
    auto paint = [&](QPainter &painter, const QRectF &target) {
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        painter.fillRect(target, Qt::white);
        m_scene->render(&painter, target, source);
    };
    if (suffix == QLatin1String("svg")
        || suffix == QLatin1String("pdf")) // vector, rendered in memory, then written atomically
        return saveVectorAtomically(
            path, source.size(), QString::fromStdString(m_document->graph().name()), tr("pipecut partition view"),
            [&](QPaintDevice &device) {
                QPainter painter;
                if (!painter.begin(&device))
                    return false;
                paint(painter, QRectF(QPointF(0, 0), source.size()));
                return painter.end();
            },
            error);
    // Raster: as sharp as possible within a sane image size.
    // 8,000 px on the long side keeps the file readable by common viewers (and
    // under Qt's default 256 MB image allocation limit).
    const double scale = std::min(2.0, 8000.0 / std::max(source.width(), source.height()));
    QImage image((source.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        paint(painter, QRectF(QPointF(0, 0), QSizeF(image.size())));
    }
    if (!saveImageAtomically(image, path)) {
        *error = tr("cannot write %1 (unknown image format or unwritable place)").arg(path);
        return false;
    }
    return true;
}

} // namespace pipecut::ui
