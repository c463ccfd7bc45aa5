#pragma once
// Pieces every subcommand shares: the common cost options (--bandwidth,
// --memory-limit, --device, --dim, --format), loading with exit status 3 on bad
// input, and the stage table in JSON and text.

#include "core/cli/args.h"
#include "core/cli/cli.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"

#include <optional>

namespace pipecut {
class JsonWriter;
}

namespace pipecut::cli {

// Declares --bandwidth, --memory-limit, --device, --dim, --format, --json.
void addCommonOptions(Args &args);

// Declares --max-ideals, --max-mip-columns and --memory-budget (partition, bound).
void addSolverLimitOptions(Args &args);
struct SolverLimits {
    int64_t idealCap = 0, memoryBudget = 0, maxMipColumns = 0; // 0 = the defaults
    // Into PartitionOptions or BoundOptions.
    template <class Options> void applyTo(Options &o) const
    {
        o.idealCap = idealCap;
        o.memoryBudget = memoryBudget;
        o.maxMipColumns = maxMipColumns;
    }
};
// Reads them; a usage error message on a malformed value.
Result<SolverLimits> solverLimits(const Args &args);

// Parses argv for a command; on --help prints help and returns exit 0 through
// `exitCode`; on a usage error prints "error: ..." and returns 2.
bool parseOrExit(Args &args, const std::vector<std::string> &argv, CliStreams s, int &exitCode);

struct LoadedGraph {
    Graph graph;
    CostParams params;
};
// Loads GRAPH with the common options applied; prints the error and sets exit 3 (or 2).
std::optional<LoadedGraph> loadWithOptions(const Args &args, const std::string &path, CliStreams s, int &exitCode);

int usageError(CliStreams s, const std::string &message);
int inputError(CliStreams s, const std::string &message);
int failure(CliStreams s, const std::string &message);

// The stage table of SPEC 5: [{"nodes": [...], "cost", "work", "comm_in", "comm_out", "param"}].
void writeStages(JsonWriter &w, const Graph &graph, const Partition &partition, const Evaluation &ev);
std::string stageTableText(const Graph &graph, const Partition &partition, const Evaluation &ev);

} // namespace pipecut::cli
