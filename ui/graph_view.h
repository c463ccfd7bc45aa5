#pragma once
// The central view: the graph drawn from a Layout, nodes filled with their
// stage colour, the bottleneck stage outlined, stage-crossing edges thick by
// tensor size. Wheel zooms at the cursor, the middle button (or Space + drag)
// pans, a rubber band selects; dragging a selected node starts a move that can
// be dropped on any node of the target stage (or on the stage list).

#include "core/layout/layout.h"
#include "ui/document.h"
#include "ui/graph_items.h"

#include <QGraphicsView>

#include <memory>
#include <vector>

namespace pipecut::ui {

class MoveController;

class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    GraphView(Document *document, MoveController *moves, QWidget *parent = nullptr);
    ~GraphView() override;

    // Builds the items for the document's graph at these positions.
    void showLayout(const Layout &layout, const LayoutOptions &options);
    // No picture (yet): draws `message` in the middle of the view.
    void clearPicture(const QString &message);
    bool hasPicture() const { return !m_nodes.empty(); }

    NodeItem *nodeItem(NodeId v) const { return m_nodes[index(v)]; }
    std::vector<NodeId> selectedNodes() const;
    void selectNodes(const std::vector<NodeId> &nodes, bool centre);
    void fitAll();
    void zoomBy(double factor);

    // PNG, SVG or PDF by the file's suffix; the whole graph or the visible part.
    bool exportPicture(const QString &path, bool visibleOnly, QString *error);

signals:
    void nodeSelectionChanged();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void onDocumentChanged(const DocumentChange &change);
    void setMarked(const std::vector<NodeId> &nodes);
    NodeItem *nodeAt(QPoint viewPos) const;
    // The dragged nodes and the stage of the node under the cursor, if any.
    bool dropTarget(const QDropEvent *event, std::vector<NodeId> &nodes, StageId &stage) const;
    void startNodeDrag();

    Document *m_document;
    MoveController *m_moves;
    QGraphicsScene *m_scene;
    SceneContext m_context;
    std::vector<NodeItem *> m_nodes;
    std::vector<EdgeItem *> m_edges;
    std::vector<int32_t> m_incidentOffset, m_incident; // CSR: node -> edge items touching it
    std::vector<NodeId> m_markedNodes;
    int m_paintedBottleneck = -1;
    QString m_message;
    // Mouse gestures
    NodeItem *m_pressNode = nullptr;
    QPoint m_pressPos;
    bool m_panning = false;
    bool m_spaceHeld = false;
    QPoint m_panLast;
};

} // namespace pipecut::ui
