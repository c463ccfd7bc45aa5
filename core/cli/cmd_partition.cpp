#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/partition/partitioner.h"
#include "core/util/json_writer.h"

#include <tuple>

namespace pipecut::cli {

namespace {

std::string methodList()
{
    std::string list;
    for (const std::string &m : partitionMethods())
        list += (list.empty() ? "" : "|") + m;
    return list;
}

} // namespace

int runPartition(const std::vector<std::string> &argv, CliStreams s)
{
    Args args("partition", "partition GRAPH -k K [options]",
              "Cut GRAPH into at most K pipeline stages minimising the bottleneck stage cost.");
    addGraphAndStages(args);
    args.option("--method", "METHOD", methodList() + " (default auto)");
    args.option("--seed", "S", "random seed (default 1)");
    args.option("--budget", "POPxGEN", "slicegraph population x generations, e.g. 10x10 or 100x100");
    args.option("--time-limit", "SECONDS", "wall-clock limit for the method");
    args.option("--threads", "N", "worker threads (default: all cores)");
    args.option("--start", "PARTITION.json", "starting partition (refine, warm starts)");
    args.option("-o", "PARTITION.json", "write the partition (docs/model.md §6 JSON)");
    addSolverOptions(args);
    int code = 0;
    auto lg = parseAndLoad(args, argv, s, code);
    if (!lg)
        return code;
    const Graph &g = lg->graph;

    PartitionOptions o;
    if (Status st = readStagesAndLimits(args, g, o); !st)
        return usageError(s, st.error());
    auto seed = args.getInt("--seed", 1);
    auto threads = args.getInt("--threads", 0);
    if (auto e = firstError(seed, threads))
        return usageError(s, *e);
    o.method = args.get("--method", "auto");
    o.seed = static_cast<uint64_t>(*seed);
    o.threads = static_cast<int>(*threads);
    if (args.has("--budget")) {
        // The core's parser, with slicegraph's smallest population of 2.
        auto budget = parseBudget(args.get("--budget"));
        if (!budget || budget->first < 2)
            return usageError(s, "--budget needs POPxGEN like 10x10, not '" + args.get("--budget") + "'");
        std::tie(o.population, o.generations) = *budget;
    }
    if (args.has("--start")) {
        auto p = loadPartitionFor(args.get("--start"), g, o.k);
        if (!p)
            return inputError(s, p.error());
        o.start = std::move(p).value();
    }
    if (Status st = o.validate(); !st)
        return usageError(s, st.error());

    const ProgressFn progress = progressReporter(args, s, "best", &Progress::incumbent);
    auto r = runPartitioner(g, lg->params, o, StopToken{}, progress);
    if (!r)
        return inputError(s, *args.positionalValue(0) + ": " + r.error());
    const Evaluation ev = evaluate(g, lg->params, r->partition);
    if (args.has("-o")) {
        if (Status st = writeFileAtomically(args.get("-o"), partitionToJson(g, r->partition)); !st)
            return failure(s, st.error());
    }
    if (args.has("--json")) {
        JsonWriter w(true);
        w.beginObject();
        w.key("k").value(o.k);
        w.key("method").value(r->method);
        w.key("bottleneck").value(ev.bottleneck);
        w.key("optimal").value(r->optimal);
        w.key("seconds").value(r->seconds);
        if (r->lowerBound > 0)
            w.key("lower_bound").value(r->lowerBound);
        w.key("throughput").value(ev.bottleneck > 0 ? 1.0 / ev.bottleneck : 0.0);
        w.key("latency").value(ev.bottleneck * o.k);
        w.key("notes").beginArray();
        for (const std::string &n : r->notes)
            w.value(n);
        w.endArray();
        writeStages(w, g, r->partition, ev);
        w.endObject();
        s.out << w.str() << "\n";
        return kExitOk;
    }
    s.out << "method " << r->method << ", k " << o.k << ", " << formatNumber(r->seconds) << " s"
          << (r->optimal ? ", proven optimal" : "") << "\n";
    for (const std::string &n : r->notes)
        s.out << "note: " << n << "\n";
    s.out << stageTableText(g, r->partition, ev);
    return kExitOk;
}

} // namespace pipecut::cli
