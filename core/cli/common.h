#pragma once
// Pieces every subcommand shares: the common cost options (--bandwidth,
// --memory-limit, --device, --dim, --format), loading with exit status 3 on bad
// input, and the stage table in JSON and text.

#include "core/cli/args.h"
#include "core/cli/cli.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/util/progress.h"

#include <optional>

namespace pipecut {
class JsonWriter;
}

namespace pipecut::cli {

// Declares --bandwidth, --memory-limit, --device, --dim, --format, --json.
void addCommonOptions(Args &args);

// Declares --max-ideals, --max-mip-columns and --memory-budget (partition, bound).
void addSolverLimitOptions(Args &args);
// The tail of partition's and bound's options: --progress, the common options, the solver limits.
void addSolverOptions(Args &args);
struct SolverLimits {
    int64_t idealCap = 0, memoryBudget = 0, maxMipColumns = 0; // 0 = the defaults
};
// Reads them; a usage error message on a malformed value.
Result<SolverLimits> solverLimits(const Args &args);
// Reads them into PartitionOptions or BoundOptions.
template <class Options> Status applySolverLimits(const Args &args, Options &o)
{
    auto limits = solverLimits(args);
    if (!limits)
        return makeError(limits.error());
    o.idealCap = limits->idealCap;
    o.memoryBudget = limits->memoryBudget;
    o.maxMipColumns = limits->maxMipColumns;
    return Ok{};
}

// Declares the GRAPH argument and -k (partition, bound).
void addGraphAndStages(Args &args);

// Parses argv for a command; on --help prints help and returns exit 0 through
// `exitCode`; on a usage error prints "error: ..." and returns 2.
bool parseOrExit(Args &args, const std::vector<std::string> &argv, CliStreams s, int &exitCode);

struct LoadedGraph {
    Graph graph;
    CostParams params;
};
// Loads GRAPH with the common options applied; prints the error and sets exit 3 (or 2).
std::optional<LoadedGraph> loadWithOptions(const Args &args, const std::string &path, CliStreams s, int &exitCode);

// The preamble of a command on one GRAPH (its first positional argument):
// parses argv, then loads the graph with the common options. On nullopt the
// command returns `exitCode` (0 after --help, 2 on bad usage, 3 on bad input).
std::optional<LoadedGraph> parseAndLoad(Args &args, const std::vector<std::string> &argv, CliStreams s,
                                        int &exitCode);

// The stage count when -k is not given: the file's suggestion, else 4.
int defaultStages(const Graph &graph);
// -k (`fallback` when absent) as a whole number in 1..100000, or the usage message.
Result<int> stagesOption(const Args &args, long long fallback);

// The first error among option values read with Args::getInt / getDouble, in
// argument order; nullopt when all are fine.
template <class... Values> std::optional<std::string> firstError(const Values &...values)
{
    std::optional<std::string> error;
    ((error = error ? error : (values ? std::nullopt : std::optional<std::string>(values.error()))), ...);
    return error;
}

// What partition and bound read after loading GRAPH: -k (default: the file's
// suggestion, else 4), --time-limit and the solver limits, into o.k,
// o.timeLimit and the limit fields. The usage message of the first bad value.
template <class Options> Status readStagesAndLimits(const Args &args, const Graph &graph, Options &o)
{
    auto k = stagesOption(args, defaultStages(graph));
    auto limit = args.getDouble("--time-limit", 0);
    if (auto e = firstError(k, limit))
        return makeError(*e);
    if (Status st = applySolverLimits(args, o); !st)
        return st;
    o.k = *k;
    o.timeLimit = *limit;
    return Ok{};
}

// A partition file for `graph` that must have k stages; the input-error message otherwise.
Result<Partition> loadPartitionFor(const std::string &path, const Graph &graph, int k);

// --progress: a reporter printing "[  12.34s] STAGE WHAT VALUE" lines on stderr,
// VALUE being `field` of the report; empty without --progress.
ProgressFn progressReporter(const Args &args, CliStreams s, const char *what, double Progress::*field);

int usageError(CliStreams s, const std::string &message);
int inputError(CliStreams s, const std::string &message);
int failure(CliStreams s, const std::string &message);

// The stage table of docs/model.md §7: [{"nodes": [...], "cost", "work", "comm_in", "comm_out", "param"}].
void writeStages(JsonWriter &w, const Graph &graph, const Partition &partition, const Evaluation &ev);
std::string stageTableText(const Graph &graph, const Partition &partition, const Evaluation &ev);

} // namespace pipecut::cli
