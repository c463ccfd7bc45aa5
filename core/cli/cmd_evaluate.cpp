#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/cost/summary.h"
#include "core/util/json_writer.h"
#include "core/util/text.h"

namespace pipecut::cli {

namespace {

// The first violation is the error; each further one is a "note:" line on
// standard error before it, so the error stays one line.
Error violationsError(const Command &c, const std::string &partitionPath, const std::vector<Violation> &violations)
{
    std::string message = partitionPath + ": " + violations.front().message;
    if (violations.size() > 1)
        message += " (and " + std::to_string(violations.size() - 1) + (violations.size() == 20 ? "+" : "") + " more)";
    for (size_t i = 1; i < violations.size(); ++i)
        c.err() << "note: also: " << escapeControl(violations[i].message) << "\n";
    return makeError(ErrorKind::BadInput, message);
}

} // namespace

int runEvaluate(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "evaluate", "evaluate GRAPH PARTITION.json [options]",
        "Stage costs of a partition, or the constraints it violates (exit 3).");
    c.args.positional("GRAPH", "graph file (any supported format)");
    c.args.positional("PARTITION", "partition JSON (docs/model.md §6) or a dnn-partitioning placement");
    addCommonOptions(c.args);
    return c.run(argv, [&]() -> Status {
        if (Status st = c.load(); !st)
            return st;
        const Graph &g = c.graph();
        const std::string partitionPath = *c.args.positionalValue(1);
        auto p = loadPartition(partitionPath, g);
        if (!p)
            return p.failure();
        auto ordered = paramsForPartition(c, partitionPath); // the file's device order (docs/model.md §6)
        if (!ordered)
            return ordered.failure();
        const CostParams &params = *ordered;
        const auto violations = checkFeasibility(g, params, *p, 20);
        if (!violations.empty())
            return violationsError(c, partitionPath, violations);
        const Evaluation ev = evaluate(g, params, *p);
        if (!c.json()) {
            c.out() << stageTableText(g, *p, ev, &params);
            return Ok {};
        }
        const Summary sum = summarize(ev, p->k());
        JsonWriter w(true);
        w.beginObject();
        w.key("k").value(p->k());
        w.key("bottleneck").value(sum.bottleneck);
        w.key("bottleneck_stage").value(ev.bottleneckStage + 1);
        w.key("throughput").value(sum.throughput);
        w.key("latency").value(sum.latency);
        w.key("fill_latency").value(sum.fillLatency);
        writeStages(w, g, *p, ev, &params);
        w.endObject();
        c.out() << w.str() << "\n";
        return Ok {};
    });
}

} // namespace pipecut::cli
