#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/util/json_writer.h"

namespace pipecut::cli {

int runEvaluate(const std::vector<std::string> &argv, CliStreams s)
{
    Args args("evaluate", "evaluate GRAPH PARTITION.json [options]",
              "Stage costs of a partition, or the constraints it violates (exit 3).");
    args.positional("GRAPH", "graph file (any supported format)");
    args.positional("PARTITION", "partition JSON (docs/model.md §6) or a dnn-partitioning placement");
    addCommonOptions(args);
    int code = 0;
    auto lg = parseAndLoad(args, argv, s, code);
    if (!lg)
        return code;
    const std::string partitionPath = *args.positionalValue(1);
    auto p = loadPartition(partitionPath, lg->graph);
    if (!p)
        return inputError(s, p.error());
    const auto violations = checkFeasibility(lg->graph, lg->params, *p, 20);
    if (!violations.empty()) {
        s.err << "error: " << partitionPath << ": " << violations.front().message;
        if (violations.size() > 1)
            s.err << " (and " << violations.size() - 1 << (violations.size() == 20 ? "+" : "") << " more)";
        s.err << "\n";
        for (size_t i = 1; i < violations.size(); ++i)
            s.err << "  also: " << violations[i].message << "\n";
        return kExitBadInput;
    }
    const Evaluation ev = evaluate(lg->graph, lg->params, *p);
    if (args.has("--json")) {
        JsonWriter w(true);
        w.beginObject();
        w.key("k").value(p->k());
        w.key("bottleneck").value(ev.bottleneck);
        w.key("bottleneck_stage").value(ev.bottleneckStage + 1);
        w.key("throughput").value(ev.bottleneck > 0 ? 1.0 / ev.bottleneck : 0.0);
        w.key("latency").value(ev.bottleneck * p->k());
        w.key("fill_latency").value(ev.sumOfCosts());
        writeStages(w, lg->graph, *p, ev);
        w.endObject();
        s.out << w.str() << "\n";
        return kExitOk;
    }
    s.out << stageTableText(lg->graph, *p, ev);
    return kExitOk;
}

} // namespace pipecut::cli
