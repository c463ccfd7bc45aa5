// ONNX import: every FLOP rule against a hand count, shapes (inference,
// symbolic dims), folding of constants, control flow, external data, bad files.
#include "core/cost/device_profile.h"
#include "core/io/onnx_reader.h"
#include "tests/onnx/model_builder.h"
#include "tests/support/test_graphs.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

using namespace pipecut;
using pipecut::test::OnnxModelBuilder;
using T = onnx::TensorProto;

namespace {

const OnnxNodeCost *findNode(const OnnxAnalysis &a, const std::string &id)
{
    for (const OnnxNodeCost &n : a.nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

std::string joined(const std::vector<std::string> &notes)
{
    std::string s;
    for (const std::string &n : notes)
        s += n + "\n";
    return s;
}

// One model per operator rule; the operator under test is named "target".
using ModelFn = std::function<void(OnnxModelBuilder &)>;
const std::map<std::string, ModelFn> &ruleModels()
{
    static const std::map<std::string, ModelFn> models = {
        { "Conv",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "3", "8", "8" });
                m.init("w", { 4, 3, 3, 3 });
                m.init("b", { 4 });
                auto &n = m.node("Conv", { "x", "w", "b" }, { "y" }, "target");
                test::setInts(n, "pads", { 1, 1, 1, 1 });
                m.output("y");
            } },
        { "Conv depthwise",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "4", "8", "8" });
                m.init("w", { 4, 1, 3, 3 });
                auto &n = m.node("Conv", { "x", "w" }, { "y" }, "target");
                test::setInts(n, "pads", { 1, 1, 1, 1 });
                test::setInt(n, "group", 4);
                m.output("y");
            } },
        { "ConvTranspose",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "2", "4", "4" });
                m.init("w", { 2, 3, 2, 2 });
                auto &n = m.node("ConvTranspose", { "x", "w" }, { "y" }, "target");
                test::setInts(n, "strides", { 2, 2 });
                m.output("y");
            } },
        { "MatMul",
            [](OnnxModelBuilder &m) {
                m.input("a", { "2", "3" });
                m.init("b", { 3, 4 });
                m.node("MatMul", { "a", "b" }, { "y" }, "target");
                m.output("y");
            } },
        { "MatMul batched",
            [](OnnxModelBuilder &m) {
                m.input("a", { "2", "5", "3", "4" });
                m.input("b", { "2", "5", "4", "6" });
                m.node("MatMul", { "a", "b" }, { "y" }, "target");
                m.output("y");
            } },
        { "Gemm",
            [](OnnxModelBuilder &m) {
                m.input("a", { "2", "3" });
                m.init("b", { 4, 3 });
                m.init("c", { 4 });
                auto &n = m.node("Gemm", { "a", "b", "c" }, { "y" }, "target");
                test::setInt(n, "transB", 1);
                m.output("y");
            } },
        { "Einsum",
            [](OnnxModelBuilder &m) {
                m.input("a", { "2", "3", "4" });
                m.input("b", { "2", "4", "5" });
                auto &n = m.node("Einsum", { "a", "b" }, { "y" }, "target");
                test::setString(n, "equation", "bij,bjk->bik");
                m.output("y", { "2", "3", "5" }); // ONNX 1.12 infers Einsum's rank only: the file's type fills in
            } },
        { "MultiHeadAttention",
            [](OnnxModelBuilder &m) {
                m.addOpset("com.microsoft", 1);
                m.input("q", { "1", "4", "8" });
                m.input("k", { "1", "6", "8" });
                m.input("v", { "1", "6", "8" });
                auto &n = m.node("MultiHeadAttention", { "q", "k", "v" }, { "y" }, "target", "com.microsoft");
                test::setInt(n, "num_heads", 2);
                m.output("y");
            } },
        { "Relu",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "3", "4" });
                m.node("Relu", { "x" }, { "y" }, "target");
                m.output("y");
            } },
        { "Sigmoid",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "3", "4" });
                m.node("Sigmoid", { "x" }, { "y" }, "target");
                m.output("y");
            } },
        { "Add broadcast",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "3", "4" });
                m.init("c", { 4 });
                m.node("Add", { "x", "c" }, { "y" }, "target");
                m.output("y");
            } },
        { "Softmax",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "10" });
                m.node("Softmax", { "x" }, { "y" }, "target");
                m.output("y");
            } },
        { "LayerNormalization",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "8" });
                m.init("s", { 8 });
                m.init("b", { 8 });
                m.node("LayerNormalization", { "x", "s", "b" }, { "y" }, "target");
                m.output("y");
            } },
        { "BatchNormalization",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "4", "2", "2" });
                for (const char *p : { "s", "b", "mean", "var" })
                    m.init(p, { 4 });
                m.node("BatchNormalization", { "x", "s", "b", "mean", "var" }, { "y" }, "target");
                m.output("y");
            } },
        { "MaxPool",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "2", "8", "8" });
                auto &n = m.node("MaxPool", { "x" }, { "y" }, "target");
                test::setInts(n, "kernel_shape", { 2, 2 });
                test::setInts(n, "strides", { 2, 2 });
                m.output("y");
            } },
        { "GlobalAveragePool",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "2", "8", "8" });
                m.node("GlobalAveragePool", { "x" }, { "y" }, "target");
                m.output("y");
            } },
        { "ReduceMean",
            [](OnnxModelBuilder &m) {
                m.input("x", { "4", "6" });
                auto &n = m.node("ReduceMean", { "x" }, { "y" }, "target");
                test::setInts(n, "axes", { 1 });
                m.output("y");
            } },
        { "Transpose",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "3" });
                m.node("Transpose", { "x" }, { "y" }, "target");
                m.output("y");
            } },
        { "Reshape",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "3" });
                m.init("shape", { 2 }, T::INT64, { 3, 2 });
                m.node("Reshape", { "x", "shape" }, { "y" }, "target");
                m.output("y");
            } },
        { "Resize linear",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "1", "2", "2" });
                auto &scales = m.init("scales", { 4 });
                scales.clear_float_data();
                for (float s : { 1.f, 1.f, 2.f, 2.f })
                    scales.add_float_data(s);
                auto &n = m.node("Resize", { "x", "", "scales" }, { "y" }, "target");
                test::setString(n, "mode", "linear");
                m.output("y");
            } },
        { "Resize nearest",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "1", "2", "2" });
                auto &scales = m.init("scales", { 4 });
                scales.clear_float_data();
                for (float s : { 1.f, 1.f, 2.f, 2.f })
                    scales.add_float_data(s);
                m.node("Resize", { "x", "", "scales" }, { "y" }, "target");
                m.output("y");
            } },
        { "LSTM",
            [](OnnxModelBuilder &m) {
                m.input("x", { "5", "1", "3" });
                m.init("w", { 1, 8, 3 });
                m.init("r", { 1, 8, 2 });
                auto &n = m.node("LSTM", { "x", "w", "r" }, { "y" }, "target");
                test::setInt(n, "hidden_size", 2);
                m.output("y");
            } },
        { "GRU",
            [](OnnxModelBuilder &m) {
                m.input("x", { "5", "1", "3" });
                m.init("w", { 1, 6, 3 });
                m.init("r", { 1, 6, 2 });
                auto &n = m.node("GRU", { "x", "w", "r" }, { "y" }, "target");
                test::setInt(n, "hidden_size", 2);
                m.output("y");
            } },
        { "unknown op",
            [](OnnxModelBuilder &m) {
                m.addOpset("com.example", 1);
                m.input("x", { "2", "3" });
                m.node("FooBar", { "x" }, { "y" }, "target", "com.example");
                m.output("y");
            } },
        { "Constant folded",
            [](OnnxModelBuilder &m) {
                m.input("x", { "4" });
                test::setFloatTensor(m.node("Constant", {}, { "c" }, "const"), "value", { 4 }, 1.f);
                m.node("Add", { "x", "c" }, { "y" }, "target");
                m.output("y");
            } },
    };
    return models;
}

} // namespace

class TestOnnxReader : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const std::string &name) const { return (m_dir.path() + "/").toStdString() + name; }

    OnnxAnalysis analyze(OnnxModelBuilder &m, const std::string &file, const LoadOptions &options = {})
    {
        const std::string p = path(file);
        if (!m.save(p))
            qFatal("cannot write %s", p.c_str());
        Result<OnnxAnalysis> a = analyzeOnnxModel(p, options);
        if (!a)
            qFatal("%s", a.error().c_str());
        return std::move(a).value();
    }

    std::string loadError(const std::string &file)
    {
        Result<Graph> g = loadOnnxGraph(path(file), {});
        return g ? std::string() : g.error();
    }

private slots:
    // Hand counts (E = elements; floats are 4 bytes, int64 8):
    void operatorRules_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<double>("flops");
        QTest::addColumn<double>("bytes");
        QTest::addColumn<double>("param");
        QTest::addColumn<bool>("estimated");
        // Y [1,4,8,8] (256): 2*256*3*9 + 256 bias; bytes 768 x + 432 w + 16 b + 1024 y.
        QTest::newRow("Conv") << "Conv" << 14080.0 << 2240.0 << 448.0 << false;
        // group 4: C_in/group = 1: 2*256*1*9; bytes 1024 + 144 + 1024.
        QTest::newRow("Conv depthwise") << "Conv depthwise" << 4608.0 << 2192.0 << 144.0 << false;
        // 2 E(X)=32 x C_out/group 3 x k 4 = 768; bytes 128 x + 96 w + 768 y [1,3,8,8].
        QTest::newRow("ConvTranspose") << "ConvTranspose" << 768.0 << 992.0 << 96.0 << false;
        // 2*8*3; bytes 24 + 48 + 32.
        QTest::newRow("MatMul") << "MatMul" << 48.0 << 104.0 << 48.0 << false;
        // Y [2,5,3,6] = 180: 2*180*4; bytes 480 + 960 + 720.
        QTest::newRow("MatMul batched") << "MatMul batched" << 1440.0 << 2160.0 << 0.0 << false;
        // 2*8*3 + 8 (C); bytes 24 + 48 + 16 + 32.
        QTest::newRow("Gemm") << "Gemm" << 56.0 << 120.0 << 64.0 << false;
        // b2 i3 j4 k5: 2*120; bytes 96 + 160 + 120 (y [2,3,5]).
        QTest::newRow("Einsum") << "Einsum" << 240.0 << 376.0 << 0.0 << false;
        // 4*B*Sq*Skv*H + 5*B*heads*Sq*Skv = 4*1*4*6*8 + 5*1*2*4*6; output shape guessed
        // (contrib op unknown to ONNX shape inference): y = largest input [1,6,8].
        QTest::newRow("MultiHeadAttention")
            << "MultiHeadAttention" << 1008.0 << (128.0 + 192 + 192 + 192) << 0.0 << true;
        QTest::newRow("Relu") << "Relu" << 24.0 << 192.0 << 0.0 << false;
        QTest::newRow("Sigmoid") << "Sigmoid" << 96.0 << 192.0 << 0.0 << false;
        QTest::newRow("Add broadcast") << "Add broadcast" << 24.0 << 208.0 << 16.0 << false;
        QTest::newRow("Softmax") << "Softmax" << 100.0 << 160.0 << 0.0 << false;
        // 8 E(X); bytes 64 + 32 + 32 + 64 (opset 17 for LayerNormalization).
        QTest::newRow("LayerNormalization") << "LayerNormalization" << 128.0 << 192.0 << 64.0 << false;
        QTest::newRow("BatchNormalization") << "BatchNormalization" << 32.0 << 192.0 << 64.0 << false;
        // Y [1,2,4,4] = 32, k = 4; bytes 512 + 128.
        QTest::newRow("MaxPool") << "MaxPool" << 128.0 << 640.0 << 0.0 << false;
        QTest::newRow("GlobalAveragePool") << "GlobalAveragePool" << 128.0 << 520.0 << 0.0 << false;
        // E(X) = 24; y [4,1].
        QTest::newRow("ReduceMean") << "ReduceMean" << 24.0 << 112.0 << 0.0 << false;
        QTest::newRow("Transpose") << "Transpose" << 0.0 << 48.0 << 0.0 << false;
        // 0 FLOPs; bytes 24 + 16 (shape) + 24; the shape tensor is a param.
        QTest::newRow("Reshape") << "Reshape" << 0.0 << 64.0 << 16.0 << false;
        // Y [1,1,4,4] = 16, two resized axes: 2^3 per element; bytes 16 + 16 + 64.
        QTest::newRow("Resize linear") << "Resize linear" << 128.0 << 96.0 << 16.0 << false;
        QTest::newRow("Resize nearest") << "Resize nearest" << 0.0 << 96.0 << 16.0 << false;
        // S5 B1 I3 H2: 5 * (8*2*5 + 32*2); Y [5,1,1,2]; bytes 60 + 96 + 64 + 40.
        QTest::newRow("LSTM") << "LSTM" << 720.0 << 260.0 << 160.0 << false;
        // 5 * (6*2*5 + 22*2); bytes 60 + 72 + 48 + 40.
        QTest::newRow("GRU") << "GRU" << 520.0 << 220.0 << 120.0 << false;
        // Default: 1 FLOP per output element; the output takes x's shape [2,3].
        QTest::newRow("unknown op") << "unknown op" << 6.0 << 48.0 << 0.0 << true;
        // The Constant is no node: its 16 bytes are the Add's param.
        QTest::newRow("Constant folded") << "Constant folded" << 4.0 << 48.0 << 16.0 << false;
    }

    void operatorRules()
    {
        QFETCH(QString, model);
        QFETCH(double, flops);
        QFETCH(double, bytes);
        QFETCH(double, param);
        QFETCH(bool, estimated);
        OnnxModelBuilder m(model == "LayerNormalization" ? 17 : 13);
        ruleModels().at(model.toStdString())(m);
        const OnnxAnalysis a = analyze(m, "rule.onnx");
        const OnnxNodeCost *n = findNode(a, "target");
        QVERIFY2(n, joined(a.notes).c_str());
        QCOMPARE(n->flops, flops);
        QCOMPARE(n->bytesMoved, bytes);
        QCOMPARE(n->param, param);
        QCOMPARE(n->estimated, estimated);
        QCOMPARE(a.estimatedNodes > 0, estimated);
        QVERIFY(!findNode(a, "const")); // Constants never become nodes
        if (model == "unknown op") {
            QCOMPARE(a.unknownOps.at("FooBar"), 1);
            QVERIFY(joined(a.notes).find("FooBar x1") != std::string::npos);
        } else {
            QVERIFY2(a.unknownOps.empty(), joined(a.notes).c_str());
        }
    }

    // Sources, edges, out of multi-output nodes, scopes, ids, shared constants.
    void graphStructure()
    {
        OnnxModelBuilder m;
        m.input("x", { "4", "6" });
        m.init("split", { 2 }, T::INT64, { 2, 2 });
        m.init("w", { 6, 6 });
        m.node("Split", { "x", "split" }, { "s0", "s1" }, "/encoder/layer.3/attention/Split");
        m.node("MatMul", { "s0", "w" }, { "m0" }, "/encoder/layer.3/attention/MatMul");
        m.node("MatMul", { "m0", "w" }, { "m1" });
        m.node("Relu", { "m1" }, { "y" });
        m.output("y");
        m.output("s1");
        const OnnxAnalysis a = analyze(m, "structure.onnx");
        QCOMPARE(a.nodes.size(), size_t(5));
        const OnnxNodeCost *x = findNode(a, "x");
        QVERIFY(x);
        QCOMPARE(x->op, std::string("Input"));
        QCOMPARE(x->flops, 0.0);
        QCOMPARE(x->out, 96.0);
        const OnnxNodeCost *split = findNode(a, "/encoder/layer.3/attention/Split");
        QVERIFY(split);
        QCOMPARE(split->scope, std::string("encoder/layer.3/attention"));
        QCOMPARE(split->out, 48.0); // only s0 has a consumer
        QCOMPARE(split->bytesMoved, 96.0 + 16 + 96); // but both outputs are written
        const OnnxNodeCost *unnamed = findNode(a, "MatMul_2");
        QVERIFY(unnamed);
        QCOMPARE(unnamed->scope, std::string());
        QCOMPARE(unnamed->param, 144.0); // the shared weight counts for each consumer
        QCOMPARE(a.sharedParam, 144.0);
        QCOMPARE(a.totalParam, 16.0 + 144 + 144);
        QCOMPARE(findNode(a, "Relu_3")->out, 0.0); // graph outputs have no consumer
        QCOMPARE(a.edges.size(), size_t(4));

        Result<Graph> g = onnxGraphFor(a, defaultDeviceProfile());
        QVERIFY(g);
        QCOMPARE(g->nodeCount(), 5);
        QCOMPARE(g->edgeCount(), 4);
        QCOMPARE(g->units().time, std::string("ms"));
        QCOMPARE(g->bandwidth(), defaultDeviceProfile().linkBytesPerSecond / 1000.0);
        QCOMPARE(g->scope(*g->find("/encoder/layer.3/attention/MatMul")), std::string("encoder/layer.3/attention"));
    }

    // work = 1000 max(FLOPs / F, bytes / M) ms, under a user profile from JSON.
    void rooflineWork_data()
    {
        QTest::addColumn<double>("flopRate");
        QTest::addColumn<double>("memoryRate");
        QTest::addColumn<double>("work");
        QTest::newRow("memory-bound") << 1000.0 << 100.0 << 1040.0; // 104 bytes / 100 B/s
        QTest::newRow("compute-bound") << 10.0 << 1e6 << 4800.0; // 48 FLOPs / 10 FLOP/s
    }
    void rooflineWork()
    {
        QFETCH(double, flopRate);
        QFETCH(double, memoryRate);
        QFETCH(double, work);
        OnnxModelBuilder m;
        ruleModels().at("MatMul")(m);
        const std::string model = path("roofline.onnx");
        QVERIFY(m.save(model));
        DeviceProfile d { "test-device", "for tests", flopRate, memoryRate, 5000.0, 0 };
        const std::string profile = path("device.json");
        std::ofstream(profile) << deviceProfileToJson(d);
        LoadOptions options;
        options.device = profile;
        Result<Graph> g = loadOnnxGraph(model, options);
        QVERIFY2(g, g ? "" : g.error().c_str());
        QCOMPARE(g->work(*g->find("target")), work);
        QCOMPARE(g->work(*g->find("a")), 0.0);
        QCOMPARE(g->bandwidth(), 5.0); // 5000 B/s = 5 bytes per ms
    }

    // Symbolic dims: named (dim_param) and anonymous (INPUT:AXIS).
    void symbolicDimensions()
    {
        auto build = [](OnnxModelBuilder &m) {
            m.input("x", { "batch", "?", "4" });
            m.init("w", { 4, 8 });
            m.node("MatMul", { "x", "w" }, { "y" }, "target");
            m.output("y");
        };
        OnnxModelBuilder m1;
        build(m1);
        const OnnxAnalysis unresolved = analyze(m1, "sym.onnx");
        QCOMPARE(unresolved.symbolicDims.size(), size_t(2));
        QVERIFY(!unresolved.symbolicDims.at("batch"));
        QVERIFY(!unresolved.symbolicDims.at("x:1"));
        QCOMPARE(findNode(unresolved, "target")->flops, 2.0 * 8 * 4); // both taken as 1
        QVERIFY(findNode(unresolved, "target")->estimated);
        QCOMPARE(unresolved.estimatedNodes, 2);
        QVERIFY(joined(unresolved.notes).find("batch") != std::string::npos);
        QVERIFY(joined(unresolved.notes).find("ESTIMATED") != std::string::npos);

        OnnxModelBuilder m2;
        build(m2);
        LoadOptions options;
        options.dims = { { "batch", 3 }, { "x:1", 5 } };
        const OnnxAnalysis resolved = analyze(m2, "sym.onnx", options);
        QCOMPARE(*resolved.symbolicDims.at("batch"), int64_t(3));
        QCOMPARE(findNode(resolved, "target")->flops, 2.0 * (3 * 5 * 8) * 4);
        QCOMPARE(findNode(resolved, "x")->out, 3.0 * 5 * 4 * 4);
        QCOMPARE(resolved.estimatedNodes, 0);
        Result<Graph> g = onnxGraphFor(resolved, defaultDeviceProfile());
        QVERIFY(g);
        QCOMPARE(g->op(*g->find("target")), std::string("MatMul"));
        Result<Graph> ge = onnxGraphFor(unresolved, defaultDeviceProfile());
        QCOMPARE(ge->op(*ge->find("target")), std::string("MatMul (estimated)"));

        // The generic loader (the window's and the CLI's way in) reports the same
        // dimensions and builds the same graph.
        const std::string file = path("sym-load.onnx");
        QVERIFY(m2.save(file));
        LoadDetails details;
        Result<Graph> loaded = loadGraph(file, options, &details);
        QVERIFY2(loaded, loaded ? "" : loaded.error().c_str());
        QCOMPARE(details.symbolicDims, resolved.symbolicDims);
        QCOMPARE(loaded->work(*loaded->find("target")), g->work(*g->find("target")));
        QCOMPARE(loaded->out(*loaded->find("x")), g->out(*g->find("x")));
        LoadDetails none;
        QVERIFY(loadGraph(test::corpusPath("piper/inputs/resnet.json"), {}, &none));
        QVERIFY(none.symbolicDims.empty()); // not ONNX: nothing to report
    }

    // Reshape targets computed at run time (opset 11: ONNX 1.12 does not
    // propagate these values itself) are resolved so the MatMul after them is exact.
    void reshapeFromShapeArithmetic()
    {
        OnnxModelBuilder m(11);
        m.input("x", { "2", "3", "4" });
        m.init("zero", {}, T::INT64, { 0 });
        m.init("minus1", { 1 }, T::INT64, { -1 });
        m.init("w", { 12, 5 });
        m.node("Shape", { "x" }, { "s" });
        m.node("Gather", { "s", "zero" }, { "g" });
        auto &u = m.node("Unsqueeze", { "g" }, { "u" });
        test::setInts(u, "axes", { 0 });
        auto &c = m.node("Concat", { "u", "minus1" }, { "c" });
        test::setInt(c, "axis", 0);
        m.node("Reshape", { "x", "c" }, { "y" }, "reshape");
        m.node("MatMul", { "y", "w" }, { "z" }, "target");
        m.output("z");
        const OnnxAnalysis a = analyze(m, "reshape.onnx");
        QCOMPARE(findNode(a, "reshape")->out, 96.0); // y [2, 12]
        QCOMPARE(findNode(a, "target")->flops, 2.0 * 10 * 12); // z [2, 5], K = 12
        QCOMPARE(a.estimatedNodes, 0);
    }

    // Pad with run-time pads (opset 11): resolved the same way.
    void padFromShapeArithmetic()
    {
        OnnxModelBuilder m(11);
        m.input("x", { "1", "4" });
        m.init("p0", { 2 }, T::INT64, { 0, 1 });
        m.init("p1", { 2 }, T::INT64, { 0, 2 });
        m.init("w", { 7, 3 });
        auto &c = m.node("Concat", { "p0", "p1" }, { "pads" });
        test::setInt(c, "axis", 0);
        m.node("Pad", { "x", "pads" }, { "y" }, "pad");
        m.node("MatMul", { "y", "w" }, { "z" }, "target");
        m.output("z");
        const OnnxAnalysis a = analyze(m, "pad.onnx");
        QCOMPARE(findNode(a, "pad")->out, 28.0); // y [1, 7]
        QCOMPARE(findNode(a, "target")->flops, 2.0 * 3 * 7); // z [1, 3], K = 7
        QCOMPARE(a.estimatedNodes, 0);
    }

    // A --dim name the model does not have is a usage error naming it and
    // listing the model's symbolic dimensions; the load report says where each appears.
    void unknownDimName()
    {
        OnnxModelBuilder m;
        m.input("x", { "batch", "?", "4" });
        m.init("w", { 4, 8 });
        m.node("MatMul", { "x", "w" }, { "y" }, "target");
        m.output("y");
        const std::string file = path("dims.onnx");
        QVERIFY(m.save(file));
        Result<OnnxAnalysis> good = analyzeOnnxModel(file, {});
        QVERIFY(good);
        const Status bad = checkDimNames(file, { { "no_such_dim", 3 } }, good->symbolicDims);
        QVERIFY(!bad);
        QCOMPARE(bad.failure().kind, ErrorKind::Usage);
        QVERIFY2(bad.error().find("no_such_dim") != std::string::npos, bad.error().c_str());
        QVERIFY2(bad.error().find("batch, x:1") != std::string::npos, bad.error().c_str());
        QVERIFY(checkDimNames(file, { { "batch", 3 } }, good->symbolicDims));
        QCOMPARE(good->symbolicDimUses.at("batch"), std::vector<std::string> { "x axis 0" });
        QVERIFY2(joined(good->notes).find("batch = 1 (unset) at x axis 0") != std::string::npos,
            joined(good->notes).c_str());
    }

    // Pad whose pads come from Split -> Concat of a constant (a tf2onnx pattern).
    void padFromSplitConcat()
    {
        OnnxModelBuilder m(11);
        m.input("x", { "1", "4" });
        m.init("pp", { 4 }, T::INT64, { 0, 1, 0, 2 });
        m.init("w", { 7, 3 });
        auto &split = m.node("Split", { "pp" }, { "a", "b" });
        test::setInt(split, "axis", 0);
        auto &c = m.node("Concat", { "b", "a" }, { "pads" });
        test::setInt(c, "axis", 0);
        m.node("Pad", { "x", "pads" }, { "y" }, "pad");
        m.node("MatMul", { "y", "w" }, { "z" }, "target");
        m.output("z");
        const OnnxAnalysis a = analyze(m, "pad-split.onnx");
        QCOMPARE(findNode(a, "pad")->out, 28.0); // pads [0, 2, 0, 1]: y [1, 7]
        QCOMPARE(findNode(a, "target")->flops, 2.0 * 3 * 7);
        QCOMPARE(a.estimatedNodes, 0);
    }

    // An output of unknown shape is guessed from the node's activations, never
    // from a weight, and is marked estimated.
    void noShapeFromWeights()
    {
        OnnxModelBuilder m;
        m.input("x", { "1", "4" });
        m.init("w", { 100, 100 });
        m.node("Mystery", { "x", "w" }, { "y" }, "custom", "example.custom");
        m.node("Relu", { "y" }, { "z" }, "after");
        m.output("z");
        const OnnxAnalysis a = analyze(m, "weights.onnx");
        QCOMPARE(findNode(a, "after")->flops, 4.0); // [1, 4], not [100, 100]
        QVERIFY(findNode(a, "after")->estimated);
        QVERIFY(findNode(a, "custom")->estimated);
    }

    // If branches of different output shapes, not declared: the larger branch's
    // shape reaches the consumers.
    void ifOutputShapeFromBranch()
    {
        OnnxModelBuilder m;
        test::addIfModel(m, "target");
        const OnnxAnalysis a = analyze(m, "if.onnx");
        const OnnxNodeCost *n = findNode(a, "target");
        QVERIFY(n);
        QCOMPARE(n->flops, 2.0 * 4 * 4); // then: MatMul 32 > else: Relu 4
        QCOMPARE(n->param, 64.0); // w1
        QCOMPARE(n->bytesMoved, (16.0 + 64 + 16) + 1); // then-branch bytes + the condition
        QCOMPARE(n->out, 16.0);
        QCOMPARE(a.edges.size(), size_t(3)); // cond -> If, x -> If (implicit), If -> after
        QCOMPARE(a.nodes.size(), size_t(4));
    }

    // Loop: body x constant trip count; Scan-less default when M is not constant.
    void loopSubgraph_data()
    {
        QTest::addColumn<bool>("constantTrips");
        QTest::addColumn<double>("flops");
        QTest::newRow("M = 3") << true << 3.0 * 4;
        QTest::newRow("M unknown") << false << double(kDefaultTripCount) * 4;
    }
    void loopSubgraph()
    {
        QFETCH(bool, constantTrips);
        QFETCH(double, flops);
        OnnxModelBuilder m;
        test::addLoopModel(m, "target", constantTrips);
        const OnnxAnalysis a = analyze(m, "loop.onnx");
        const OnnxNodeCost *n = findNode(a, "target");
        QVERIFY(n);
        QCOMPARE(n->flops, flops);
        QCOMPARE(n->estimated, !constantTrips);
        QCOMPARE(joined(a.notes).find("trip count") != std::string::npos, !constantTrips);
    }

    // External data: sizes come from dims; the data file is never read. A
    // 4 GiB weight (sparse file) shows the > 2 GB path.
    void externalData()
    {
        OnnxModelBuilder m;
        m.input("idx", { "2" }, T::INT64);
        auto &w = m.init("w", { int64_t(1) << 20, 1024 });
        w.set_data_location(T::EXTERNAL);
        auto *loc = w.add_external_data();
        loc->set_key("location");
        loc->set_value("weights.bin");
        m.node("Gather", { "w", "idx" }, { "y" }, "target");
        m.output("y");
        {
            std::ofstream big(path("weights.bin"), std::ios::binary);
        }
        std::filesystem::resize_file(path("weights.bin"), uintmax_t(4) << 30); // sparse: no disk used
        const OnnxAnalysis a = analyze(m, "external.onnx");
        const OnnxNodeCost *n = findNode(a, "target");
        QCOMPARE(n->param, 4294967296.0);
        QCOMPARE(a.totalParam, 4294967296.0);
        QCOMPARE(n->flops, 0.0);
        QCOMPARE(n->out, 0.0);
        QVERIFY(joined(a.notes).find("external data files not found") == std::string::npos);

        std::filesystem::remove(path("weights.bin"));
        const OnnxAnalysis missing = analyze(m, "external.onnx");
        QCOMPARE(findNode(missing, "target")->param, 4294967296.0);
        QVERIFY(joined(missing.notes).find("weights.bin") != std::string::npos);
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing file") << "missing"
                                      << "no such file";
        QTest::newRow("empty file") << "empty"
                                    << "not an ONNX model";
        QTest::newRow("text") << "text"
                              << "not";
        QTest::newRow("json") << "json"
                              << "not";
        QTest::newRow("truncated 10%") << "truncated:10"
                                       << "";
        QTest::newRow("truncated 50%") << "truncated:50"
                                       << "";
        QTest::newRow("truncated 90%") << "truncated:90"
                                       << "";
        QTest::newRow("truncated 99%") << "truncated:99"
                                       << "";
        QTest::newRow("wrong opset") << "opset99"
                                     << "uses opset 99 of the ONNX domain";
        QTest::newRow("opset 0") << "opset0"
                                 << "uses opset 0";
        QTest::newRow("no opset") << "noopset"
                                  << "declares no opset";
        QTest::newRow("no nodes") << "nonodes"
                                  << "has no graph nodes";
        QTest::newRow("missing input") << "missinginput"
                                       << "reads 'nowhere', which no node";
        QTest::newRow("cycle") << "cycle"
                               << "cycle";
        QTest::newRow("produced twice") << "twice"
                                        << "produced twice";
        QTest::newRow("over 2 GiB") << "huge"
                                    << "protobuf cannot parse a message over 2 GiB";
    }
    void badFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const std::string k = kind.toStdString();
        const std::string file = path("bad.onnx");
        std::filesystem::remove(file);
        auto good = [] {
            OnnxModelBuilder m;
            m.input("x", { "2", "3" });
            m.init("w", { 3, 64 });
            m.node("MatMul", { "x", "w" }, { "h" });
            m.node("Relu", { "h" }, { "y" });
            m.output("y");
            return m;
        };
        if (k == "empty") {
            std::ofstream(file, std::ios::binary);
        } else if (k == "text") {
            std::ofstream(file) << "hello, this is not an ONNX model at all\n";
        } else if (k == "json") {
            std::ofstream(file) << R"({"format": "pipecut-graph", "nodes": []})";
        } else if (k.rfind("truncated:", 0) == 0) {
            const std::string bytes = good().bytes();
            const size_t keep = bytes.size() * std::stoi(k.substr(10)) / 100;
            std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
        } else if (k == "opset99" || k == "opset0") {
            OnnxModelBuilder m = good();
            m.model().mutable_opset_import(0)->set_version(k == "opset99" ? 99 : 0);
            QVERIFY(m.save(file));
        } else if (k == "noopset") {
            OnnxModelBuilder m = good();
            m.model().clear_opset_import();
            QVERIFY(m.save(file));
        } else if (k == "nonodes") {
            OnnxModelBuilder m;
            m.input("x", { "2" });
            QVERIFY(m.save(file));
        } else if (k == "missinginput") {
            OnnxModelBuilder m = good();
            m.node("Add", { "y", "nowhere" }, { "z" });
            QVERIFY(m.save(file));
        } else if (k == "cycle") {
            OnnxModelBuilder m;
            m.input("x", { "2" });
            m.node("Add", { "x", "c" }, { "b" }, "first");
            m.node("Relu", { "b" }, { "c" }, "second");
            m.output("c");
            QVERIFY(m.save(file));
        } else if (k == "huge") { // sparse: no disk used, never read
            std::ofstream(file, std::ios::binary) << good().bytes();
            std::filesystem::resize_file(file, uintmax_t(3) << 30);
        } else if (k == "twice") {
            OnnxModelBuilder m = good();
            m.node("Relu", { "x" }, { "h" });
            QVERIFY(m.save(file));
        }
        const std::string error = loadError("bad.onnx");
        QVERIFY2(!error.empty(), ("no error for " + k).c_str());
        QVERIFY2(error.rfind(file, 0) == 0, error.c_str()); // names the file first
        QVERIFY2(error.find(expected.toStdString()) != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestOnnxReader)
#include "tst_onnx_reader.moc"
