#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/io/exports.h"

namespace pipecut::cli {

int runExport(const std::vector<std::string> &argv, CliStreams s)
{
    Args args("export", "export GRAPH -p PARTITION.json --to FORMAT [-o OUT] [options]",
              "Write a partition in the form a pipeline framework or viewer takes (docs/exports.md):\n"
              "  pytorch           split points by node name for torch.distributed.pipelining (JSON)\n"
              "  deepspeed         layer-index boundaries over the default topological order (JSON);\n"
              "                    refused when the stages are not contiguous in that order\n"
              "  dnn-partitioning  Microsoft dnn-partitioning placement JSON (stage cost as load)\n"
              "  csv               the stage table as CSV (RFC 4180)\n"
              "  model-explorer    per-node data for Google's Model Explorer (JSON)");
    args.positional("GRAPH", "graph file (any supported format)");
    args.option("-p", "PARTITION.json", "the partition (pipecut JSON or a dnn-partitioning placement)");
    args.option("--to", "FORMAT", "pytorch, deepspeed, dnn-partitioning, csv or model-explorer");
    args.option("-o", "OUT", "output file (default: standard output)");
    args.option("--metric", "METRIC", "model-explorer value per node: stage (default), stage-cost or work");
    addCommonOptions(args);
    int code = 0;
    if (!parseOrExit(args, argv, s, code))
        return code;
    if (!args.has("-p"))
        return usageError(s, "export needs -p PARTITION.json");
    if (!args.has("--to"))
        return usageError(s, "export needs --to pytorch|deepspeed|dnn-partitioning|csv|model-explorer");
    const auto format = parseExportFormat(args.get("--to"));
    if (!format)
        return usageError(s, "unknown export format '" + args.get("--to") +
                                 "' (pytorch, deepspeed, dnn-partitioning, csv or model-explorer)");
    ExportOptions options;
    if (args.has("--metric")) {
        const auto metric = parseOverlayMetric(args.get("--metric"));
        if (!metric)
            return usageError(s, "unknown --metric '" + args.get("--metric") + "' (stage, stage-cost or work)");
        if (*format != ExportFormat::ModelExplorer)
            return usageError(s, "--metric applies to --to model-explorer only");
        options.metric = *metric;
    }
    auto lg = loadWithOptions(args, *args.positionalValue(0), s, code);
    if (!lg)
        return code;
    const std::string partitionPath = args.get("-p");
    auto p = loadPartition(partitionPath, lg->graph);
    if (!p)
        return inputError(s, p.error());
    if (Status st = validatePartition(lg->graph, lg->params, *p); !st)
        return inputError(s, partitionPath + ": " + st.error());
    auto text = exportPartition(*format, lg->graph, lg->params, *p, options);
    if (!text)
        return inputError(s, partitionPath + ": " + text.error());
    if (*format == ExportFormat::DnnPartitioning)
        s.err << "note: the placement numbers nodes by " << placementNumberingName(placementNumbering(lg->graph))
              << "\n";
    if (!args.has("-o")) {
        s.out << *text;
        return kExitOk;
    }
    if (Status st = writeFileAtomically(args.get("-o"), *text); !st)
        return failure(s, st.error());
    return kExitOk;
}

} // namespace pipecut::cli
