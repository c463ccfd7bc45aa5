// Collapse and expand by scope: the element model (ui/views/scope_collapse.h) on
// hand-made graphs, and the window driving it with real widgets (offscreen):
// large graphs open collapsed, a group shows its stage mix, dropping on a group
// picks the stage under the cursor, a group moves as one, double-click expands,
// and the minimap moves the view.
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/document/move_controller.h"
#include "ui/main_window.h"
#include "ui/views/graph_view.h"
#include "ui/views/minimap.h"
#include "ui/views/scope_collapse.h"

#include <QApplication>
#include <QDoubleSpinBox>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QMimeData>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

Graph scoped(
    const std::vector<std::pair<std::string, std::string>> &nodes, const std::vector<std::pair<int, int>> &edges)
{
    GraphBuilder b("scoped");
    for (const auto &[id, scope] : nodes)
        b.addNode({ .id = id, .scope = scope, .work = 1, .out = 1 });
    for (auto [u, v] : edges)
        b.addEdge(u, v);
    return std::move(b.build()).value();
}

bool waitForLayout(MainWindow &w)
{
    QSignalSpy ready(&w, &MainWindow::layoutReady);
    return ready.wait(60000) && w.graphView()->hasPicture();
}

// A window on a generated transformer of `nodes` nodes, partitioned into k stages.
std::unique_ptr<MainWindow> openGenerated(const QTemporaryDir &dir, int nodes, int k)
{
    auto w = makeWindow();
    if (!w)
        return nullptr;
    w->timeLimitBox()->setValue(1);
    const QString path = writeTransformer(dir, nodes, 7);
    if (path.isEmpty())
        return nullptr;
    w->openFile(path, k);
    return waitForModel(*w) ? std::move(w) : nullptr;
}

} // namespace

class TestScopeCollapse : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void headerExample()
    {
        // a->b->c->d, a and b in enc/l0, c in enc/l1, d unscoped.
        const Graph g = scoped(
            { { "a", "enc/l0" }, { "b", "enc/l0" }, { "c", "enc/l1" }, { "d", "" } }, { { 0, 1 }, { 1, 2 }, { 2, 3 } });
        const ScopeView c = collapseByScope(g, { "enc/l0" });
        QCOMPARE(c.elementCount(), 3);
        QCOMPARE(c.groupCount(), 1);
        QCOMPARE(c.scope[0], std::string("enc/l0"));
        QCOMPARE(c.members[0], (std::vector<NodeId> { nodeId(0), nodeId(1) }));
        QCOMPARE(c.elementOf, (std::vector<int32_t> { 0, 0, 1, 2 }));
        QCOMPARE(c.edges, (std::vector<std::pair<int32_t, int32_t>> { { 0, 1 }, { 1, 2 } }));
        QCOMPARE(c.layoutGraph.nodeCount(), 3);
        // Nothing collapsed: the graph itself.
        const ScopeView none = collapseByScope(g, {});
        QCOMPARE(none.elementCount(), 4);
        QCOMPARE(none.groupCount(), 0);
        QCOMPARE(int64_t(none.edges.size()), g.edgeCount());
        // Collapsing "enc" takes a, b and c (prefixes end at '/': "en" would not).
        QCOMPARE(collapseByScope(g, { "enc" }).elementCount(), 2);
        QCOMPARE(collapseByScope(g, { "en" }).elementCount(), 4);
    }

    void groupsDependingOnEachOtherStillLayOut()
    {
        // x1 -> y1 -> x2: groups x and y form a cycle; the layout graph must not.
        const Graph g
            = scoped({ { "x1", "x" }, { "y1", "y" }, { "x2", "x" }, { "y2", "y" } }, { { 0, 1 }, { 1, 2 }, { 2, 3 } });
        const ScopeView c = collapseByScope(g, { "x", "y" });
        QCOMPARE(c.elementCount(), 2);
        // Real directions are kept (x->y twice, y->x once), aggregated per pair.
        QCOMPARE(c.edges, (std::vector<std::pair<int32_t, int32_t>> { { 0, 1 }, { 1, 0 } }));
        QCOMPARE(c.edgeOffset, (std::vector<int32_t> { 0, 2, 3 }));
        QCOMPARE(c.layoutGraph.nodeCount(), 2);
        QCOMPARE(c.layoutGraph.edgeCount(), int64_t(1));
    }

    void expandAndCollapseScopes()
    {
        const Graph g = scoped({ { "a", "m/p/q" }, { "b", "m/p/r" }, { "c", "m/s" }, { "d", "m" }, { "e", "n" } },
            { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 } });
        QCOMPARE(scopePrefix("m/p/q", 2), std::string("m/p"));
        QCOMPARE(scopePrefix("m", 3), std::string("m"));
        QCOMPARE(scopesAtDepth(g, 1), (std::set<std::string> { "m", "n" }));
        QCOMPARE(scopesAtDepth(g, 2), (std::set<std::string> { "m", "m/p", "m/s", "n" }));
        QCOMPARE(collapseDepthFor(g, 2), 1);
        QCOMPARE(collapseDepthFor(g, 100), 3);
        // Expanding m: its deeper members group by the next component; d (scope m) stands alone.
        const auto expanded = expandScope(g, { "m", "n" }, "m");
        QCOMPARE(expanded, (std::set<std::string> { "m/p", "m/s", "n" }));
        const ScopeView c = collapseByScope(g, expanded);
        QCOMPARE(c.elementCount(), 4); // m/p {a, b}, c (a group of one), d, e (a group of one)
        QCOMPARE(c.groupCount(), 1);
        // Collapsing m again merges the groups inside it.
        QCOMPARE(collapseScope(expanded, "m"), (std::set<std::string> { "m", "n" }));
    }

    void largeGraphOpensCollapsedAndGroupsMoveAsOne()
    {
        QTemporaryDir dir;
        const auto window = openGenerated(dir, 5000, 4);
        QVERIFY(window);
        MainWindow &w = *window;
        GraphView *view = w.graphView();
        const Document &doc = *w.document();
        const ScopeView *c = view->scopeView();
        QVERIFY(c);
        QVERIFY2(c->groupCount() > 10, "a 5,000-node graph with scopes opens collapsed");
        QVERIFY(c->elementCount() <= 60); // as the report draws it
        QVERIFY(w.collapsedScopes().empty()); // by the report's boxes, not by scope
        // Every node is drawn by exactly one item, its group's when collapsed.
        int32_t covered = 0;
        for (int32_t e = 0; e < c->elementCount(); ++e)
            covered += int32_t(c->members[size_t(e)].size());
        QCOMPARE(covered, doc.graph().nodeCount());

        // A group whose members span two stages shows both in its stripe, and a
        // drop on either end of the stripe targets that end's stage.
        bool checkedMix = false;
        for (int32_t e = 0; e < c->elementCount() && !checkedMix; ++e) {
            if (!c->isGroup(e))
                continue;
            auto *g = static_cast<GroupItem *>(view->elementItem(c->members[size_t(e)].front()));
            const int s = index(doc.partition().stage(g->members().front()));
            if (s + 1 >= doc.k() || s != index(doc.partition().stage(g->members().back())))
                continue;
            for (NodeId v : g->members()) {
                if (!w.document()->planMove({ v }, stageId(s + 1), false).valid)
                    continue;
                w.moveController()->commit({ v }, stageId(s + 1), false);
                const QRectF box = g->boundingRect();
                QCOMPARE(g->stageAt(QPointF(box.left() + 6, 0)), s);
                QCOMPARE(g->stageAt(QPointF(box.right() - 6, 0)), s + 1);
                w.document()->undoStack()->undo();
                checkedMix = true;
                break;
            }
        }
        QVERIFY2(checkedMix, "no group could be given a two-stage mix");

        // Selecting a group selects its members; ']' moves them all as one command
        // (with the nodes that must follow).
        GroupItem *group = nullptr;
        for (int32_t e = 0; e < c->elementCount() && !group; ++e)
            if (c->isGroup(e)) {
                auto *g = static_cast<GroupItem *>(view->elementItem(c->members[size_t(e)].front()));
                const int s = index(doc.partition().stage(g->members().front()));
                if (s == index(doc.partition().stage(g->members().back())) && s + 1 < doc.k())
                    group = g;
            }
        QVERIFY(group);
        const std::vector<NodeId> members = group->members();
        const int from = index(doc.partition().stage(members.front()));
        view->centerOn(group);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(group->scenePos()));
        QCOMPARE(view->selectedNodes(), members);
        w.moveSelectionBy(+1, true);
        for (NodeId v : members)
            QCOMPARE(index(doc.partition().stage(v)), from + 1);
        QCOMPARE(w.document()->undoStack()->count(), 1);
        QVERIFY(validatePartition(doc.graph(), doc.params(), doc.partition()).ok());
        w.document()->undoStack()->undo();
        QCOMPARE(index(doc.partition().stage(members.front())), from);

        // Double-click expands the group: it is replaced by its members.
        const QString scope = group->scope();
        const int before = c->elementCount();
        view->centerOn(group);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(group->scenePos()));
        QVERIFY(waitForLayout(w));
        QVERIFY(view->scopeView()->elementCount() > before);
        QVERIFY(!view->groupItem(scope));
        for (NodeId v : members)
            QVERIFY(view->elementItem(v)->type() != GroupItem::Type
                || static_cast<GroupItem *>(view->elementItem(v))->members().size() < members.size());

        // Expand all draws every node; collapse by scope brings the groups back.
        w.setCollapsedScopes({});
        QVERIFY(waitForLayout(w));
        QCOMPARE(view->scopeView()->elementCount(), doc.graph().nodeCount());
        QVERIFY(view->nodeItem(members.front()));
        w.collapseAllByScope();
        QVERIFY(waitForLayout(w));
        QVERIFY(view->scopeView()->groupCount() > 10);
    }

    void dropOnAGroupPicksTheStageUnderTheCursor()
    {
        QTemporaryDir dir;
        const auto window = openGenerated(dir, 400, 3);
        QVERIFY(window);
        MainWindow &w = *window;
        w.collapseAllByScope();
        QVERIFY(waitForLayout(w));
        GraphView *view = w.graphView();
        Document &doc = *w.document();
        const ScopeView *c = view->scopeView();
        QVERIFY(c->groupCount() > 0);
        // A node drawn alone or in a one-stage group, moved onto a group of the
        // next stage (dropping on its stripe).
        for (int32_t e = 0; e < c->elementCount(); ++e) {
            if (!c->isGroup(e))
                continue;
            auto *target = static_cast<GroupItem *>(view->elementItem(c->members[size_t(e)].front()));
            const int s = index(doc.partition().stage(target->members().front()));
            if (s != index(doc.partition().stage(target->members().back())) || s == 0)
                continue;
            // The last node of stage s-1 can join stage s when its successors are in s or later.
            const auto before = doc.partition().members()[size_t(s - 1)];
            for (auto it = before.rbegin(); it != before.rend(); ++it) {
                if (!doc.planMove({ *it }, stageId(s), false).valid)
                    continue;
                view->centerOn(target);
                const QPoint pos = view->mapFromScene(target->scenePos());
                QVERIFY(dropNodes(view->viewport(), pos, { *it }, {}));
                QCOMPARE(index(doc.partition().stage(*it)), s);
                // The minimap frames the visible part and moves the view when clicked.
                Minimap *map = view->minimap();
                map->rebuild();
                view->setTransform(QTransform::fromScale(1, 1));
                const int scrollBefore = view->verticalScrollBar()->value() + view->horizontalScrollBar()->value();
                const QPointF far = map->sceneToMap(view->sceneRect().bottomRight() - QPointF(60, 60));
                QTest::mouseClick(map, Qt::LeftButton, {}, far.toPoint());
                QVERIFY(view->verticalScrollBar()->value() + view->horizontalScrollBar()->value() != scrollBefore);
                QVERIFY(map->visibleFrame().contains(far) || map->visibleFrame().adjusted(-3, -3, 3, 3).contains(far));
                return;
            }
        }
        QFAIL("no group to drop on");
    }
};

QTEST_MAIN(TestScopeCollapse)
#include "tst_scope_collapse.moc"
