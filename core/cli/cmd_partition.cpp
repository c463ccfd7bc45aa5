#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/partition/partitioner.h"
#include "core/util/json_writer.h"

#include <cstdio>

namespace pipecut::cli {

namespace {

// "10x10" -> (10, 10)
bool parseBudget(const std::string &text, int &population, int &generations)
{
    int p = 0, g = 0;
    char x = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &p, &x, &g, &extra) != 3 || (x != 'x' && x != 'X') || p < 2 || g < 1)
        return false;
    population = p;
    generations = g;
    return true;
}

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
    args.positional("GRAPH", "graph file (any supported format)");
    args.option("-k", "K", "number of stages (default: the file's suggestion, else 4)");
    args.option("--method", "METHOD", methodList() + " (default auto)");
    args.option("--seed", "S", "random seed (default 1)");
    args.option("--budget", "POPxGEN", "slicegraph population x generations, e.g. 10x10 or 100x100");
    args.option("--time-limit", "SECONDS", "wall-clock limit for the method");
    args.option("--threads", "N", "worker threads (default: all cores)");
    args.option("--start", "PARTITION.json", "starting partition (refine, warm starts)");
    args.option("-o", "PARTITION.json", "write the partition (SPEC 4 JSON)");
    args.flag("--progress", "report progress on stderr");
    addCommonOptions(args);
    addSolverLimitOptions(args);
    int code = 0;
    if (!parseOrExit(args, argv, s, code))
        return code;
    auto lg = loadWithOptions(args, *args.positionalValue(0), s, code);
    if (!lg)
        return code;
    const Graph &g = lg->graph;

    PartitionOptions o;
    auto k = args.getInt("-k", g.suggestedK() > 0 ? g.suggestedK() : 4);
    auto seed = args.getInt("--seed", 1);
    auto limit = args.getDouble("--time-limit", 0);
    auto threads = args.getInt("--threads", 0);
    for (const auto *r : {&k, &seed, &threads})
        if (!*r)
            return usageError(s, r->error());
    if (!limit)
        return usageError(s, limit.error());
    auto limits = solverLimits(args);
    if (!limits)
        return usageError(s, limits.error());
    limits->applyTo(o);
    if (*k < 1 || *k > 100000)
        return usageError(s, "-k must be between 1 and 100000, not " + std::to_string(*k));
    o.k = static_cast<int>(*k);
    o.method = args.get("--method", "auto");
    o.seed = static_cast<uint64_t>(*seed);
    o.timeLimit = *limit;
    o.threads = static_cast<int>(*threads);
    if (args.has("--budget") && !parseBudget(args.get("--budget"), o.population, o.generations))
        return usageError(s, "--budget needs POPxGEN like 10x10, not '" + args.get("--budget") + "'");
    if (args.has("--start")) {
        auto p = loadPartition(args.get("--start"), g);
        if (!p)
            return inputError(s, p.error());
        if (p->k() != o.k)
            return inputError(s, args.get("--start") + ": the partition has " + std::to_string(p->k()) +
                                     " stages but -k is " + std::to_string(o.k));
        o.start = std::move(p).value();
    }
    if (Status st = o.validate(); !st)
        return usageError(s, st.error());

    ProgressFn progress;
    if (args.has("--progress"))
        progress = [&s](const Progress &p) {
            char buf[256];
            std::snprintf(buf, sizeof buf, "[%7.2fs] %s best %.10g\n", p.seconds, p.stage.c_str(), p.incumbent);
            s.err << buf << std::flush;
        };
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
