// The pipeline timeline (offscreen, real widgets): the schedule of micro-batches
// through the stages (fill, steady state paced by the bottleneck, drain), the
// view following a move, and its export as PNG, SVG and PDF.
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/views/timeline_view.h"

#include <QDockWidget>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

class TestTimeline : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void scheduleHasFillSteadyStateAndDrain()
    {
        // Stage 2 (cost 3) paces the pipeline: 4 micro-batches end at
        // 1 (fill of stage 1) + 4 x 3 + 2 (the last one through stage 3) = 15.
        const std::vector<double> costs { 1, 3, 2 };
        const Timeline t = pipelineTimeline(costs, 4);
        QCOMPARE(int(t.bars.size()), 12);
        QCOMPARE(t.makespan, 15.0);
        QCOMPARE(t.fillEnd, 4.0); // stage 3 starts micro-batch 0 once stages 1 and 2 are done with it
        QCOMPARE(t.drainStart, 4.0); // stage 1 is done with micro-batch 3 at 4
        // The bottleneck stage never idles once started; stage 3 waits 1 between micro-batches.
        for (int m = 1; m < 4; ++m) {
            QCOMPARE(t.bars[size_t(4 + m)].start, t.bars[size_t(4 + m - 1)].end);
            QCOMPARE(t.bars[size_t(8 + m)].start - t.bars[size_t(8 + m - 1)].end, 1.0);
        }
        // No micro-batch enters a stage before the previous stage is done with it.
        for (const TimelineSlot &s : t.bars)
            if (s.stage > 0)
                QVERIFY(s.start >= t.bars[size_t((s.stage - 1) * 4 + s.batch)].end);
        QVERIFY(pipelineTimeline({}, 4).bars.empty());
    }

    void followsMovesAndExports()
    {
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        auto *dock = w.findChild<QDockWidget *>("timelineDock");
        QVERIFY(dock);
        dock->show();
        TimelineView &view = *w.timeline();
        view.setBatches(6);
        Document &doc = *w.document();
        const int k = doc.k();
        QCOMPARE(int(view.timeline().bars.size()), k * 6);
        auto makespanFor = [&] {
            std::vector<double> costs;
            for (int s = 0; s < doc.k(); ++s)
                costs.push_back(doc.evaluator().stage(stageId(s)).cost);
            return pipelineTimeline(costs, 6).makespan;
        };
        QCOMPARE(view.timeline().makespan, makespanFor());
        QVERIFY(view.summaryText().contains(QStringLiteral("stage %1").arg(doc.bottleneckStage() + 1)));

        // A move: the timeline follows.
        NodeId moved = nodeId(0);
        StageId target = stageId(0);
        bool found = false;
        for (int32_t v = 0; v < doc.graph().nodeCount() && !found; ++v)
            for (int delta : { 1, -1 }) {
                const int t = index(doc.partition().stage(nodeId(v))) + delta;
                if (!found && t >= 0 && t < doc.k() && doc.planMove({ nodeId(v) }, stageId(t), true).valid) {
                    moved = nodeId(v);
                    target = stageId(t);
                    found = true;
                }
            }
        QVERIFY(found);
        w.moveController()->commit({ moved }, target, true);
        QTRY_COMPARE(view.timeline().makespan, makespanFor());
        doc.undoStack()->undo();
        QTRY_COMPARE(view.timeline().makespan, makespanFor());

        QTemporaryDir dir;
        for (const char *suffix : { "png", "svg", "pdf" }) {
            const QString path = dir.filePath(QStringLiteral("timeline.%1").arg(QLatin1String(suffix)));
            QString error;
            QVERIFY2(view.exportPicture(path, &error), qPrintable(error));
            QVERIFY(QFileInfo(path).size() > 500);
        }
        QString error;
        QVERIFY(!view.exportPicture(dir.filePath("timeline.xyz"), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
