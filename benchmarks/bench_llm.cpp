// Predicted decode throughput of LLM pipeline splits (docs/model.md §8): for every
// shipped Hugging Face config (resources/llm), device a100-80g, h100-80g and l4-24g,
// and k = 2, 4, 8 (16 where the model has the layers), the decode tokens/s of auto,
// vllm-default and megatron-even, the memory headroom of each split (the device's
// limit less the fullest stage), whether it fits, and auto's solve time (median of 5).
//
// Run: build/release/benchmarks/bench_llm [BATCH [CONTEXT]]   (defaults 32 and 4096)
//      build/release/benchmarks/bench_llm --max-batch [CONTEXT]
// The second form finds, by bisection, the largest batch (up to 4096) whose KV
// cache fits some split (auto) and the largest that fits vllm-default's split,
// and prints the decode tokens/s of each at its largest batch.
// DeepSeek-V3 is costed at fp8, the type its weights are published in; the rest at
// their torch_dtype. Prints one Markdown table (docs/benchmarks.md, bench_llm).
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/io/llm_layers.h"
#include "core/partition/llm_baselines.h"
#include "core/partition/partitioner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace pipecut;

namespace {

struct SplitFigures {
    bool exists = false;
    bool fits = false;
    double tokensPerSecond = 0;
    double headroom = 0; // bytes
};

SplitFigures figures(const Graph &g, const CostParams &params, const Partition &p, double batch)
{
    const Evaluation ev = evaluate(g, params, p);
    double fullest = 0;
    for (const StageCost &s : ev.stages)
        fullest = std::max(fullest, s.param);
    SplitFigures f;
    f.exists = true;
    f.fits = params.fitsMemory(fullest);
    f.tokensPerSecond = batch * 1000.0 / ev.bottleneck;
    f.headroom = params.memoryLimit.value_or(0) - fullest;
    return f;
}

std::string cell(const SplitFigures &f)
{
    if (!f.exists)
        return "- | -";
    char text[96];
    std::snprintf(text, sizeof text, "%.0f%s | %+.1f", f.tokensPerSecond, f.fits ? "" : " (OOM)", f.headroom / 1e9);
    return text;
}

std::string percent(double fraction)
{
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f %%", 100 * fraction);
    return text;
}

double medianSolveSeconds(const Graph &g, const CostParams &params, const PartitionOptions &o)
{
    std::vector<double> times;
    for (int run = 0; run < 5; ++run) {
        const auto start = std::chrono::steady_clock::now();
        (void)runPartitioner(g, params, o);
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[2];
}

void benchOne(const std::string &path, const std::string &device, const LlmWorkload &load)
{
    LoadOptions options;
    options.device = device;
    options.llm = load;
    if (path.find("deepseek") != std::string::npos)
        options.llm.dtype = "fp8";
    auto g = loadGraph(path, options);
    if (!g) {
        std::printf("| %s | %s | error: %s |\n", path.c_str(), device.c_str(), g.error().c_str());
        return;
    }
    const CostParams params = CostParams::fromGraph(*g);
    const LlmLayerMap map = *llmLayerMap(*g);
    for (int k : { 2, 4, 8, 16 }) {
        if (k > map.layers || (k == 16 && map.layers < 32))
            continue;
        PartitionOptions o;
        o.k = k;
        auto best = runPartitioner(*g, params, o);
        SplitFigures autoFig;
        std::string autoText;
        if (best) {
            autoFig = figures(*g, params, best->partition, double(load.batch));
            autoText = cell(autoFig) + (best->optimal ? "" : " (not proven)");
        } else {
            const size_t at = best.error().find("the smallest k");
            autoText
                = at == std::string::npos ? "infeasible | -" : "infeasible, " + best.error().substr(at + 4) + " | -";
        }
        SplitFigures base[2];
        const char *names[2] = { "vllm-default", "megatron-even" };
        for (int b = 0; b < 2; ++b)
            if (auto counts = llmBaselineCounts(names[b], map.layers, k))
                base[b] = figures(*g, params, llmPartitionFromCounts(map, *counts), double(load.batch));
        const double gain = best && base[0].fits ? autoFig.tokensPerSecond / base[0].tokensPerSecond - 1 : 0;
        std::printf("| %s | %s | %d | %s | %s | %s | %s | %s | %.1f ms |\n", g->name().c_str(), device.c_str(), k,
            autoText.c_str(), cell(base[0]).c_str(), cell(base[1]).c_str(),
            best && base[0].fits ? percent(gain).c_str() : "-",
            base[0].fits && base[1].fits ? "yes" : (base[0].fits || base[1].fits ? "one" : "no"),
            1000 * medianSolveSeconds(*g, params, o));
    }
}

struct AtBatch {
    bool autoFits = false, evenFits = false;
    double autoTokens = 0, evenTokens = 0;
};

AtBatch runAt(const std::string &path, const std::string &device, LlmWorkload load, int k)
{
    LoadOptions options;
    options.device = device;
    options.llm = load;
    if (path.find("deepseek") != std::string::npos)
        options.llm.dtype = "fp8";
    AtBatch r;
    auto g = loadGraph(path, options);
    if (!g)
        return r;
    const CostParams params = CostParams::fromGraph(*g);
    PartitionOptions o;
    o.k = k;
    if (auto best = runPartitioner(*g, params, o)) {
        r.autoFits = true;
        r.autoTokens = double(load.batch) * 1000.0 / best->bottleneck;
    }
    const LlmLayerMap map = *llmLayerMap(*g);
    if (auto counts = llmBaselineCounts("vllm-default", map.layers, k)) {
        const SplitFigures f = figures(*g, params, llmPartitionFromCounts(map, *counts), double(load.batch));
        r.evenFits = f.fits;
        r.evenTokens = f.tokensPerSecond;
    }
    return r;
}

// The largest batch in [1, 4096] for which `fits` holds (0 when none), by bisection.
template <class Fits> int64_t largestBatch(Fits fits)
{
    if (!fits(1))
        return 0;
    int64_t lo = 1, hi = 4097;
    while (hi - lo > 1) {
        const int64_t mid = (lo + hi) / 2;
        (fits(mid) ? lo : hi) = mid;
    }
    return lo;
}

void maxBatchTable(const std::vector<std::string> &files, int64_t context)
{
    std::printf("decode, context %lld: the largest batch that fits, and the tokens/s at it\n\n", (long long)context);
    std::printf("| model | device | k | auto max batch | auto tok/s | vllm-default max batch | vllm-default tok/s | "
                "gain |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (const std::string &file : files)
        for (const char *device : { "a100-80g", "h100-80g", "l4-24g" })
            for (int k : { 2, 4, 8, 16 }) {
                LlmWorkload load;
                load.context = context;
                auto at = [&](int64_t batch) {
                    load.batch = batch;
                    return runAt(file, device, load, k);
                };
                const int64_t autoBatch = largestBatch([&](int64_t b) { return at(b).autoFits; });
                const int64_t evenBatch = largestBatch([&](int64_t b) { return at(b).evenFits; });
                const double autoTokens = autoBatch ? at(autoBatch).autoTokens : 0;
                const double evenTokens = evenBatch ? at(evenBatch).evenTokens : 0;
                if (autoBatch == 0 && evenBatch == 0)
                    continue;
                char gain[32] = "-";
                if (evenTokens > 0)
                    std::snprintf(gain, sizeof gain, "%+.1f %%", 100 * (autoTokens / evenTokens - 1));
                std::printf("| %s | %s | %d | %lld | %.0f | %lld | %.0f | %s |\n",
                    std::filesystem::path(file).stem().c_str(), device, k, (long long)autoBatch, autoTokens,
                    (long long)evenBatch, evenTokens, gain);
            }
}

} // namespace

int main(int argc, char **argv)
{
    const bool maxBatch = argc > 1 && std::string(argv[1]) == "--max-batch";
    if (maxBatch) {
        ++argv;
        --argc;
    }
    LlmWorkload load;
    load.batch = argc > 1 && !maxBatch ? std::atoll(argv[1]) : 32;
    load.context = std::atoll(argc > (maxBatch ? 1 : 2) ? argv[maxBatch ? 1 : 2] : "4096");
    if (load.batch < 1 || load.context < 1) {
        std::fprintf(stderr, "usage: bench_llm [BATCH [CONTEXT]]\n");
        return 2;
    }
    const std::filesystem::path dir = std::filesystem::path(PIPECUT_CORPUS_DIR).parent_path() / "llm";
    std::vector<std::string> files;
    for (const auto &entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".json")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    if (maxBatch) {
        maxBatchTable(files, load.context);
        return 0;
    }
    std::printf("decode, batch %lld, context %lld; tokens/s | headroom (GB) per split\n\n", (long long)load.batch,
        (long long)load.context);
    std::printf("| model | device | k | auto tok/s | headroom | vllm-default tok/s | headroom | megatron-even tok/s | "
                "headroom | auto vs vllm-default | even splits fit | auto solve |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (const std::string &file : files)
        for (const char *device : { "a100-80g", "h100-80g", "l4-24g" })
            benchOne(file, device, load);
    return 0;
}
