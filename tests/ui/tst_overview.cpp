// The overview of the graph view with real widgets (offscreen): Fit puts every
// drawn element inside the viewport (corpus graphs, the bundled example and a
// generated 20,000-node transformer); a large graph opens drawn as the report
// draws it (about 50 boxes of one stage each, so every cut shows), its first
// view on the bottleneck stage; search frames its matches and Enter steps
// through them; Zoom to Selection frames the selection; zoomed out, the view's
// batched painting shows what the items would.
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/views/graph_view.h"
#include "ui/views/scope_collapse.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QGraphicsItem>
#include <QLineEdit>
#include <QPainter>
#include <QSignalSpy>
#include <QStyleOptionGraphicsItem>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

// A window on a generated transformer of about `nodes` nodes cut into `k`
// stages, the partitioner's time limit `seconds` (0: as set); nullptr when
// that failed.
std::unique_ptr<MainWindow> openTransformer(const QTemporaryDir &dir, int nodes, uint64_t seed, int k, double seconds)
{
    const QString path = writeTransformer(dir, nodes, seed);
    auto w = path.isEmpty() ? nullptr : makeWindow();
    if (!w)
        return nullptr;
    if (seconds > 0)
        w->timeLimitBox()->setValue(seconds);
    w->openFile(path, k);
    return waitForModel(*w, 300000) ? std::move(w) : nullptr;
}

// On-screen box of the element drawing node v.
QRect onScreen(const GraphView &view, NodeId v)
{
    return view.mapFromScene(view.elementItem(v)->sceneBoundingRect()).boundingRect();
}

// The elements (one node of each) that are not wholly inside the viewport.
int elementsOutside(const GraphView &view)
{
    const ScopeView *c = view.scopeView();
    const QRect area = view.viewport()->rect().adjusted(-1, -1, 1, 1);
    int outside = 0;
    for (int32_t e = 0; e < c->elementCount(); ++e)
        if (!area.contains(onScreen(view, c->members[size_t(e)].front()))) {
            ++outside;
            const QRect r = onScreen(view, c->members[size_t(e)].front());
            qInfo("outside: element %d at %d,%d %dx%d; viewport %dx%d", e, r.x(), r.y(), r.width(), r.height(),
                view.viewport()->width(), view.viewport()->height());
        }
    return outside;
}

bool inside(const GraphView &view, const std::vector<NodeId> &nodes)
{
    const QRect area = view.viewport()->rect().adjusted(-1, -1, 1, 1);
    return std::all_of(nodes.begin(), nodes.end(), [&](NodeId v) { return area.contains(onScreen(view, v)); });
}

} // namespace

class TestOverview : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void fitShowsEveryElement_data()
    {
        QTest::addColumn<QString>("file");
        const QString corpus = QStringLiteral(PIPECUT_CORPUS_DIR);
        QTest::newRow("example") << QString();
        QTest::newRow("pipedream resnet50")
            << corpus + "/pipedream/profiler/image_classification/profiles/resnet50/graph.txt";
        QTest::newRow("pipedream gnmt") << corpus + "/pipedream/profiler/translation/profiles/gnmt/graph.txt";
        QTest::newRow("pipedream vgg16") << corpus + "/pipedream/graph/test_graphs/vgg16_partitioned.txt";
    }

    void fitShowsEveryElement()
    {
        QFETCH(QString, file);
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.timeLimitBox()->setValue(1);
        if (file.isEmpty())
            w.openBundledExample();
        else
            w.openFile(file);
        QVERIFY(waitForModel(w));
        GraphView &view = *w.graphView();
        view.zoomBy(4.0); // anywhere: Fit must bring everything back
        view.centerOn(0, 0);
        view.fitAll();
        QCOMPARE(elementsOutside(view), 0);
        // It keeps fitting when the window changes shape.
        w.resize(900, 1200);
        QTest::qWait(50);
        QCOMPARE(elementsOutside(view), 0);
        w.resize(1600, 500);
        QTest::qWait(50);
        QCOMPARE(elementsOutside(view), 0);
    }

    void largeGraphOpensAsTheReportDrawsIt()
    {
        QTemporaryDir dir;
        auto window = openTransformer(dir, 20000, 1, 8, 2);
        QVERIFY(window);
        MainWindow &w = *window;
        const Document &doc = *w.document();
        QCOMPARE(doc.k(), 8);
        GraphView &view = *w.graphView();
        const ScopeView *c = view.scopeView();
        QVERIFY(c);
        QVERIFY2(c->elementCount() <= 56, qPrintable(QString::number(c->elementCount())));
        QVERIFY(c->elementCount() >= 6);
        // Every box holds one stage, so every cut lies between boxes.
        const Partition &p = doc.partition();
        for (int32_t e = 0; e < c->elementCount(); ++e)
            for (NodeId v : c->members[size_t(e)])
                QCOMPARE(p.stage(v), p.stage(c->members[size_t(e)].front()));
        // The first view shows the bottleneck stage, readable.
        const int b = doc.bottleneckStage();
        QVERIFY(b >= 0);
        QVERIFY(inside(view, p.members()[size_t(b)]));
        QVERIFY(onScreen(view, p.members()[size_t(b)].front()).height() >= 10);
        // Fit shows all of it.
        view.zoomBy(3.0);
        view.fitAll();
        QCOMPARE(elementsOutside(view), 0);

        // Search frames its matches (not a hairline), Enter steps through them.
        auto *edit = w.findChild<QLineEdit *>("searchEdit");
        QVERIFY(edit);
        edit->setText(QStringLiteral("^layer_3/attention/"));
        QTest::keyClick(edit, Qt::Key_Return);
        const std::vector<NodeId> matches = view.selectedNodes();
        QVERIFY(!matches.empty());
        QVERIFY(inside(view, matches));
        QVERIFY(onScreen(view, matches.front()).height() >= 10);
        view.zoomBy(0.2);
        QTest::keyClick(edit, Qt::Key_Return); // the first match alone
        QVERIFY(inside(view, { matches.front() }));
        QVERIFY(onScreen(view, matches.front()).height() >= 20);
        QCOMPARE(view.selectedNodes(), matches);

        // Double-clicking a box opens it: its nodes are drawn by scope.
        const int before = c->elementCount();
        const QString label = static_cast<GroupItem *>(view.elementItem(matches.front()))->scope();
        view.zoomToNodes({ matches.front() });
        QSignalSpy ready(&w, &MainWindow::layoutReady);
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {},
            view.mapFromScene(view.elementItem(matches.front())->sceneBoundingRect().center()));
        QVERIFY(ready.wait(60000));
        QVERIFY(view.scopeView()->elementCount() > before);
        QVERIFY(!view.groupItem(label) || view.groupItem(label)->members().size() < size_t(matches.size()));
    }

    // Zoomed out below kFarViewMaxScale the view paints the drawing in
    // batches (graph_view_far.cpp): the picture matches what the scene's items
    // draw at that scale, selected nodes included. With PIPECUT_GRAB_DIR set,
    // both are saved there (far_view*.png, to look at them).
    void farViewPaintsAsTheItems()
    {
        QTemporaryDir dir;
        auto window = openTransformer(dir, 2000, 3, 4, 0);
        QVERIFY(window);
        GraphView &view = *window->graphView();
        QVERIFY(view.scopeView()->elementCount() > 1000); // drawn node by node
        const std::vector<NodeId> some = { nodeId(10), nodeId(500), nodeId(1500) };
        view.selectNodes(some, false);
        for (double scale : { 0.08, 0.03 }) {
            view.fitAll();
            view.zoomBy(scale / view.transform().m11());
            QVERIFY(std::abs(view.transform().m11() - scale) < 1e-9);
            const QImage far = view.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
            // The scene's own painting of the same part, item by item.
            QImage items(far.size(), QImage::Format_RGB32);
            items.fill(view.backgroundBrush().color());
            {
                QPainter painter(&items);
                painter.setRenderHints(view.renderHints());
                painter.setTransform(view.viewportTransform());
                const QRectF visible = view.mapToScene(view.viewport()->rect()).boundingRect();
                painter.setClipRect(visible);
                for (QGraphicsItem *item :
                    view.scene()->items(visible, Qt::IntersectsItemBoundingRect, Qt::AscendingOrder)) {
                    QStyleOptionGraphicsItem option;
                    option.exposedRect = item->boundingRect();
                    painter.save();
                    painter.setTransform(item->sceneTransform() * view.viewportTransform());
                    item->paint(&painter, &option, view.viewport());
                    painter.restore();
                }
            }
            if (qEnvironmentVariableIsSet("PIPECUT_GRAB_DIR")) {
                const QDir grab(qEnvironmentVariable("PIPECUT_GRAB_DIR"));
                far.save(grab.filePath(QStringLiteral("far_view_%1.png").arg(scale)));
                items.save(grab.filePath(QStringLiteral("far_view_items_%1.png").arg(scale)));
            }
            int drawn = 0, differ = 0;
            const QRgb background = view.backgroundBrush().color().rgb();
            for (int y = 0; y < far.height(); ++y)
                for (int x = 0; x < far.width(); ++x) {
                    const QRgb a = far.pixel(x, y), b = items.pixel(x, y);
                    drawn += a != background || b != background ? 1 : 0;
                    differ += std::max({ std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                                  std::abs(qBlue(a) - qBlue(b)) })
                            > 48
                        ? 1
                        : 0;
                }
            qInfo("scale %g: %d pixels drawn, %d differ", scale, drawn, differ);
            QVERIFY(drawn > 2000);
            QVERIFY2(
                differ <= drawn / 200, qPrintable(QStringLiteral("%1 of %2 pixels differ").arg(differ).arg(drawn)));
        }
    }

    void zoomToSelectionFramesIt()
    {
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        GraphView &view = *w.graphView();
        const Partition &p = w.document()->partition();
        const std::vector<NodeId> last = p.members()[size_t(p.k() - 1)];
        view.selectNodes(last, false);
        view.fitAll();
        view.zoomBy(6.0);
        view.centerOn(view.elementItem(p.members()[0].front()));
        QVERIFY(!inside(view, last));
        view.zoomToSelection();
        QVERIFY(inside(view, last));
    }
};

QTEST_MAIN(TestOverview)
#include "tst_overview.moc"
