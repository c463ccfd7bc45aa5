#pragma once
// One subcommand's run: its declared options and what it has read from them
// (the loaded graph, the cost parameters, k, the solver limits, the output
// mode). A command declares its options, then calls run() with its body;
// every error the body returns leaves through reportError(), which maps its
// kind to the exit status in one table (exitStatus()).

#include "core/cli/args.h"
#include "core/cli/cli.h"
#include "core/cost/cluster.h"
#include "core/cost/cost_params.h"
#include "core/graph/graph.h"
#include "core/io/graph_io.h"
#include "core/util/progress.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pipecut {
struct PartitionOptions;
}

namespace pipecut::cli {

// The exit status of an error kind (docs/model.md §7).
int exitStatus(ErrorKind kind);
// The exit statuses as the CLI help lists them.
std::string exitStatusHelp();
// Prints "error: MESSAGE" on stderr (naming the option that raises a limit the
// error hit, when `args` declares it) and returns the exit status of its kind.
int reportError(CliStreams s, const Error &error, const Args *args = nullptr);

// What the command is doing, for the error when memory runs out ("reading g.json").
std::string &currentActivity();

inline Error usageError(std::string message)
{
    return makeError(ErrorKind::Usage, std::move(message));
}

// --max-ideals, --max-mip-columns and --memory-budget; 0 = the defaults.
struct SolverLimits {
    int64_t idealCap = 0, memoryBudget = 0, maxMipColumns = 0;
};

class Command {
public:
    Command(CliStreams streams, std::string name, std::string synopsis, std::string description);

    Args args;

    // Parses argv (--help prints the help and exits 0), runs `body`, and turns
    // its error into the exit status.
    int run(const std::vector<std::string> &argv, const std::function<Status()> &body);

    // Loads the graph named by positional argument `index` with the common
    // options applied; graph() and params() hold it afterwards.
    Status load(size_t index = 0);
    const std::string &graphPath() const { return m_graphPath; }
    Graph &graph() { return *m_graph; }
    const Graph &graph() const { return *m_graph; }
    const CostParams &params() const { return m_params; }
    // The --cluster description, when given (params() then has its devices).
    const std::optional<Cluster> &cluster() const { return m_cluster; }
    // The load options the graph was read with (--dim, --device, the limits).
    const LoadOptions &loadOptions() const { return m_loadOptions; }

    // -k (`fallback` when absent) as a whole number in 1..100000; k() afterwards.
    Status readStages(long long fallback);
    int k() const { return m_k; }
    // The solver limits, when the command declares them; limits() afterwards.
    Status readLimits();
    const SolverLimits &limits() const { return m_limits; }
    // What partition and bound read after loading: -k (default: the file's
    // suggestion, else 4), --time-limit and the solver limits, into the options.
    template <class Options> Status readStagesAndLimits(Options &o)
    {
        auto limit = args.getDouble("--time-limit", 0);
        if (Status st = readStages(defaultStages()); !st)
            return st;
        if (!limit)
            return limit.failure();
        if (Status st = readLimits(); !st)
            return st;
        o.k = m_k;
        o.timeLimit = *limit;
        o.idealCap = m_limits.idealCap;
        o.memoryBudget = m_limits.memoryBudget;
        o.maxMipColumns = m_limits.maxMipColumns;
        return Ok {};
    }
    // The partitioner's options from the command's declared options: the
    // above, --method (default auto), --seed, --threads, --budget and --start.
    Status readPartitionOptions(PartitionOptions &o);
    // The stage count when -k is not given: the file's suggestion, else 4.
    int defaultStages() const;

    // After a SIGINT or SIGTERM (interruptToken()): the stopped error naming
    // the signal and what was still written; Ok when no signal came.
    Status interrupted(const std::string &written) const;

    // The output mode: --json.
    bool json() const { return args.has("--json"); }
    std::ostream &out() const { return m_streams.out; }
    std::ostream &err() const { return m_streams.err; }
    // --progress: a reporter printing "[  12.34s] STAGE WHAT VALUE" lines on
    // stderr, VALUE being `field` of the report; empty without --progress.
    ProgressFn progress(const char *what, double Progress::*field) const;

private:
    Status applyClusterOption();

    CliStreams m_streams;
    std::string m_graphPath;
    std::optional<Graph> m_graph;
    CostParams m_params;
    std::optional<Cluster> m_cluster;
    LoadOptions m_loadOptions;
    CostOrigin m_costOrigin; // re-costs the graph for a cluster's device profiles
    int m_k = 0;
    SolverLimits m_limits;
};

} // namespace pipecut::cli
