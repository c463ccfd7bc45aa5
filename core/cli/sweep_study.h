#pragma once
// The study of a sweep (`pipecut-cli sweep merge`, docs/sweeps.md): every task
// of the plan checked to have exactly one result, then per-k figures over the
// instances (an instance is one model at one k):
//   - combinatorial LB / UB and best LB / UB, UB being the best bottleneck any
//     method of the plan found and best LB the highest bound any task proved;
//   - the reference method (auto when planned, else the first method) over the
//     optimum, on the instances where best LB proves UB optimal (the costs of
//     docs/model.md §1 with the plan's cost options);
//   - each other method over the reference;
//   - the gap (UB - best LB) / UB: its quartiles and every value;
//   - run times per method and k; the worst instances by gap, named.
// Geometric means are over the instances where both figures are positive.
// Deterministic: the same results, in any order and split over any files, give
// the same study (tables(), worst cases); only run times and hosts vary by run.

#include "core/cli/sweep.h"

#include <functional>
#include <string>
#include <vector>

namespace pipecut::cli::sweep {

struct GapSpread {
    double min = 0, q1 = 0, median = 0, q3 = 0, max = 0;
    std::vector<double> values; // sorted
};

struct StudyRow {
    int k = 0;
    int instances = 0; // with at least one partition
    double combinatorial = 0.0; // geometric mean of combinatorial LB / UB
    double best = 0.0; // geometric mean of best LB / UB
    int proven = 0; // instances whose optimum is proven
    int referenceProven = 0; // of those, where the reference method has a result
    double referenceOverOptimum = 0.0;
    struct Ratio {
        std::string method;
        double value = 0.0; // geometric mean of method / reference
        int count = 0;
    };
    std::vector<Ratio> overReference;
    GapSpread gaps;
};

struct MethodTimes {
    std::string method;
    int k = 0;
    int count = 0;
    double median = 0.0, max = 0.0, total = 0.0;
};

struct WorstCase {
    std::string model;
    int k = 0;
    double gap = 0.0, upper = 0.0, lower = 0.0;
    std::string bestMethod, boundMethod;
};

struct Study {
    std::string planHash;
    TaskOptions options;
    int tasks = 0, results = 0, models = 0, infeasible = 0;
    std::vector<int> ks;
    std::vector<std::string> methods;
    std::string reference;
    std::string modelRoot; // the folder every model path starts with ("" when none); tables name models below it
    std::vector<std::string> missing; // "task T: MODEL, k K, METHOD"
    std::vector<std::string> failed; // status error: the same, with the message
    std::vector<std::string> unsolved; // refused or no-partition: the same, with the message
    std::vector<StudyRow> rows;
    std::vector<MethodTimes> times;
    std::vector<WorstCase> worst;
    std::string version;
};

// Checks that no task has two results; missing tasks are listed in the study.
Result<Study> buildStudy(const Plan &plan, const std::vector<TaskResult> &results);

// {"plan", "tasks", "results", "missing", "failed", "tables", "worst", "times"}:
// "tables" and "worst" are the deterministic part.
std::string studyJson(const Study &study);
// The per-k table, run times and worst cases as Markdown (docs/benchmarks.md's form).
std::string studyText(const Study &study);
// The per-k table's header and rows as cells (the text and the rendered study share them).
std::vector<std::vector<std::string>> studyTableCells(const Study &study);
std::vector<std::vector<std::string>> timeTableCells(const Study &study);
std::vector<std::vector<std::string>> worstTableCells(const Study &study);

// Draws the study to PDF, PNG or SVG by the path's suffix. Drawing needs QtGui,
// so the renderer lives in ui/report/ and pipecut-cli's main() registers it
// (as it registers `report`); without it `sweep merge -o` says so.
using StudyRenderer = std::function<Status(const Study &study, const std::string &path)>;
void registerStudyRenderer(StudyRenderer render);
const StudyRenderer &studyRenderer();

} // namespace pipecut::cli::sweep
