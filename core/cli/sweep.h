#pragma once
// Sweeps (docs/sweeps.md): many models x k x methods, planned once, run in
// shards by any scheduler (Slurm arrays, Kubernetes Indexed Jobs, GNU parallel),
// merged into one study.
//
// The plan file has one JSON line per task. Each line is self-describing: the
// plan hash, the task index, the model path as planned, the model file's
// SHA-256, k, the method and the options shared by every task. The plan hash is
// the first 16 hex digits of the SHA-256 of every line's text without its
// "plan" key, so editing any task changes it and parsePlan() notices.
//
// A results file has one JSON line per task run (resultLine()): the plan hash,
// the task index and what the task found. Lines are only ever added whole
// (appendResult() rewrites the file through a temporary file and a rename), so
// a killed run leaves no partial line; run() skips tasks already present.
//
// Deterministic: the same arguments and model files give the same plan text,
// byte for byte (folders are expanded in sorted order).

#include "core/util/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace pipecut::cli::sweep {

// What every task of a plan shares.
struct TaskOptions {
    std::string bound = "best"; // a bound method of runBound, or "none" (combinatorial only)
    double timeLimit = 0.0; // partitioner seconds; 0 = the method's default
    double boundTimeLimit = 10.0; // bound seconds
    long long seed = 1;
    // Cost, load and solver-limit options as given to `sweep plan`, e.g. {"--bandwidth", "12"}.
    std::vector<std::string> args;
    // The SHA-256 of the --cluster file's bytes ("" without one): part of the
    // plan hash, and `sweep run` refuses a cluster file changed since planning.
    std::string clusterSha256;
    std::string clusterPath() const; // the --cluster value of `args`, "" without one
};

struct Task {
    int index = 0;
    std::string model; // the path as planned
    std::string modelSha256;
    int k = 0;
    std::string method;
};

struct Plan {
    std::string hash;
    TaskOptions options;
    std::vector<Task> tasks;
};

// Hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

// Sets plan.hash from the tasks and returns the plan file's text.
std::string planText(Plan &plan);
// Reads and checks a plan file: every line a task, indices 0..N-1 in order,
// one hash on every line, and that hash matching the lines.
Result<Plan> readPlan(const std::string &path);

// Status of a task's result.
inline constexpr const char *kStatusOk = "ok";
inline constexpr const char *kStatusInfeasible = "infeasible"; // no valid partition (memory limit, groups)
inline constexpr const char *kStatusRefused = "refused"; // the method refused a resource limit (--max-ideals, ...)
inline constexpr const char *kStatusNoPartition = "no-partition"; // the method found none (its rules, its time)
inline constexpr const char *kStatusError = "error"; // the task could not run (model, bound, internal): see message

struct TaskResult {
    std::string plan;
    int task = 0;
    std::string model, modelSha256;
    int k = 0;
    std::string method;
    std::string status = kStatusOk;
    std::string methodUsed; // what produced the partition, e.g. "auto(ideal-dp)"
    double bottleneck = 0.0;
    double lowerBound = 0.0; // the best proven bound of the task
    std::string boundMethod; // the method that proved it
    double combinatorial = 0.0; // the combinatorial bound (docs/model.md §4)
    double gap = 0.0; // (bottleneck - lower_bound) / bottleneck
    bool optimal = false; // lower_bound equals bottleneck
    double seconds = 0.0, partitionSeconds = 0.0, boundSeconds = 0.0;
    std::string message; // why, for infeasible and error
    std::string version, host;
};

// One line of a results file (no newline).
std::string resultLine(const TaskResult &r);

// The results of `plan` in a results file: an error naming FILE:LINE for a
// line that is not a whole result (truncated), is of another plan, or does not
// match its task. A missing file is an empty list when `missingOk`.
Result<std::vector<TaskResult>> readResults(const std::string &path, const Plan &plan, bool missingOk);

// Appends one whole line to `path` (whose current text is `text`, updated):
// the new text is written to a temporary file and renamed over `path`.
Status appendResult(const std::string &path, std::string &text, const std::string &line);

// Holds an exclusive lock on PATH.lock while alive (flock: released when the
// process dies, so a killed run never blocks its re-run).
class OutputLock {
public:
    static Result<OutputLock> acquire(const std::string &path);
    OutputLock(OutputLock &&other) noexcept;
    OutputLock &operator=(OutputLock &&) = delete;
    ~OutputLock();

private:
    explicit OutputLock(int fd)
        : m_fd(fd)
    {
    }
    int m_fd = -1;
};

// Which tasks shard `index` of `count` runs: every task t with t % count == index.
std::vector<int> shardTasks(const Plan &plan, int index, int count);

} // namespace pipecut::cli::sweep
