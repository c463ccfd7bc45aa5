// Measured costs from runtime profiles (core/io/onnx_profile.h): CSV and ONNX
// Runtime JSON, matching by name, subgraph and runtime-inserted events, nodes
// the profile lacks, refused profiles (another model, truncated, garbage), and
// the committed ONNX Runtime profiles of the real models (tests/data/profiles,
// made by tools/ort/profile.js): imported costs sum to the kernel time within 1 %,
// and Conv/MatMul/Gemm FLOPs by pipecut's shapes equal those from the shapes
// the runtime saw within 1 %.
#include "core/cost/estimates.h"
#include "core/io/graph_io.h"
#include "core/io/onnx_profile.h"
#include "core/io/onnx_reader.h"
#include "tests/onnx/real_models.h"

#include <QTest>

#include <cmath>

using namespace pipecut;

namespace {

// a -> b -> c -> d (ms), a an ONNX-style graph input.
Graph smallGraph()
{
    GraphBuilder b("small");
    b.setUnits({ "ms", "bytes" });
    const char *ops[] = { "Input", "Conv (estimated)", "If", "Relu" };
    const char *ids[] = { "x", "conv", "If_0", "relu" };
    for (int i = 0; i < 4; ++i) {
        NodeSpec spec;
        spec.id = ids[i];
        spec.op = ops[i];
        spec.work = i == 0 ? 0.0 : 5.0;
        b.addNode(std::move(spec));
        if (i > 0)
            b.addEdge(i - 1, i);
    }
    Result<Graph> g = b.build();
    if (!g)
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

std::string profilesDir()
{
    return std::string(PIPECUT_SOURCE_DIR) + "/tests/data/profiles";
}

} // namespace

class TestOnnxProfile : public QObject {
    Q_OBJECT
private slots:
    void csvMatching()
    {
        const std::string csv = "node,ms,runs\nconv,4,2\nconv_ReorderOutput,1,2\nIf_0,3,1\n"
                                "If_0_then_branch__Inline_0__/MatMul,2,1\nstranger,7,1\n";
        Result<RuntimeProfile> p = parseRuntimeProfile(csv, "p.csv");
        QVERIFY2(p, p ? "" : p.error().c_str());
        QCOMPARE(p->entries.size(), size_t(5));
        QCOMPARE(p->runs, 2);
        ProfileMatch m;
        Result<Graph> g = applyRuntimeProfile(smallGraph(), *p, m);
        QVERIFY2(g, g ? "" : g.error().c_str());
        QCOMPARE(m.operators, 3);
        QCOMPARE(m.matched, 2);
        QCOMPARE(g->work(*g->find("conv")), 2.0 + 0.5); // 4 ms over 2 runs, plus its reorder
        QCOMPARE(g->work(*g->find("If_0")), 3.0); // its own event includes the subgraph's
        QCOMPARE(g->op(*g->find("conv")), std::string("Conv (measured)"));
        QCOMPARE(g->work(*g->find("relu")), 5.0); // not in the profile: keeps its estimate
        QCOMPARE(g->op(*g->find("relu")), std::string("Relu (estimated)"));
        QCOMPARE(m.missing, std::vector<std::string> { "relu" });
        QCOMPARE(m.unmatched, std::vector<std::string> { "stranger" });
        QCOMPARE(m.attributed.size(), size_t(1));
        QCOMPARE(m.attributed[0].second, std::string("conv"));
        QCOMPARE(m.unmatchedMs, 7.0);
        QCOMPARE(m.importedMs, 5.5);
        QCOMPARE(estimateShare(*g).nodes, int64_t(1));
        bool noted = false;
        for (const std::string &n : g->notes())
            noted |= n.find("stranger") != std::string::npos;
        QVERIFY(noted);
    }

    void ortJson()
    {
        const std::string json = R"([
 {"cat":"Session","name":"model_run","dur":900},
 {"cat":"Node","name":"conv_kernel_time","dur":1000,"args":{"op_name":"Conv","input_type_shape":[{"float":[1,3,8,8]}],"output_type_shape":[{"float":[1,4,8,8]}]}},
 {"cat":"Node","name":"conv_kernel_time","dur":3000,"args":{"op_name":"Conv"}},
 {"cat":"Node","name":"If_0_kernel_time","dur":2000,"args":{"op_name":"If"}},
 {"cat":"Node","name":"If_0_kernel_time","dur":2000,"args":{"op_name":"If"}},
 {"cat":"Node","name":"relu_kernel_time","dur":500,"args":{"op_name":"Relu"}},
 {"cat":"Node","name":"relu_kernel_time","dur":500,"args":{"op_name":"Relu"}}
])";
        Result<RuntimeProfile> p = parseRuntimeProfile(json, "p.json");
        QVERIFY2(p, p ? "" : p.error().c_str());
        QCOMPARE(p->runs, 2);
        QCOMPARE(p->entries[0].op, std::string("Conv"));
        QCOMPARE(p->entries[0].inputShapes, (std::vector<std::vector<int64_t>> { { 1, 3, 8, 8 } }));
        QCOMPARE(p->kernelMsPerRun(), 4.5);
        ProfileMatch m;
        Result<Graph> g = applyRuntimeProfile(smallGraph(), *p, m);
        QVERIFY(g);
        QCOMPARE(m.matched, 3);
        QCOMPARE(g->work(*g->find("conv")), 2.0);
        QCOMPARE(m.importedMs, m.profileMs);
        QCOMPARE(estimateShare(*g).nodes, int64_t(0));
    }

    void refused_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("another model") << "a,1\nb,2\nc,3\nrelu,1\n"
                                       << "only 1 of 3 operators";
        QTest::newRow("truncated json") << R"([{"cat":"Node","name":"conv_kernel_time","dur":10)"
                                        << "line 1";
        QTest::newRow("garbage") << "\x01\x02\x03 binary"
                                 << "expected node,ms[,runs]";
        QTest::newRow("no events") << "[{\"cat\":\"Session\",\"name\":\"x\",\"dur\":1}]"
                                   << "no node times";
        QTest::newRow("bad ms") << "conv,fast\n"
                                << "line 1: ms must be";
        QTest::newRow("bad dur") << R"([{"cat":"Node","name":"conv_kernel_time","dur":"x"}])"
                                 << "\"dur\" must be";
        QTest::newRow("empty") << ""
                               << "empty";
    }
    void refused()
    {
        QFETCH(QString, content);
        QFETCH(QString, reason);
        const std::string text = content.toStdString();
        Result<RuntimeProfile> p = parseRuntimeProfile(text, "bad.profile");
        std::string error;
        if (p) {
            ProfileMatch m;
            Result<Graph> g = applyRuntimeProfile(smallGraph(), *p, m);
            QVERIFY(!g);
            QCOMPARE(g.failure().kind, ErrorKind::BadInput);
            error = g.error();
        } else {
            QCOMPARE(p.failure().kind, ErrorKind::BadInput);
            error = p.error();
        }
        QVERIFY2(error.find("bad.profile") != std::string::npos, error.c_str());
        QVERIFY2(error.find(reason.toStdString()) != std::string::npos, error.c_str());
    }

    // The committed ONNX Runtime profiles of the real models: every operator
    // measured, every event matched, imported costs = kernel time within 1 %.
    void realModels()
    {
        const std::string cache = realOnnxModelCache(std::string(PIPECUT_SOURCE_DIR) + "/build/models");
        const std::vector<RealOnnxModel> models = realOnnxModels(cache);
        if (models.empty())
            QSKIP("the real ONNX models are not in the cache (tests/onnx/fetch_models.sh)");
        int checked = 0;
        for (const RealOnnxModel &model : models) {
            const std::string profilePath = profilesDir() + "/" + model.name + ".ort.json";
            if (!QFile::exists(QString::fromStdString(profilePath)))
                continue;
            LoadOptions options;
            options.dims = model.dims;
            Result<Graph> g = loadGraph(model.path, options);
            QVERIFY2(g, g ? "" : g.error().c_str());
            Result<RuntimeProfile> p = readRuntimeProfile(profilePath);
            QVERIFY2(p, p ? "" : p.error().c_str());
            ProfileMatch m;
            Result<Graph> measured = applyRuntimeProfile(*g, *p, m);
            QVERIFY2(measured, measured ? "" : measured.error().c_str());
            QVERIFY2(
                m.unmatched.empty(), (model.name + ": " + (m.unmatched.empty() ? "" : m.unmatched.front())).c_str());
            QCOMPARE(m.matched, m.operators);
            QVERIFY2(std::abs(m.importedMs - m.profileMs) <= 0.01 * m.profileMs,
                (model.name + ": " + std::to_string(m.importedMs) + " vs " + std::to_string(m.profileMs)).c_str());
            QVERIFY(std::abs(measured->totalWork() - m.importedMs) <= 1e-9 * m.importedMs);
            // Conv/MatMul/Gemm FLOPs by pipecut's shapes = from the runtime's shapes.
            Result<OnnxAnalysis> a = analyzeOnnxModel(model.path, options);
            QVERIFY2(a, a ? "" : a.error().c_str());
            const DenseFlops flops = denseFlops(*a, *p);
            QVERIFY2(flops.runtime > 0 && std::abs(flops.ours - flops.runtime) <= 0.01 * flops.runtime,
                (model.name + ": " + std::to_string(flops.ours) + " vs " + std::to_string(flops.runtime)).c_str());
            ++checked;
        }
        QCOMPARE(checked, static_cast<int>(models.size()));
    }
};

QTEST_APPLESS_MAIN(TestOnnxProfile)
#include "tst_onnx_profile.moc"
