#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/graph/topology.h"
#include "core/util/json_writer.h"
#include "core/util/quantity.h"

#include <cstdio>

namespace pipecut::cli {

int runInfo(const std::vector<std::string> &argv, CliStreams s)
{
    Args args("info", "info GRAPH [options]", "Sizes and totals of a graph, and its width (largest antichain).");
    args.positional("GRAPH", "graph file (any supported format)");
    addCommonOptions(args);
    int code = 0;
    auto lg = parseAndLoad(args, argv, s, code);
    if (!lg)
        return code;
    const Graph &g = lg->graph;
    const Width width = graphWidth(g);
    if (args.has("--json")) {
        JsonWriter w(true);
        w.beginObject();
        w.key("name").value(g.name());
        w.key("format").value(g.format());
        w.key("nodes").value(static_cast<long long>(g.nodeCount()));
        w.key("edges").value(static_cast<long long>(g.edgeCount()));
        w.key("groups").value(static_cast<long long>(g.groupCount()));
        w.key("total_work").value(g.totalWork());
        w.key("max_work").value(g.maxWork());
        w.key("total_out").value(g.totalOut());
        w.key("total_param").value(g.totalParam());
        w.key("width").value(static_cast<long long>(width.value));
        w.key("width_exact").value(width.exact);
        w.key("bandwidth").value(lg->params.bandwidth);
        w.key("memory_limit");
        if (lg->params.memoryLimit)
            w.value(*lg->params.memoryLimit);
        else
            w.null();
        w.key("suggested_k").value(static_cast<long long>(g.suggestedK()));
        w.key("units").beginObject().key("time").value(g.units().time).key("size").value(g.units().size).endObject();
        w.key("notes").beginArray();
        for (const std::string &n : g.notes())
            w.value(n);
        w.endArray();
        w.endObject();
        s.out << w.str() << "\n";
        return kExitOk;
    }
    const Units &u = g.units();
    s.out << "name         " << g.name() << "\nformat       " << g.format()
          << "\nnodes        " << quantity::count(g.nodeCount()) << "\nedges        " << quantity::count(g.edgeCount())
          << "\ngroups       " << quantity::count(g.groupCount())
          << "\ntotal work   " << quantity::time(g.totalWork(), u.time) << "\nmax work     "
          << quantity::time(g.maxWork(), u.time) << "\ntotal out    " << quantity::size(g.totalOut(), u.size)
          << "\ntotal param  " << quantity::size(g.totalParam(), u.size) << "\nwidth        "
          << quantity::count(width.value) << (width.exact ? "" : " (estimate: a lower bound)") << "\nbandwidth    "
          << quantity::bandwidth(lg->params.bandwidth, u.size, u.time) << "\n";
    if (lg->params.memoryLimit)
        s.out << "memory limit " << quantity::size(*lg->params.memoryLimit, u.size) << "\n";
    if (g.suggestedK())
        s.out << "suggested k  " << g.suggestedK() << "\n";
    for (const std::string &n : g.notes())
        s.out << "note: " << n << "\n";
    return kExitOk;
}

} // namespace pipecut::cli
