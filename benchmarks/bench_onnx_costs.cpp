// ONNX cost figures against a real runtime: for each real model with a
// committed ONNX Runtime profile (tests/data/profiles/MODEL.ort.json, made by
// tools/ort/profile.js with the dims of tests/onnx/real_models.h), prints
//   - Conv/MatMul/Gemm FLOPs by pipecut's rules and from the shapes the runtime
//     saw (the profile's input/output shapes, same counting rules), and their ratio;
//   - the nodes pipecut estimates;
//   - the profile's kernel time per run against the sum of imported node costs.
//
// Usage: bench_onnx_costs [--profiles DIR]   (default: tests/data/profiles, run
// from the repository root). Models come from $PIPECUT_MODEL_CACHE (default
// build/models; tests/onnx/fetch_models.sh).

#include "core/io/graph_io.h"
#include "core/io/onnx_profile.h"
#include "core/io/onnx_reader.h"
#include "tests/onnx/real_models.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace pipecut;

int main(int argc, char **argv)
{
    std::string dir = "tests/data/profiles";
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--profiles") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: bench_onnx_costs [--profiles DIR]\n");
            return 2;
        }
    }
    const std::vector<RealOnnxModel> models = realOnnxModels(realOnnxModelCache("build/models"));
    if (models.empty()) {
        std::fprintf(stderr, "bench_onnx_costs: no real models in the cache (run tests/onnx/fetch_models.sh)\n");
        return 3;
    }
    std::printf("| model | Conv/MatMul/Gemm GFLOPs, pipecut | from runtime shapes | ratio | estimated nodes | "
                "kernel ms/run | imported ms/run | imported / kernel | unmatched events |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    for (const RealOnnxModel &model : models) {
        const std::string profilePath = dir + "/" + model.name + ".ort.json";
        if (!std::filesystem::exists(profilePath)) {
            std::fprintf(stderr, "bench_onnx_costs: no profile %s\n", profilePath.c_str());
            continue;
        }
        LoadOptions options;
        options.dims = model.dims;
        Result<OnnxAnalysis> a = analyzeOnnxModel(model.path, options);
        Result<Graph> g = loadGraph(model.path, options);
        Result<RuntimeProfile> p = readRuntimeProfile(profilePath);
        if (!a || !g || !p) {
            std::fprintf(stderr, "bench_onnx_costs: %s: %s\n", model.name.c_str(),
                (!a          ? a.error()
                        : !g ? g.error()
                             : p.error())
                    .c_str());
            return 1;
        }
        const DenseFlops flops = denseFlops(*a, *p);
        const double ours = flops.ours, theirs = flops.runtime;
        ProfileMatch m;
        Result<Graph> measured = applyRuntimeProfile(*g, *p, m);
        if (!measured) {
            std::fprintf(stderr, "bench_onnx_costs: %s: %s\n", model.name.c_str(), measured.error().c_str());
            return 1;
        }
        std::printf("| %s | %.4f | %.4f | %.4f | %d of %zu | %.3f | %.3f | %.4f | %zu |\n", model.name.c_str(),
            ours / 1e9, theirs / 1e9, theirs > 0 ? ours / theirs : 0.0, a->estimatedNodes, a->nodes.size(), m.profileMs,
            m.importedMs, m.profileMs > 0 ? m.importedMs / m.profileMs : 0.0, m.unmatched.size());
    }
    return 0;
}
