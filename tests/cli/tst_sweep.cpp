// `pipecut-cli sweep plan|run|merge` (core/cli/sweep.h, sweep_study.h): plans
// are deterministic and self-describing, shards add up to a single-process run,
// reruns skip what is done, and every bad input (a model or cluster file
// changed since planning, results of another plan, truncated lines, a shard
// out of range, two runs on one file) is one clear error that loses nothing.
// The kill-and-rerun case runs the real binary (PIPECUT_CLI).
#include "core/cli/sweep.h"
#include "core/io/graph_io.h"
#include "tests/support/cli_run.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <set>

namespace sweep = pipecut::cli::sweep;
using pipecut::test::cli;
using pipecut::test::CliRun;

namespace {

std::string slurp(const std::string &path)
{
    auto text = pipecut::readFile(path);
    return text ? *text : std::string();
}

std::vector<QJsonObject> jsonLines(const std::string &path)
{
    std::vector<QJsonObject> lines;
    const std::string text = slurp(path);
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(QJsonDocument::fromJson(QByteArray::fromStdString(text.substr(start, end - start))).object());
    return lines;
}

// The deterministic part of a study (--data): everything but the run times.
QJsonObject tables(const std::string &studyJson)
{
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(slurp(studyJson))).object();
    o.remove(QStringLiteral("times"));
    return o;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_models, m_plan;

    std::string path(const std::string &name) const { return m_dir.path().toStdString() + "/" + name; }

    CliRun plan(const std::string &out, const std::vector<std::string> &extra = {})
    {
        std::vector<std::string> args = { "sweep", "plan", m_models, "-k", "2,4", "--methods", "balanced-work,ideal-dp",
            "--bound", "combinatorial", "-o", out };
        args.insert(args.end(), extra.begin(), extra.end());
        return cli(args);
    }

    CliRun run(const std::string &plan, const std::string &shard, const std::string &out)
    {
        return cli({ "sweep", "run", plan, "--shard", shard, "-o", out });
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_models = path("models");
        QVERIFY(QDir().mkpath(QString::fromStdString(m_models)));
        const QString source = QStringLiteral(PIPECUT_CORPUS_DIR "/pipedream/graph/test_graphs/");
        for (const char *name : { "resnet50_partitioned.txt", "vgg16_partitioned.txt", "test2.txt" })
            QVERIFY(QFile::copy(source + name, QString::fromStdString(m_models + "/" + name)));
        QVERIFY(pipecut::writeFileAtomically(m_models + "/LICENSE.txt", "not a model\n").ok());
        m_plan = path("plan.jsonl");
        const CliRun r = plan(m_plan);
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(contains(r.out, "12 tasks (3 models x 2 k x 2 methods)"), r.out.c_str());
    }

    void planIsDeterministicAndSelfDescribing()
    {
        QCOMPARE(plan(path("again.jsonl")).code, 0);
        QCOMPARE(slurp(path("again.jsonl")), slurp(m_plan));
        const auto lines = jsonLines(m_plan);
        QCOMPARE(lines.size(), size_t(12));
        const QString hash = lines[0]["plan"].toString();
        QCOMPARE(hash.size(), 16);
        std::set<std::string> methods;
        for (size_t i = 0; i < lines.size(); ++i) {
            const QJsonObject &l = lines[i];
            QCOMPARE(l["plan"].toString(), hash);
            QCOMPARE(l["task"].toInt(), int(i));
            QVERIFY(l["model"].toString().startsWith(QString::fromStdString(m_models)));
            QVERIFY(!l["model"].toString().contains(QStringLiteral("LICENSE")));
            const std::string model = l["model"].toString().toStdString();
            QCOMPARE(l["model_sha256"].toString().toStdString(), sweep::sha256Hex(slurp(model)));
            QVERIFY(l["k"].toInt() == 2 || l["k"].toInt() == 4);
            methods.insert(l["method"].toString().toStdString());
            QCOMPARE(l["options"].toObject()["bound"].toString(), QStringLiteral("combinatorial"));
        }
        QCOMPARE(methods, (std::set<std::string> { "balanced-work", "ideal-dp" }));
        // Cost options travel with every task and change the hash.
        QCOMPARE(plan(path("bw.jsonl"), { "--bandwidth", "5" }).code, 0);
        const auto bw = jsonLines(path("bw.jsonl"));
        QVERIFY(bw[0]["plan"].toString() != hash);
        QCOMPARE(bw[0]["options"].toObject()["args"].toArray(), QJsonArray({ "--bandwidth", "5" }));
    }

    void planRefusesBadArguments()
    {
        CliRun r = plan(path("x.jsonl"), { "--methods", "fastest" });
        QCOMPARE(r.code, 2);
        QVERIFY2(contains(r.err, "unknown method 'fastest'"), r.err.c_str());
        r = cli({ "sweep", "plan", m_models, "-k", "2,zero", "-o", path("x.jsonl") });
        QCOMPARE(r.code, 2);
        r = cli({ "sweep", "plan", path("nowhere"), "-k", "2", "-o", path("x.jsonl") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "nowhere: no such file or folder"), r.err.c_str());
        r = cli({ "sweep", "plan", m_models + "/LICENSE.txt", "-k", "2", "-o", path("x.jsonl") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "LICENSE.txt"), r.err.c_str());
        QCOMPARE(cli({ "sweep", "fly" }).code, 2);
    }

    // Three shards merge to the study of one process running every task.
    void shardsEqualOneProcess()
    {
        for (const char *shard : { "0/3", "1/3", "2/3" }) {
            const CliRun r = run(m_plan, shard, path(std::string("s") + shard[0] + ".jsonl"));
            QVERIFY2(r.code == 0, r.err.c_str());
        }
        const CliRun one = run(m_plan, "0/1", path("all.jsonl"));
        QVERIFY2(one.code == 0, one.err.c_str());
        const auto lines = jsonLines(path("all.jsonl"));
        QCOMPARE(lines.size(), size_t(12));
        for (const char *key : { "model", "model_sha256", "k", "method", "status", "bottleneck", "lower_bound",
                 "bound_method", "gap", "seconds", "version", "host" })
            QVERIFY2(lines[0].contains(QLatin1String(key)), key);
        CliRun m = cli({ "sweep", "merge", m_plan, path("s0.jsonl"), path("s1.jsonl"), path("s2.jsonl"), "--data",
            path("sharded.json") });
        QVERIFY2(m.code == 0, m.err.c_str());
        QVERIFY2(contains(m.out, "| 4 | 3 |"), m.out.c_str());
        m = cli({ "sweep", "merge", m_plan, path("all.jsonl"), "--data", path("single.json") });
        QVERIFY2(m.code == 0, m.err.c_str());
        QCOMPARE(tables(path("sharded.json")), tables(path("single.json")));
        // ideal-dp proves every optimum and is never above balanced-work (the reference: no auto planned).
        const QJsonArray rows = tables(path("single.json"))["tables"].toArray();
        QCOMPARE(rows.size(), 2);
        for (const QJsonValue &row : rows) {
            QCOMPARE(row["best_lb_over_ub"].toDouble(), 1.0);
            QVERIFY(row["over_reference"]["ideal-dp"]["ratio"].toDouble() <= 1.0);
        }
    }

    void rerunSkipsDoneTasks()
    {
        const std::string before = slurp(path("all.jsonl"));
        QVERIFY(!before.empty());
        const CliRun r = run(m_plan, "0/1", path("all.jsonl"));
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(slurp(path("all.jsonl")), before);
    }

    void mergeListsMissingAndDuplicates()
    {
        CliRun r = cli({ "sweep", "merge", m_plan, path("s0.jsonl"), "--data", path("part.json") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "missing: task 1: ") && contains(r.err, "8 of the plan's 12 tasks have no result"),
            r.err.c_str());
        r = cli({ "sweep", "merge", m_plan, path("s0.jsonl"), "--data", path("part.json"), "--allow-missing" });
        QCOMPARE(r.code, 0);
        QCOMPARE(tables(path("part.json"))["missing"].toArray().size(), 8);
        r = cli({ "sweep", "merge", m_plan, path("all.jsonl"), path("s0.jsonl"), "--data", path("dup.json") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "task 0: ") && contains(r.err, "more than one result"), r.err.c_str());
    }

    void modelChangedSincePlanning()
    {
        const std::string model = path("extra.txt");
        QVERIFY(QFile::copy(
            QStringLiteral(PIPECUT_CORPUS_DIR "/pipedream/graph/test_graphs/test.txt"), QString::fromStdString(model)));
        QCOMPARE(
            cli({ "sweep", "plan", model, "-k", "2", "--methods", "balanced-work", "-o", path("p1.jsonl") }).code, 0);
        QVERIFY(pipecut::writeFileAtomically(model, slurp(model) + "\n").ok());
        const CliRun r = run(path("p1.jsonl"), "0/1", path("changed.jsonl"));
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "extra.txt: the model file changed since planning"), r.err.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(path("changed.jsonl"))));
    }

    // The cluster file's bytes are part of the plan: a changed file is refused
    // by the old plan's run, and a new plan does not take the old results.
    void clusterChangedSincePlanning()
    {
        const std::string cluster = path("cluster.json");
        const auto devices = [&](const char *second) {
            return pipecut::writeFileAtomically(cluster,
                std::string(R"({"format": "pipecut-cluster", "version": 1, "devices": [{"name": "a", "speed": 1}, )")
                    + R"({"name": "b", "speed": )" + second + "}]}\n");
        };
        const auto planWith = [&](const std::string &out) {
            return cli({ "sweep", "plan", m_models + "/test2.txt", "--cluster", cluster, "--methods", "balanced-work",
                "--bound", "combinatorial", "-o", out });
        };
        QVERIFY(devices("1").ok());
        CliRun r = planWith(path("c1.jsonl"));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto lines = jsonLines(path("c1.jsonl"));
        QCOMPARE(lines.size(), size_t(1));
        QCOMPARE(lines[0]["options"].toObject()["cluster_sha256"].toString().toStdString(),
            sweep::sha256Hex(slurp(cluster)));
        QVERIFY(!jsonLines(m_plan)[0]["options"].toObject().contains("cluster_sha256")); // none without --cluster
        r = run(path("c1.jsonl"), "0/1", path("c.jsonl"));
        QVERIFY2(r.code == 0, r.err.c_str());
        const std::string results = slurp(path("c.jsonl"));

        QVERIFY(devices("0.5").ok());
        r = run(path("c1.jsonl"), "0/1", path("c-new.jsonl"));
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "cluster.json: the cluster file changed since planning"), r.err.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(path("c-new.jsonl"))));
        QCOMPARE(planWith(path("c2.jsonl")).code, 0);
        QVERIFY(jsonLines(path("c2.jsonl"))[0]["plan"] != lines[0]["plan"]);
        r = run(path("c2.jsonl"), "0/1", path("c.jsonl"));
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "not of this plan"), r.err.c_str());
        QCOMPARE(slurp(path("c.jsonl")), results);
    }

    void resultsOfAnotherPlan()
    {
        QCOMPARE(plan(path("other.jsonl"), { "--seed", "7" }).code, 0);
        const std::string before = slurp(path("all.jsonl"));
        CliRun r = run(path("other.jsonl"), "0/1", path("all.jsonl"));
        QCOMPARE(r.code, 3);
        QVERIFY2(
            contains(r.err, "all.jsonl:1: a result of plan ") && contains(r.err, "not of this plan"), r.err.c_str());
        QCOMPARE(slurp(path("all.jsonl")), before);
        r = cli({ "sweep", "merge", path("other.jsonl"), path("all.jsonl"), "--data", path("o.json") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "not of this plan"), r.err.c_str());
    }

    void truncatedLines()
    {
        std::string text = slurp(path("all.jsonl"));
        text.resize(text.size() - 40);
        QVERIFY(pipecut::writeFileAtomically(path("cut.jsonl"), text).ok());
        CliRun r = cli({ "sweep", "merge", m_plan, path("cut.jsonl"), "--data", path("c.json") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "cut.jsonl:12: a truncated result line"), r.err.c_str());
        r = run(m_plan, "0/1", path("cut.jsonl"));
        QCOMPARE(r.code, 3);
        QCOMPARE(slurp(path("cut.jsonl")), text); // nothing lost, nothing added
        // A damaged line in the middle is named too.
        std::string mid = slurp(path("all.jsonl"));
        mid.replace(mid.find("\"bottleneck\""), 12, "\"bottleneck");
        QVERIFY(pipecut::writeFileAtomically(path("bad.jsonl"), mid).ok());
        r = cli({ "sweep", "merge", m_plan, path("bad.jsonl"), "--data", path("c.json") });
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "bad.jsonl:1: not a whole result line"), r.err.c_str());
    }

    void editedPlan()
    {
        std::string text = slurp(m_plan);
        text.replace(text.find("\"k\":4"), 5, "\"k\":5");
        QVERIFY(pipecut::writeFileAtomically(path("edited.jsonl"), text).ok());
        const CliRun r = run(path("edited.jsonl"), "0/1", path("e.jsonl"));
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "does not match its tasks"), r.err.c_str());
    }

    void shardOutOfRange()
    {
        for (const char *shard : { "3/3", "-1/3", "1/0", "a/2", "2" }) {
            const CliRun r = run(m_plan, shard, path("range.jsonl"));
            QCOMPARE(r.code, 2);
            QVERIFY2(contains(r.err, "shard") || contains(r.err, "--shard"), r.err.c_str());
        }
        qputenv("PIPECUT_TEST_INDEX", "4");
        CliRun r = cli({ "sweep", "run", m_plan, "--task-index-env", "PIPECUT_TEST_INDEX", "--tasks", "4", "-o",
            path("range.jsonl") });
        QCOMPARE(r.code, 2);
        QVERIFY2(contains(r.err, "shard index '4' is out of range 0..3"), r.err.c_str());
        qunsetenv("PIPECUT_TEST_INDEX");
        r = cli({ "sweep", "run", m_plan, "--task-index-env", "PIPECUT_TEST_INDEX", "--tasks", "4", "-o",
            path("range.jsonl") });
        QCOMPARE(r.code, 2);
        QVERIFY2(contains(r.err, "PIPECUT_TEST_INDEX: the variable is not set"), r.err.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(path("range.jsonl"))));
    }

    void twoRunsOnOneFile()
    {
        auto lock = sweep::OutputLock::acquire(path("shared.jsonl"));
        QVERIFY(lock.ok());
        const CliRun r = run(m_plan, "1/2", path("shared.jsonl"));
        QCOMPARE(r.code, 3);
        QVERIFY2(contains(r.err, "another 'sweep run' is writing this file"), r.err.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(path("shared.jsonl"))));
    }

    // A run killed mid-way leaves whole lines only; its rerun completes the
    // shard with every task exactly once.
    void killAndRerun()
    {
        const QString binary = qEnvironmentVariable("PIPECUT_CLI");
        if (binary.isEmpty())
            QSKIP("PIPECUT_CLI is not set (ctest sets it)");
        const std::string slowPlan = path("slow.jsonl");
        QCOMPARE(cli({ "sweep", "plan", m_models, "-k", "2,3,4,5", "--methods", "slicegraph,auto", "--bound", "best",
                         "--bound-time-limit", "0.3", "-o", slowPlan })
                     .code,
            0);
        const QString out = QString::fromStdString(path("killed.jsonl"));
        const QStringList args = { "sweep", "run", QString::fromStdString(slowPlan), "--shard", "0/1", "-o", out };
        QProcess p;
        p.start(binary, args);
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(jsonLines(out.toStdString()).size() >= 2 || p.state() == QProcess::NotRunning, 120000);
        p.kill();
        p.waitForFinished(10000);
        const size_t before = jsonLines(out.toStdString()).size();
        QVERIFY(slurp(out.toStdString()).back() == '\n');
        QProcess again;
        again.start(binary, args);
        QVERIFY(again.waitForFinished(300000));
        QCOMPARE(again.exitCode(), 0);
        const auto lines = jsonLines(out.toStdString());
        QCOMPARE(lines.size(), size_t(24));
        std::set<int> tasks;
        for (const QJsonObject &l : lines)
            tasks.insert(l["task"].toInt(-1));
        QCOMPARE(tasks.size(), size_t(24));
        QCOMPARE(*tasks.begin(), 0);
        QCOMPARE(*tasks.rbegin(), 23);
        qInfo("killed after %zu of 24 lines; the rerun added %zu", before, lines.size() - before);
    }

    // The real binary renders the study (the renderer is registered by its main()).
    void renderedStudy()
    {
        const QString binary = qEnvironmentVariable("PIPECUT_CLI");
        if (binary.isEmpty())
            QSKIP("PIPECUT_CLI is not set (ctest sets it)");
        for (const char *suffix : { "pdf", "png", "svg" }) {
            const QString out = QString::fromStdString(path(std::string("study.") + suffix));
            QProcess p;
            p.start(binary,
                { "sweep", "merge", QString::fromStdString(m_plan), QString::fromStdString(path("all.jsonl")), "-o",
                    out });
            QVERIFY(p.waitForFinished(120000));
            const QByteArray err = p.readAllStandardError();
            if (p.exitCode() != 0 && err.contains("not available in this build"))
                QSKIP("this pipecut-cli is built without the report library (core preset)");
            QVERIFY2(p.exitCode() == 0, err.constData());
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray head = f.read(8);
            if (std::string(suffix) == "pdf")
                QVERIFY(head.startsWith("%PDF"));
            else if (std::string(suffix) == "png")
                QVERIFY(head.startsWith("\x89PNG"));
            else
                QVERIFY(f.readAll().contains("pipecut sweep study"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
