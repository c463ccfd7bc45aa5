// The Hugging Face config.json reader (docs/model.md §8): hand-computed layer
// costs for one small config per model_type, the errors that name the field,
// the serving exports and the framework baselines, and on every shipped config
// that auto is proven optimal, fits the device and is never worse than
// vllm-default or megatron-even (checked against a brute force for k <= 3).
#include "core/cost/evaluate.h"
#include "core/io/exports.h"
#include "core/io/graph_io.h"
#include "core/io/llm_layers.h"
#include "core/partition/llm_baselines.h"
#include "core/partition/partitioner.h"
#include "tests/support/cli_run.h"
#include "tests/support/test_graphs.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <limits>

using namespace pipecut;

namespace {

// FLOP/s and memory bandwidth of 1e9: work in ms = max(FLOPs, bytes) / 1e6.
const char *kSlowDevice = R"({"format": "pipecut-device", "name": "slow", "flops_per_second": 1e9,
    "memory_bytes_per_second": 1e9, "link_bytes_per_second": 1e9, "memory_bytes": 1e9})";

// hidden 64, 4 heads of 16, 2 KV heads, intermediate 128, vocabulary 100, 2 layers.
std::string tinyConfig(const std::string &type, const std::string &extra = {})
{
    return R"({"model_type": ")" + type + R"(", "hidden_size": 64, "intermediate_size": 128,
        "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 2, "vocab_size": 100,
        "torch_dtype": "bfloat16")"
        + (extra.empty() ? "" : ", " + extra) + "}";
}

std::string replaced(std::string text, const std::string &from, const std::string &to)
{
    const size_t at = text.find(from);
    if (at == std::string::npos)
        qFatal("no '%s' in the test config", from.c_str());
    return text.replace(at, from.size(), to);
}

std::string shippedDir()
{
    return std::string(PIPECUT_SOURCE_DIR) + "/resources/llm";
}

} // namespace

class TestHfConfig : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string write(const std::string &name, const std::string &text)
    {
        const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path) << text;
        return path;
    }

    Graph load(const std::string &config, LlmWorkload load = {})
    {
        LoadOptions options;
        options.device = write("slow.json", kSlowDevice);
        options.llm = load;
        auto g = loadGraph(write("config.json", config), options);
        if (!g)
            qWarning("%s", g.error().c_str());
        return g ? *g : Graph();
    }

    static LlmWorkload decode(int64_t batch, int64_t context)
    {
        LlmWorkload w;
        w.batch = batch;
        w.context = context;
        return w;
    }

    static void checkNode(const Graph &g, const char *id, double work, double param)
    {
        const auto v = g.find(id);
        QVERIFY2(v, id);
        QVERIFY2(qFuzzyCompare(g.work(*v), work), (std::string(id) + " work " + std::to_string(g.work(*v))).c_str());
        QVERIFY2(
            qFuzzyCompare(g.param(*v), param), (std::string(id) + " param " + std::to_string(g.param(*v))).c_str());
    }

private slots:
    void llamaCosts()
    {
        const Graph g = load(tinyConfig("llama"), decode(2, 10));
        QCOMPARE(g.format(), std::string("hf-config"));
        QCOMPARE(g.nodeCount(), 7);
        // attention: 2*64*64 + 2*64*32 + 64 = 12352 parameters; KV 64 elements per token;
        // FLOPs 2*12352*2 + 4*64 * (2*10) = 54528; bytes 12352*2 + 2*10*64*2 = 27264.
        checkNode(g, "model.layers.0.self_attn", 0.054528, 27264);
        // MLP: 3*64*128 + 64 = 24640 parameters; FLOPs 2*24640*2 = 98560, bytes 49280.
        checkNode(g, "model.layers.1.mlp", 0.09856, 49280);
        // embedding: gathers 2 rows of 64 x 2 bytes; holds 100*64*2 bytes.
        checkNode(g, "model.embed_tokens", 0.000256, 12800);
        // final norm: max(4*2*64, (2*2*64 + 64) * 2) = 640 bytes.
        checkNode(g, "model.norm", 0.00064, 128);
        // LM head: FLOPs 2*100*64*2 = 25600; holds 12800 bytes plus 2*100*4 of logits.
        checkNode(g, "lm_head", 0.0256, 13600);
        QCOMPARE(g.out(*g.find("model.layers.0.mlp")), 256.0); // 2 tokens x 64 x 2 bytes
        QCOMPARE(g.bandwidth(), 1e6); // bytes per ms
        // 1e9 less the workspace 2 tokens x 2 bytes x (2*64 + 2*128).
        QCOMPARE(*g.memoryLimit(), 1e9 - 1536);
        QCOMPARE(g.groupCount(), 3);
    }

    void llamaPrefill()
    {
        LlmWorkload w = decode(1, 10);
        w.kind = LlmWorkload::Kind::Prefill;
        w.prompt = 4;
        const Graph g = load(tinyConfig("llama"), w);
        // 4 tokens, causal pairs 1+2+3+4 = 10: FLOPs 2*12352*4 + 256*10 = 101376; bytes 24704 + 4*128.
        checkNode(g, "model.layers.0.self_attn", 0.101376, 24704 + 10 * 128);
        QCOMPARE(g.out(*g.find("model.layers.0.mlp")), 512.0);
    }

    void mistralWindow()
    {
        const Graph g = load(tinyConfig("mistral", R"("sliding_window": 4)"), decode(2, 10));
        // 4 tokens of context kept: FLOPs 49408 + 256*8 = 51456; bytes 24704 + 2*4*128 = 25728.
        checkNode(g, "model.layers.1.self_attn", 0.051456, 25728);
    }

    void qwen2Bias()
    {
        const Graph g = load(tinyConfig("qwen2"), decode(2, 10));
        // q, k and v biases: 12352 + 64 + 64 = 12480 parameters.
        checkNode(g, "model.layers.0.self_attn", (2 * 12480 * 2 + 5120) / 1e6, 12480 * 2 + 2560);
    }

    void mixtralExperts()
    {
        const Graph g
            = load(tinyConfig("mixtral", R"("num_local_experts": 4, "num_experts_per_tok": 2)"), decode(2, 10));
        // experts of 3*64*128 = 24576; router 256, norm 64. Held 320 + 4*24576 = 98624;
        // active 320 + 2*24576 = 49472 -> FLOPs 197888; 2 tokens touch 4*(1 - 0.5^2) = 3
        // experts -> bytes (320 + 3*24576) * 2 = 148096.
        checkNode(g, "model.layers.0.mlp", 0.197888, 98624 * 2);
        QCOMPARE(g.op(*g.find("model.layers.0.mlp")), std::string("moe"));
    }

    void gemma2AlternateWindow()
    {
        const Graph g = load(tinyConfig("gemma2", R"("head_dim": 16, "sliding_window": 4)"), decode(2, 10));
        // two norms per part: 12352 + 64 = 12416 parameters. Layer 0 slides (4 tokens),
        // layer 1 does not (10 tokens).
        checkNode(g, "model.layers.0.self_attn", (2 * 12416 * 2 + 256 * 8) / 1e6, 12416 * 2 + 2 * 4 * 128);
        checkNode(g, "model.layers.1.self_attn", (2 * 12416 * 2 + 256 * 20) / 1e6, 12416 * 2 + 2 * 10 * 128);
        checkNode(g, "model.layers.1.mlp", 2 * 24704 * 2 / 1e6, 24704 * 2);
        // tied by default: the head's stage still holds the matrix.
        checkNode(g, "lm_head", 0.0256, 13600);
    }

    void deepseekMla()
    {
        const std::string extra = R"("num_key_value_heads": 4, "q_lora_rank": 32, "kv_lora_rank": 16,
            "qk_nope_head_dim": 8, "qk_rope_head_dim": 4, "v_head_dim": 8, "moe_intermediate_size": 32,
            "n_routed_experts": 4, "num_experts_per_tok": 2, "n_shared_experts": 1, "first_k_dense_replace": 1)";
        const std::string config = replaced(tinyConfig("deepseek_v3", extra), "\"num_key_value_heads\": 2,", "");
        const Graph g = load(config, decode(2, 10));
        // MLA: q 64*32 + 32 + 32*4*12 = 3616; kv_a 64*20 = 1280; norm 16; kv_b 16*4*16 = 1024;
        // o 4*8*64 = 2048; input norm 64: 8048. Latent KV 20 elements per token; pair FLOPs
        // 2*4*20 + 2*4*16 = 288. FLOPs 2*8048*2 + 288*20 = 37952; bytes 16096 + 2*10*40 = 16896.
        checkNode(g, "model.layers.0.self_attn", 0.037952, 16896);
        QCOMPARE(g.op(*g.find("model.layers.0.mlp")), std::string("mlp")); // first_k_dense_replace
        // MoE: experts 3*64*32 = 6144; router 64*4 + 4, shared 6144, norm 64: fixed 6468.
        // Held 6468 + 4*6144 = 31044; active 6468 + 2*6144 = 18756 -> FLOPs 75024;
        // 3 experts touched -> bytes (6468 + 3*6144) * 2 = 49800.
        checkNode(g, "model.layers.1.mlp", 0.075024, 31044 * 2);
    }

    void detection()
    {
        QCOMPARE(detectFormat(tinyConfig("llama"), "config.json"), GraphFormat::HfConfig);
        QCOMPARE(*parseFormatName("hf-config"), GraphFormat::HfConfig);
    }

    void errorsNameTheField_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown model_type") << QString::fromStdString(tinyConfig("gpt2")) << "model_type";
        const std::string llama = tinyConfig("llama");
        auto row = [](const char *name, const std::string &config, const char *field) {
            QTest::newRow(name) << QString::fromStdString(config) << field;
        };
        row("kv heads", replaced(llama, "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"),
            "num_key_value_heads");
        row("missing hidden_size", replaced(llama, "\"hidden_size\": 64,", ""), "hidden_size");
        row("over 1e13 parameters",
            replaced(replaced(llama, "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 90000"),
                "\"intermediate_size\": 128", "\"intermediate_size\": 1000000000"),
            "1e13");
        row("negative size", tinyConfig("llama", R"("head_dim": -4)"), "head_dim");
        row("experts", tinyConfig("mixtral", R"("num_local_experts": 2, "num_experts_per_tok": 3)"),
            "num_experts_per_tok");
        row("dtype", replaced(llama, "bfloat16", "complex64"), "torch_dtype");
    }

    void errorsNameTheField()
    {
        QFETCH(QString, config);
        QFETCH(QString, field);
        const std::string path = write("bad.json", config.toStdString());
        const auto run = test::cli({ "info", path });
        QCOMPARE(run.code, 3);
        QVERIFY2(run.err.find(field.toStdString()) != std::string::npos, run.err.c_str());
        QVERIFY2(run.err.find("bad.json") != std::string::npos, run.err.c_str());
        QCOMPARE(std::count(run.err.begin(), run.err.end(), '\n'), 1);
    }

    void infeasibleNamesSmallestK()
    {
        const std::string model = shippedDir() + "/llama-3.1-70b.json";
        auto run = test::cli({ "partition", model, "-k", "2", "--device", "l4-24g" });
        QCOMPARE(run.code, 3);
        QVERIFY2(run.err.find("the smallest k that fits is 7") != std::string::npos, run.err.c_str());
        run = test::cli(
            { "partition", model, "-k", "8", "--device", "l4-24g", "--batch", "64", "--context", "131072" });
        QCOMPARE(run.code, 3);
        QVERIFY2(run.err.find("no number of stages fits") != std::string::npos, run.err.c_str());
        run = test::cli({ "info", model, "--workload", "sideways" });
        QCOMPARE(run.code, 2);
        run = test::cli({ "info", model, "--prompt", "9000", "--context", "4096" });
        QCOMPARE(run.code, 2);
    }

    void baselineCounts()
    {
        QCOMPARE(*llmBaselineCounts("vllm-default", 61, 4), (std::vector<int> { 15, 15, 16, 15 }));
        QCOMPARE(*llmBaselineCounts("vllm-default", 10, 4), (std::vector<int> { 2, 3, 3, 2 }));
        QCOMPARE(*llmBaselineCounts("vllm-default", 7, 4), (std::vector<int> { 2, 2, 2, 1 }));
        QCOMPARE(*llmBaselineCounts("vllm-default", 20, 4), (std::vector<int> { 5, 5, 5, 5 }));
        QCOMPARE(*llmBaselineCounts("megatron-even", 61, 4), (std::vector<int> { 16, 16, 16, 13 }));
        QCOMPARE(*llmBaselineCounts("megatron-even", 80, 8), std::vector<int>(8, 10));
        QVERIFY(!llmBaselineCounts("megatron-even", 5, 4)); // 2,2,2 leave none
        QVERIFY(!llmBaselineCounts("vllm-default", 3, 4));
    }

    void servingExports()
    {
        const Graph g
            = load(replaced(tinyConfig("llama"), "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 5"), decode(1, 8));
        auto map = llmLayerMap(g);
        QVERIFY2(map, map ? "" : map.error().c_str());
        QCOMPARE(map->layers, 5);
        const Partition p = llmPartitionFromCounts(*map, { 2, 2, 1 });
        auto vllm = exportPartition(ExportFormat::Vllm, g, CostParams::fromGraph(g), p);
        QVERIFY2(vllm, vllm ? "" : vllm.error().c_str());
        QVERIFY(vllm->find("export VLLM_PP_LAYER_PARTITION=\"2,2,1\"") != std::string::npos);
        auto sglang = exportPartition(ExportFormat::Sglang, g, CostParams::fromGraph(g), p);
        QVERIFY(sglang->find("export SGLANG_PP_LAYER_PARTITION=\"2,2,1\"") != std::string::npos);
        auto megatron = exportPartition(ExportFormat::Megatron, g, CostParams::fromGraph(g), p);
        QVERIFY(megatron->find("\"Ett|tt|tL\"") != std::string::npos);
        QVERIFY(megatron->find("--decoder-first-pipeline-num-layers 2 --decoder-last-pipeline-num-layers 1")
            != std::string::npos);
        // A last stage holding only the final norm and the LM head.
        const Partition onlyHead = llmPartitionFromCounts(*map, { 3, 2, 0 });
        auto refused = exportPartition(ExportFormat::Vllm, g, CostParams::fromGraph(g), onlyHead);
        QVERIFY(!refused);
        QVERIFY2(refused.error().find("stage 3 holds no decoder layer") != std::string::npos, refused.error().c_str());
        QVERIFY(exportPartition(ExportFormat::Megatron, g, CostParams::fromGraph(g), onlyHead)); // "Ettt|tt|L"
        // Not an LLM graph.
        const Graph other = test::specExample();
        QVERIFY(
            !exportPartition(ExportFormat::Vllm, other, CostParams::fromGraph(other), Partition(other.nodeCount(), 1)));
    }

    // Every shipped config, k = 2, 4, 8, 16 (when the model has the layers) on three devices.
    void autoOptimalAndNeverWorse()
    {
        const QStringList files = QDir(QString::fromStdString(shippedDir())).entryList({ "*.json" }, QDir::Files);
        QVERIFY(files.size() >= 6);
        int checked = 0;
        for (const QString &file : files) {
            for (const char *device : { "a100-80g", "h100-80g", "l4-24g" }) {
                LoadOptions options;
                options.device = device;
                options.llm = decode(8, 4096);
                auto g = loadGraph(shippedDir() + "/" + file.toStdString(), options);
                QVERIFY2(g, g ? "" : g.error().c_str());
                const CostParams params = CostParams::fromGraph(*g);
                const int layers = llmLayerMap(*g)->layers;
                for (int k : { 2, 3, 4, 8, 16 }) {
                    if (k > layers)
                        continue;
                    checkOne(*g, params, k, (file.toStdString() + " " + device + " k=" + std::to_string(k)));
                    ++checked;
                }
            }
        }
        QVERIFY(checked >= 80);
    }

private:
    static void checkOne(const Graph &g, const CostParams &params, int k, const std::string &what)
    {
        PartitionOptions o;
        o.k = k;
        auto best = runPartitioner(g, params, o);
        double bruteForce = std::numeric_limits<double>::infinity();
        if (k <= 3)
            bruteForce = bruteForceBottleneck(g, params, k);
        if (!best) {
            QVERIFY2(best.errorKind() == ErrorKind::Infeasible, (what + ": " + best.error()).c_str());
            QVERIFY2(bruteForce == std::numeric_limits<double>::infinity(), what.c_str());
            for (const char *baseline : { "vllm-default", "megatron-even" }) {
                o.method = baseline;
                QVERIFY2(!runPartitioner(g, params, o), (what + " " + baseline).c_str());
            }
            return;
        }
        QVERIFY2(best->optimal, what.c_str());
        QVERIFY2(validatePartition(g, params, best->partition), what.c_str());
        if (k <= 3)
            QVERIFY2(std::abs(best->bottleneck - bruteForce) <= 1e-9 * bruteForce, what.c_str());
        for (const char *baseline : { "vllm-default", "megatron-even" }) {
            o.method = baseline;
            auto base = runPartitioner(g, params, o);
            if (base)
                QVERIFY2(best->bottleneck <= base->bottleneck * (1 + 1e-12), (what + " " + baseline).c_str());
            else
                QVERIFY2(base.errorKind() == ErrorKind::Infeasible, (what + ": " + base.error()).c_str());
        }
    }

    // Every split of the layer chain into k contiguous stages at group boundaries
    // (stages may be empty), the best memory-feasible bottleneck.
    static double bruteForceBottleneck(const Graph &g, const CostParams &params, int k)
    {
        std::vector<int> unitStart; // positions in the topological order where a group or lone node starts
        const auto order = g.topologicalOrder();
        for (size_t p = 0; p < order.size(); ++p)
            if (p == 0 || g.group(order[p]) == kNoGroup || g.group(order[p]) != g.group(order[p - 1]))
                unitStart.push_back(static_cast<int>(p));
        unitStart.push_back(static_cast<int>(order.size()));
        const int units = static_cast<int>(unitStart.size()) - 1;
        double best = std::numeric_limits<double>::infinity();
        std::vector<int32_t> stage(static_cast<size_t>(g.nodeCount()));
        auto tryCuts = [&](int a, int b) { // stage 1 = units [0, a), stage 2 = [a, b), stage 3 = [b, units)
            for (int u = 0; u < units; ++u)
                for (int p = unitStart[u]; p < unitStart[u + 1]; ++p)
                    stage[index(order[p])] = u < a ? 0 : (u < b || k == 2 ? 1 : 2);
            const Partition part(stage, k);
            const Evaluation ev = evaluate(g, params, part);
            for (const StageCost &s : ev.stages)
                if (!params.fitsMemory(s.param))
                    return;
            best = std::min(best, ev.bottleneck);
        };
        for (int a = 0; a <= units; ++a)
            for (int b = (k == 2 ? units : a); b <= units; ++b)
                tryCuts(a, b);
        return best;
    }
};

QTEST_GUILESS_MAIN(TestHfConfig)
#include "tst_hf_config.moc"
