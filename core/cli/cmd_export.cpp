#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/io/export_onnx_stages.h"
#include "core/io/exports.h"

namespace pipecut::cli {

namespace {

// The -p partition, checked against the loaded graph.
Result<Partition> loadValidPartition(const Command &c)
{
    const std::string partitionPath = c.args.get("-p");
    auto p = loadPartition(partitionPath, c.graph());
    if (!p)
        return p.failure();
    if (Status st = validatePartition(c.graph(), c.params(), *p); !st)
        return st.failure().prefixed(partitionPath + ": ");
    return p;
}

// --to onnx-stages: a folder of stage models rather than one text.
Status exportStages(Command &c)
{
    const Args &args = c.args;
    if (!args.has("-o"))
        return usageError("--to onnx-stages needs -o DIR (the folder for the stage models)");
    if (args.has("--metric"))
        return usageError("--metric applies to --to model-explorer only");
    if (Status st = checkOnnxStagesSource(*args.positionalValue(0)); !st)
        return st;
    if (Status st = c.load(); !st)
        return st;
    auto p = loadValidPartition(c);
    if (!p)
        return p.failure();
    OnnxStagesOptions options;
    options.outDir = args.get("-o");
    options.force = args.has("--force");
    options.load = c.loadOptions();
    auto summary = exportOnnxStages(c.graphPath(), c.graph(), c.params(), *p, options);
    if (!summary)
        return summary.failure();
    c.err() << "wrote " << summary->written.size() << " stage model(s) and pipeline.json to " << options.outDir << "\n";
    for (int s : summary->skipped)
        c.err() << "note: stage " << s << " has no operators: no model written for it\n";
    if (summary->sharedConstants > 0)
        c.err() << "note: " << summary->sharedConstants
                << " constant(s) are used by several stages and copied into each (pipeline.json lists them)\n";
    if (summary->externalData)
        c.err() << "note: the weights stay in the model's external data files, referenced by relative path\n";
    return Ok {};
}

} // namespace

int runExport(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "export", "export GRAPH -p PARTITION.json --to FORMAT [-o OUT] [options]",
        "Write a partition in the form a pipeline framework or viewer takes (docs/exports.md):\n"
        "  pytorch           split points by node name for torch.distributed.pipelining (JSON)\n"
        "  deepspeed         layer-index boundaries over the default topological order (JSON);\n"
        "                    refused when the stages are not contiguous in that order\n"
        "  dnn-partitioning  Microsoft dnn-partitioning placement JSON (stage cost as load)\n"
        "  csv               the stage table as CSV (RFC 4180)\n"
        "  model-explorer    per-node data for Google's Model Explorer (JSON)\n"
        "  vllm, sglang      VLLM_PP_LAYER_PARTITION / SGLANG_PP_LAYER_PARTITION (Hugging Face configs)\n"
        "  megatron          --pipeline-model-parallel-layout (Hugging Face configs)\n"
        "  onnx-stages       one ONNX model per stage and pipeline.json in the folder -o DIR\n"
        "                    (GRAPH must be the ONNX model; --dim values size the tensors)");
    c.args.positional("GRAPH", "graph file (any supported format)");
    c.args.option("-p", "PARTITION.json", "the partition (pipecut JSON or a dnn-partitioning placement)");
    c.args.option("--to", "FORMAT",
        "pytorch, deepspeed, dnn-partitioning, csv, model-explorer, vllm, sglang, megatron or onnx-stages");
    c.args.option("-o", "OUT", "output file (default: standard output); the folder for onnx-stages");
    c.args.flag("--force", "onnx-stages: replace an output folder that is not empty");
    c.args.option("--metric", "METRIC", "model-explorer value per node: stage (default), stage-cost or work");
    addCommonOptions(c.args);
    return c.run(argv, [&]() -> Status {
        const Args &args = c.args;
        if (!args.has("-p"))
            return usageError("export needs -p PARTITION.json");
        if (!args.has("--to"))
            return usageError("export needs --to "
                              "pytorch|deepspeed|dnn-partitioning|csv|model-explorer|vllm|sglang|megatron|onnx-stages");
        if (args.get("--to") == "onnx-stages")
            return exportStages(c);
        const auto format = parseExportFormat(args.get("--to"));
        if (!format)
            return usageError("unknown export format '" + args.get("--to")
                + "' (pytorch, deepspeed, dnn-partitioning, csv, model-explorer, vllm, sglang, megatron or "
                  "onnx-stages)");
        ExportOptions options;
        if (args.has("--metric")) {
            const auto metric = parseOverlayMetric(args.get("--metric"));
            if (!metric)
                return usageError("unknown --metric '" + args.get("--metric") + "' (stage, stage-cost or work)");
            if (*format != ExportFormat::ModelExplorer)
                return usageError("--metric applies to --to model-explorer only");
            options.metric = *metric;
        }
        if (Status st = c.load(); !st)
            return st;
        const Graph &g = c.graph();
        const std::string partitionPath = args.get("-p");
        auto p = loadValidPartition(c);
        if (!p)
            return p.failure();
        auto text = exportPartition(*format, g, c.params(), *p, options);
        if (!text)
            return text.failure().prefixed(partitionPath + ": ");
        if (*format == ExportFormat::DnnPartitioning)
            c.err() << "note: the placement numbers nodes by " << placementNumberingName(placementNumbering(g)) << "\n";
        if (!args.has("-o")) {
            c.out() << *text;
            return Ok {};
        }
        return writeFileAtomically(args.get("-o"), *text);
    });
}

} // namespace pipecut::cli
