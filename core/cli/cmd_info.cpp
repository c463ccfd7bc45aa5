#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/graph/topology.h"
#include "core/util/json_writer.h"

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
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "name         %s\nformat       %s\nnodes        %d\nedges        %lld\ngroups       %d\n"
                  "total work   %.10g %s\nmax work     %.10g %s\ntotal out    %.10g %s\ntotal param  %.10g %s\n"
                  "width        %lld%s\nbandwidth    %.10g %s/%s\n",
                  g.name().c_str(), g.format().c_str(), g.nodeCount(), static_cast<long long>(g.edgeCount()),
                  g.groupCount(), g.totalWork(), g.units().time.c_str(), g.maxWork(), g.units().time.c_str(),
                  g.totalOut(), g.units().size.c_str(), g.totalParam(), g.units().size.c_str(),
                  static_cast<long long>(width.value), width.exact ? "" : " (estimate: a lower bound)",
                  lg->params.bandwidth, g.units().size.c_str(), g.units().time.c_str());
    s.out << buf;
    if (lg->params.memoryLimit)
        s.out << "memory limit " << formatNumber(*lg->params.memoryLimit) << " " << g.units().size << "\n";
    if (g.suggestedK())
        s.out << "suggested k  " << g.suggestedK() << "\n";
    for (const std::string &n : g.notes())
        s.out << "note: " << n << "\n";
    return kExitOk;
}

} // namespace pipecut::cli
