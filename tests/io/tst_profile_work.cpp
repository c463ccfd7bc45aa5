// Device profiles re-cost ONNX and LLM graphs per cluster device
// (docs/model.md §1.7, core/io/profile_work.h): a device naming profile X
// gets, node by node, the work that loading the graph with `--device X` gives;
// its speed is 1 unless the cluster gives one; measured times and other
// formats keep the speed rule. On a small ONNX model built here, on a real one
// from PIPECUT_MODEL_CACHE, and on a Hugging Face config.

#include "core/cost/cluster.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/io/profile_work.h"
#include "core/partition/partitioner.h"
#include "tests/onnx/model_builder.h"
#include "tests/onnx/real_models.h"
#include "tests/support/cluster_runs.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <fstream>

using namespace pipecut;

namespace {

const char *const kDevices = R"({"format": "pipecut-cluster", "version": 1, "devices": [
    {"name": "a", "profile": "a100-fp16"}, {"name": "b", "profile": "l4-fp16"},
    {"name": "c", "profile": "l4-fp16", "speed": 2}, {"name": "d", "speed": 0.5}]})";

const char *const kConfig = R"({"model_type": "llama", "hidden_size": 256, "intermediate_size": 512,
    "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 4, "vocab_size": 1000,
    "torch_dtype": "bfloat16"})";

std::vector<double> worksOf(const Graph &g)
{
    return std::vector<double>(g.works().begin(), g.works().end());
}

} // namespace

class TestProfileWork : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const std::string &name, const std::string &text)
    {
        const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    // The cluster of kDevices on the graph at `path` (loaded with `options`,
    // whose device is the reader's default): devices b and c run on l4-fp16's
    // work, a on a100-fp16's (the graph's own), d keeps its speed rule.
    // Re-costed from what the load kept (no second read of the file) and,
    // equal node by node, from the file read again.
    void checkProfiles(const std::string &path, const LoadOptions &options, const char *first)
    {
        LoadDetails details;
        auto g = loadGraph(path, options, &details);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        QVERIFY(details.origin.onnx || details.origin.config);
        QVERIFY(details.origin.times == CostOrigin::Times::Profile); // recorded by the load
        auto cluster
            = parseCluster(std::string(kDevices).replace(std::string(kDevices).find("a100-fp16"), 9, first), "c.json");
        QVERIFY2(cluster.ok(), cluster.ok() ? "" : cluster.error().c_str());
        auto base = applyCluster(CostParams::fromGraph(*g), *cluster);
        QVERIFY(base.ok());
        auto p = applyProfileWork(*base, *cluster, *g, details.origin);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().c_str());
        auto reread = applyProfileWork(
            *base, *cluster, *g, CostOrigin { .options = options, .times = CostOrigin::Times::Profile });
        QVERIFY2(reread.ok(), reread.ok() ? "" : reread.error().c_str());
        for (size_t j = 0; j < 3; ++j) {
            QVERIFY(reread->devices[j].work);
            QCOMPARE(*p->devices[j].work, *reread->devices[j].work);
            QCOMPARE(p->devices[j].speed, reread->devices[j].speed);
        }
        LoadOptions l4 = options;
        l4.device = "l4-fp16";
        auto onL4 = loadGraph(path, l4);
        QVERIFY(onL4.ok());
        QVERIFY(p->devices[1].work && p->devices[2].work && p->devices[0].work);
        QCOMPARE(*p->devices[1].work, worksOf(*onL4));
        QVERIFY(p->devices[2].work == p->devices[1].work); // one column per profile
        QCOMPARE(*p->devices[0].work, worksOf(*g));
        QCOMPARE(p->devices[1].speed, 1.0);
        QCOMPARE(p->devices[2].speed, 2.0); // an explicit speed still divides the column
        QVERIFY(!p->devices[3].work);
        QCOMPARE(p->devices[3].speed, 0.5);
        QVERIFY(onL4->totalWork() > g->totalWork()); // the L4 is slower on every model here
        // Stage 2 holding everything costs the L4 graph's total work.
        std::vector<int32_t> all(static_cast<size_t>(g->nodeCount()), 1);
        const Evaluation ev = evaluate(*g, *p, Partition(all, 4));
        QVERIFY(std::abs(ev.stages[1].work - onL4->totalWork()) <= 1e-9 * onL4->totalWork());
        // Measured times (a runtime profile replaced the profile's) keep the
        // speed rule: the origin says so, whatever the numbers are.
        CostOrigin measured = details.origin;
        measured.times = CostOrigin::Times::Measured;
        for (const Graph &timed : { *g, g->withWorks(std::vector<double>(size_t(g->nodeCount()), 1.0)) }) {
            auto kept = applyProfileWork(*base, *cluster, timed, measured);
            QVERIFY(kept.ok());
            QVERIFY(*kept == *base);
        }
        // The methods run on it, costed by the evaluator.
        PartitionOptions o;
        o.k = 4;
        for (const char *m : { "slice", "balanced-work", "refine" }) {
            o.method = m;
            o.timeLimit = 20;
            auto r = runPartitioner(*g, *p, o);
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
            QCOMPARE(r->bottleneck, evaluate(*g, *p, r->partition).bottleneck);
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void smallOnnxModel()
    {
        test::OnnxModelBuilder m;
        test::addTwoMatMulModel(m);
        checkProfiles(write("m.onnx", m.bytes()), {}, "a100-fp16");
    }

    void realOnnxModel()
    {
        const auto models = realOnnxModels(realOnnxModelCache(PIPECUT_SOURCE_DIR "/build/models"));
        if (models.empty())
            QSKIP("no real ONNX model in PIPECUT_MODEL_CACHE or build/models (tests/onnx/fetch_models.sh)");
        LoadOptions options;
        options.dims = models.front().dims;
        checkProfiles(models.front().path, options, "a100-fp16");
    }

    // A config is costed for a100-80g unless --device says otherwise.
    void llmConfig() { checkProfiles(write("config.json", kConfig), {}, "a100-80g"); }

    // The load's analysis (ONNX) or text (a config) is all re-costing needs:
    // with the file gone it still gives the same columns, while reading the
    // file again names it in the error.
    void noSecondRead_data()
    {
        QTest::addColumn<bool>("onnx");
        QTest::newRow("onnx") << true;
        QTest::newRow("config") << false;
    }

    void noSecondRead()
    {
        QFETCH(bool, onnx);
        std::string path;
        if (onnx) {
            test::OnnxModelBuilder m;
            test::addTwoMatMulModel(m);
            path = write("gone.onnx", m.bytes());
        } else {
            path = write("gone-config.json", kConfig);
        }
        LoadDetails details;
        auto g = loadGraph(path, {}, &details);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        auto cluster = parseCluster(kDevices, "c.json");
        auto base = applyCluster(CostParams::fromGraph(*g), *cluster);
        QVERIFY(base.ok());
        auto before = applyProfileWork(*base, *cluster, *g, details.origin);
        QVERIFY2(before.ok(), before.ok() ? "" : before.error().c_str());
        QVERIFY(std::remove(path.c_str()) == 0);
        auto after = applyProfileWork(*base, *cluster, *g, details.origin);
        QVERIFY2(after.ok(), after.ok() ? "" : after.error().c_str());
        QVERIFY(after->devices[1].work);
        QCOMPARE(*after->devices[1].work, *before->devices[1].work);
        auto reread = applyProfileWork(*base, *cluster, *g, CostOrigin { .times = CostOrigin::Times::Profile });
        QVERIFY(!reread.ok());
        QVERIFY2(reread.error().find(path) != std::string::npos, reread.error().c_str());
    }

    void otherFormatsKeepTheSpeedRule()
    {
        const std::string path = write("g.json", test::kFastSlowGraph);
        LoadDetails details;
        auto g = loadGraph(path, {}, &details);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        QVERIFY(details.origin.times == CostOrigin::Times::File); // the file's own times
        auto cluster = parseCluster(kDevices, "c.json");
        auto base = applyCluster(CostParams::fromGraph(*g), *cluster);
        auto p = applyProfileWork(*base, *cluster, *g, details.origin);
        QVERIFY(p.ok());
        QVERIFY(*p == *base);
        QVERIFY(!p->hasDeviceWork());
    }
};

QTEST_GUILESS_MAIN(TestProfileWork)
#include "tst_profile_work.moc"
