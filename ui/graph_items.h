#pragma once
// Graphics items of the graph view. They point at the Document (never own it)
// and read the stage of their node at paint time, so a move only has to call
// update() on the items it touched: positions never change because of an edit.

#include "core/util/ids.h"

#include <QGraphicsItem>

#include <vector>

namespace pipecut::ui {

class Document;

// What every item of one scene shares (owned by the GraphView).
struct SceneContext {
    const Document *document = nullptr;
    QSizeF nodeSize{120, 36};
    bool vertical = true;       // edges run downwards (else rightwards)
    double maxOut = 1.0;        // largest tensor crossing any edge, for edge widths
    std::vector<uint8_t> marked; // per node: 1 = would be moved along (forced-move preview)
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

class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };
    EdgeItem(const SceneContext *context, NodeId from, NodeId to, QPointF start, QPointF end);

    int type() const override { return Type; }
    NodeId from() const { return m_from; }
    NodeId to() const { return m_to; }
    QRectF boundingRect() const override { return m_rect; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    const SceneContext *m_context;
    NodeId m_from, m_to;
    QPainterPath m_path;
    QRectF m_rect; // cached: the path's box plus the widest pen
};

} // namespace pipecut::ui
