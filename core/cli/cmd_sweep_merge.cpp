// `pipecut-cli sweep merge`: every task's one result, then the study.
#include "core/cli/common.h"
#include "core/cli/sweep_study.h"

namespace pipecut::cli {

namespace sweep {

namespace {

StudyRenderer &renderer()
{
    static StudyRenderer registered;
    return registered;
}

constexpr size_t kListedProblems = 20;

void listProblems(std::ostream &err, const char *what, const std::vector<std::string> &items)
{
    for (size_t i = 0; i < items.size() && i < kListedProblems; ++i)
        err << what << ": " << items[i] << "\n";
    if (items.size() > kListedProblems)
        err << what << ": ... and " << items.size() - kListedProblems << " more (all in --data)\n";
}

} // namespace

void registerStudyRenderer(StudyRenderer render)
{
    renderer() = std::move(render);
}

const StudyRenderer &studyRenderer()
{
    return renderer();
}

} // namespace sweep

int runSweepMerge(const std::vector<std::string> &argv, CliStreams s)
{
    using namespace sweep;
    Command c(s, "sweep merge", "sweep merge PLAN RESULTS.jsonl... -o STUDY.pdf|png|svg [--data STUDY.json]",
        "Check that every task of PLAN has exactly one result in the RESULTS files, list the missing and failed ones "
        "on stderr, print the per-k tables (geometric means of combinatorial and best LB over UB, the reference "
        "method, auto when planned, over the optimum where proven, each other method over the reference; gap "
        "quartiles; run times; the worst cases by gap) as Markdown, and render them as a study report. Missing "
        "results are an error (exit 3) unless --allow-missing.");
    Args &args = c.args;
    args.positional("PLAN", "the plan written by 'sweep plan'");
    args.positional("RESULTS.jsonl", "results files written by 'sweep run'");
    args.repeatLastPositional();
    args.option("-o", "STUDY", "the study report: .pdf, .png or .svg");
    args.option("--data", "STUDY.json", "also write every figure of the study as JSON");
    args.flag("--allow-missing", "merge even when some tasks have no result");
    return c.run(argv, [&]() -> Status {
        const std::string out = args.get("-o");
        const std::string suffix = out.size() >= 4 ? out.substr(out.size() - 4) : std::string();
        if (args.has("-o") && suffix != ".pdf" && suffix != ".png" && suffix != ".svg")
            return usageError("-o must end in .pdf, .png or .svg, not '" + out + "'");
        if (!args.has("-o") && !args.has("--data"))
            return usageError("sweep merge needs -o STUDY.pdf|png|svg or --data STUDY.json");
        if (args.has("-o") && !studyRenderer())
            return makeError(ErrorKind::Internal,
                "rendering a study is not available in this build of pipecut-cli (it needs the Qt GUI libraries; "
                "use --data, or configure with -DPIPECUT_BUILD_UI=ON)");
        auto plan = readPlan(*args.positionalValue(0));
        if (!plan)
            return plan.failure();
        std::vector<TaskResult> results;
        for (const std::string &path : args.positionalsFrom(1)) {
            auto r = readResults(path, *plan, false);
            if (!r)
                return r.failure();
            results.insert(results.end(), r->begin(), r->end());
        }
        auto study = buildStudy(*plan, results);
        if (!study)
            return study.failure();
        listProblems(c.err(), "failed", study->failed);
        listProblems(c.err(), "missing", study->missing);
        if (!study->missing.empty() && !args.has("--allow-missing"))
            return makeError(std::to_string(study->missing.size()) + " of the plan's " + std::to_string(study->tasks)
                + " tasks have no result (listed above; run their shards again, or merge with --allow-missing)");
        if (args.has("--data"))
            if (Status st = writeFileAtomically(args.get("--data"), studyJson(*study)); !st)
                return st;
        if (args.has("-o"))
            if (Status st = studyRenderer()(*study, out); !st)
                return st;
        c.out() << studyText(*study);
        return Ok {};
    });
}

} // namespace pipecut::cli
