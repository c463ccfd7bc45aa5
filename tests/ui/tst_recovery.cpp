// Edits survive a session that does not end cleanly, and ONNX symbolic
// dimensions are asked for (real widgets, offscreen):
//  - autosave writes the edited partition while it is unsaved; a window that
//    goes away without closing (what a crash or a kill leaves: the file) makes
//    the next opening of the model restore the edits, unsaved; saving or a
//    normal close removes the file. One test kills a real child process
//    (this test program, running the window) with SIGKILL after its autosave;
//  - an ONNX model with symbolic dimensions opens with the dialog listing
//    them; the values given reach the reader and are remembered.
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "tests/onnx/model_builder.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/autosave.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/panels/dims_dialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

// A valid move of one node (with the nodes it forces along), pushed as a command.
bool makeAnEdit(MainWindow &w)
{
    Document &doc = *w.document();
    for (int32_t v = 0; v < doc.graph().nodeCount(); ++v) {
        const int s = index(doc.partition().stage(nodeId(v)));
        for (int t : { s + 1, s - 1 })
            if (t >= 0 && t < doc.k() && doc.planMove({ nodeId(v) }, stageId(t), true).valid)
                return w.moveController()->commit({ nodeId(v) }, stageId(t), true);
    }
    return false;
}

double outOf(const Graph &g, const std::string &id)
{
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        if (g.id(nodeId(v)) == id)
            return g.out(nodeId(v));
    return -1;
}

QString writeSymbolicModel(const QTemporaryDir &dir)
{
    test::OnnxModelBuilder m;
    m.input("x", { "batch", "?", "4" });
    m.init("w", { 4, 8 });
    m.node("MatMul", { "x", "w" }, { "y" }, "target");
    m.output("y");
    const QString path = dir.filePath("symbolic.onnx");
    return m.save(path.toStdString()) ? path : QString();
}

} // namespace

class TestRecovery : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings("pipecut-tests-recovery"); }

    void editsSurviveAWindowThatDidNotClose()
    {
        auto w = makeWindow();
        QVERIFY(w);
        w->autosave()->setInterval(100);
        w->openBundledExample();
        QVERIFY(waitForModel(*w));
        const QString model = w->document()->filePath();
        const QString file = Autosave::pathFor(model);
        QFile::remove(file);
        const Partition before = w->document()->partition();
        QVERIFY(makeAnEdit(*w));
        const Partition edited = w->document()->partition();
        QVERIFY(edited != before);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file), 5000);
        // Undo back to the saved state: nothing to recover; redo: written again.
        w->document()->undoStack()->undo();
        QVERIFY(!QFile::exists(file));
        w->document()->undoStack()->redo();
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file), 5000);

        w.reset(); // gone without closing, as after a crash
        QVERIFY(QFile::exists(file));

        auto again = makeWindow();
        QVERIFY(again);
        QSignalSpy solved(again.get(), &MainWindow::solveFinished);
        again->openBundledExample();
        QVERIFY(waitForModel(*again));
        QCOMPARE(again->document()->partition(), edited);
        QVERIFY(!again->document()->undoStack()->isClean()); // restored, still unsaved
        QCOMPARE(again->document()->undoStack()->count(), 1);
        QCOMPARE(solved.count(), 0); // no automatic partitioning over the restored edits
        QVERIFY(
            validatePartition(again->document()->graph(), again->document()->params(), again->document()->partition())
                .ok());
        // A normal close ends it: nothing left to recover.
        again->close();
        QVERIFY(!QFile::exists(file));
    }

    // Run by killedProcessLeavesItsEditsBehind in a child process: edit, wait
    // for the autosave, say so, then wait to be killed.
    void childEditsAndWaits()
    {
        if (qEnvironmentVariable("PIPECUT_TEST_CHILD") != "1")
            QSKIP("runs only as the child of killedProcessLeavesItsEditsBehind");
        auto w = makeWindow();
        QVERIFY(w);
        w->autosave()->setInterval(100);
        w->openBundledExample();
        QVERIFY(waitForModel(*w));
        QFile::remove(Autosave::pathFor(w->document()->filePath()));
        QVERIFY(makeAnEdit(*w));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(Autosave::pathFor(w->document()->filePath())), 5000);
        std::printf("AUTOSAVED\n");
        std::fflush(stdout);
        QTest::qWait(120000); // killed long before
    }

    void killedProcessLeavesItsEditsBehind()
    {
        if (qEnvironmentVariable("PIPECUT_TEST_CHILD") == "1")
            QSKIP("the parent's test");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PIPECUT_TEST_CHILD", "1");
        env.insert("QT_QPA_PLATFORM", "offscreen");
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), { "childEditsAndWaits" });
        QVERIFY(child.waitForStarted(10000));
        QElapsedTimer clock;
        clock.start();
        QByteArray out;
        while (!out.contains("AUTOSAVED") && clock.elapsed() < 120000 && child.state() == QProcess::Running) {
            child.waitForReadyRead(200);
            out += child.readAllStandardOutput();
        }
        QVERIFY2(out.contains("AUTOSAVED"), out.constData());
        child.kill(); // SIGKILL: no close event, no destructor
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        auto w = makeWindow();
        QVERIFY(w);
        const QString file = Autosave::pathFor(QStringLiteral("bert_l-3_inference.json"));
        QVERIFY(QFile::exists(file));
        QFile saved(file);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray content = saved.readAll();
        saved.close();
        w->openBundledExample();
        QVERIFY(waitForModel(*w));
        // The partition the child had edited, restored and unsaved.
        QVERIFY(!w->document()->undoStack()->isClean());
        auto recovered = parsePartition(
            QJsonDocument(QJsonDocument::fromJson(content).object()["partition"].toObject()).toJson().toStdString(),
            "autosave", w->document()->graph());
        QVERIFY(recovered.ok());
        QCOMPARE(w->document()->partition(), *recovered);
        w->close();
        QVERIFY(!QFile::exists(file));
    }

    void savingRemovesTheAutosave()
    {
        auto w = makeWindow();
        QVERIFY(w);
        w->autosave()->setInterval(100);
        w->openBundledExample();
        QVERIFY(waitForModel(*w));
        const QString file = Autosave::pathFor(w->document()->filePath());
        QVERIFY(makeAnEdit(*w));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file), 5000);
        w->document()->undoStack()->setClean(); // what Save Partition does after writing
        QVERIFY(!QFile::exists(file));
        w.reset();
        QVERIFY(!QFile::exists(file));
    }

    void rememberedDimensionsReachTheReader()
    {
        QTemporaryDir dir;
        const QString path = writeSymbolicModel(dir);
        QVERIFY(!path.isEmpty());
        QSettings().remove("onnx/dims");
        DimsDialog::remember({ { "batch", 3 }, { "x:1", 5 } });
        QCOMPARE(DimsDialog::remembered(), (std::map<std::string, int64_t> { { "batch", 3 }, { "x:1", 5 } }));
        auto w = makeWindow();
        QVERIFY(w);
        w->openFile(path, 2);
        QVERIFY(waitForModel(*w));
        QCOMPARE(outOf(w->document()->graph(), "x"), 3.0 * 5 * 4 * 4); // float32 [3, 5, 4]
    }

    void dialogListsTheDimensionsAndItsValuesAreUsed()
    {
        QTemporaryDir dir;
        const QString path = writeSymbolicModel(dir);
        QSettings().remove("onnx/dims");
        DimsDialog::remember({ { "batch", 6 } });
        auto w = makeWindow();
        QVERIFY(w);
        w->setInteractive(true);
        bool seen = false;
        std::map<std::string, int> prefilled;
        // Answer the dialog when it comes up: batch 2, the anonymous axis 7.
        QTimer poll;
        connect(&poll, &QTimer::timeout, this, [&] {
            auto *dialog = qobject_cast<DimsDialog *>(QApplication::activeModalWidget());
            if (!dialog || seen)
                return;
            seen = true;
            QVERIFY(dialog->field("batch") && dialog->field("x:1"));
            prefilled["batch"] = dialog->field("batch")->value();
            prefilled["x:1"] = dialog->field("x:1")->value();
            dialog->field("batch")->setValue(2);
            dialog->field("x:1")->setValue(7);
            dialog->accept();
        });
        poll.start(20);
        w->openFile(path, 2);
        QVERIFY(waitForModel(*w));
        QVERIFY(seen);
        QCOMPARE(prefilled["batch"], 6); // remembered
        QCOMPARE(prefilled["x:1"], 1); // never given: 1
        QCOMPARE(outOf(w->document()->graph(), "x"), 2.0 * 7 * 4 * 4);
        const auto remembered = DimsDialog::remembered();
        QCOMPARE(remembered.at("batch"), int64_t(2));
        QCOMPARE(remembered.at("x:1"), int64_t(7));
        w->setInteractive(false);
    }
};

QTEST_MAIN(TestRecovery)
#include "tst_recovery.moc"
