// The hostile-input matrix (docs/reliability.md): every reader and subcommand
// crossed with every input class, each run as a real pipecut-cli process
// under `prlimit --as=2000000000` (a 2 GB address-space cap, so memory spent
// before a limit fails the run) and `timeout` (so a hang fails it). Each run
// must exit with its class's status, print exactly one line, "error: ..."
// naming the file, and leave no output file behind. Then the process-level
// guarantees: standard output write errors, report outputs all or none, and
// a graceful stop on SIGINT/SIGTERM with a second signal ending at once.
//
// Under AddressSanitizer the matrix is skipped: ASan reserves terabytes of
// address space for its shadow memory, so nothing runs under an
// address-space cap (the release stage of test.sh runs it).
#include "core/io/graph_io.h"
#include "tests/support/hostile_files.h"
#include "tests/support/sanitizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace pipecut;
using namespace pipecut::test; // hostile::

namespace {

struct Outcome {
    int code = -1;
    bool crashed = false;
    QByteArray out, err;
};

} // namespace

class TestHostileMatrix : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_cli;

    QString path(const QString &name) const { return m_dir.path() + "/" + name; }
    QString write(const QString &name, const std::string &bytes) const
    {
        const QString p = path(name);
        if (!writeFileAtomically(p.toStdString(), bytes).ok())
            qFatal("cannot write %s", qPrintable(p));
        return p;
    }

    // pipecut-cli ARGS under the address-space cap and a 60 s timeout.
    Outcome run(const QStringList &args, const QString &stdoutFile = {}) const
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        if (!stdoutFile.isEmpty())
            p.setStandardOutputFile(stdoutFile);
        p.start("prlimit", QStringList { "--as=2000000000", "--", "timeout", "60", m_cli } + args);
        Outcome o;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return o;
        }
        o.crashed = p.exitStatus() != QProcess::NormalExit;
        o.code = p.exitCode();
        o.out = p.readAllStandardOutput();
        o.err = p.readAllStandardError();
        return o;
    }

    // Files in the working folder, to find what a failed run left behind.
    QStringList files() const { return QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli = qEnvironmentVariable("PIPECUT_CLI");
        if (m_cli.isEmpty())
            QSKIP("PIPECUT_CLI is not set (run through ctest)");
        if (test::kUnderSanitizer)
            QSKIP("ASan reserves terabytes of address space and cannot run under prlimit --as; the release stage "
                  "runs the matrix");
        if (QStandardPaths::findExecutable("prlimit").isEmpty() || QStandardPaths::findExecutable("timeout").isEmpty())
            QSKIP("prlimit or timeout (util-linux, coreutils) is not installed");
    }

    void matrix_data()
    {
        QTest::addColumn<QString>("file"); // the hostile input, in the working folder or absolute
        QTest::addColumn<QStringList>("extra"); // options the class needs (a limit)

        write("good.json", hostile::goodGraph());
        write("part.json",
            R"({"format": "pipecut-partition", "version": 1, "k": 2, "stages": [["a", "b"], ["c", "d"]]})");
        const QString fifo = path("fifo.json");
        ::mkfifo(fifo.toLocal8Bit().constData(), 0600);
        QDir(m_dir.path()).mkdir("folder.json");
        struct Class {
            const char *name;
            QString file;
            QStringList extra;
        };
        const std::vector<Class> classes = {
            { "fifo without writer", fifo, {} },
            { "character device", "/dev/zero", {} },
            { "directory", path("folder.json"), {} },
            { "empty", write("empty.json", ""), {} },
            { "binary", write("binary.json", std::string("\x00\xff\x13\x37", 4) + std::string(5000, '\x01')), {} },
            { "over --max-file-size", write("large.json", std::string(300000, ' ') + hostile::goodGraph()),
                { "--max-file-size", "100K" } },
            // Read in about a second (quadratic in cgraph's lexer: minutes), then refused by its node count.
            { "DOT long token", write("long.dot", hostile::dotLongToken(20 << 20)), { "--max-nodes", "1" } },
            { "DOT edge product", write("product.dot", hostile::dotEdgeProduct(3000)), { "--max-edges", "1000" } },
            { "DOT line directive", write("directive.dot", hostile::dotLineDirective()), {} },
            { "DOT second graph", write("two.dot", hostile::dotTrailingGraph()), {} },
            { "DOT bad UTF-8", write("utf.dot", hostile::dotBadUtf8Id()), {} },
            { "PipeDream bad UTF-8", write("graph.txt", hostile::pipedreamBadUtf8Id()), {} },
            { "duplicate JSON keys", write("dup.json", hostile::duplicateTopKeys()), {} },
            { "duplicate node keys", write("dupnode.json", hostile::duplicateNodeKeys()), {} },
            { "huge integer", write("bigint.json", hostile::hugeInteger()), {} },
            { "lone surrogate", write("surrogate.json", hostile::loneSurrogate()), {} },
            { "forged error line", write("forged.json", hostile::forgedErrorLine()), {} },
            { "ONNX recursive function", write("self.onnx", hostile::onnxRecursiveFunction(false)), {} },
            { "ONNX mutual functions", write("mutual.onnx", hostile::onnxRecursiveFunction(true)), {} },
            { "ONNX negative dimension", write("negative.onnx", hostile::onnxNegativeDimension()), {} },
            { "ONNX nested If", write("deep.onnx", hostile::onnxNestedIf(40)), {} },
        };
        for (const Class &c : classes)
            QTest::newRow(c.name) << c.file << c.extra;
    }

    // Every subcommand that reads a graph, and every place a partition file is read.
    void matrix()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, extra);
        const QString good = path("good.json"), part = path("part.json");
        const QList<QStringList> asGraph = {
            { "info", file },
            { "partition", file, "-k", "2", "-o", "out.json" },
            { "bound", file, "-k", "2", "--time-limit", "5" },
            { "evaluate", file, part },
            { "export", file, "-p", part, "--to", "csv", "-o", "out.csv" },
            { "convert", file, "-o", "out.dot" },
            { "report", file, "-k", "2", "-o", "out.png", "--data", "out-data.json" },
        };
        const bool textClass = !file.endsWith(".onnx") && !file.endsWith(".dot") && !file.endsWith(".txt")
            && !file.contains("bigint") && !file.contains("large");
        QList<QStringList> runs = asGraph;
        if (textClass) // the partition readers share the JSON reading and the file checks
            runs += QList<QStringList> { { "evaluate", good, file }, { "bound", good, "-k", "2", "-p", file },
                { "export", good, "-p", file, "--to", "csv", "-o", "out.csv" },
                { "partition", good, "-k", "2", "--start", file, "-o", "out.json" } };
        const QStringList before = files();
        for (QStringList args : runs) {
            args += extra;
            const Outcome o = run(args);
            const QString what = args.join(' ') + " -> " + QString::number(o.code) + ": " + QString::fromUtf8(o.err);
            QVERIFY2(!o.crashed && o.code != 124 && o.code != -1, qPrintable("crashed or timed out: " + what));
            QVERIFY2(o.code == 3, qPrintable(what));
            QVERIFY2(o.err.startsWith("error: ") && o.err.count('\n') == 1, qPrintable(what));
            QVERIFY2(
                o.err.contains(file.toUtf8()) || o.err.contains(QFileInfo(file).fileName().toUtf8()), qPrintable(what));
            QVERIFY2(files() == before, qPrintable("left behind: " + files().join(' ') + " after " + what));
        }
    }

    // 1. Memory running out is exit 1 with one line saying what was being read.
    void outOfMemory()
    {
        const QString big = path("million.json");
        QProcess gen;
        gen.start(m_cli, { "generate", "--family", "random", "--nodes", "400000", "-o", big });
        QVERIFY(gen.waitForFinished(300000) && gen.exitCode() == 0);
        QProcess p;
        p.start("prlimit", { "--as=300000000", "--", "timeout", "120", m_cli, "info", big });
        QVERIFY(p.waitForFinished(180000));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 1, err.constData());
        QVERIFY2(err.startsWith("error: ") && err.count('\n') == 1 && err.contains("out of memory")
                && err.contains("million.json"),
            err.constData());
        QFile::remove(big);
    }

    // 6. A write error on standard output is a failure.
    void fullStandardOutput()
    {
        if (!QFileInfo::exists("/dev/full"))
            QSKIP("no /dev/full");
        const Outcome o = run({ "info", path("good.json") }, "/dev/full");
        QCOMPARE(o.code, 1);
        QVERIFY2(o.err.startsWith("error: standard output: write failed"), o.err.constData());
    }

    // 6. report: -o and --data must differ; a huge partition blames the partition file.
    void reportOutputs()
    {
        const QString good = write("good2.json", hostile::goodGraph());
        const QStringList before = files();
        Outcome o = run({ "report", good, "-k", "2", "-o", "same.png", "--data", "./same.png" });
        QVERIFY2(o.code == 2 && o.err.contains("the same file"), o.err.constData());
        o = run({ "report", good, "-k", "2", "-o", "r.png", "--data", path("no-such-folder/d.json") });
        QVERIFY2(o.code == 1 && o.err.count('\n') == 1, o.err.constData());
        QCOMPARE(files(), before); // no report without its --data
        std::string stages;
        for (int i = 0; i < 1000001; ++i)
            stages += i ? ",[]" : "[\"a\",\"b\",\"c\",\"d\"]";
        const QString huge = write("huge-part.json",
            R"({"format": "pipecut-partition", "version": 1, "k": 1000001, "stages": [)" + stages + "]}");
        o = run({ "report", good, "-p", huge, "-o", "r.png" });
        QVERIFY2(o.code == 3 && o.err.contains("huge-part.json") && !o.err.contains("-k"), o.err.constData());
    }

    // A graceful stop: the first SIGINT or SIGTERM ends partition, bound and
    // report with what they have (written, marked stopped, exit 1); a second
    // ends the process at once.
    void gracefulStop_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("output");
        QTest::newRow("partition SIGINT") << QStringList { "partition", "big.json", "-k", "16", "--method",
            "slicegraph", "--time-limit", "100", "-o", "stopped.json" }
                                          << int(SIGINT) << "stopped.json";
        QTest::newRow("bound SIGTERM") << QStringList { "bound", "big.json", "-k", "16", "--time-limit", "100",
            "--json" } << int(SIGTERM) << "";
        QTest::newRow("report SIGINT") << QStringList { "report", "big.json", "-k", "16", "--method", "slicegraph",
            "--time-limit", "100", "--bound-time-limit", "100", "-o", "stopped.png" }
                                       << int(SIGINT) << "stopped.png";
    }
    void gracefulStop()
    {
        QFETCH(QStringList, args);
        QFETCH(int, signal);
        QFETCH(QString, output);
        if (!QFileInfo::exists(path("big.json"))) {
            QProcess gen;
            gen.start(m_cli, { "generate", "--family", "transformer", "--nodes", "20000", "-o", path("big.json") });
            QVERIFY(gen.waitForFinished(120000) && gen.exitCode() == 0);
        }
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(m_cli, args);
        QVERIFY(p.waitForStarted());
        QTest::qWait(1500); // past loading, into the search
        ::kill(static_cast<pid_t>(p.processId()), signal);
        QVERIFY2(p.waitForFinished(60000), "no stop after the signal");
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 1, err.constData());
        QVERIFY2(err.startsWith("error: big.json: stopped by SIG"), err.constData());
        if (!output.isEmpty())
            QVERIFY2(QFileInfo(path(output)).size() > 0, qPrintable(output + " not written"));
        else
            QVERIFY2(p.readAllStandardOutput().contains("\"stopped\": true"), "stdout not marked stopped");

        // Two signals: the second ends the process at once (its default action).
        QProcess twice;
        twice.setWorkingDirectory(m_dir.path());
        twice.start(m_cli, args);
        QVERIFY(twice.waitForStarted());
        QTest::qWait(1500);
        ::kill(static_cast<pid_t>(twice.processId()), signal);
        ::kill(static_cast<pid_t>(twice.processId()), signal);
        QVERIFY2(twice.waitForFinished(60000), "no end after two signals");
    }
};

QTEST_GUILESS_MAIN(TestHostileMatrix)
#include "tst_hostile_matrix.moc"
