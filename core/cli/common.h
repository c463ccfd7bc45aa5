#pragma once
// Pieces the subcommands share: the option declarations (cost options,
// solver limits, GRAPH and -k), partition files checked against the graph,
// and the stage table in JSON and text.

#include "core/cli/command.h"
#include "core/cost/estimates.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"

#include <optional>

namespace pipecut {
class JsonWriter;
}

namespace pipecut::cli {

// Declares --bandwidth, --memory-limit, --device, --dim, --format, --json and the input limits.
void addCommonOptions(Args &args);
// Declares --max-ideals, --max-mip-columns and --memory-budget (partition, bound).
void addSolverLimitOptions(Args &args);
// The tail of partition's and bound's options: --progress, the common options, the solver limits.
void addSolverOptions(Args &args);
// Declares --method, --seed, --budget, --time-limit, --threads and --start (what
// Command::readPartitionOptions reads).
void addPartitionerOptions(Args &args);
// Declares the GRAPH argument and -k (partition, bound).
void addGraphAndStages(Args &args);

// Names joined with '|', as the help lists the choices of an option.
std::string joinChoices(const std::vector<std::string> &names);

// The first error among option values read with Args::getInt / getDouble, in
// argument order; Ok when all are fine.
template <class... Values> Status firstError(const Values &...values)
{
    Status st = Ok {};
    ((st = !st ? st : (values ? Status(Ok {}) : Status(values.failure()))), ...);
    return st;
}

// A partition that must have k stages, `name` naming it in the error.
Status checkStages(const std::string &name, const Partition &partition, int k);
// A partition file for `graph` that must have k stages.
Result<Partition> loadPartitionFor(const std::string &path, const Graph &graph, int k);

// core/cli/partition_devices.cpp: the cost parameters a partition file is read
// with (with --cluster and the file's "devices", the cluster in that order,
// docs/model.md §6; else c.params()), and the "devices" to write for params.
Result<CostParams> paramsForPartition(const Command &c, const std::string &path);
std::vector<std::string> deviceNames(const CostParams &params);

// The stage table of docs/model.md §7: [{"nodes": [...], "cost", "work", "comm_in", "comm_out", "param"}].
// With a cluster's params (k devices), each stage also gets "device", "speed",
// "memory_limit", "bandwidth_in" and "bandwidth_out".
void writeStages(JsonWriter &w, const Graph &graph, const Partition &partition, const Evaluation &ev,
    const CostParams *params = nullptr);
// "estimated_nodes", "estimated_work_share", "measured_nodes" and "optimal_wording" keys.
void writeEstimates(JsonWriter &w, const EstimateShare &e);
std::string stageTableText(
    const Graph &graph, const Partition &partition, const Evaluation &ev, const CostParams *params = nullptr);

} // namespace pipecut::cli
