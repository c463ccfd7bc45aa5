#include "core/bounds/bound.h"
#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/cost/summary.h"
#include "core/util/json_writer.h"
#include "core/util/quantity.h"

#include <cstdio>
#include <sstream>

namespace pipecut::cli {

int runBound(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "bound", "bound GRAPH -k K [options]",
        "A proven lower bound on the best bottleneck of any partition of GRAPH into at most K stages.");
    Args &args = c.args;
    addGraphAndStages(args);
    args.option("--method", "METHOD", joinChoices(boundMethods()) + " (default best)");
    args.option("--exclude", "M1,M2", "methods 'best' must not use, e.g. ideal-dp");
    args.option("--time-limit", "SECONDS", "wall-clock limit (default: the method's)");
    args.option("-p", "PARTITION.json", "best known partition (warm start, and the gap is reported)");
    addSolverOptions(args);
    return c.run(argv, [&]() -> Status {
        if (Status st = c.load(); !st)
            return st;
        const Graph &g = c.graph();
        BoundOptions o;
        if (Status st = c.readStagesAndLimits(o); !st)
            return st;
        o.method = args.get("--method", "best");
        std::stringstream list(args.get("--exclude"));
        for (std::string item; std::getline(list, item, ',');)
            if (!item.empty())
                o.exclude.push_back(item);
        CostParams params = c.params(); // with -p, in the partition's device order (docs/model.md §6)
        if (args.has("-p")) {
            auto p = loadPartitionFor(args.get("-p"), g, o.k);
            if (!p)
                return p.failure();
            auto ordered = paramsForPartition(c, args.get("-p"));
            if (!ordered)
                return ordered.failure();
            params = std::move(ordered).value();
            if (Status st = validatePartition(g, params, *p); !st)
                return st.failure().prefixed(args.get("-p") + ": ");
            o.incumbent = std::move(p).value();
        }
        if (Status st = o.validate(); !st)
            return st;
        auto r = runBound(g, params, o, interruptToken(), c.progress("bound", &Progress::bound));
        if (!r)
            return r.failure().prefixed(c.graphPath() + ": ");
        if (r->infeasible)
            return makeError(ErrorKind::Infeasible,
                c.graphPath() + ": no valid partition into " + std::to_string(o.k) + " stages: " + r->reason);
        double upper = 0;
        if (o.incumbent)
            upper = evaluate(g, params, *o.incumbent).bottleneck;
        else if (r->partition)
            upper = r->upperBound;
        const Summary sum = summarize(upper, o.k, r->lowerBound);
        if (c.json()) {
            JsonWriter w(true);
            w.beginObject();
            w.key("k").value(o.k);
            w.key("method").value(o.method);
            w.key("lower_bound").value(r->lowerBound);
            w.key("seconds").value(r->seconds);
            w.key("proven_by").value(r->provenBy);
            w.key("optimal").value(r->optimal);
            writeEstimates(w, estimateShare(g));
            w.key("stopped").value(interruptSignal() != 0);
            if (upper > 0) {
                w.key("upper_bound").value(upper);
                w.key("gap").value(sum.gap);
            }
            w.endObject();
            c.out() << w.str() << "\n";
            return c.interrupted("the bound printed is the best proven so far");
        }
        c.out() << "lower bound " << quantity::time(r->lowerBound, g.units().time) << " (k " << o.k << ", proven by "
                << r->provenBy << ", " << formatNumber(r->seconds) << " s"
                << (r->optimal ? ", " + optimalWording(estimateShare(g)) : std::string()) << ")\n";
        if (const EstimateShare est = estimateShare(g); est.nodes > 0 || est.measured > 0)
            c.out() << "estimates: " << estimateSummary(g, est) << "\n";
        if (upper > 0) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.3f%%", 100 * sum.gap);
            c.out() << "best partition " << quantity::time(upper, g.units().time) << ", gap " << buf << "\n";
        }
        return c.interrupted("the bound printed is the best proven so far");
    });
}

} // namespace pipecut::cli
