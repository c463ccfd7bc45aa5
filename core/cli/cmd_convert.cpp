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
    Command c(s, "convert", "convert GRAPH -o OUT.(json|dot) [-p PARTITION.json] [options]",
        "Write GRAPH as pipecut JSON or Graphviz DOT (with stage colours when a partition is given).\n"
        "--bandwidth and --memory-limit are written into the output.");
    c.args.positional("GRAPH", "graph file (any supported format)");
    c.args.option("-o", "OUT", "output file: .json (pipecut JSON) or .dot/.gv (Graphviz)");
    c.args.option("-p", "PARTITION.json", "colour nodes by stage (DOT output)");
    addCommonOptions(c.args);
    return c.run(argv, [&]() -> Status {
        if (!c.args.has("-o"))
            return usageError("convert needs -o OUT.json or -o OUT.dot");
        const std::string out = c.args.get("-o");
        const bool dot = endsWith(out, ".dot") || endsWith(out, ".gv");
        if (!dot && !endsWith(out, ".json"))
            return usageError("cannot tell the output format of '" + out + "' (use .json, .dot or .gv)");
        if (Status st = c.load(); !st)
            return st;
        Graph &g = c.graph();
        g.setBandwidth(c.params().bandwidth);
        g.setMemoryLimit(c.params().memoryLimit);
        std::optional<Partition> partition;
        if (c.args.has("-p")) {
            auto p = loadPartition(c.args.get("-p"), g);
            if (!p)
                return p.failure();
            partition = std::move(p).value();
        }
        return writeFileAtomically(out, dot ? graphToDot(g, partition ? &*partition : nullptr) : graphToJson(g));
    });
}

} // namespace pipecut::cli
