// The "Solver and Costs" dock with real widgets (offscreen): seed and budget
// reach the solver, a result can be compared before it is applied (or
// discarded), cost parameters edited in the window re-cost the partition and
// bring a new lower bound, and choosing a device re-costs a PipeDream model.
#include "core/cost/device_profile.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "tests/support/test_graphs.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/panels/solve_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <memory>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {
bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

void setText(QLineEdit *edit, const QString &text)
{
    edit->selectAll();
    edit->clear();
    QTest::keyClicks(edit, text);
}
} // namespace

class TestSolvePanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void init()
    {
        m_window = makeWindow();
        QVERIFY(m_window);
        m_window->timeLimitBox()->setValue(5);
    }

    void cleanup() { m_window.reset(); }

    void seedAndBudgetReachTheSolverAndResultsCanBeCompared()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        Document &doc = *w.document();
        SolvePanel *panel = w.solvePanel();
        const Partition before = doc.partition();

        w.methodBox()->setCurrentText("slicegraph");
        panel->seedBox()->setValue(5);
        setText(panel->budgetEdit(), "4x3");
        panel->resultModeBox()->setCurrentIndex(1); // compare before applying
        QSignalSpy finished(&w, &MainWindow::solveFinished);
        w.runSolve();
        QVERIFY(finished.wait(60000));
        QVERIFY(w.hasPendingResult());
        QCOMPARE(doc.partition(), before); // nothing applied yet
        QVERIFY(panel->applyResultButton()->isVisible());
        auto *text = panel->findChild<QLabel *>("compareText");
        QVERIFY(text && text->text().contains("slicegraph") && text->text().contains("current"));

        // The same options through the engine give the same partition.
        PartitionOptions options;
        options.k = doc.k();
        options.method = "slicegraph";
        options.seed = 5;
        options.population = 4;
        options.generations = 3;
        options.timeLimit = 5;
        options.start = before;
        auto direct = runPartitioner(doc.graph(), doc.params(), options);
        QVERIFY(direct.ok());

        QTest::mouseClick(panel->applyResultButton(), Qt::LeftButton);
        QVERIFY(!w.hasPendingResult());
        QVERIFY(!panel->applyResultButton()->isVisible());
        QVERIFY2(near(doc.bottleneck(), direct->bottleneck),
            qPrintable(QString("%1 vs %2").arg(doc.bottleneck()).arg(direct->bottleneck)));
        QCOMPARE(doc.undoStack()->count(), 1);
        doc.undoStack()->undo();
        QCOMPARE(doc.partition(), before);

        // Discard leaves the partition alone.
        w.runSolve();
        QVERIFY(finished.wait(60000));
        QVERIFY(w.hasPendingResult());
        QTest::mouseClick(panel->discardResultButton(), Qt::LeftButton);
        QVERIFY(!w.hasPendingResult());
        QCOMPARE(doc.partition(), before);

        // A malformed budget is refused before anything runs.
        setText(panel->budgetEdit(), "lots");
        w.runSolve();
        QVERIFY(!w.isSolving());
        QVERIFY2(w.lastError().contains("lots"), qPrintable(w.lastError()));
    }

    void costParametersRecostAndRebound()
    {
        MainWindow &w = *m_window;
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        Document &doc = *w.document();
        SolvePanel *panel = w.solvePanel();
        QVERIFY(panel->isEnabled());
        QCOMPARE(panel->bandwidthEdit()->text().toDouble(), doc.params().bandwidth);
        QVERIFY(!panel->deviceBox()->isEnabled()); // the file gives its costs

        const double bandwidth = doc.params().bandwidth / 4;
        setText(panel->bandwidthEdit(), QString::number(bandwidth, 'g', 12));
        QSignalSpy bound(&w, &MainWindow::boundFinished);
        QTest::mouseClick(panel->applyParamsButton(), Qt::LeftButton);
        QVERIFY(near(doc.params().bandwidth, bandwidth));
        const Evaluation eval = evaluate(doc.graph(), doc.params(), doc.partition());
        QVERIFY(near(doc.bottleneck(), eval.bottleneck));
        // The bound of the new parameters arrives in the background and is a proof for them.
        QTRY_VERIFY_WITH_TIMEOUT(doc.bound() != nullptr, 120000);
        QVERIFY(doc.bound()->lowerBound <= doc.bottleneck() * (1 + 1e-9));

        // The overflow term is added to every stage.
        panel->overflowBox()->setChecked(true);
        setText(panel->fastMemoryEdit(), "0");
        setText(panel->slowBandwidthEdit(), "1e9");
        QTest::mouseClick(panel->applyParamsButton(), Qt::LeftButton);
        QVERIFY(doc.params().overflow);
        QVERIFY(near(doc.bottleneck(), evaluate(doc.graph(), doc.params(), doc.partition()).bottleneck));

        // A memory limit the partition breaks is applied, and said.
        panel->memoryLimitBox()->setChecked(true);
        setText(panel->memoryLimitEdit(), "1");
        QTest::mouseClick(panel->applyParamsButton(), Qt::LeftButton);
        QVERIFY(doc.params().memoryLimit.has_value());
        QVERIFY2(w.lastError().contains("memory", Qt::CaseInsensitive), qPrintable(w.lastError()));

        // Nonsense is refused with the field's name; the parameters stay.
        const CostParams kept = doc.params();
        setText(panel->bandwidthEdit(), "0");
        QTest::mouseClick(panel->applyParamsButton(), Qt::LeftButton);
        QVERIFY2(w.lastError().contains("bandwidth"), qPrintable(w.lastError()));
        QVERIFY(doc.params() == kept);
    }

    void deviceRecostsAPipeDreamModel()
    {
        MainWindow &w = *m_window;
        const QString path
            = QString::fromStdString(test::corpusPath("pipedream/profiler/translation/profiles/gnmt/graph.txt"));
        w.openFile(path, 4);
        QVERIFY(waitForModel(w));
        Document &doc = *w.document();
        SolvePanel *panel = w.solvePanel();
        QVERIFY(panel->deviceBox()->isEnabled());
        const Partition before = doc.partition();
        const double bandwidth = doc.params().bandwidth;
        // Another built-in device: the link bandwidth (and so every stage cost) changes.
        const auto &profiles = builtinDeviceProfiles();
        const DeviceProfile *other = nullptr;
        for (const DeviceProfile &d : profiles)
            if (std::abs(d.linkBytesPerSecond / 1000.0 - bandwidth) > 1e-6 * bandwidth)
                other = &d;
        QVERIFY(other);
        QSignalSpy recosted(&w, &MainWindow::recosted);
        w.chooseDevice(QString::fromStdString(other->name));
        QVERIFY(recosted.wait(60000));
        QCOMPARE(recosted.first().first().toBool(), true);
        QVERIFY(near(doc.params().bandwidth, other->linkBytesPerSecond / 1000.0));
        QCOMPARE(doc.partition(), before); // the same nodes, the same stages
        QVERIFY(near(doc.bottleneck(), evaluate(doc.graph(), doc.params(), doc.partition()).bottleneck));
        QCOMPARE(w.device(), QString::fromStdString(other->name));
    }

private:
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestSolvePanel)
#include "tst_solve_panel.moc"
