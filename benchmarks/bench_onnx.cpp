// ONNX import figures: for each model, node count, total GFLOPs,
// parameter bytes, load time (median of several loads), and the partition at
// k = 4 with its gap to the best lower bound.
//
// Usage: bench_onnx [--device NAME|FILE.json] [--dim NAME=VALUE]... [--runs N] [--verbose]
//                   [--synthetic BLOCKS]... MODEL.onnx...
// --synthetic writes a model of BLOCKS x (MatMul 512x512 + Add + Relu) on a
// [1, 128, 512] activation (weights as external data, never read) to the temp
// directory and loads it: load-time scaling.
// With no model, the models fetched by tests/onnx/fetch_models.sh into
// $PIPECUT_MODEL_CACHE (default build/models) are used.

#include "core/cost/cost_params.h"
#include "core/cost/evaluate.h"
#include "core/io/onnx_reader.h"
#include "tests/onnx/model_builder.h"
#include "tests/onnx/real_models.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace pipecut;

static std::string writeSynthetic(int blocks)
{
    test::OnnxModelBuilder m;
    m.graph().set_name("synthetic-" + std::to_string(blocks));
    m.input("x0", { "1", "128", "512" });
    // Weights point to external data that is never read: only their sizes count.
    auto weight = [&](const std::string &name, const std::vector<int64_t> &dims) {
        onnx::TensorProto &t = m.init(name, dims);
        t.clear_float_data();
        t.set_data_location(onnx::TensorProto::EXTERNAL);
        auto *loc = t.add_external_data();
        loc->set_key("location");
        loc->set_value("synthetic.bin");
    };
    std::string x = "x0";
    for (int b = 0; b < blocks; ++b) {
        const std::string p = "/block." + std::to_string(b) + "/";
        weight(p + "w", { 512, 512 });
        weight(p + "b", { 512 });
        m.node("MatMul", { x, p + "w" }, { p + "mm" }, p + "MatMul");
        m.node("Add", { p + "mm", p + "b" }, { p + "add" }, p + "Add");
        x = p + "relu";
        m.node("Relu", { p + "add" }, { x }, p + "Relu");
    }
    m.output(x);
    const std::string path
        = (std::filesystem::temp_directory_path() / ("pipecut-synthetic-" + std::to_string(blocks) + ".onnx")).string();
    m.save(path);
    return path;
}

// build/<preset>/benchmarks/bench_onnx -> build/models
static std::string defaultCache()
{
    std::error_code ec;
    const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
    return ec ? std::string("build/models") : (exe.parent_path().parent_path().parent_path() / "models").string();
}

int main(int argc, char **argv)
{
    LoadOptions options;
    int runs = 5;
    bool verbose = false;
    std::vector<std::string> models;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--device" && i + 1 < argc) {
            options.device = argv[++i];
        } else if (a == "--dim" && i + 1 < argc) {
            const std::string d = argv[++i];
            const size_t eq = d.find('=');
            if (eq == std::string::npos) {
                std::fprintf(stderr, "error: --dim wants NAME=VALUE\n");
                return 2;
            }
            options.dims[d.substr(0, eq)] = std::stoll(d.substr(eq + 1));
        } else if (a == "--verbose") {
            verbose = true;
        } else if (a == "--synthetic" && i + 1 < argc) {
            models.push_back(writeSynthetic(std::atoi(argv[++i])));
        } else if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else {
            models.push_back(a);
        }
    }
    std::vector<RealOnnxModel> set;
    if (models.empty()) {
        set = realOnnxModels(realOnnxModelCache(defaultCache()));
        if (set.empty()) {
            std::fprintf(stderr, "no models given and none in %s: run tests/onnx/fetch_models.sh first\n",
                realOnnxModelCache(defaultCache()).c_str());
            return 2;
        }
        for (RealOnnxModel &m : set)
            for (const auto &[k, v] : options.dims)
                m.dims[k] = v;
    } else {
        for (const std::string &m : models)
            set.push_back({ m, m, "", options.dims });
    }

    std::printf("device: %s; %d loads per model (median); machine: see report\n",
        options.device.empty() ? defaultDeviceProfile().name.c_str() : options.device.c_str(), runs);
    std::printf("%-28s %6s %10s %12s %9s %12s %12s %8s %s\n", "model", "nodes", "GFLOPs", "param_bytes", "load_ms",
        "T(k=4)_ms", "LB_ms", "gap", "method / bound");
    for (const RealOnnxModel &m : set) {
        LoadOptions o = options;
        o.dims = m.dims;
        std::vector<double> ms;
        Result<OnnxAnalysis> analysis = makeError("not loaded");
        Result<Graph> graph = makeError("not loaded");
        for (int r = 0; r < runs; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            analysis = analyzeOnnxModel(m.path, o);
            if (analysis) {
                Result<DeviceProfile> device
                    = o.device.empty() ? Result<DeviceProfile>(defaultDeviceProfile()) : findDeviceProfile(o.device);
                graph = device ? onnxGraphFor(*analysis, *device) : Result<Graph>(makeError(device.error()));
            }
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            if (!graph)
                break;
        }
        if (!analysis || !graph) {
            std::printf("%-28s error: %s\n", m.name.c_str(), (!analysis ? analysis.error() : graph.error()).c_str());
            continue;
        }
        std::sort(ms.begin(), ms.end());
        const CostParams params = CostParams::fromGraph(*graph);
        const Result<RealModelPartition> result = partitionRealModel(*graph, params, 4);
        if (!result) {
            std::printf("%-28s %6d %10.3f %12.0f %9.1f partition error: %s\n", m.name.c_str(), graph->nodeCount(),
                analysis->totalFlops / 1e9, analysis->totalParam, ms[ms.size() / 2], result.error().c_str());
            continue;
        }
        const RealModelPartition &p = *result;
        std::printf("%-28s %6d %10.3f %12.0f %9.1f %12.6g %12.6g %7.2f%% %s / %s\n", m.name.c_str(), graph->nodeCount(),
            analysis->totalFlops / 1e9, analysis->totalParam, ms[ms.size() / 2], p.bottleneck, p.lowerBound,
            100.0 * p.gap(), p.method.c_str(), p.boundMethod.c_str());
        for (const std::string &note : graph->notes())
            std::printf("    note: %s\n", note.c_str());
        if (verbose)
            for (const OnnxNodeCost &n : analysis->nodes)
                std::printf("    %-40s %-22s flops %-12.6g bytes %-12.6g out %-10.6g param %-10.6g%s  [%s]\n",
                    n.id.c_str(), n.op.c_str(), n.flops, n.bytesMoved, n.out, n.param, n.estimated ? " EST" : "",
                    n.scope.c_str());
    }
    return 0;
}
