#include "core/cli/commands.h"
#include "core/cli/common.h"

namespace pipecut::cli {

namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

int runConvert(const std::vector<std::string> &argv, CliStreams s)
{
    Args args("convert", "convert GRAPH -o OUT.(json|dot) [-p PARTITION.json] [options]",
              "Write GRAPH as pipecut JSON or Graphviz DOT (with stage colours when a partition is given).\n"
              "--bandwidth and --memory-limit are written into the output.");
    args.positional("GRAPH", "graph file (any supported format)");
    args.option("-o", "OUT", "output file: .json (pipecut JSON) or .dot/.gv (Graphviz)");
    args.option("-p", "PARTITION.json", "colour nodes by stage (DOT output)");
    addCommonOptions(args);
    int code = 0;
    if (!parseOrExit(args, argv, s, code))
        return code;
    if (!args.has("-o"))
        return usageError(s, "convert needs -o OUT.json or -o OUT.dot");
    const std::string out = args.get("-o");
    const bool dot = endsWith(out, ".dot") || endsWith(out, ".gv");
    if (!dot && !endsWith(out, ".json"))
        return usageError(s, "cannot tell the output format of '" + out + "' (use .json, .dot or .gv)");
    auto lg = loadWithOptions(args, *args.positionalValue(0), s, code);
    if (!lg)
        return code;
    lg->graph.setBandwidth(lg->params.bandwidth);
    lg->graph.setMemoryLimit(lg->params.memoryLimit);
    std::optional<Partition> partition;
    if (args.has("-p")) {
        auto p = loadPartition(args.get("-p"), lg->graph);
        if (!p)
            return inputError(s, p.error());
        partition = std::move(p).value();
    }
    const std::string text = dot ? graphToDot(lg->graph, partition ? &*partition : nullptr) : graphToJson(lg->graph);
    if (Status st = writeFileAtomically(out, text); !st)
        return failure(s, st.error());
    return kExitOk;
}

} // namespace pipecut::cli
