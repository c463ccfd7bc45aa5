// Sweeps on real engines: a corpus subset at k = 2, 4 planned once, run as
// three shards by GNU parallel on localhost (packaging/cluster/sweep-parallel.sh,
// --sshlogin :) and as a three-task Slurm array job on a single-node Slurm the
// test starts and stops itself (tests/cli/sweep_slurm.sh running
// packaging/cluster/sweep.sbatch). Both merge to the study of one process
// running every task: the same tables, worst cases, failed and missing lists
// (only run times differ). The methods are deterministic (balanced-work and
// ideal-dp), so the partition costs must be equal.
//
// Skips, with the reason, only when GNU parallel is not installed, or (Slurm)
// when not root or slurm-wlm / munge are not installed.
#include "core/io/graph_io.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString sourcePath(const char *relative)
{
    return QStringLiteral(PIPECUT_SOURCE_DIR "/") + QLatin1String(relative);
}

// The study's figures without its run times.
QJsonObject studyTables(const QString &path)
{
    auto text = pipecut::readFile(path.toStdString());
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(text ? *text : std::string())).object();
    o.remove(QStringLiteral("times"));
    return o;
}

} // namespace

class TestSweepEngines : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_cli, m_plan, m_single;

    QString path(const QString &name) const { return m_dir.path() + QLatin1Char('/') + name; }

    // Runs a program to its end (at most `seconds`); its output on failure.
    bool run(const QString &program, const QStringList &args, int seconds, QProcess &p)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PIPECUT_CLI"), m_cli);
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_dir.path());
        p.start(program, args);
        if (!p.waitForFinished(seconds * 1000)) {
            p.kill();
            p.waitForFinished(5000);
            qWarning("%s did not finish within %d s", qPrintable(program), seconds);
            return false;
        }
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            qWarning("%s exited %d:\n%s\n%s", qPrintable(program), p.exitCode(), p.readAllStandardOutput().constData(),
                p.readAllStandardError().constData());
        return p.exitStatus() == QProcess::NormalExit;
    }

    // Merges the shard files of `folder` into FOLDER.json and checks it equals the single-process study.
    void mergeAndCompare(const QString &folder, int shards)
    {
        QStringList args = { "sweep", "merge", m_plan };
        for (int i = 0; i < shards; ++i)
            args << path(folder + QStringLiteral("/results-%1.jsonl").arg(i));
        args << "--data" << path(folder + ".json");
        QProcess p;
        QVERIFY(run(m_cli, args, 120, p));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject merged = studyTables(path(folder + ".json"));
        QVERIFY(!merged.isEmpty());
        QCOMPARE(merged.value("results").toInt(), merged.value("tasks").toInt());
        QCOMPARE(merged, studyTables(m_single));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli = qEnvironmentVariable("PIPECUT_CLI");
        if (m_cli.isEmpty())
            QSKIP("PIPECUT_CLI is not set (ctest sets it to the built pipecut-cli)");
        m_plan = path("plan.jsonl");
        m_single = path("single.json");
        QProcess p;
        QVERIFY(run(m_cli,
            { "sweep", "plan", PIPECUT_CORPUS_DIR "/pipedream/graph/test_graphs", PIPECUT_CORPUS_DIR "/piper/inputs",
                "-k", "2,4", "--methods", "balanced-work,ideal-dp", "--bound", "combinatorial", "-o", m_plan },
            120, p));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(run(m_cli, { "sweep", "run", m_plan, "--shard", "0/1", "-o", path("single.jsonl") }, 280, p));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(run(m_cli, { "sweep", "merge", m_plan, path("single.jsonl"), "--data", m_single }, 120, p));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(studyTables(m_single).value("tasks").toInt(), 32); // 8 models x 2 k x 2 methods
    }

    void gnuParallel()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("parallel")).isEmpty())
            QSKIP("GNU parallel is not installed (Debian package parallel, listed in packaging/deps.sh)");
        QProcess p;
        QVERIFY(run(QStringLiteral("bash"),
            { sourcePath("packaging/cluster/sweep-parallel.sh"), m_plan, path("parallel"), "3", "--will-cite",
                "--sshlogin", ":" },
            280, p));
        QCOMPARE(p.exitCode(), 0);
        mergeAndCompare(QStringLiteral("parallel"), 3);
    }

    void slurmArrayJob()
    {
        QProcess p;
        QVERIFY(run(QStringLiteral("bash"),
            { sourcePath("tests/cli/sweep_slurm.sh"), m_cli, sourcePath("packaging/cluster/sweep.sbatch"), m_plan, "3",
                path("slurm") },
            290, p));
        if (p.exitCode() == 77)
            QSKIP(qPrintable(QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed()));
        QCOMPARE(p.exitCode(), 0);
        mergeAndCompare(QStringLiteral("slurm"), 3);
    }
};

QTEST_GUILESS_MAIN(TestSweepEngines)
#include "tst_sweep_engines.moc"
