#pragma once
// The central view: the graph drawn from a Layout, nodes filled with their
// stage colour, the bottleneck stage outlined, stage-crossing edges thick by
// tensor size. Wheel zooms at the cursor, the middle button (or Space + drag)
// pans, a rubber band selects; dragging a selected node starts a move that can
// be dropped on any node of the target stage (or on the stage list).
// With scopes collapsed (ui/views/scope_collapse.h) a group box stands for its
// members: dragging it moves them all, dropping on it picks the stage of the
// stripe segment under the cursor, double-clicking asks to expand it.
// A minimap in the corner shows the whole graph and the visible part.

#include "core/layout/layout.h"
#include "ui/document/document.h"
#include "ui/views/graph_items.h"
#include "ui/views/scope_collapse.h"

#include <QGraphicsView>
#include <QTimer>

#include <memory>
#include <vector>

namespace pipecut::ui {

class Minimap;
class MoveController;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    GraphView(Document *document, MoveController *moves, QWidget *parent = nullptr);
    ~GraphView() override;

    // Builds the items for the document's graph: one per element of
    // `collapsed`, at the layout's positions (one centre per element).
    void showLayout(const Layout &layout, const LayoutOptions &options, std::shared_ptr<const ScopeView> collapsed);
    // No picture (yet): draws `message` in the middle of the view.
    void clearPicture(const QString &message);
    // True once every item of the drawing exists (they are made a slice at a
    // time after showLayout(); pictureReady() says when they all are).
    bool hasPicture() const { return !m_elements.empty(); }
    const ScopeView *scopeView() const { return m_collapsed.get(); }

    // The item of a node drawn alone (nullptr when it is inside a collapsed group).
    NodeItem *nodeItem(NodeId v) const { return m_nodes[index(v)]; }
    // The item that shows node v: its NodeItem or its group's GroupItem.
    QGraphicsItem *elementItem(NodeId v) const;
    GroupItem *groupItem(const QString &scope) const;
    Minimap *minimap() const { return m_minimap; }
    void setMinimapEnabled(bool enabled);
    std::vector<NodeId> selectedNodes() const;
    // Selects the nodes; with `frame`, zooms to show them all (zoomToNodes).
    void selectNodes(const std::vector<NodeId> &nodes, bool frame);
    // Every element of the drawing inside the viewport, whatever its size.
    void fitAll();
    // The elements drawing `nodes` framed in the viewport (no closer than 1:1).
    void zoomToNodes(const std::vector<NodeId> &nodes);
    void zoomToSelection() { zoomToNodes(selectedNodes()); }
    // The first view of a drawing: all of it when readable that way, else
    // readable and centred on the bottleneck stage. Kept (again on resizes
    // and new partitions) until the user zooms or scrolls.
    void showOverview();
    bool showsOverview() const { return m_autoView != AutoView::None; }
    void zoomBy(double factor);

    // Outlines `nodes` (the nodes in another stage in the compared partition B,
    // ui/panels/compare_panel.h); empty: none. Only items whose outline changes repaint.
    void setHighlighted(const std::vector<NodeId> &nodes);
    bool isHighlighted(NodeId v) const
    {
        return size_t(index(v)) < m_context.differs.size() && m_context.differs[size_t(index(v))];
    }

    // The reason of the last refused move, shown across the top of the view
    // until the next action (a click, a key, an edit); empty when none.
    QString banner() const { return m_banner; }
    void setBanner(const QString &text);

    // PNG, SVG or PDF by the file's suffix; the whole graph or the visible part.
    bool exportPicture(const QString &path, bool visibleOnly, QString *error);

signals:
    void nodeSelectionChanged();
    void expandRequested(const QString &scope);
    void collapseRequested(const QString &scope);
    void viewChanged(); // scrolled or zoomed
    void pictureReady(); // every item of the drawing shown by showLayout() exists

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void paintEvent(QPaintEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    void onDocumentChanged(const DocumentChange &change);
    void setMarked(const std::vector<NodeId> &nodes);
    // Asks the viewport to repaint where `item` is drawn.
    void repaintItem(const QGraphicsItem *item);
    void rememberEdgeLooks(); // all of m_edgeLooks, from the current partition
    QGraphicsItem *elementAt(QPoint viewPos) const; // a NodeItem or a GroupItem
    void placeMinimap();
    // Zoomed out below kFarViewMaxScale with the drawing complete: the view
    // paints it in batches (graph_view_far.cpp), as the items would look.
    bool isFarView() const;
    void paintFarView(QPainter &painter, const QRectF &exposed);
    void buildItems(); // one slice of the items of the drawing
    // The dragged nodes and the stage of the node under the cursor, if any.
    bool dropTarget(const QDropEvent *event, std::vector<NodeId> &nodes, StageId &stage) const;
    void startNodeDrag();

    Document *m_document;
    MoveController *m_moves;
    QGraphicsScene *m_scene;
    SceneContext m_context;
    std::shared_ptr<const ScopeView> m_collapsed;
    std::vector<NodeItem *> m_nodes; // per node; nullptr inside a collapsed group
    std::vector<QGraphicsItem *> m_elements; // per element: NodeItem or GroupItem
    std::vector<EdgeItem *> m_edges; // per element edge
    std::vector<int32_t> m_incidentOffset, m_incident; // CSR: element -> edge items touching it
    std::vector<uint32_t> m_elementStamp; // dedupe per update
    uint32_t m_stamp = 0;
    std::vector<double> m_edgeLooks; // per edge item: its crossingTensor() as last painted
    std::vector<NodeId> m_markedNodes;
    struct Build { // the drawing's items while they are being made
        std::vector<QPointF> centres;
        QSizeF half;
        std::vector<NodeItem *> nodes;
        std::vector<QGraphicsItem *> elements;
        std::vector<EdgeItem *> edges;
        int32_t nextElement = 0;
        size_t nextEdge = 0;
        int perSlice = 256; // items made in one slice, adapted to what a slice costs
    };
    std::unique_ptr<Build> m_build;
    std::vector<QPointF> m_centres; // per element, from the layout
    QSizeF m_half; // half a node box
    QRectF elementsBox(const std::vector<NodeId> &nodes) const; // scene box of the elements drawing them
    QRectF drawingBox() const; // of every element, with a margin
    void setView(const QRectF &box, double maxScale); // fits box, at most maxScale
    enum class AutoView { None, Fit, Overview };
    AutoView m_autoView = AutoView::None;
    bool m_settingView = false; // programmatic scrolls do not end the auto view
    QTimer m_buildTimer; // the next slice
    int m_paintedBottleneck = -1;
    QString m_message;
    QString m_banner;
    Minimap *m_minimap = nullptr;
    bool m_minimapEnabled = true;
    // Mouse gestures
    QGraphicsItem *m_pressNode = nullptr;
    QPoint m_pressPos;
    bool m_panning = false;
    bool m_spaceHeld = false;
    QPoint m_panLast;
};

} // namespace pipecut::ui
