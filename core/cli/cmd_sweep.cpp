// `pipecut-cli sweep plan|run|merge` (docs/sweeps.md): the dispatch and `plan`.
#include "core/bounds/bound.h"
#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/cli/sweep_task.h"
#include "core/partition/partitioner.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace pipecut::cli {

namespace {

using namespace sweep;

constexpr const char *kSweepUsage
    = "usage: pipecut-cli sweep plan MODEL_OR_FOLDER... -k 2,4,8 --methods auto,balanced-work [--bound best]\n"
      "                        [--time-limit S] [--bound-time-limit S] [other cost options] -o PLAN\n"
      "       pipecut-cli sweep run PLAN (--shard I/N | --task-index-env VAR --tasks N) -o RESULTS.jsonl "
      "[--progress]\n"
      "       pipecut-cli sweep merge PLAN RESULTS.jsonl... -o STUDY.pdf|png|svg [--data STUDY.json]\n\n"
      "Sweeps many models x k x methods: plan once, run the plan's tasks in shards on any scheduler\n"
      "(Slurm array jobs, Kubernetes Indexed Jobs, GNU parallel; see docs/sweeps.md and\n"
      "packaging/cluster/), then merge the results into a study report.\n"
      "'pipecut-cli sweep plan|run|merge --help' describes each step.\n";

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> items;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');)
        if (!item.empty())
            items.push_back(item);
    return items;
}

Result<std::vector<int>> stageList(const std::string &text)
{
    std::vector<int> ks;
    for (const std::string &item : splitList(text)) {
        char *end = nullptr;
        const long v = std::strtol(item.c_str(), &end, 10);
        if (!end || *end != '\0' || v < 1 || v > 100000)
            return usageError("-k needs a comma-separated list of stage counts in 1..100000, not '" + text + "'");
        if (std::find(ks.begin(), ks.end(), static_cast<int>(v)) == ks.end())
            ks.push_back(static_cast<int>(v));
    }
    if (ks.empty())
        return usageError("sweep plan needs -k, e.g. -k 2,4,8");
    return ks;
}

// -k, or with --cluster the number of its devices (another k is refused).
Result<std::vector<int>> planStages(const Args &args)
{
    if (!args.has("--cluster"))
        return stageList(args.get("-k"));
    auto cluster = loadCluster(args.get("--cluster"));
    if (!cluster)
        return cluster.failure();
    if (!args.has("-k"))
        return std::vector<int> { cluster->size() };
    auto ks = stageList(args.get("-k"));
    if (ks && (ks->size() != 1 || ks->front() != cluster->size()))
        return usageError(cluster->source + ": the cluster has " + std::to_string(cluster->size())
            + " devices, so k is " + std::to_string(cluster->size()) + "; omit -k or give -k "
            + std::to_string(cluster->size()));
    return ks;
}

bool graphFileName(const std::filesystem::path &p)
{
    static const char *const kExtensions[] = { ".json", ".txt", ".dot", ".gv", ".onnx" };
    const std::string name = p.filename().string();
    for (const char *skip : { "LICENSE", "SOURCE_COMMIT", "README", "." })
        if (name.rfind(skip, 0) == 0)
            return false;
    const std::string ext = p.extension().string();
    return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char *e) { return ext == e; });
}

// Files as given; folders expanded to their graph files, sorted, less those
// whose path contains an --exclude text.
Result<std::vector<std::string>> modelFiles(const std::vector<std::string> &inputs, const Args &args)
{
    namespace fs = std::filesystem;
    const std::vector<std::string> excluded = args.getAll("--exclude");
    auto wanted = [&](const std::string &path) {
        return std::none_of(
            excluded.begin(), excluded.end(), [&](const std::string &x) { return path.find(x) != std::string::npos; });
    };
    std::vector<std::string> files;
    for (const std::string &input : inputs) {
        std::error_code ec;
        if (!fs::is_directory(input, ec)) {
            if (!fs::exists(input, ec))
                return makeError(input + ": no such file or folder");
            files.push_back(input);
            continue;
        }
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(input, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec))
            if (it->is_regular_file() && graphFileName(it->path()) && wanted(it->path().generic_string()))
                found.push_back(it->path().generic_string());
        if (ec)
            return makeError(input + ": cannot list: " + ec.message());
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    std::vector<std::string> unique; // a file named twice (directly and in a folder) is one model
    for (const std::string &f : files)
        if (std::find(unique.begin(), unique.end(), f) == unique.end())
            unique.push_back(f);
    files = std::move(unique);
    if (files.empty())
        return usageError("sweep plan found no model files");
    return files;
}

Result<TaskOptions> planOptions(const Args &args)
{
    TaskOptions o;
    auto limit = args.getDouble("--time-limit", 0);
    auto boundLimit = args.getDouble("--bound-time-limit", 10);
    auto seed = args.getInt("--seed", 1);
    if (Status st = firstError(limit, boundLimit, seed); !st)
        return st.failure();
    if (*limit < 0 || *boundLimit < 0)
        return usageError("--time-limit and --bound-time-limit must not be negative");
    o.timeLimit = *limit;
    o.boundTimeLimit = *boundLimit;
    o.seed = *seed;
    o.bound = args.get("--bound", "best");
    if (o.bound != "none") {
        BoundOptions check;
        check.method = o.bound;
        if (Status st = check.validate(); !st)
            return st.failure();
    }
    o.args = taskOptionArgs(args);
    if (const std::string cluster = o.clusterPath(); !cluster.empty()) {
        auto bytes = readFile(cluster);
        if (!bytes)
            return bytes.failure();
        o.clusterSha256 = sha256Hex(*bytes);
    }
    return o;
}

int runPlan(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "sweep plan",
        "sweep plan MODEL_OR_FOLDER... -k 2,4,8 --methods auto,balanced-work [--bound best] [--time-limit S] "
        "[--bound-time-limit S] [other cost options] -o PLAN",
        "Write a sweep plan: one JSON line per task (model x k x method), each naming the model file as given, its "
        "SHA-256, k, the method and the options every task shares, and the plan's hash. Folders are searched for "
        "graph files (.json, .txt, .dot, .gv, .onnx; LICENSE, SOURCE_COMMIT and README files left out). Every model "
        "is loaded once here so that a bad file is refused now, not in the middle of a cluster run. Relative paths "
        "stay relative: run the tasks from the same folder.");
    Args &args = c.args;
    args.positional("MODEL_OR_FOLDER", "graph files or folders of them");
    args.repeatLastPositional();
    args.option("-k", "K1,K2,...", "stage counts");
    args.option("--methods", "M1,M2,...", joinChoices(partitionMethods()) + " (default auto)");
    args.option("--bound", "METHOD", joinChoices(boundMethods()) + "|none (default best; none: combinatorial only)");
    args.option("--time-limit", "SECONDS", "each partitioner's wall-clock limit (default: the method's)");
    args.option("--bound-time-limit", "SECONDS", "each bound's wall-clock limit (default 10)");
    args.option("--seed", "S", "random seed of every task (default 1)");
    args.option("--exclude", "TEXT", "leave out files found in folders whose path contains TEXT (repeatable)");
    args.option("-o", "PLAN", "the plan file to write");
    declareTaskOptions(args);
    return c.run(argv, [&]() -> Status {
        if (!args.has("-o"))
            return usageError("sweep plan needs -o PLAN");
        auto ks = planStages(args);
        if (!ks)
            return ks.failure();
        const std::vector<std::string> methods = splitList(args.get("--methods", "auto"));
        for (const std::string &m : methods)
            if (std::find(partitionMethods().begin(), partitionMethods().end(), m) == partitionMethods().end())
                return usageError("unknown method '" + m + "' in --methods (" + joinChoices(partitionMethods()) + ")");
        if (methods.empty())
            return usageError("--methods needs at least one method");
        auto options = planOptions(args);
        if (!options)
            return options.failure();
        auto files = modelFiles(args.positionalsFrom(0), args);
        if (!files)
            return files.failure();
        Plan plan;
        plan.options = *options;
        for (const std::string &file : *files) {
            auto bytes = readFile(file);
            if (!bytes)
                return bytes.failure();
            if (Status st = checkModel(s, plan.options, file, ks->front()); !st)
                return st;
            const std::string hash = sha256Hex(*bytes);
            for (int k : *ks)
                for (const std::string &m : methods)
                    plan.tasks.push_back({ static_cast<int>(plan.tasks.size()), file, hash, k, m });
        }
        const std::string text = planText(plan);
        if (Status st = writeFileAtomically(args.get("-o"), text); !st)
            return st;
        c.out() << "plan " << plan.hash << ": " << plan.tasks.size() << " tasks (" << files->size() << " models x "
                << ks->size() << " k x " << methods.size() << " methods) in " << args.get("-o") << "\n";
        return Ok {};
    });
}

} // namespace

int runSweepRun(const std::vector<std::string> &args, CliStreams s);
int runSweepMerge(const std::vector<std::string> &args, CliStreams s);

int runSweep(const std::vector<std::string> &args, CliStreams s)
{
    const std::string step = args.empty() ? std::string() : args.front();
    const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
    if (step == "plan")
        return runPlan(rest, s);
    if (step == "run")
        return runSweepRun(rest, s);
    if (step == "merge")
        return runSweepMerge(rest, s);
    if (step == "--help" || step == "-h") {
        s.out << kSweepUsage;
        return kExitOk;
    }
    s.err << kSweepUsage;
    return reportError(s,
        usageError(step.empty() ? "sweep needs a step: plan, run or merge"
                                : "unknown sweep step '" + step + "' (plan, run or merge)"));
}

} // namespace pipecut::cli
