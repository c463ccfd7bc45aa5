// Edit > Cluster on real widgets (offscreen): a cell typed in the table is
// checked as the file reader checks a file (a zero speed is refused, naming
// the device and the field, and Apply then changes nothing); a valid edit
// applied re-costs the stage list in the background as one undoable step,
// which Undo and Redo swap, and Cancel or Esc stops a running one; N identical
// devices set k; Save As writes a file that core's reader reads back as the
// table; the per-device work column is chosen from the graph's, applied,
// saved and read back. With PIPECUT_GRAB_DIR set, the editor is grabbed to
// cluster_editor.png, cluster_editor_costs.png and cluster_editor_bad.png
// there (to look at it).
#include "core/cost/evaluate.h"
#include "tests/ui/ui_test_support.h"
#include "ui/panels/cluster_editor.h"
#include "ui/panels/stage_list.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

// Types `text` into cell (row, column) as a user does: open the cell's
// editor, replace its text by typing, press Enter.
void typeInto(QTableWidget *table, int row, int column, const QString &text)
{
    QApplication::setActiveWindow(table->window());
    table->setCurrentCell(row, column);
    table->editItem(table->item(row, column));
    QLineEdit *line = nullptr;
    for (QLineEdit *e : table->viewport()->findChildren<QLineEdit *>())
        if (e->isVisible())
            line = e;
    QVERIFY(line);
    line->setFocus();
    line->selectAll();
    QTest::keyClick(line, Qt::Key_Delete);
    QTest::keyClicks(line, text);
    QTest::keyClick(line, Qt::Key_Return);
    QCoreApplication::processEvents(); // the delegate commits through a queued call
}

// Clicks Apply and waits for the background re-cost; its outcome.
bool clickApply(MainWindow &w, ClusterEditor *editor)
{
    QSignalSpy applied(&w, &MainWindow::clusterApplied);
    auto *apply = editor->findChild<QPushButton *>("clusterApply");
    if (!apply)
        return false;
    QTest::mouseClick(apply, Qt::LeftButton);
    return (!applied.isEmpty() || applied.wait(60000)) && applied.first().first().toBool();
}

bool sameCosts(const Document &doc)
{
    const double expected = bottleneckOf(doc.graph(), doc.params(), doc.partition().stages(), doc.k());
    return std::abs(doc.bottleneck() - expected) <= 1e-9 * expected;
}

} // namespace

class TestClusterEditor : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { useTestSettings(); }

    void editApplyUndo()
    {
        auto w = openExampleWindow();
        QVERIFY(w);
        Document *doc = w->document();
        const int k = doc->k();
        QVERIFY(k >= 2);
        const CostParams before = doc->params();
        const Partition partition = doc->partition();
        const double plain = doc->bottleneck();

        w->showClusterEditor();
        ClusterEditor *editor = w->clusterEditor();
        QVERIFY(QTest::qWaitForWindowExposed(editor));
        QTableWidget *table = editor->table();
        QCOMPARE(table->rowCount(), k);

        // A zero speed is refused inline and on Apply, naming the device and the field.
        typeInto(table, 1, ClusterEditor::Speed, "0");
        QCOMPARE(table->item(1, ClusterEditor::Speed)->text(), QStringLiteral("0"));
        QVERIFY2(editor->message().contains("device 2") && editor->message().contains("'speed' must be positive"),
            qPrintable(editor->message()));
        QVERIFY(table->item(1, ClusterEditor::Speed)->background().color() == QColor(255, 205, 210));
        QVERIFY(!w->isApplyingCluster()); // Enter in a cell commits it, it does not press Apply
        QSignalSpy requested(editor, &ClusterEditor::applyRequested);
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterApply"), Qt::LeftButton);
        QVERIFY(requested.isEmpty());
        QVERIFY(!w->isApplyingCluster());
        QVERIFY(doc->params() == before);
        typeInto(table, 1, ClusterEditor::Memory, "lots");
        QVERIFY2(editor->message().contains("'speed'"), qPrintable(editor->message())); // the first problem

        // Valid: device 2 at a quarter speed; Apply re-costs the stage list.
        typeInto(table, 1, ClusterEditor::Speed, "0.25");
        typeInto(table, 1, ClusterEditor::Memory, "");
        typeInto(table, 1, ClusterEditor::Name, "slow-gpu");
        QVERIFY2(editor->message().isEmpty(), qPrintable(editor->message()));
        const int steps = doc->undoStack()->count();
        QVERIFY2(clickApply(*w, editor), qPrintable(w->lastError()));
        QCOMPARE(int(doc->params().devices.size()), k);
        QCOMPARE(doc->params().devices[1].speed, 0.25);
        QVERIFY(doc->partition() == partition); // same device count: the partition stays
        QVERIFY(sameCosts(*doc));
        QVERIFY(doc->evaluator().stage(stageId(1)).cost > 0);
        bool named = false;
        for (int i = 0; i < w->stageList()->topLevelItemCount(); ++i)
            named = named || w->stageList()->topLevelItem(i)->text(0) == QStringLiteral("2 slow-gpu");
        QVERIFY(named);
        QCOMPARE(doc->undoStack()->count(), steps + 1);

        // Undo restores the parameters and costs from before; Redo the cluster.
        doc->undoStack()->undo();
        QVERIFY(doc->params() == before);
        QCOMPARE(doc->bottleneck(), plain);
        QVERIFY(!doc->clusterState().cluster);
        doc->undoStack()->redo();
        QCOMPARE(doc->params().devices[1].speed, 0.25);
        QVERIFY(sameCosts(*doc));
        QCOMPARE(table->item(1, ClusterEditor::Name)->text(), QStringLiteral("slow-gpu"));

        // k + 2 identical devices set k and re-split; Undo restores the partition.
        table->setCurrentCell(0, ClusterEditor::Name);
        editor->identicalCount()->setValue(k + 2);
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterMakeIdentical"), Qt::LeftButton);
        QCOMPARE(table->rowCount(), k + 2);
        QVERIFY2(editor->summary().contains(QStringLiteral("sets k to %1").arg(k + 2)), qPrintable(editor->summary()));
        const Partition clustered = doc->partition();
        QVERIFY(clickApply(*w, editor));
        QCOMPARE(doc->k(), k + 2);
        QVERIFY(sameCosts(*doc));
        doc->undoStack()->undo();
        QCOMPARE(doc->k(), k);
        QVERIFY(doc->partition() == clustered);
        QCOMPARE(doc->params().devices[1].speed, 0.25);

        // Cancel while the re-cost runs: nothing changes, and no step is added.
        const CostParams applied = doc->params();
        const int stepsBefore = doc->undoStack()->count();
        typeInto(table, 0, ClusterEditor::Speed, "3");
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterApply"), Qt::LeftButton);
        QVERIFY(w->isApplyingCluster());
        QVERIFY(editor->findChild<QPushButton *>("clusterCancel")->isVisible());
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterCancel"), Qt::LeftButton);
        QVERIFY(!w->isApplyingCluster());
        QTest::qWait(200); // the cancelled job's result, if it arrives, is dropped
        QVERIFY(doc->params() == applied);
        QCOMPARE(doc->undoStack()->count(), stepsBefore);
        QVERIFY2(editor->message().contains("cancelled"), qPrintable(editor->message()));

        // Esc cancels a running re-cost as Cancel does, and keeps the editor open.
        typeInto(table, 0, ClusterEditor::Speed, "4");
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterApply"), Qt::LeftButton);
        QVERIFY(w->isApplyingCluster());
        QVERIFY(editor->isRunning());
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Escape);
        QVERIFY(!w->isApplyingCluster());
        QVERIFY(!editor->isRunning());
        QVERIFY(editor->isVisible());
        QTest::qWait(200);
        QVERIFY(doc->params() == applied);
        QCOMPARE(doc->undoStack()->count(), stepsBefore);
        QVERIFY2(editor->message().contains("cancelled"), qPrintable(editor->message()));
        // With nothing running, Esc closes the editor.
        QTest::keyClick(table, Qt::Key_Escape);
        QVERIFY(!editor->isVisible());
    }

    // The per-device work column ("costs", docs/model.md §1.7) is a dropdown of
    // the graph's work columns: chosen, applied (one undoable step), saved and
    // read back; a kind the graph does not carry is refused, naming the device.
    void workColumn()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto w = openExampleWindow();
        QVERIFY(w);
        Document *doc = w->document();
        QVERIFY(doc->graph().workColumn("cpu") && doc->graph().workColumn("fpga"));
        w->showClusterEditor();
        ClusterEditor *editor = w->clusterEditor();
        QVERIFY(QTest::qWaitForWindowExposed(editor));
        QTableWidget *table = editor->table();
        QVERIFY(table->horizontalHeaderItem(ClusterEditor::Costs)->text().startsWith("Work"));
        auto costsBox
            = [table](int row) { return qobject_cast<QComboBox *>(table->cellWidget(row, ClusterEditor::Costs)); };
        QComboBox *box = costsBox(1);
        QVERIFY(box && box->isVisible());
        QCOMPARE(box->count(), 1 + int(doc->graph().workColumns().size()));
        QCOMPARE(box->itemText(0), QStringLiteral("(graph's own costs)"));
        QCOMPARE(box->currentIndex(), 0);
        QVERIFY(box->findText("fpga") > 0 && box->findText("cpu") > 0);

        // Device 2 runs the fpga column: applied as one step, undone, redone.
        box->setCurrentIndex(box->findText("fpga"));
        QVERIFY(editor->hasEdits());
        QVERIFY2(editor->message().isEmpty(), qPrintable(editor->message()));
        const CostParams before = doc->params();
        const int steps = doc->undoStack()->count();
        QVERIFY2(clickApply(*w, editor), qPrintable(w->lastError()));
        QCOMPARE(doc->undoStack()->count(), steps + 1);
        QCOMPARE(doc->params().devices[1].costs, std::string("fpga"));
        QVERIFY(doc->params().devices[1].work);
        QVERIFY(doc->params().devices[0].costs.empty() && !doc->params().devices[0].work);
        QVERIFY(sameCosts(*doc));
        doc->undoStack()->undo();
        QVERIFY(doc->params() == before);
        QCOMPARE(costsBox(1)->currentIndex(), 0);
        doc->undoStack()->redo();
        QCOMPARE(doc->params().devices[1].costs, std::string("fpga"));
        QCOMPARE(costsBox(1)->currentText(), QStringLiteral("fpga"));
        if (qEnvironmentVariableIsSet("PIPECUT_GRAB_DIR"))
            editor->grab().save(QDir(qEnvironmentVariable("PIPECUT_GRAB_DIR")).filePath("cluster_editor_costs.png"));

        // Saved in the file and read back into the dropdown.
        const QString path = dir.filePath("costs.json");
        QVERIFY2(editor->saveAs(path), qPrintable(editor->message()));
        const Result<Cluster> read = loadCluster(path.toStdString());
        QVERIFY2(read, read ? "" : read.error().c_str());
        QCOMPARE(read->devices[1].costs, std::string("fpga"));
        QVERIFY(read->devices[0].costs.empty());
        editor->setCluster(Cluster {});
        QVERIFY(editor->openFile(path));
        QCOMPARE(costsBox(1)->currentText(), QStringLiteral("fpga"));
        QCOMPARE(costsBox(0)->currentIndex(), 0);

        // A file naming a kind the graph does not carry: shown, refused on Apply.
        Cluster other = *read;
        other.devices[0].costs = "gpu";
        const QString bad = dir.filePath("gpu.json");
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(clusterToJson(other)));
        file.close();
        QVERIFY(editor->openFile(bad));
        QCOMPARE(costsBox(0)->currentText(), QStringLiteral("gpu"));
        QVERIFY2(editor->message().contains("device 1") && editor->message().contains("'costs'")
                && editor->message().contains("'gpu'") && editor->message().contains("fpga"),
            qPrintable(editor->message()));
        QVERIFY(costsBox(0)->toolTip().contains("'gpu'"));
        if (qEnvironmentVariableIsSet("PIPECUT_GRAB_DIR"))
            editor->grab().save(QDir(qEnvironmentVariable("PIPECUT_GRAB_DIR")).filePath("cluster_editor_bad.png"));
        QSignalSpy requested(editor, &ClusterEditor::applyRequested);
        QVERIFY(!editor->apply());
        QVERIFY(requested.isEmpty());
        QVERIFY(!editor->saveAs(dir.filePath("not-saved.json")));
        // Choosing one the graph carries makes it valid again.
        costsBox(0)->setCurrentIndex(costsBox(0)->findText("cpu"));
        QVERIFY2(editor->message().isEmpty(), qPrintable(editor->message()));
        QVERIFY(costsBox(0)->toolTip().isEmpty());
    }

    void saveAsRoundTrips()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto w = openExampleWindow();
        QVERIFY(w);
        w->showClusterEditor();
        ClusterEditor *editor = w->clusterEditor();
        QTableWidget *table = editor->table();
        table->setCurrentCell(0, ClusterEditor::Name);
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterDuplicate"), Qt::LeftButton);
        const int n = table->rowCount();
        typeInto(table, 0, ClusterEditor::Memory, "24G");
        typeInto(table, 0, ClusterEditor::BandwidthIn, "8");
        typeInto(table, 0, ClusterEditor::BandwidthOut, "6.5");
        auto *profile = qobject_cast<QComboBox *>(table->cellWidget(1, ClusterEditor::Profile));
        QVERIFY(profile && profile->count() > 1);
        profile->setCurrentIndex(1);
        table->setCurrentCell(n - 1, ClusterEditor::Name);
        QTest::mouseClick(editor->findChild<QPushButton *>("clusterUp"), Qt::LeftButton);
        QVERIFY2(editor->message().isEmpty(), qPrintable(editor->message()));
        if (qEnvironmentVariableIsSet("PIPECUT_GRAB_DIR"))
            editor->grab().save(QDir(qEnvironmentVariable("PIPECUT_GRAB_DIR")).filePath("cluster_editor.png"));

        const Result<Cluster> shown = editor->cluster();
        QVERIFY2(shown, shown ? "" : shown.error().c_str());
        QCOMPARE(shown->devices[0].memory.value_or(0), 2.4e10);
        QCOMPARE(shown->devices[0].bandwidthOut.value_or(0), 6.5);
        QCOMPARE(QString::fromStdString(shown->devices[1].profile), profile->currentText());
        const QString path = dir.filePath("edited.json");
        QVERIFY2(editor->saveAs(path), qPrintable(editor->message()));
        const Result<Cluster> read = loadCluster(path.toStdString());
        QVERIFY2(read, read ? "" : read.error().c_str());
        QVERIFY(read->devices == shown->devices);
        // The CLI reads it too (it sets k: one stage per device).
        if (const QString cli = qEnvironmentVariable("PIPECUT_CLI"); !cli.isEmpty()) {
            QProcess run;
            run.start(cli,
                { "partition", PIPECUT_SOURCE_DIR "/resources/examples/bert_l-3_inference.json", "--cluster", path,
                    "--method", "slice", "-o", dir.filePath("p.json") });
            QVERIFY(run.waitForFinished(120000));
            QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
            QVERIFY(QFile::exists(dir.filePath("p.json")));
        }

        // Opening the file fills the table with the same devices.
        editor->setCluster(Cluster {});
        QCOMPARE(table->rowCount(), 0);
        QVERIFY(editor->openFile(path));
        const Result<Cluster> again = editor->cluster();
        QVERIFY(again && again->devices == shown->devices);

        // A table that is not valid is not saved.
        typeInto(table, 0, ClusterEditor::BandwidthIn, "-1");
        QVERIFY(!editor->saveAs(dir.filePath("bad.json")));
        QVERIFY2(editor->message().contains("'bandwidth_in' must be positive"), qPrintable(editor->message()));
        QVERIFY(!QFile::exists(dir.filePath("bad.json")));
    }
};

QTEST_MAIN(TestClusterEditor)
#include "tst_cluster_editor.moc"
