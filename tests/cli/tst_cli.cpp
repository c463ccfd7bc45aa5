// pipecut-cli, driven in-process through runCli (and once as a real process):
// JSON output of every subcommand, exit statuses, and error lines.
#include "core/cli/cli.h"
#include "core/io/graph_io.h"
#include "tests/support/cli_run.h"
#include "tests/support/test_graphs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pipecut;

namespace {

using Run = test::CliRun;
using test::cli;

} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_example;

    std::string path(const char *name) const { return (m_dir.path() + "/" + name).toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_example = path("example.json");
        QVERIFY(writeFileAtomically(m_example, graphToJson(test::specExample())).ok());
    }

    void info()
    {
        Run r = cli({ "info", m_example, "--json" });
        QCOMPARE(r.code, 0);
        QJsonObject o = r.json();
        QCOMPARE(o["nodes"].toInt(), 4);
        QCOMPARE(o["edges"].toInt(), 4);
        QCOMPARE(o["total_work"].toDouble(), 10.0);
        QCOMPARE(o["max_work"].toDouble(), 4.0);
        QCOMPARE(o["total_out"].toDouble(), 5.0);
        QCOMPARE(o["width"].toInt(), 2);
        QCOMPARE(o["name"].toString(), QString("spec-example"));
    }

    // The text output prints every quantity with its own unit: the bundled example's
    // tensors are times (ms) but its parameters and memory limit are bytes.
    void infoTextUnits()
    {
        Run r = cli({ "info", PIPECUT_SOURCE_DIR "/resources/examples/bert_l-3_inference.json" });
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.find("total param  1.513 GB\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("memory limit 629.1 MB\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("total out    557.61 ms\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("bandwidth    1 ms/ms\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("nodes        235\n") != std::string::npos, r.out.c_str());
    }

    void partitionSliceWorkedExample()
    {
        // The default order a, b, c, d cut optimally at k = 2 is {a, b} | {c, d} = 8 (docs/model.md §1.5).
        const std::string out = path("p2.json");
        Run r = cli({ "partition", m_example, "-k", "2", "--method", "slice", "--json", "-o", out });
        QCOMPARE(r.code, 0);
        QJsonObject o = r.json();
        QCOMPARE(o["k"].toInt(), 2);
        QCOMPARE(o["bottleneck"].toDouble(), 8.0);
        QJsonArray stages = o["stages"].toArray();
        QCOMPARE(stages.size(), 2);
        QCOMPARE(stages[0].toObject()["nodes"].toArray().size(), 2);
        QCOMPARE(stages[0].toObject()["cost"].toDouble(), 8.0);
        QCOMPARE(stages[0].toObject()["comm_out"].toDouble(), 3.0); // a (1) and b (2) leave stage 1
        QCOMPARE(stages[1].toObject()["comm_in"].toDouble(), 3.0);
        QCOMPARE(stages[1].toObject()["comm_out"].toDouble(), 0.0);
        // evaluate agrees with what partition reported.
        Run e = cli({ "evaluate", m_example, out, "--json" });
        QCOMPARE(e.code, 0);
        QCOMPARE(e.json()["bottleneck"].toDouble(), 8.0);
    }

    void baselines_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("balanced-work") << "balanced-work";
        QTest::newRow("uniform") << "uniform";
        QTest::newRow("auto") << "auto";
    }

    void baselines()
    {
        QFETCH(QString, method);
        Run r = cli({ "partition", m_example, "-k", "3", "--method", method.toStdString(), "--json" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.json()["bottleneck"].toDouble() >= 7.0); // the optimum at k = 3
    }

    void boundCombinatorial()
    {
        Run r = cli({ "bound", m_example, "-k", "2", "--method", "combinatorial", "--json" });
        QCOMPARE(r.code, 0);
        QJsonObject o = r.json();
        QCOMPARE(o["lower_bound"].toDouble(), 5.0); // max(10 / 2, 4)
        QCOMPARE(o["proven_by"].toString(), QString("combinatorial"));
    }

    void evaluateRefusesBackwardEdge()
    {
        const std::string p = path("bad.json");
        QVERIFY(writeFileAtomically(p, R"({"format": "pipecut-partition", "version": 1, "graph": "spec-example",
            "k": 2, "stages": [["b", "c", "d"], ["a"]]})")
                    .ok());
        Run r = cli({ "evaluate", m_example, p });
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find("error: ") != std::string::npos, r.err.c_str()); // after any "note: also:" lines
        QVERIFY2(r.err.find("runs backwards") != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find("bad.json") != std::string::npos, r.err.c_str());
    }

    void convertRoundTrip()
    {
        const std::string json = path("c.json"), dot = path("c.dot");
        QCOMPARE(cli({ "convert", m_example, "-o", json, "--bandwidth", "2" }).code, 0);
        QCOMPARE(cli({ "convert", json, "-o", dot }).code, 0);
        Run r = cli({ "info", dot, "--json" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json()["nodes"].toInt(), 4);
        QCOMPARE(r.json()["bandwidth"].toDouble(), 2.0);
    }

    void generateThenInfo()
    {
        const std::string out = path("gen.json");
        Run r = cli({ "generate", "--family", "transformer", "--nodes", "500", "--seed", "3", "-o", out });
        QCOMPARE(r.code, 0);
        Run i = cli({ "info", out, "--json" });
        QCOMPARE(i.code, 0);
        QVERIFY(i.json()["nodes"].toInt() > 300);
    }

    void exitStatuses_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList {} << 2 << "usage";
        QTest::newRow("unknown command") << QStringList { "frobnicate" } << 2 << "unknown command 'frobnicate'";
        QTest::newRow("unknown option") << QStringList { "info", "EXAMPLE", "--frob" } << 2
                                        << "unknown option '--frob'";
        QTest::newRow("bad k") << QStringList { "partition", "EXAMPLE", "-k", "x" } << 2 << "-k";
        QTest::newRow("k zero") << QStringList { "partition", "EXAMPLE", "-k", "0" } << 2 << "-k must be";
        QTest::newRow("bad method") << QStringList { "partition", "EXAMPLE", "--method", "magic" } << 2 << "magic";
        QTest::newRow("missing file") << QStringList { "info", "/nonexistent/g.json" } << 3 << "/nonexistent/g.json";
        QTest::newRow("bad bandwidth") << QStringList { "info", "EXAMPLE", "--bandwidth", "-1" } << 2 << "bandwidth";
        QTest::newRow("missing graph") << QStringList { "info" } << 2 << "GRAPH";
    }

    void exitStatuses()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        std::vector<std::string> a;
        for (const QString &s : args)
            a.push_back(s == "EXAMPLE" ? m_example : s.toStdString());
        Run r = cli(a);
        QCOMPARE(r.code, code);
        QVERIFY2(QString::fromStdString(r.err).contains(message), r.err.c_str());
    }

    void helpOnEverySubcommand_data()
    {
        QTest::addColumn<QString>("command");
        for (const char *c : { "info", "partition", "bound", "evaluate", "convert", "generate" })
            QTest::newRow(c) << c;
    }

    void helpOnEverySubcommand()
    {
        QFETCH(QString, command);
        Run r = cli({ command.toStdString(), "--help" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("usage: pipecut-cli " + command.toStdString()) != std::string::npos);
    }

    void realProcess()
    {
        // The installed binary behaves like runCli: stdout JSON, stderr error line, exit 3.
        const QString exe = qEnvironmentVariable("PIPECUT_CLI");
        if (exe.isEmpty())
            QSKIP("PIPECUT_CLI not set (run through ctest)");
        QProcess p;
        p.start(exe, { "info", "/nonexistent.json" });
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 3);
        QVERIFY(p.readAllStandardError().startsWith("error: "));
        p.start(exe, { "--version" });
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().startsWith("pipecut-cli "));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
