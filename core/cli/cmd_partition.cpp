#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/cost/estimates.h"
#include "core/cost/summary.h"
#include "core/partition/partitioner.h"
#include "core/util/json_writer.h"
#include "core/util/text.h"

namespace pipecut::cli {

int runPartition(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "partition", "partition GRAPH -k K [options]",
        "Cut GRAPH into at most K pipeline stages minimising the bottleneck stage cost.");
    Args &args = c.args;
    addGraphAndStages(args);
    addPartitionerOptions(args);
    args.option("-o", "PARTITION.json", "write the partition (docs/model.md §6 JSON)");
    addSolverOptions(args);
    return c.run(argv, [&]() -> Status {
        if (Status st = c.load(); !st)
            return st;
        const Graph &g = c.graph();
        PartitionOptions o;
        if (Status st = c.readPartitionOptions(o); !st)
            return st;
        auto r = runPartitioner(g, c.params(), o, interruptToken(), c.progress("best", &Progress::incumbent));
        if (!r)
            return r.failure().prefixed(c.graphPath() + ": ");
        const bool stopped = interruptSignal() != 0;
        if (stopped)
            r->notes.push_back("stopped by a signal: the best partition found so far");
        // With --device-order free the stages run on the chosen order of the devices.
        const CostParams params = r->deviceOrder.empty() ? c.params() : withDeviceOrder(c.params(), r->deviceOrder);
        const Evaluation ev = evaluate(g, params, r->partition);
        const EstimateShare est = estimateShare(g);
        if (args.has("-o"))
            if (Status st = writeFileAtomically(args.get("-o"), partitionToJson(g, r->partition, deviceNames(params)));
                !st)
                return st;
        if (!c.json()) {
            c.out() << "method " << r->method << ", k " << o.k << ", " << formatNumber(r->seconds) << " s"
                    << (r->optimal ? ", " + optimalWording(est) : std::string()) << "\n";
            if (est.nodes > 0 || est.measured > 0)
                c.out() << "estimates: " << estimateSummary(g, est) << "\n";
            for (const std::string &n : r->notes)
                c.out() << "note: " << escapeControl(n) << "\n";
            c.out() << stageTableText(g, r->partition, ev, &params);
            return c.interrupted(args.has("-o") ? "the best partition so far is in " + args.get("-o") : "");
        }
        const Summary sum = summarize(ev, o.k, r->lowerBound);
        JsonWriter w(true);
        w.beginObject();
        w.key("k").value(o.k);
        w.key("method").value(r->method);
        w.key("bottleneck").value(sum.bottleneck);
        w.key("optimal").value(r->optimal);
        writeEstimates(w, est);
        w.key("stopped").value(stopped);
        w.key("seconds").value(r->seconds);
        if (sum.lowerBound > 0)
            w.key("lower_bound").value(sum.lowerBound);
        w.key("throughput").value(sum.throughput);
        w.key("latency").value(sum.latency);
        w.key("notes").beginArray();
        for (const std::string &n : r->notes)
            w.value(n);
        w.endArray();
        writeStages(w, g, r->partition, ev, &params);
        w.endObject();
        c.out() << w.str() << "\n";
        return c.interrupted(args.has("-o") ? "the best partition so far is in " + args.get("-o") : "");
    });
}

} // namespace pipecut::cli
