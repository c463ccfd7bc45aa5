// `pipecut-cli sweep run`: one shard of a plan's tasks, appended to a results file.
#include "core/bounds/bound.h"
#include "core/cli/common.h"
#include "core/cli/sweep_task.h"
#include "core/cost/device_work.h"
#include "core/cost/summary.h"
#include "core/partition/partitioner.h"
#include "core/util/json_writer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <unistd.h>

namespace pipecut::cli {

namespace sweep {

namespace {

// The options a task passes through, in the order they are recorded.
const std::vector<std::string> &passedOptions()
{
    static const std::vector<std::string> names = { "--bandwidth", "--memory-limit", "--device", "--dim", "--format",
        "--max-nodes", "--max-edges", "--max-file-size", "--max-ideals", "--max-mip-columns", "--memory-budget",
        "--budget", "--threads", "--cluster", "--device-order" };
    return names;
}

// A command reading the task's model and options as `partition` does.
void declarePartitionOptions(Args &args)
{
    addGraphAndStages(args);
    addPartitionerOptions(args);
    addSolverOptions(args);
}

std::vector<std::string> taskArgv(const TaskOptions &o, const Task &t)
{
    std::vector<std::string> argv = { t.model, "-k", std::to_string(t.k), "--method", t.method, "--seed",
        std::to_string(o.seed), "--time-limit", exactNumber(o.timeLimit) };
    argv.insert(argv.end(), o.args.begin(), o.args.end());
    return argv;
}

std::string hostName()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0)
        return "unknown";
    return name;
}

// The partitioner, the combinatorial bound and the plan's bound on a loaded model.
Status solve(Command &c, const Plan &plan, const Task &task, TaskResult &r)
{
    PartitionOptions po;
    if (Status st = c.readPartitionOptions(po); !st)
        return st;
    auto p = runPartitioner(c.graph(), c.params(), po);
    if (!p) {
        switch (p.errorKind()) {
        case ErrorKind::Infeasible:
            r.status = kStatusInfeasible;
            break;
        case ErrorKind::LimitExceeded:
            r.status = kStatusRefused;
            break;
        case ErrorKind::BadInput:
        case ErrorKind::Stopped:
            r.status = kStatusNoPartition;
            break;
        default:
            r.status = kStatusError;
        }
        r.message = p.error();
        return Ok {};
    }
    r.methodUsed = p->method;
    r.partitionSeconds = p->seconds;
    // With --device-order free the partition runs on its chosen order, and the
    // bounds hold for every order (orderFreeRelaxation, docs/model.md §1.7).
    const CostParams params = p->deviceOrder.empty() ? c.params() : withDeviceOrder(c.params(), p->deviceOrder);
    r.bottleneck = evaluate(c.graph(), params, p->partition).bottleneck;
    const auto [boundGraph, boundParams] = po.freeDeviceOrder && c.params().hasDevices()
        ? orderFreeRelaxation(c.graph(), c.params())
        : std::pair<Graph, CostParams> { c.graph(), c.params() };
    BoundOptions bo;
    bo.k = task.k;
    bo.idealCap = po.idealCap;
    bo.memoryBudget = po.memoryBudget;
    bo.maxMipColumns = po.maxMipColumns;
    bo.method = "combinatorial";
    auto comb = runBound(boundGraph, boundParams, bo);
    if (!comb) {
        r.status = kStatusError;
        r.message = "combinatorial bound: " + comb.error();
        return Ok {};
    }
    r.combinatorial = comb->lowerBound;
    r.lowerBound = comb->lowerBound;
    r.boundMethod = "combinatorial";
    r.boundSeconds = comb->seconds;
    if (plan.options.bound != "none" && plan.options.bound != "combinatorial") {
        bo.method = plan.options.bound;
        bo.timeLimit = plan.options.boundTimeLimit;
        if (!po.freeDeviceOrder) // the incumbent's order is not the relaxation's
            bo.incumbent = p->partition;
        auto b = runBound(boundGraph, boundParams, bo);
        if (!b) {
            r.status = kStatusError;
            r.message = plan.options.bound + " bound: " + b.error();
            return Ok {};
        }
        r.boundSeconds += b->seconds;
        if (b->lowerBound > r.lowerBound) {
            r.lowerBound = b->lowerBound;
            r.boundMethod = b->provenBy;
        }
    }
    if (p->optimal && r.bottleneck > r.lowerBound) {
        r.lowerBound = r.bottleneck; // the method proved its partition optimal
        r.boundMethod = p->method;
    }
    const Summary sum = summarize(r.bottleneck, task.k, r.lowerBound);
    r.gap = sum.gap;
    r.optimal = r.lowerBound >= r.bottleneck * (1 - 1e-6);
    return Ok {};
}

} // namespace

void declareTaskOptions(Args &args)
{
    addCommonOptions(args);
    addSolverLimitOptions(args);
    args.option("--budget", "POPxGEN", "slicegraph population x generations, e.g. 10x10 or 100x100");
    args.option("--threads", "N", "worker threads of each task (default: all cores)");
    args.option("--device-order", "fixed|free", "with --cluster: keep the file's device order, or choose it");
}

std::vector<std::string> taskOptionArgs(const Args &args)
{
    std::vector<std::string> out;
    for (const std::string &name : passedOptions())
        for (const std::string &value : args.getAll(name)) {
            out.push_back(name);
            out.push_back(value);
        }
    return out;
}

Status checkModel(CliStreams s, const TaskOptions &options, const std::string &model, int k)
{
    Command c(s, "sweep plan", "", "");
    declarePartitionOptions(c.args);
    Task t { 0, model, {}, k, "auto" };
    if (Status st = c.args.parse(taskArgv(options, t)); !st)
        return st;
    if (Status st = c.load(); !st)
        return st;
    PartitionOptions po;
    return c.readPartitionOptions(po);
}

Result<TaskResult> runTask(CliStreams s, const Plan &plan, const Task &task)
{
    const auto start = std::chrono::steady_clock::now();
    TaskResult r;
    r.plan = plan.hash;
    r.task = task.index;
    r.model = task.model;
    r.modelSha256 = task.modelSha256;
    r.k = task.k;
    r.method = task.method;
    r.version = PIPECUT_VERSION;
    r.host = hostName();
    Command c(s, "sweep run", "", "");
    declarePartitionOptions(c.args);
    if (Status st = c.args.parse(taskArgv(plan.options, task)); !st)
        return st.failure();
    if (Status st = c.load(); !st) {
        r.status = kStatusError;
        r.message = st.error();
    } else if (Status sv = solve(c, plan, task, r); !sv) {
        return sv.failure();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace sweep

namespace {

using namespace sweep;

struct Share {
    int index = 0, count = 1;
};

Result<Share> readShare(const Args &args)
{
    Share share;
    if (args.has("--shard") == args.has("--task-index-env"))
        return usageError("sweep run needs either --shard I/N or --task-index-env VAR --tasks N");
    std::string index, count;
    if (args.has("--shard")) {
        const std::string text = args.get("--shard");
        const size_t slash = text.find('/');
        if (slash == std::string::npos)
            return usageError("--shard needs I/N, e.g. 0/4, not '" + text + "'");
        index = text.substr(0, slash);
        count = text.substr(slash + 1);
    } else {
        if (!args.has("--tasks"))
            return usageError("--task-index-env needs --tasks N (the number of array tasks)");
        const std::string var = args.get("--task-index-env");
        const char *value = std::getenv(var.c_str());
        if (!value || !*value)
            return usageError("--task-index-env " + var + ": the variable is not set");
        index = value;
        count = args.get("--tasks");
    }
    char *end = nullptr;
    const long i = std::strtol(index.c_str(), &end, 10);
    const bool indexOk = !index.empty() && end && *end == '\0';
    const long n = std::strtol(count.c_str(), &end, 10);
    if (count.empty() || !end || *end != '\0' || n < 1 || n > 1000000)
        return usageError("the number of shards must be a whole number in 1..1000000, not '" + count + "'");
    if (!indexOk || i < 0 || i >= n)
        return usageError("shard index '" + index + "' is out of range 0.." + std::to_string(n - 1));
    share.index = static_cast<int>(i);
    share.count = static_cast<int>(n);
    return share;
}

// The plan's --cluster file has the bytes it was planned with (its hash is
// part of the plan's, so results of another cluster are another plan's).
Status checkClusterUnchanged(const TaskOptions &options)
{
    const std::string path = options.clusterPath();
    if (path.empty() || options.clusterSha256.empty())
        return Ok {};
    auto bytes = readFile(path);
    if (!bytes)
        return bytes.failure();
    const std::string now = sha256Hex(*bytes);
    if (now != options.clusterSha256)
        return makeError(path + ": the cluster file changed since planning (SHA-256 " + now.substr(0, 16)
            + "..., the plan has " + options.clusterSha256.substr(0, 16) + "...); plan again");
    return Ok {};
}

void printProgress(CliStreams s, const TaskResult &r, int done, int total)
{
    char line[512];
    std::snprintf(line, sizeof line, "[%d/%d] done %d, left %d: %s k %d %s: %s (%.2f s)\n", done, total, done,
        total - done, r.model.c_str(), r.k, r.method.c_str(), r.status.c_str(), r.seconds);
    s.err << line << std::flush;
}

} // namespace

int runSweepRun(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "sweep run",
        "sweep run PLAN (--shard I/N | --task-index-env VAR --tasks N) -o RESULTS.jsonl [--progress]",
        "Run one shard of a sweep plan: the tasks t with t % N == I, appending one JSON line per task to RESULTS "
        "(partition cost, bounds, gap, times, pipecut version, host). Tasks already in RESULTS with the plan's hash "
        "are skipped, so a preempted or re-queued shard resumes. Each line is added by writing the file anew through "
        "a temporary file and a rename, so a killed run leaves no partial line. RESULTS.lock is held while running: "
        "a second run on the same file is refused (give each shard its own file). Every model's SHA-256 is checked "
        "against the plan before any task runs. Exit status 3 when a task failed (its line says why).");
    Args &args = c.args;
    args.positional("PLAN", "the plan written by 'sweep plan'");
    args.option("--shard", "I/N", "run shard I (0-based) of N");
    args.option("--task-index-env", "VAR",
        "read I from the environment variable VAR, e.g. SLURM_ARRAY_TASK_ID or "
        "JOB_COMPLETION_INDEX");
    args.option("--tasks", "N", "the number of shards, with --task-index-env");
    args.option("-o", "RESULTS.jsonl", "the results file (created, or resumed)");
    args.flag("--progress", "print tasks done and left on stderr");
    return c.run(argv, [&]() -> Status {
        if (!args.has("-o"))
            return usageError("sweep run needs -o RESULTS.jsonl");
        auto share = readShare(args);
        if (!share)
            return share.failure();
        auto plan = readPlan(*args.positionalValue(0));
        if (!plan)
            return plan.failure();
        const std::string out = args.get("-o");
        auto lock = OutputLock::acquire(out);
        if (!lock)
            return lock.failure();
        auto existing = readResults(out, *plan, true);
        if (!existing)
            return existing.failure();
        std::set<int> done;
        for (const TaskResult &r : *existing)
            done.insert(r.task);
        std::vector<int> todo;
        const std::vector<int> mine = shardTasks(*plan, share->index, share->count);
        for (int t : mine)
            if (!done.count(t))
                todo.push_back(t);
        if (Status st = checkClusterUnchanged(plan->options); !st)
            return st;
        std::map<std::string, std::string> checked; // model -> its hash now
        for (int t : todo) {
            const Task &task = plan->tasks[static_cast<size_t>(t)];
            if (!checked.count(task.model)) {
                auto bytes = readFile(task.model);
                if (!bytes)
                    return bytes.failure();
                checked[task.model] = sha256Hex(*bytes);
            }
            if (checked[task.model] != task.modelSha256)
                return makeError(task.model + ": the model file changed since planning (SHA-256 "
                    + checked[task.model].substr(0, 16) + "..., the plan has " + task.modelSha256.substr(0, 16)
                    + "...); plan again");
        }
        std::string text = existing->empty() ? std::string() : *readFile(out);
        const int total = static_cast<int>(todo.size());
        if (args.has("--progress"))
            c.err() << "shard " << share->index << "/" << share->count << " of plan " << plan->hash << ": "
                    << mine.size() << " tasks, " << mine.size() - todo.size() << " already done, " << total
                    << " to run\n";
        int failed = 0, finished = 0;
        for (int t : todo) {
            auto r = runTask(s, *plan, plan->tasks[static_cast<size_t>(t)]);
            if (!r)
                return r.failure();
            if (Status st = appendResult(out, text, resultLine(*r)); !st)
                return st;
            failed += r->status == kStatusError;
            if (r->status == kStatusError)
                c.err() << "warning: " << r->model << " k " << r->k << " " << r->method << ": " << r->message << "\n";
            if (args.has("--progress"))
                printProgress(s, *r, ++finished, total);
        }
        if (failed > 0)
            return makeError(
                std::to_string(failed) + " of " + std::to_string(total) + " tasks failed (recorded in " + out + ")");
        return Ok {};
    });
}

} // namespace pipecut::cli
