// The explorer window with real widgets (offscreen): open the bundled example,
// partition it, move nodes by dropping on the view and on the stage list,
// refuse invalid moves with their reason, undo/redo, search, export, and
// cancel a long solve while the window keeps answering.
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "tests/support/test_graphs.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/document/move_controller.h"
#include "ui/format.h"
#include "ui/main_window.h"
#include "ui/panels/metrics_panel.h"
#include "ui/panels/stage_list.h"
#include "ui/views/graph_view.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

QPoint viewPointOf(GraphView *view, NodeId v)
{
    view->centerOn(view->nodeItem(v));
    return view->mapFromScene(view->nodeItem(v)->scenePos());
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void init()
    {
        m_window = makeWindow();
        QVERIFY(m_window);
    }

    void cleanup() { m_window.reset(); }

    void opensAndPartitionsTheExample()
    {
        MainWindow &w = *m_window;
        QSignalSpy solved(&w, &MainWindow::solveFinished);
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        QCOMPARE(solved.count(), 1);
        QCOMPARE(solved.first().first().toBool(), true);
        const Document &doc = *w.document();
        QCOMPARE(doc.graph().nodeCount(), 235);
        const int k = doc.graph().suggestedK() > 0 ? doc.graph().suggestedK() : 4;
        QCOMPARE(doc.k(), k);
        QVERIFY(validatePartition(doc.graph(), doc.params(), doc.partition()).ok());
        // Every figure agrees with a fresh evaluation.
        const Evaluation eval = evaluate(doc.graph(), doc.params(), doc.partition());
        QVERIFY(std::abs(doc.bottleneck() - eval.bottleneck) <= 1e-9 * std::max(1.0, eval.bottleneck));
        QCOMPARE(w.metrics()->bottleneckText(), formatCost(eval.bottleneck, doc.timeUnit()));
        QCOMPARE(w.stageList()->topLevelItemCount(), k);
        const auto totals = w.metrics()->chartStageTotals();
        QCOMPARE(int(totals.size()), k);
        for (int s = 0; s < k; ++s)
            QVERIFY(std::abs(totals[s] - eval.stages[s].cost) <= 1e-9 * std::max(1.0, eval.stages[s].cost));
        // Partitioning with the engine directly gives the same bottleneck.
        PartitionOptions options;
        options.k = k;
        options.method = "auto";
        options.timeLimit = w.timeLimitBox()->value();
        auto direct = runPartitioner(doc.graph(), doc.params(), options);
        QVERIFY(direct.ok());
        QVERIFY(std::abs(direct->bottleneck - doc.bottleneck()) <= 1e-9 * std::max(1.0, doc.bottleneck()));
    }

    void nodeTooltipShowsItsFigures()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        const Document &doc = *w.document();
        const NodeId v = nodeId(doc.graph().nodeCount() / 2);
        GraphView *view = w.graphView();
        const QPoint at = viewPointOf(view, v);
        QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
        QApplication::sendEvent(view->viewport(), &help);
        const QString text = QToolTip::text();
        QVERIFY2(text.contains(QString::fromStdString(doc.graph().id(v)).toHtmlEscaped()), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("stage %1").arg(index(doc.partition().stage(v)) + 1)), qPrintable(text));
        QVERIFY2(text.contains(formatCost(doc.graph().work(v), doc.timeUnit())), qPrintable(text));
        QToolTip::hideText();
    }

    void dropOnANodeMovesItAndUndoRedo()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        Document &doc = *w.document();
        GraphView *view = w.graphView();
        // Find a node (with its colocation group) whose move to a neighbouring
        // stage is valid on its own, and a node of that stage to drop on.
        const Graph &g = doc.graph();
        const auto members = doc.partition().members();
        std::vector<NodeId> moving;
        NodeId target {};
        StageId to {};
        for (int32_t v = 0; v < g.nodeCount() && moving.empty(); ++v) {
            std::vector<NodeId> set { nodeId(v) };
            if (g.group(nodeId(v)) != kNoGroup) {
                auto group = g.groupMembers(g.group(nodeId(v)));
                set.assign(group.begin(), group.end());
            }
            const int s = index(doc.partition().stage(nodeId(v)));
            for (int t : { s + 1, s - 1 }) {
                if (t < 0 || t >= doc.k() || members[t].empty())
                    continue;
                MovePlan plan = doc.planMove(set, stageId(t), false);
                if (plan.valid) {
                    moving = set;
                    to = stageId(t);
                    target = members[t].front();
                    break;
                }
            }
        }
        QVERIFY2(!moving.empty(), "no node or group can move to a neighbouring stage in this partition");
        std::sort(moving.begin(), moving.end());
        const StageId from = doc.partition().stage(moving.front());
        const double expected = doc.planMove(moving, to, false).after;

        // Select with a real click (Ctrl-click for the rest of a group), then drop on the target node.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, viewPointOf(view, moving.front()));
        for (size_t i = 1; i < moving.size(); ++i)
            QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ControlModifier, viewPointOf(view, moving[i]));
        QCOMPARE(view->selectedNodes(), moving);
        if (moving.size() == 1)
            QVERIFY(w.inspectorText().contains(QString::fromStdString(g.id(moving.front()))));
        QVERIFY2(dropNodes(view->viewport(), viewPointOf(view, target), view->selectedNodes(), {}),
            qPrintable(w.previewText()));

        for (NodeId v : moving)
            QCOMPARE(doc.partition().stage(v), to);
        QVERIFY(std::abs(doc.bottleneck() - expected) <= 1e-9 * std::max(1.0, expected));
        const Evaluation eval = evaluate(doc.graph(), doc.params(), doc.partition());
        QCOMPARE(w.metrics()->bottleneckText(), formatCost(eval.bottleneck, doc.timeUnit()));
        const auto totals = w.metrics()->chartStageTotals();
        for (int s = 0; s < doc.k(); ++s)
            QVERIFY(std::abs(totals[s] - eval.stages[s].cost) <= 1e-9 * std::max(1.0, eval.stages[s].cost));
        QCOMPARE(doc.undoStack()->count(), 1);

        // Ctrl+Z / Ctrl+Shift+Z through the window's shortcuts.
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(doc.partition().stage(moving.front()), from);
        QCOMPARE(w.metrics()->bottleneckText(),
            formatCost(evaluate(doc.graph(), doc.params(), doc.partition()).bottleneck, doc.timeUnit()));
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(doc.partition().stage(moving.front()), to);

        // Keyboard: back where it came from with '[' or ']'.
        view->selectNodes(moving, false);
        view->setFocus();
        QTest::keyClick(view, index(to) > index(from) ? Qt::Key_BracketLeft : Qt::Key_BracketRight);
        QVERIFY2(doc.partition().stage(moving.front()) == from, qPrintable(w.previewText()));
    }

    void invalidDropIsRefusedWithItsReason()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        Document &doc = *w.document();
        // A node with a neighbour in its own stage cannot move alone (that edge
        // would run backwards); with its forced nodes it can, memory permitting.
        const Graph &g = doc.graph();
        NodeId moving {};
        StageId from {}, to {};
        bool found = false;
        for (int32_t v = 0; v < g.nodeCount() && !found; ++v) {
            const int s = index(doc.partition().stage(nodeId(v)));
            for (int t : { s + 1, s - 1 }) {
                if (t < 0 || t >= doc.k())
                    continue;
                const MovePlan alone = doc.planMove({ nodeId(v) }, stageId(t), false);
                if (!alone.valid && alone.reason.contains("runs backwards")
                    && doc.planMove({ nodeId(v) }, stageId(t), true).valid) {
                    moving = nodeId(v);
                    from = stageId(s);
                    to = stageId(t);
                    found = true;
                    break;
                }
            }
        }
        QVERIFY(found);
        const Partition before = doc.partition();

        StageList *list = w.stageList();
        const QPoint row = list->stageRect(index(to)).center();
        QVERIFY(!dropNodes(list->viewport(), row, { moving }, {}));
        QCOMPARE(doc.partition(), before);
        QVERIFY2(w.previewText().contains("runs backwards"), qPrintable(w.previewText()));
        QCOMPARE(doc.undoStack()->count(), 0);

        // With Shift the nodes that must follow come along, as one undoable command.
        QVERIFY2(dropNodes(list->viewport(), row, { moving }, Qt::ShiftModifier), qPrintable(w.previewText()));
        QCOMPARE(doc.partition().stage(moving), to);
        QVERIFY(validatePartition(g, doc.params(), doc.partition()).ok());
        QCOMPARE(doc.undoStack()->count(), 1);
        doc.undoStack()->undo();
        QCOMPARE(doc.partition(), before);
        QCOMPARE(doc.partition().stage(moving), from);
    }

    void searchSelectsTheMatches()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        const Graph &g = w.document()->graph();
        const QString pattern = "layer\\.1\\..*attention";
        const QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
        std::vector<NodeId> expected;
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            if (re.match(QString::fromStdString(g.id(nodeId(v)))).hasMatch()
                || re.match(QString::fromStdString(g.op(nodeId(v)))).hasMatch()
                || re.match(QString::fromStdString(g.scope(nodeId(v)))).hasMatch())
                expected.push_back(nodeId(v));
        QVERIFY(!expected.empty());
        QVERIFY(int(expected.size()) < g.nodeCount());
        auto *edit = w.findChild<QLineEdit *>("searchEdit");
        QVERIFY(edit);
        edit->clear();
        QTest::keyClicks(edit, pattern);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(w.graphView()->selectedNodes(), expected);
        QCOMPARE(w.search("(unclosed"), -1); // invalid pattern: reported, selection kept
        QCOMPARE(w.graphView()->selectedNodes(), expected);
    }

    void exportsPngAndSvg()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        const QString png = dir.filePath("view.png"), svg = dir.filePath("view.svg"), pdf = dir.filePath("view.pdf");
        QVERIFY2(w.exportView(png, false, &error), qPrintable(error));
        QVERIFY2(w.exportView(svg, true, &error), qPrintable(error));
        QVERIFY2(w.exportView(pdf, false, &error), qPrintable(error));
        QImageReader reader(png);
        const QImage image = reader.read();
        QVERIFY2(!image.isNull(), qPrintable(reader.errorString() + " " + QString::number(QFileInfo(png).size())));
        QVERIFY(image.width() > 100 && image.height() > 100);
        // Not blank: some pixels carry a stage colour.
        int coloured = 0;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                coloured += QColor(image.pixel(x, y)).saturation() > 60;
        QVERIFY(coloured > 20);
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY(content.contains("<svg"));
        QVERIFY(content.size() > 1000);
        QVERIFY(QFileInfo(pdf).size() > 500);
        QVERIFY(!w.exportView(dir.filePath("nowhere/x.png"), false, &error));
        // Exports are atomic: one that fails while writing (the disk is full)
        // leaves the previous file as it was and no temporary beside it.
        const QString charts = dir.filePath("charts.pdf");
        QVERIFY2(w.metrics()->exportCharts(charts, &error), qPrintable(error));
        QVERIFY(QFileInfo(charts).size() > 500);
        for (const QString &path : { png, svg, pdf, charts }) {
            QFile before(path);
            QVERIFY(before.open(QIODevice::ReadOnly));
            const QByteArray old = before.readAll();
            before.close();
            error.clear();
            {
                FileSizeLimit full(200);
                QVERIFY2(
                    !(path == charts ? w.metrics()->exportCharts(path, &error) : w.exportView(path, false, &error)),
                    qPrintable(path));
            }
            QVERIFY2(!error.isEmpty(), qPrintable(path));
            QFile after(path);
            QVERIFY(after.open(QIODevice::ReadOnly));
            QVERIFY2(after.readAll() == old, qPrintable(path + " changed by a failed export"));
            QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
                (QStringList { "charts.pdf", "view.pdf", "view.png", "view.svg" }));
        }
    }

    void openErrorKeepsTheModel()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        QTemporaryDir dir;
        const QString bad = dir.filePath("broken.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "{\"format\": \"pipecut-graph\", \"version\": 1, \"nodes\": [{\"id\": \"a\", \"work\": -1, \"out\": 0}]}");
        f.close();
        w.openFile(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!w.lastError().isEmpty(), 10000);
        QVERIFY2(w.lastError().contains("broken.json"), qPrintable(w.lastError()));
        QCOMPARE(w.document()->graph().nodeCount(), 235);
    }

    void longSolveCanBeCancelled()
    {
        MainWindow &w = *m_window;
        QTemporaryDir dir;
        const QString path = writeLongSolveGraph(dir); // an exact method runs for minutes
        QVERIFY(!path.isEmpty());
        w.openFile(path, 4);
        QVERIFY(waitForModel(w));

        w.kSpinBox()->setValue(16);
        const int mip = w.methodBox()->findText("mip");
        w.methodBox()->setCurrentIndex(mip >= 0 ? mip : w.methodBox()->findText("slicegraph"));
        w.timeLimitBox()->setValue(3600);
        QSignalSpy finished(&w, &MainWindow::solveFinished);
        w.runSolve();
        QVERIFY(w.isSolving());
        // The window keeps answering while the solver runs: edits and searches work.
        QTest::qWait(300);
        QVERIFY(w.isSolving());
        QVERIFY(w.search("^n1$") == 1);
        QElapsedTimer clock;
        clock.start();
        w.cancelSolve();
        QVERIFY(finished.wait(10000) || finished.count() == 1);
        QVERIFY(!w.isSolving());
        qInfo("solve stopped %lld ms after cancel", static_cast<long long>(clock.elapsed()));
        QVERIFY(validatePartition(w.document()->graph(), w.document()->params(), w.document()->partition()).ok());
    }

private:
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
