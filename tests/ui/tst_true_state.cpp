// The window shows only true state (offscreen, real widgets): a model with no
// valid partition at its k is labelled infeasible with what would fit; a
// discarded or cancelled run reaches neither the history nor the status bar
// until applied; a cancelled run is offered as a proposal; the toolbar's k,
// the stage list, the status bar and the metrics panel agree through Run,
// Discard, Cancel and Undo; a refused drop keeps its reason on screen.
#include "core/io/graph_io.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/panels/metrics_panel.h"
#include "ui/panels/solve_panel.h"
#include "ui/panels/stage_list.h"
#include "ui/views/graph_view.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

// A chain of `n` nodes holding 10 parameter units each, memory limit 25:
// two nodes fit a stage, so a valid partition needs ceil(n / 2) stages.
QString writeChain(const QTemporaryDir &dir, int n)
{
    GraphBuilder b("chain");
    for (int i = 0; i < n; ++i)
        b.addNode({ .id = "n" + std::to_string(i), .work = 1.0 + i % 3, .out = 1, .param = 10 });
    for (int i = 1; i < n; ++i)
        b.addEdge(i - 1, i);
    b.setMemoryLimit(25.0);
    return writeGraph(dir, b.build(), QStringLiteral("chain.json"));
}

// Toolbar k, stage list, status bar and metrics panel say the same.
void checkAgreement(MainWindow &w)
{
    const Document &doc = *w.document();
    QCOMPARE(w.kSpinBox()->value(), doc.k());
    QCOMPARE(w.stageList()->topLevelItemCount(), doc.k());
    const QString state = w.stateText();
    QVERIFY2(state.startsWith(QStringLiteral("k = %1, ").arg(doc.k())), qPrintable(state));
    QVERIFY2(state.contains(w.metrics()->bottleneckText()), qPrintable(state + " / " + w.metrics()->bottleneckText()));
    QString metrics = w.metrics()->statusText();
    metrics = metrics.left(metrics.indexOf(QStringLiteral(" \u2014 bound running")));
    QVERIFY2(state.endsWith(metrics), qPrintable(state + " / " + metrics));
}

bool waitIdle(MainWindow &w)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 60000) {
        QTest::qWait(20);
        if (!w.isBusy())
            return true;
    }
    return false;
}

} // namespace

class TestTrueState : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void infeasibleModelSaysWhatWouldFit()
    {
        QTemporaryDir dir;
        const QString path = writeChain(dir, 10);
        QVERIFY(!path.isEmpty());
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.openFile(path, 3);
        QVERIFY(waitForModel(w));
        QVERIFY(waitIdle(w));
        const QString status = w.metrics()->statusText();
        QVERIFY2(status.startsWith("infeasible: "), qPrintable(status));
        QVERIFY2(status.contains("fits into 5 stages"), qPrintable(status));
        QVERIFY2(status.contains("memory limit of"), qPrintable(status));
        QVERIFY(w.stateText().contains("infeasible"));
        checkAgreement(w);
        // At the k it names, Run finds a valid partition and the label goes.
        w.kSpinBox()->setValue(5);
        QSignalSpy finished(&w, &MainWindow::solveFinished);
        w.runSolve();
        QVERIFY(finished.wait(60000));
        QVERIFY(waitIdle(w));
        QVERIFY2(!w.metrics()->statusText().contains("infeasible"), qPrintable(w.metrics()->statusText()));
        checkAgreement(w);
    }

    void runDiscardCancelUndoKeepEveryPanelTrue()
    {
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.timeLimitBox()->setValue(5);
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        QVERIFY(waitIdle(w));
        Document &doc = *w.document();
        checkAgreement(w);
        const int k0 = doc.k();
        const Partition first = doc.partition();

        // Run at another k, applied directly: all follow.
        QSignalSpy finished(&w, &MainWindow::solveFinished);
        w.kSpinBox()->setValue(k0 + 2);
        w.runSolve();
        QVERIFY(finished.wait(60000));
        QVERIFY(waitIdle(w));
        QCOMPARE(doc.k(), k0 + 2);
        checkAgreement(w);
        // Undo: back to k0 everywhere.
        doc.undoStack()->undo();
        QCOMPARE(doc.k(), k0);
        QVERIFY(waitIdle(w));
        checkAgreement(w);

        // Compare before applying, then Discard: no trace in the history or the status bar.
        w.solvePanel()->resultModeBox()->setCurrentIndex(1);
        const size_t historyBefore = doc.history().size();
        w.kSpinBox()->setValue(k0 + 1);
        w.runSolve();
        QVERIFY(finished.wait(60000));
        QVERIFY(w.hasPendingResult());
        QCOMPARE(doc.partition(), first);
        QCOMPARE(doc.history().size(), historyBefore);
        QVERIFY2(!w.previewText().contains("T ="), qPrintable(w.previewText()));
        w.discardPendingResult();
        QVERIFY(waitIdle(w));
        QCOMPARE(doc.history().size(), historyBefore);
        QVERIFY2(!w.previewText().contains("T ="), qPrintable(w.previewText()));
        QCOMPARE(doc.partition(), first);
        checkAgreement(w);
        QCOMPARE(w.kSpinBox()->value(), k0); // the toolbar says what is shown

        w.solvePanel()->resultModeBox()->setCurrentIndex(0);
    }

    void cancelOffersTheBestSoFar()
    {
        QTemporaryDir dir;
        const QString path = writeLongSolveGraph(dir); // slicegraph runs to its time limit
        QVERIFY(!path.isEmpty());
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.timeLimitBox()->setValue(2);
        w.openFile(path, 4);
        QVERIFY(waitForModel(w));
        QVERIFY(waitIdle(w));
        Document &doc = *w.document();
        const Partition first = doc.partition();
        const size_t historyBefore = doc.history().size();

        // Cancel: the best so far is a proposal; nothing changes until applied.
        QSignalSpy finished(&w, &MainWindow::solveFinished);
        w.methodBox()->setCurrentText("slicegraph");
        w.timeLimitBox()->setValue(600);
        w.kSpinBox()->setValue(6);
        w.runSolve();
        QTest::qWait(800);
        QVERIFY2(w.isSolving(), "the run ended before it could be cancelled");
        w.cancelSolve();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(w.hasPendingResult());
        QCOMPARE(doc.partition(), first);
        QCOMPARE(doc.history().size(), historyBefore);
        QVERIFY(waitIdle(w));
        checkAgreement(w);
        w.applyPendingResult();
        QCOMPARE(doc.k(), 6);
        QVERIFY(doc.history().size() > historyBefore);
        QVERIFY(waitIdle(w));
        checkAgreement(w);
        doc.undoStack()->undo();
        QCOMPARE(doc.partition(), first);
        QVERIFY(waitIdle(w));
        checkAgreement(w);
    }

    void refusedDropKeepsItsReason()
    {
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        Document &doc = *w.document();
        GraphView &view = *w.graphView();
        // The first node of the last stage dropped on stage 1 would run an
        // edge backwards unless everything between came along: refused.
        const auto members = doc.partition().members();
        const NodeId last = members[size_t(doc.k() - 1)].back();
        const NodeId target = members[0].front();
        QVERIFY(!doc.planMove({ last }, stageId(0), false).valid);
        view.zoomToNodes({ target });
        const QPoint pos = view.mapFromScene(view.elementItem(target)->sceneBoundingRect().center());
        QVERIFY(!dropNodes(view.viewport(), pos, { last }, {}));
        QVERIFY2(w.previewText().startsWith("cannot move"), qPrintable(w.previewText()));
        QCOMPARE(view.banner(), w.previewText());
        // A drag ending (leave) keeps it; the next action clears the banner.
        w.moveController()->leave();
        QVERIFY(w.previewText().startsWith("cannot move"));
        QCOMPARE(view.banner(), w.previewText());
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(5, 5));
        QVERIFY(view.banner().isEmpty());
    }
};

QTEST_MAIN(TestTrueState)
#include "tst_true_state.moc"
