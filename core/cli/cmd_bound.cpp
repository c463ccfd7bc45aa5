#include "core/bounds/bound.h"
#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/util/json_writer.h"
#include "core/util/quantity.h"

#include <cstdio>
#include <sstream>

namespace pipecut::cli {

int runBound(const std::vector<std::string> &argv, CliStreams s)
{
    std::string methods;
    for (const std::string &m : boundMethods())
        methods += (methods.empty() ? "" : "|") + m;
    Args args("bound", "bound GRAPH -k K [options]",
              "A proven lower bound on the best bottleneck of any partition of GRAPH into at most K stages.");
    addGraphAndStages(args);
    args.option("--method", "METHOD", methods + " (default best)");
    args.option("--exclude", "M1,M2", "methods 'best' must not use, e.g. ideal-dp");
    args.option("--time-limit", "SECONDS", "wall-clock limit (default: the method's)");
    args.option("-p", "PARTITION.json", "best known partition (warm start, and the gap is reported)");
    addSolverOptions(args);
    int code = 0;
    auto lg = parseAndLoad(args, argv, s, code);
    if (!lg)
        return code;
    const Graph &g = lg->graph;
    BoundOptions o;
    if (Status st = readStagesAndLimits(args, g, o); !st)
        return usageError(s, st.error());
    o.method = args.get("--method", "best");
    {
        std::stringstream list(args.get("--exclude"));
        for (std::string item; std::getline(list, item, ',');)
            if (!item.empty())
                o.exclude.push_back(item);
    }
    if (args.has("-p")) {
        auto p = loadPartitionFor(args.get("-p"), g, o.k);
        if (!p)
            return inputError(s, p.error());
        if (Status st = validatePartition(g, lg->params, *p); !st)
            return inputError(s, args.get("-p") + ": " + st.error());
        o.incumbent = std::move(p).value();
    }
    if (Status st = o.validate(); !st)
        return usageError(s, st.error());
    const ProgressFn progress = progressReporter(args, s, "bound", &Progress::bound);
    auto r = runBound(g, lg->params, o, StopToken{}, progress);
    if (!r)
        return failure(s, *args.positionalValue(0) + ": " + r.error());
    if (r->infeasible)
        return inputError(s, *args.positionalValue(0) + ": no valid partition into " + std::to_string(o.k) +
                                 " stages: " + r->reason);
    double upper = 0;
    if (o.incumbent)
        upper = evaluate(g, lg->params, *o.incumbent).bottleneck;
    else if (r->partition)
        upper = r->upperBound;
    if (args.has("--json")) {
        JsonWriter w(true);
        w.beginObject();
        w.key("k").value(o.k);
        w.key("method").value(o.method);
        w.key("lower_bound").value(r->lowerBound);
        w.key("seconds").value(r->seconds);
        w.key("proven_by").value(r->provenBy);
        w.key("optimal").value(r->optimal);
        if (upper > 0) {
            w.key("upper_bound").value(upper);
            w.key("gap").value((upper - r->lowerBound) / upper);
        }
        w.endObject();
        s.out << w.str() << "\n";
        return kExitOk;
    }
    s.out << "lower bound " << quantity::time(r->lowerBound, g.units().time) << " (k " << o.k << ", proven by "
          << r->provenBy << ", " << formatNumber(r->seconds) << " s" << (r->optimal ? ", optimal" : "") << ")\n";
    if (upper > 0) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.3f%%", 100 * (upper - r->lowerBound) / upper);
        s.out << "best partition " << quantity::time(upper, g.units().time) << ", gap " << buf << "\n";
    }
    return kExitOk;
}

} // namespace pipecut::cli
