// Replays every input the fuzzers found (tests/regressions/TARGET/*) and every
// fuzz seed (fuzz/seeds/TARGET/*) through the checks of the fuzz targets
// (fuzz/fuzz_support.h): the reader returns a clean error naming the file, or a
// valid graph or partition. Under the sanitizer build (test.sh) the same run
// also catches the memory errors the fuzzers found.
#include "fuzz/fuzz_support.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace pipecut;

class TestRegressions : public QObject {
    Q_OBJECT

    static void addRows(const QString &root)
    {
        QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            const QString rel = QDir(root).relativeFilePath(file);
            QTest::newRow(qPrintable(QDir(root).dirName() + "/" + rel)) << rel.section('/', 0, 0) << file;
        }
    }

private slots:
    void inputs_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("file");
        addRows(QStringLiteral(PIPECUT_SOURCE_DIR "/tests/regressions"));
        addRows(QStringLiteral(PIPECUT_SOURCE_DIR "/fuzz/seeds"));
    }

    void inputs()
    {
        QFETCH(QString, target);
        QFETCH(QString, file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        const std::optional<std::string> problem
            = fuzz::check(target.toStdString(), std::string_view(bytes.constData(), size_t(bytes.size())));
        QVERIFY2(problem, qPrintable("no fuzz target named " + target));
        QVERIFY2(problem->empty(), problem->c_str());
    }

    // The seeds are valid files: each is read without error (but the ONNX
    // cycle, which must be refused), so the replay above is not vacuous.
    void seedsAreRead()
    {
        int files = 0;
        QDirIterator it(QStringLiteral(PIPECUT_SOURCE_DIR "/fuzz/seeds"), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            const QString target = it.fileInfo().dir().dirName();
            if (target == "partition" || target == "onnx")
                continue; // checked below / through loadGraph
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            LoadOptions options;
            options.format = target == "pipedream" ? GraphFormat::PipeDream
                : target == "dot"                  ? GraphFormat::Dot
                : target == "piper"                ? GraphFormat::Piper
                : target == "dnn_partitioning"     ? GraphFormat::DnnPartitioning
                : target == "hf_config"            ? GraphFormat::HfConfig
                                                   : GraphFormat::PipecutJson;
            Result<Graph> g
                = parseGraph(std::string_view(bytes.constData(), size_t(bytes.size())), file.toStdString(), options);
            QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
            ++files;
        }
        QVERIFY(files >= 6);
        for (const char *name : { "pipecut.json", "experts.json" }) {
            QFile f(QStringLiteral(PIPECUT_SOURCE_DIR "/fuzz/seeds/partition/") + name);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            Result<Partition> p = parsePartition(
                std::string_view(bytes.constData(), size_t(bytes.size())), name, fuzz::partitionGraph());
            QVERIFY2(p.ok(), p.ok() ? "" : p.error().c_str());
            QCOMPARE(p->k(), 3);
        }
    }
};

QTEST_GUILESS_MAIN(TestRegressions)
#include "tst_regressions.moc"
