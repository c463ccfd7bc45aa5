#include "core/cli/common.h"

#include "core/cost/stage_json.h"
#include "core/partition/partitioner.h"
#include "core/util/json_writer.h"
#include "core/util/quantity.h"

#include <cstdio>

namespace pipecut::cli {

void addCommonOptions(Args &args)
{
    args.option("--bandwidth", "B", "link bandwidth, size per time unit (overrides the file)");
    args.option("--memory-limit", "M", "per-stage limit on parameter size (overrides the file; 'none' removes it)");
    args.option("--device", "PROFILE", "device profile for ONNX and PipeDream costs (name or JSON file)");
    args.option("--cluster", "FILE",
        "one device per stage: speed, memory, link bandwidths (docs/formats.md); k = its device count");
    args.option("--dim", "NAME=VALUE", "value of a symbolic ONNX dimension (repeatable)");
    args.option(
        "--format", "FORMAT", "input format: pipecut-json, dnn-partitioning, pipedream, piper, dot, onnx, hf-config");
    args.option("--workload", "decode|prefill", "Hugging Face config: the serving step costed (default decode)");
    args.option("--batch", "B", "Hugging Face config: sequences per step (default 1)");
    args.option("--context", "C", "Hugging Face config: tokens of KV cache per sequence (default 4096)");
    args.option("--prompt", "P", "Hugging Face config: prefill tokens per sequence (default: the context)");
    args.option(
        "--dtype", "TYPE", "Hugging Face config: weight type fp32|fp16|bf16|fp8|int8|int4 (default torch_dtype)");
    args.option("--kv-dtype", "TYPE", "Hugging Face config: KV cache type (default: the weight type)");
    args.option("--profile", "FILE",
        "measured node times: an ONNX Runtime profile JSON or a CSV node,ms[,runs] (docs/onnx.md)");
    args.flag("--json", "machine-readable JSON on stdout");
    args.option("--max-nodes", "N", "refuse graphs of more nodes (default 5000000)");
    args.option("--max-edges", "N", "refuse graphs of more edges (default 50000000)");
    args.option("--max-file-size", "BYTES", "refuse larger graph files (default 4G; suffixes K, M, G)");
}

void addGraphAndStages(Args &args)
{
    args.positional("GRAPH", "graph file (any supported format)");
    args.option("-k", "K", "number of stages (default: the file's suggestion, else 4)");
}

void addPartitionerOptions(Args &args)
{
    args.option("--method", "METHOD", joinChoices(partitionMethods()) + " (default auto)");
    args.option("--seed", "S", "random seed (default 1)");
    args.option("--budget", "POPxGEN", "slicegraph population x generations, e.g. 10x10 or 100x100");
    args.option("--time-limit", "SECONDS", "wall-clock limit for the method");
    args.option("--threads", "N", "worker threads (default: all cores)");
    args.option("--start", "PARTITION.json", "starting partition (refine, warm starts)");
    args.option("--device-order", "fixed|free", "with --cluster: keep the file's device order, or choose it");
}

void addSolverLimitOptions(Args &args)
{
    args.option("--max-ideals", "N", "ideal-dp refuses graphs with more ideals (default 3000000)");
    args.option("--max-mip-columns", "N", "MIP methods refuse larger models (default 4000000)");
    args.option("--memory-budget", "BYTES",
        "ideal-dp tables, MIP models and relaxed-chain states must fit (default 6G; suffixes K, M, G)");
}

void addSolverOptions(Args &args)
{
    args.flag("--progress", "report progress on stderr");
    addCommonOptions(args);
    addSolverLimitOptions(args);
}

std::string joinChoices(const std::vector<std::string> &names)
{
    std::string list;
    for (const std::string &n : names)
        list += (list.empty() ? "" : "|") + n;
    return list;
}

Status checkStages(const std::string &name, const Partition &partition, int k)
{
    if (partition.k() != k)
        return makeError(
            name + ": the partition has " + std::to_string(partition.k()) + " stages but -k is " + std::to_string(k));
    return Ok {};
}

Result<Partition> loadPartitionFor(const std::string &path, const Graph &graph, int k)
{
    auto p = loadPartition(path, graph);
    if (!p)
        return p;
    if (Status st = checkStages(path, *p, k); !st)
        return st.failure();
    return p;
}

void writeStages(
    JsonWriter &w, const Graph &graph, const Partition &partition, const Evaluation &ev, const CostParams *params)
{
    const bool devices = params && params->devices.size() == static_cast<size_t>(partition.k());
    const auto members = partition.members();
    w.key("stages").beginArray();
    for (int b = 0; b < partition.k(); ++b) {
        const StageCost &c = ev.stages[b];
        w.beginObject();
        w.key("nodes").beginArray();
        for (NodeId v : members[b])
            w.value(graph.id(v));
        w.endArray();
        writeStageCostFields(w, c);
        if (devices)
            writeStageDeviceFields(w, params->devices[b]);
        w.endObject();
    }
    w.endArray();
}

std::string stageTableText(
    const Graph &graph, const Partition &partition, const Evaluation &ev, const CostParams *params)
{
    const bool devices = params && params->devices.size() == static_cast<size_t>(partition.k());
    const Units &u = graph.units();
    std::string t;
    char line[512];
    const std::string cost = "cost (" + u.time + ")", work = "work (" + u.time + ")";
    std::snprintf(line, sizeof line, "%6s %8s %16s %16s %14s %14s %14s\n", "stage", "nodes", cost.c_str(), work.c_str(),
        "comm in", "comm out", "param");
    t += line;
    for (int b = 0; b < partition.k(); ++b) {
        const StageCost &c = ev.stages[b];
        std::snprintf(line, sizeof line, "%5d%c %8s %16s %16s %14s %14s %14s\n", b + 1,
            b == ev.bottleneckStage ? '*' : ' ', quantity::count(c.nodes).c_str(), quantity::number(c.cost).c_str(),
            quantity::number(c.work).c_str(), quantity::size(c.commIn, u.size).c_str(),
            quantity::size(c.commOut, u.size).c_str(), quantity::size(c.param, u.paramUnit()).c_str());
        t += line;
    }
    if (devices) {
        std::snprintf(line, sizeof line, "%6s %-16s %8s %22s %16s %16s\n", "stage", "device", "speed", "param / memory",
            "bandwidth in", "bandwidth out");
        t += line;
        for (int b = 0; b < partition.k(); ++b) {
            const StageDevice &d = params->devices[b];
            const std::string mem = quantity::size(ev.stages[b].param, u.paramUnit()) + " / "
                + (d.memoryLimit ? quantity::size(*d.memoryLimit, u.paramUnit()) : std::string("none"));
            std::snprintf(line, sizeof line, "%6d %-16s %8s %22s %16s %16s\n", b + 1, d.name.substr(0, 16).c_str(),
                quantity::number(d.speed).c_str(), mem.c_str(), quantity::number(d.bandwidthIn).c_str(),
                quantity::number(d.bandwidthOut).c_str());
            t += line;
        }
    }
    t += "bottleneck " + quantity::time(ev.bottleneck, u.time) + " (stage " + std::to_string(ev.bottleneckStage + 1)
        + ", marked *), throughput " + quantity::rate(ev.bottleneck > 0 ? 1 / ev.bottleneck : 0, u.time) + "\n";
    return t;
}

void writeEstimates(JsonWriter &w, const EstimateShare &e)
{
    w.key("estimated_nodes").value(static_cast<long long>(e.nodes));
    w.key("estimated_work_share").value(e.share);
    w.key("measured_nodes").value(static_cast<long long>(e.measured));
    w.key("optimal_wording").value(optimalWording(e));
}

} // namespace pipecut::cli
