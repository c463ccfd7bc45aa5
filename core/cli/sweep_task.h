#pragma once
// One sweep task run in this process (`pipecut-cli sweep run`), and the options
// `sweep plan` records for every task: the cost, load and solver-limit options
// of `partition`, passed through as given so that a task loads its model and
// cuts it exactly as `pipecut-cli partition MODEL -k K --method M ...` would.

#include "core/cli/args.h"
#include "core/cli/cli.h"
#include "core/cli/sweep.h"

#include <string>
#include <vector>

namespace pipecut::cli::sweep {

// Declares the options a plan passes to its tasks (the common options with
// --cluster, the solver limits, --budget, --threads, --device-order).
void declareTaskOptions(Args &args);
// Their values as given, in a fixed order: {"--bandwidth", "12", ...}.
std::vector<std::string> taskOptionArgs(const Args &args);

// Loads the task's model with the plan's options and checks it, as `sweep
// plan` does before writing a task (the hash is the caller's).
Status checkModel(CliStreams s, const TaskOptions &options, const std::string &model, int k = 1);

// Runs one task: the model's hash checked against the plan (a mismatch is an
// error of the run, not a result), then the partitioner, the combinatorial
// bound and the plan's bound. The method failing is a result with status
// "error" (or "infeasible").
Result<TaskResult> runTask(CliStreams s, const Plan &plan, const Task &task);

} // namespace pipecut::cli::sweep
