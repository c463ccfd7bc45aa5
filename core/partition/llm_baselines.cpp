#include "core/partition/llm_baselines.h"

#include "core/cost/evaluate.h"
#include "core/io/llm_layers.h"
#include "core/partition/methods.h"
#include "core/util/quantity.h"

namespace pipecut {

Result<std::vector<int>> llmBaselineCounts(const std::string &method, int layers, int k)
{
    if (layers < k)
        return makeError(ErrorKind::Infeasible,
            method + ": " + std::to_string(layers) + " decoder layers cannot fill " + std::to_string(k) + " stages");
    std::vector<int> counts(static_cast<size_t>(k), layers / k);
    const int rest = layers % k;
    if (method == "vllm-default") {
        for (int i = 2; i < rest + 2; ++i)
            ++counts[static_cast<size_t>(k - i)];
        return counts;
    }
    if (rest == 0)
        return counts;
    const int per = (layers + k - 1) / k;
    const int last = layers - (k - 1) * per;
    if (last <= 0)
        return makeError(ErrorKind::Infeasible,
            method + ": " + std::to_string(layers) + " layers over " + std::to_string(k) + " stages of "
                + std::to_string(per) + " leave none for the last stage");
    counts.assign(static_cast<size_t>(k), per);
    counts.back() = last;
    return counts;
}

namespace {

Result<PartitionResult> runLlmBaseline(const MethodContext &ctx, const char *name)
{
    auto map = llmLayerMap(ctx.graph);
    if (!map)
        return makeError(std::string(name) + ": " + map.error());
    auto counts = llmBaselineCounts(name, map->layers, ctx.options.k);
    if (!counts)
        return counts.failure();
    PartitionResult r;
    r.partition = llmPartitionFromCounts(*map, *counts);
    r.method = name;
    const Evaluation ev = evaluate(ctx.graph, ctx.params, r.partition);
    for (int s = 0; s < ctx.options.k; ++s)
        if (!ctx.params.fitsMemory(ev.stages[s].param))
            return makeError(ErrorKind::Infeasible,
                std::string(name) + " does not fit: stage " + std::to_string(s + 1) + " needs "
                    + quantity::size(ev.stages[s].param, ctx.graph.units().paramUnit()) + ", over the memory limit "
                    + quantity::size(*ctx.params.memoryLimit, ctx.graph.units().paramUnit()));
    return r;
}

} // namespace

Result<PartitionResult> runVllmDefault(const MethodContext &ctx)
{
    return runLlmBaseline(ctx, "vllm-default");
}

Result<PartitionResult> runMegatronEven(const MethodContext &ctx)
{
    return runLlmBaseline(ctx, "megatron-even");
}

} // namespace pipecut
