// File > Open Cluster on real widgets (offscreen): a cluster of k devices
// re-costs the partition shown in the background (slow devices raise the
// stage costs, the document's parameters carry one device per stage), a
// cluster of another size sets k and re-splits the partition, undoably, a
// bad file is refused naming the file with the parameters kept, and Clear
// Cluster restores the parameters from before. On an ONNX model a device
// profile re-costs the graph node by node for that device, and the cluster
// editor shows the speed that stage then runs at.
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "tests/onnx/model_builder.h"
#include "tests/ui/ui_test_support.h"
#include "ui/panels/cluster_editor.h"
#include "ui/panels/stage_list.h"

#include <QDir>
#include <QFile>
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

// A pipecut-cluster file of `speeds.size()` devices written into `dir`.
QString writeCluster(const QTemporaryDir &dir, const QString &name, const std::vector<double> &speeds)
{
    QString json = QStringLiteral("{\"format\": \"pipecut-cluster\", \"version\": 1, \"devices\": [");
    for (size_t j = 0; j < speeds.size(); ++j)
        json += QStringLiteral("%1{\"name\": \"dev-%2\", \"speed\": %3}")
                    .arg(j ? QStringLiteral(", ") : QString())
                    .arg(j)
                    .arg(speeds[j]);
    json += QStringLiteral("]}");
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(json.toUtf8()) < 0)
        return {};
    return f.fileName();
}

// Opens `path` as the cluster and waits for the background re-cost.
bool openAndWait(MainWindow &w, const QString &path)
{
    QSignalSpy applied(&w, &MainWindow::clusterApplied);
    if (!w.openCluster(path))
        return false;
    return (!applied.isEmpty() || applied.wait(60000)) && applied.first().first().toBool();
}

} // namespace

class TestClusterWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { useTestSettings(); }

    void openAndClear()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto w = openExampleWindow();
        QVERIFY(w);
        const int k = w->document()->k();
        QVERIFY(k >= 2);
        const CostParams before = w->document()->params();
        const double plain = w->document()->bottleneck();
        QVERIFY(plain > 0);

        // Every device at a quarter speed: each stage's work takes 4x as long.
        const QString slow = writeCluster(dir, "slow.json", std::vector<double>(size_t(k), 0.25));
        QVERIFY(!slow.isEmpty());
        QVERIFY2(openAndWait(*w, slow), qPrintable(w->lastError()));
        QCOMPARE(int(w->document()->params().devices.size()), k);
        const Document &doc = *w->document();
        const double expected = bottleneckOf(doc.graph(), doc.params(), doc.partition().stages(), k);
        QVERIFY(expected > plain);
        QVERIFY(std::abs(doc.bottleneck() - expected) <= 1e-9 * expected);

        // The stage list names each stage's device.
        StageList *list = w->stageList();
        QVERIFY(list);
        bool named = false;
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            named = named || list->topLevelItem(i)->text(0) == QStringLiteral("1 dev-0");
        QVERIFY(named);

        // Identical devices at speed 1 give today's costs exactly.
        const QString same = writeCluster(dir, "same.json", std::vector<double>(size_t(k), 1.0));
        QVERIFY2(openAndWait(*w, same), qPrintable(w->lastError()));
        QCOMPARE(w->document()->bottleneck(), plain);

        // Another device count sets k and re-splits the partition, as one
        // undoable step that restores the partition and the parameters.
        const CostParams kept = w->document()->params();
        const Partition keptPartition = w->document()->partition();
        const QString other = writeCluster(dir, "other.json", std::vector<double>(size_t(k + 1), 1.0));
        QVERIFY2(openAndWait(*w, other), qPrintable(w->lastError() + " / " + w->previewText()));
        QCOMPARE(w->document()->k(), k + 1);
        QCOMPARE(w->kSpinBox()->value(), k + 1);
        QVERIFY2(w->previewText().contains("re-split"), qPrintable(w->previewText()));
        w->document()->undoStack()->undo();
        QCOMPARE(w->document()->k(), k);
        QVERIFY(w->document()->partition() == keptPartition);
        QVERIFY(w->document()->params() == kept);

        // A bad speed: refused at once, naming the file and the field.
        const QString bad = writeCluster(dir, "bad.json", std::vector<double>(size_t(k), 0.0));
        QVERIFY(!w->openCluster(bad));
        QVERIFY2(w->lastError().contains("bad.json") && w->lastError().contains("speed"), qPrintable(w->lastError()));
        QVERIFY(w->document()->params() == kept);

        QSignalSpy cleared(w.get(), &MainWindow::clusterApplied);
        w->clearCluster();
        QVERIFY(cleared.wait(60000));
        QVERIFY(w->document()->params() == before);
        QCOMPARE(w->document()->bottleneck(), plain);
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            QVERIFY(!list->topLevelItem(i)->text(0).contains("dev-"));
    }

    // The cluster job re-costs an ONNX model for each device's profile: the
    // l4 device's work is what loading the model for l4-fp16 gives.
    void profileRecostsOnnx()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        test::OnnxModelBuilder m;
        test::addTwoMatMulModel(m);
        const QString model = dir.filePath("m.onnx");
        QVERIFY(m.save(model.toStdString()));
        auto w = makeWindow();
        QVERIFY(w);
        w->openFile(model);
        QVERIFY(waitForModel(*w));
        QFile f(dir.filePath("c.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "pipecut-cluster", "version": 1,
            "devices": [{"name": "a", "profile": "a100-fp16"}, {"name": "b", "profile": "l4-fp16"}]})");
        f.close();
        QVERIFY2(openAndWait(*w, f.fileName()), qPrintable(w->lastError()));
        const CostParams &p = w->document()->params();
        QCOMPARE(int(p.devices.size()), 2);
        LoadOptions l4;
        l4.device = "l4-fp16";
        auto onL4 = loadGraph(model.toStdString(), l4);
        QVERIFY(onL4.ok() && p.devices[1].work);
        QCOMPARE(*p.devices[1].work, std::vector<double>(onL4->works().begin(), onL4->works().end()));
        QCOMPARE(p.devices[1].speed, 1.0);

        // The editor's empty speed shows the speed used: 1, as the model is
        // re-costed for the profile; after measured times replace the
        // profile's, the FLOP ratio the speed rule takes.
        w->showClusterEditor();
        ClusterEditor *editor = w->clusterEditor();
        QVERIFY(QTest::qWaitForWindowExposed(editor));
        QCOMPARE(editor->table()->rowCount(), 2);
        QCOMPARE(editor->placeholder(1, ClusterEditor::Speed), QStringLiteral("1 (re-costed)"));
        if (const QString grabs = qEnvironmentVariable("PIPECUT_GRAB_DIR"); !grabs.isEmpty())
            editor->grab().save(QDir(grabs).filePath("cluster_editor_recosted.png"));
        CostOrigin measured = w->document()->costOrigin();
        QVERIFY(measured.times == CostOrigin::Times::Profile && measured.onnx);
        measured.times = CostOrigin::Times::Measured;
        w->document()->setCostOrigin(measured);
        const DeviceProfile a100 = findDeviceProfile("a100-fp16").value(),
                            l4fp16 = findDeviceProfile("l4-fp16").value();
        editor->setReferenceProfile(a100);
        QCOMPARE(editor->placeholder(1, ClusterEditor::Speed),
            QStringLiteral("profile ")
                + editor->quantityText(ClusterEditor::Speed, l4fp16.flopsPerSecond / a100.flopsPerSecond));
        QVERIFY(editor->placeholder(0, ClusterEditor::Speed).startsWith(QStringLiteral("profile 1")));
    }
};

QTEST_MAIN(TestClusterWindow)
#include "tst_cluster_window.moc"
