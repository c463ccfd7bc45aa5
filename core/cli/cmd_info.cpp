#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/graph/topology.h"
#include "core/util/json_writer.h"
#include "core/util/quantity.h"
#include "core/util/text.h"

#include <cstdio>

namespace pipecut::cli {

int runInfo(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "info", "info GRAPH [options]", "Sizes and totals of a graph, and its width (largest antichain).");
    c.args.positional("GRAPH", "graph file (any supported format)");
    addCommonOptions(c.args);
    return c.run(argv, [&]() -> Status {
        if (Status st = c.load(); !st)
            return st;
        const Graph &g = c.graph();
        const CostParams &params = c.params();
        const Width width = graphWidth(g);
        if (c.json()) {
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
            writeEstimates(w, estimateShare(g));
            w.key("width").value(static_cast<long long>(width.value));
            w.key("width_exact").value(width.exact);
            w.key("bandwidth").value(params.bandwidth);
            w.key("memory_limit");
            if (params.memoryLimit)
                w.value(*params.memoryLimit);
            else
                w.null();
            w.key("suggested_k").value(static_cast<long long>(g.suggestedK()));
            if (params.hasDevices()) { // --cluster: one entry per stage (docs/model.md §1.7)
                w.key("devices").beginArray();
                for (const StageDevice &d : params.devices) {
                    w.beginObject().key("name").value(d.name).key("speed").value(d.speed);
                    w.key("memory_limit");
                    if (d.memoryLimit)
                        w.value(*d.memoryLimit);
                    else
                        w.null();
                    w.key("bandwidth_in").value(d.bandwidthIn).key("bandwidth_out").value(d.bandwidthOut).endObject();
                }
                w.endArray();
            }
            w.key("units")
                .beginObject()
                .key("time")
                .value(g.units().time)
                .key("size")
                .value(g.units().size)
                .key("param")
                .value(g.units().paramUnit())
                .endObject();
            w.key("notes").beginArray();
            for (const std::string &n : g.notes())
                w.value(n);
            w.endArray();
            w.endObject();
            c.out() << w.str() << "\n";
            return Ok {};
        }
        const Units &u = g.units();
        c.out() << "name         " << g.name() << "\nformat       " << g.format() << "\nnodes        "
                << quantity::count(g.nodeCount()) << "\nedges        " << quantity::count(g.edgeCount())
                << "\ngroups       " << quantity::count(g.groupCount()) << "\ntotal work   "
                << quantity::time(g.totalWork(), u.time) << "\nmax work     " << quantity::time(g.maxWork(), u.time)
                << "\ntotal out    " << quantity::size(g.totalOut(), u.size) << "\ntotal param  "
                << quantity::size(g.totalParam(), u.paramUnit()) << "\nwidth        " << quantity::count(width.value)
                << (width.exact ? "" : " (estimate: a lower bound)") << "\nbandwidth    "
                << quantity::bandwidth(params.bandwidth, u.size, u.time) << "\n";
        if (params.memoryLimit)
            c.out() << "memory limit " << quantity::size(*params.memoryLimit, u.paramUnit()) << "\n";
        if (g.suggestedK())
            c.out() << "suggested k  " << g.suggestedK() << "\n";
        for (size_t j = 0; j < params.devices.size(); ++j) {
            const StageDevice &d = params.devices[j];
            c.out() << "device " << j + 1 << "     " << d.name << ": speed " << quantity::number(d.speed) << ", memory "
                    << (d.memoryLimit ? quantity::size(*d.memoryLimit, u.paramUnit()) : std::string("none"))
                    << ", links " << quantity::bandwidth(d.bandwidthIn, u.size, u.time) << " in, "
                    << quantity::bandwidth(d.bandwidthOut, u.size, u.time) << " out\n";
        }
        if (const EstimateShare est = estimateShare(g); est.nodes > 0 || est.measured > 0)
            c.out() << "estimates    " << estimateSummary(g, est) << "\n";
        for (const std::string &n : g.notes())
            c.out() << "note: " << escapeControl(n) << "\n";
        return Ok {};
    });
}

} // namespace pipecut::cli
