// File > Export Report against `pipecut-cli report`: for the same graph file,
// cost parameters and partition, the explorer's report and the command line's
// are byte-identical (PNG, SVG and PDF), both rendered offscreen here.
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "tests/ui/ui_test_support.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/report_export.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pipecut;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestReportExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { ui::testing::useTestSettings(); }

    void guiAndCliReportsAreIdentical_data()
    {
        QTest::addColumn<QString>("suffix");
        QTest::newRow("png") << "png";
        QTest::newRow("svg") << "svg";
        QTest::newRow("pdf") << "pdf";
    }

    void guiAndCliReportsAreIdentical()
    {
        QFETCH(QString, suffix);
        const QString cli = qEnvironmentVariable("PIPECUT_CLI");
        if (cli.isEmpty())
            QSKIP("PIPECUT_CLI is not set (run through ctest)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        qputenv("SOURCE_DATE_EPOCH", "1798416000");

        // The bundled example (235 nodes: the drawing is collapsed) cut by auto at k = 4.
        const std::string graphPath = PIPECUT_SOURCE_DIR "/resources/examples/bert_l-3_inference.json";
        auto g = loadGraph(graphPath);
        QVERIFY(g.ok());
        PartitionOptions po;
        po.k = 4;
        po.method = "auto";
        auto p = runPartitioner(*g, CostParams::fromGraph(*g), po);
        QVERIFY(p.ok());
        const QString partPath = dir.filePath("p4.json");
        QVERIFY(writeFileAtomically(partPath.toStdString(), partitionToJson(*g, p->partition)).ok());

        ui::Document doc;
        doc.setGraph(*g, QString::fromStdString(graphPath), 4);
        doc.applyPartition(p->partition);
        const QString guiPath = dir.filePath("gui." + suffix);
        auto gui = ui::exportReport(doc, guiPath);
        QVERIFY2(gui.ok(), gui.ok() ? "" : gui.error().c_str());

        const QString cliPath = dir.filePath("cli." + suffix);
        QProcess proc;
        // The command line chooses its own (offscreen) platform, whatever this test runs on.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("QT_QPA_PLATFORM");
        proc.setProcessEnvironment(env);
        proc.start(cli, { "report", QString::fromStdString(graphPath), "-p", partPath, "-o", cliPath });
        QVERIFY(proc.waitForFinished(120000));
        QVERIFY2(proc.exitCode() == 0, proc.readAllStandardError().constData());

        const QByteArray a = readAll(guiPath), b = readAll(cliPath);
        QVERIFY(a.size() > 1000);
        QVERIFY2(a == b,
            qPrintable(QStringLiteral("%1 (%2 bytes) and %3 (%4 bytes) differ")
                           .arg(guiPath)
                           .arg(a.size())
                           .arg(cliPath)
                           .arg(b.size())));
        if (suffix == "png")
            QCOMPARE(QImage(guiPath), QImage(cliPath));
    }

    // File > Export Report exists and follows whether a model is open.
    void menuActionFollowsTheDocument()
    {
        ui::MainWindow window;
        window.setInteractive(false);
        QAction *action = nullptr;
        for (QAction *a : window.findChildren<QAction *>())
            if (a->text().startsWith(QStringLiteral("Export &Report")))
                action = a;
        QVERIFY(action);
        QVERIFY(!action->isEnabled());
        auto g = loadGraph(PIPECUT_SOURCE_DIR "/resources/examples/bert_l-3_inference.json");
        QVERIFY(g.ok());
        window.document()->setGraph(*g, QStringLiteral("bert.json"), 4);
        QVERIFY(action->isEnabled());
    }
};

QTEST_MAIN(TestReportExport)
#include "tst_report_export.moc"
