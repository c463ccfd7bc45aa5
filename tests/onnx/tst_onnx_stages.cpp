// pipecut-cli export --to onnx-stages (core/io/export_onnx_stages.h) on small
// hand-built models: what each stage model holds, the manifest, and every
// refusal (order, folder, source, another graph, write failure). The real
// runtime check is tst_onnx_stages_runtime.
#include "tests/onnx/model_builder.h"
#include "tests/support/cli_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <set>

using namespace pipecut;
using namespace pipecut::test;
namespace fs = std::filesystem;

namespace {

void makeExternal(onnx::TensorProto &t)
{
    t.clear_float_data();
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    auto *location = t.add_external_data();
    location->set_key("location");
    location->set_value("weights.bin");
}

// x [1, 4] -> MatMul(W) -> m -> Relu -> r -> Add(r, b) -> a -> If(c) { then: Mul(a, m) ; else: Identity(a) } -> y
// b is read by Add and by Mul (via the If's then branch), W is external data
// when `external`; k is a Constant read by Mul2 (after the If): Mul2(y, k) -> z.
OnnxModelBuilder sampleModel(bool external)
{
    OnnxModelBuilder m(13);
    m.input("x", { "1", "4" });
    m.input("c", {}, onnx::TensorProto::BOOL);
    if (external)
        makeExternal(m.init("W", { 4, 4 }));
    else
        m.init("W", { 4, 4 });
    m.init("b", { 1, 4 });
    m.node("MatMul", { "x", "W" }, { "m" }, "mm");
    m.node("Relu", { "m" }, { "r" }, "relu");
    m.node("Add", { "r", "b" }, { "a" }, "add");
    onnx::NodeProto &cond = m.node("If", { "c" }, { "y" }, "if");
    OnnxGraphBuilder then(setGraph(cond, "then_branch"));
    then.node("Mul", { "a", "b" }, { "t1" });
    then.node("Mul", { "t1", "m" }, { "t" });
    then.output("t", { "1", "4" });
    if (external) // a subgraph's own weights: their location is rewritten too
        makeExternal(then.init("s", { 1, 4 }));
    OnnxGraphBuilder otherwise(setGraph(cond, "else_branch"));
    otherwise.node("Identity", { "a" }, { "e" });
    otherwise.output("e", { "1", "4" });
    onnx::NodeProto &k = m.node("Constant", {}, { "k" }, "k");
    setFloatTensor(k, "value", { 1, 4 }, 2.0f);
    m.node("Mul", { "y", "k" }, { "z" }, "mul2");
    m.output("z", { "1", "4" });
    return m;
}

onnx::ModelProto readModel(const std::string &path)
{
    onnx::ModelProto m;
    std::ifstream in(path, std::ios::binary);
    if (!m.ParseFromIstream(&in))
        qFatal("cannot parse %s", path.c_str());
    return m;
}

std::vector<std::string> names(const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> &values)
{
    std::vector<std::string> out;
    for (const auto &v : values)
        out.push_back(v.name());
    return out;
}

QJsonObject readJson(const std::string &path)
{
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

} // namespace

class TestOnnxStages : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string &name) const { return (m_dir.path() + "/").toStdString() + name; }

    std::string writePartition(const std::string &file, const std::string &stages, int k)
    {
        std::ofstream(path(file)) << R"({"format": "pipecut-partition", "version": 1, "k": )" << k << R"(, "stages": )"
                                  << stages << "}\n";
        return path(file);
    }

private slots:
    void initTestCase()
    {
        // The sample export of docs/exports.md comes from here (run with this set, then read the folder).
        if (qEnvironmentVariableIsSet("PIPECUT_KEEP_TEST_FILES")) {
            m_dir.setAutoRemove(false);
            qInfo() << "files kept in" << m_dir.path();
        }
        QVERIFY(sampleModel(false).save(path("model.onnx")));
        fs::create_directories(path("ext"));
        QVERIFY(sampleModel(true).save(path("ext/model.onnx")));
        std::ofstream(path("ext/weights.bin"), std::ios::binary) << std::string(64, '\0');
    }

    void stagesHoldWhatTheyRead()
    {
        // Stage 3 is empty: skipped and said.
        const std::string p = writePartition("p.json", R"([["x", "mm", "relu", "add"], ["c", "if", "mul2"], []])", 3);
        const CliRun r = cli({ "export", path("model.onnx"), "-p", p, "--to", "onnx-stages", "-o", path("out") });
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(r.err.find("stage 3 has no operators") != std::string::npos);
        QVERIFY(fs::exists(path("out/stage_01.onnx")) && fs::exists(path("out/stage_02.onnx")));
        QVERIFY(!fs::exists(path("out/stage_03.onnx")));

        const onnx::ModelProto s1 = readModel(path("out/stage_01.onnx"));
        QCOMPARE(s1.ir_version(), int64_t(8));
        QCOMPARE(s1.opset_import(0).version(), int64_t(13));
        QCOMPARE(s1.graph().node_size(), 3);
        QCOMPARE(names(s1.graph().input()), std::vector<std::string>({ "x" }));
        // m is read inside the If's branch in stage 2: an outer-scope reference.
        QCOMPARE(names(s1.graph().output()), std::vector<std::string>({ "m", "a" }));
        QCOMPARE(s1.graph().output(0).type().tensor_type().elem_type(), int32_t(onnx::TensorProto::FLOAT));

        const onnx::ModelProto s2 = readModel(path("out/stage_02.onnx"));
        // The If stays whole; the Constant k is copied in before its reader.
        QCOMPARE(s2.graph().node_size(), 3);
        QCOMPARE(s2.graph().node(0).op_type(), std::string("If"));
        QCOMPARE(s2.graph().node(1).op_type(), std::string("Constant"));
        const auto in2 = names(s2.graph().input());
        QCOMPARE(std::set<std::string>(in2.begin(), in2.end()), std::set<std::string>({ "a", "c", "m" }));
        QCOMPARE(s2.graph().initializer_size(), 1); // b, read by the then branch
        QCOMPARE(names(s2.graph().output()), std::vector<std::string>({ "z" }));

        const QJsonObject p2 = readJson(path("out/pipeline.json"));
        QCOMPARE(p2["format"].toString(), QString("pipecut-onnx-stages"));
        QCOMPARE(p2["skipped_stages"].toArray(), QJsonArray({ 3 }));
        const QJsonArray shared = p2["shared_constants"].toArray();
        QCOMPARE(shared.size(), 1);
        QCOMPARE(shared[0].toObject()["name"].toString(), QString("b"));
        QCOMPARE(shared[0].toObject()["stages"].toArray(), QJsonArray({ 1, 2 }));
        QCOMPARE(shared[0].toObject()["bytes"].toDouble(), 16.0);
        const QJsonArray stages = p2["stages"].toArray();
        QCOMPARE(stages.size(), 2);
        const QJsonArray inputs = stages[1].toObject()["inputs"].toArray();
        for (const QJsonValue &i : inputs) {
            const QJsonObject o = i.toObject();
            if (o["name"] == "c")
                QCOMPARE(o["from"].toString(), QString("model input"));
            else
                QCOMPARE(o["from"].toInt(), 1);
        }
        QCOMPARE(stages[0].toObject()["outputs"].toArray()[0].toObject()["bytes"].toDouble(), 16.0);
    }

    void externalDataStaysExternal()
    {
        const std::string p = writePartition("pe.json", R"([["x", "mm"], ["relu", "add", "c", "if", "mul2"]])", 2);
        const CliRun r
            = cli({ "export", path("ext/model.onnx"), "-p", p, "--to", "onnx-stages", "-o", path("ext_out") });
        QVERIFY2(r.code == 0, r.err.c_str());
        const onnx::ModelProto s1 = readModel(path("ext_out/stage_01.onnx"));
        QCOMPARE(s1.graph().initializer(0).data_location(), onnx::TensorProto::EXTERNAL);
        QCOMPARE(s1.graph().initializer(0).external_data(0).value(), std::string("../ext/weights.bin"));
        const onnx::ModelProto s2 = readModel(path("ext_out/stage_02.onnx"));
        const onnx::NodeProto &branching = s2.graph().node(2);
        QCOMPARE(branching.op_type(), std::string("If"));
        QCOMPARE(branching.attribute(0).g().initializer(0).external_data(0).value(), std::string("../ext/weights.bin"));
        const QJsonObject m = readJson(path("ext_out/pipeline.json"))["external_data"].toObject();
        QVERIFY(m["kept_external"].toBool());
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("stages");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("message");
        const char *good = R"([["x", "mm", "relu", "add"], ["c", "if", "mul2"]])";
        struct Row {
            const char *name, *stages, *source, *out, *message;
        };
        const Row rows[] = {
            { "backward edge", R"([["x", "relu", "add", "c", "if", "mul2"], ["mm"]])", "model.onnx", "o1",
                "'mm' -> 'relu' runs backwards" },
            { "another graph", R"([["x", "conv"], ["c", "if"]])", "model.onnx", "o2", "conv" },
            { "not empty", good, "model.onnx", "full", "--force" },
            { "not onnx", R"([["a", "b"], ["c", "d"]])", "graph.dot", "o3", "needs an ONNX model" },
            { "cannot write", good, "model.onnx", "afile/out", "afile" },
        };
        for (const Row &r : rows)
            QTest::newRow(r.name) << QString(r.stages) << QString(r.source) << QString(r.out) << QString(r.message);
    }

    void refusals()
    {
        QFETCH(QString, stages);
        QFETCH(QString, source);
        QFETCH(QString, out);
        QFETCH(QString, message);
        std::ofstream(path("graph.dot")) << "digraph g { a -> b; c -> d; }\n";
        std::ofstream(path("afile")) << "not a folder\n";
        fs::create_directories(path("full"));
        std::ofstream(path("full/keep.txt")) << "mine\n";
        const std::string p = writePartition("bad.json", stages.toStdString(), 2);
        const CliRun r = cli(
            { "export", path(source.toStdString()), "-p", p, "--to", "onnx-stages", "-o", path(out.toStdString()) });
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
        QVERIFY(fs::exists(path("full/keep.txt")));
        for (const auto &entry : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(entry.path().filename().string().find(".tmp-") == std::string::npos, "a temporary folder is left");
    }

    void forceReplacesTheFolder()
    {
        fs::create_directories(path("again"));
        std::ofstream(path("again/old.txt")) << "old\n";
        const std::string p = writePartition("pf.json", R"([["x", "mm", "relu", "add"], ["c", "if", "mul2"]])", 2);
        const CliRun r
            = cli({ "export", path("model.onnx"), "-p", p, "--to", "onnx-stages", "-o", path("again"), "--force" });
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(!fs::exists(path("again/old.txt")));
        QVERIFY(fs::exists(path("again/pipeline.json")));
    }
};

QTEST_GUILESS_MAIN(TestOnnxStages)
#include "tst_onnx_stages.moc"
