#pragma once
// Graphics items of the graph view. They point at the Document (never own it)
// and read the stage of their node at paint time, so a move only has to call
// update() on the items it touched: positions never change because of an edit.

#include "core/util/ids.h"

#include <QGraphicsItem>

#include <vector>

namespace pipecut::ui {

class Document;
struct ScopeView;

// Below this scale a node box is under 8 pixels tall and its bottleneck
// outline under a pixel wide: it is not drawn, so a change of the bottleneck
// stage repaints nothing there (the stage list and the chart still mark it).
constexpr double kBottleneckOutlineMinScale = 0.22;
// Below this scale a node box is a few pixels: the view paints the drawing
// itself, in batches, instead of item by item (GraphView::paintFarView).
constexpr double kFarViewMaxScale = 0.1;

// What every item of one scene shares (owned by the GraphView).
struct SceneContext {
    const Document *document = nullptr;
    QSizeF nodeSize { 120, 36 };
    bool vertical = true; // edges run downwards (else rightwards)
    double maxOut = 1.0; // largest tensor crossing any edge, for edge widths
    std::vector<uint8_t> marked; // per node: 1 = would be moved along (forced-move preview)
    std::vector<uint8_t> differs; // per node: 1 = in another stage in the compared partition B
    const ScopeView *collapsed = nullptr; // the elements drawn (nodes and scope groups)
};

class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };
    NodeItem(const SceneContext *context, NodeId node);

    int type() const override { return Type; }
    NodeId node() const { return m_node; }
    QRectF boundingRect() const override { return m_rect; }
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const SceneContext *m_context;
    NodeId m_node;
    QRectF m_rect; // cached: the node box plus room for the thickest outline
};

// A collapsed scope: one box for all its members, with a stripe showing how
// many of them each stage holds (its stage mix) and their work written on it.
// Double-click expands it.
class GroupItem : public QGraphicsItem {
public:
    enum { Type = UserType + 3 };
    GroupItem(const SceneContext *context, int32_t element);

    int type() const override { return Type; }
    int32_t element() const { return m_element; }
    const std::vector<NodeId> &members() const;
    QString scope() const;
    // The stage whose stripe segment lies under `localPos` (drops on a group).
    int stageAt(QPointF localPos) const;
    QRectF boundingRect() const override { return m_rect; }
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    // Per stage, how many members it holds (k entries).
    std::vector<int32_t> stageCounts() const;
    QRectF box() const;

    const SceneContext *m_context;
    int32_t m_element;
    QRectF m_rect;
    double m_work = 0.0; // the members' work
    QString m_costText;
};

// What an edge item looks like under the current partition: the largest
// tensor crossing stages among the graph edges it stands for, or -1 when none
// crosses. An edit that leaves it unchanged leaves the edge's pixels alone.
double crossingTensor(const SceneContext &context, int32_t edge);

// An edge between two drawn elements: one graph edge, or all the graph edges
// between two elements when a side is collapsed. Drawn as crossing stages when
// any of its graph edges does, as wide as the largest such tensor.
class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };
    EdgeItem(const SceneContext *context, int32_t edge, QPointF start, QPointF end);

    int type() const override { return Type; }
    int32_t edge() const { return m_edge; }
    const QPainterPath &path() const { return m_path; }
    QRectF boundingRect() const override { return m_rect; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const SceneContext *m_context;
    int32_t m_edge; // index into ScopeView::edges
    QPainterPath m_path;
    // Long edges (a skip connection across a tall drawing) are drawn only
    // where they cross the exposed rect: stroking a path of 100,000 pixels to
    // show 200 of them makes the view slow on large graphs. The curve
    // is monotone along the layout direction, so the visible parameter range
    // is found by bisection and that piece of the cubic drawn alone.
    bool m_long = false;
    QPointF m_bezier[4];
    QPointF pointAt(double t) const;
    QRectF m_rect; // cached: the path's box plus the widest pen
};

} // namespace pipecut::ui
