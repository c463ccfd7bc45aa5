#pragma once
// The minimap of large graphs: a small picture of the whole drawing in the
// corner of the graph view (every element a dot in its stage colour) with the
// visible part framed. Clicking or dragging in it moves the view there.
// The picture is redrawn off the edit path: a move only schedules a refresh
// (coalesced by a short timer), so it never slows an edit down.

#include <QImage>
#include <QTimer>
#include <QWidget>

namespace pipecut::ui {

class Document;
class GraphView;

class Minimap : public QWidget {
    Q_OBJECT
public:
    Minimap(GraphView *view, const Document *document);

    // The drawing changed (new layout): redraw now. Stages changed: soon.
    void rebuild();
    void scheduleRebuild() { m_timer.start(); }
    // The visible part in minimap pixels (for tests).
    QRectF visibleFrame() const;
    QPointF sceneToMap(QPointF scenePos) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void centreViewAt(QPointF mapPos);
    QTransform sceneToMapTransform() const;

    GraphView *m_view;
    const Document *m_document;
    QImage m_picture;
    QTimer m_timer;
};

} // namespace pipecut::ui
