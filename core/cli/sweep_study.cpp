#include "core/cli/sweep_study.h"

#include "core/util/json_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace pipecut::cli::sweep {

namespace {

constexpr double kProvenTolerance = 1e-6; // relative, as BoundResult::optimal
constexpr size_t kWorstCases = 10;

struct Instance {
    std::string model;
    int k = 0;
    std::map<std::string, const TaskResult *> byMethod; // ok results only
    double upper = 0.0, lower = 0.0, combinatorial = 0.0;
    std::string bestMethod, boundMethod;
    bool proven() const { return lower >= upper * (1 - kProvenTolerance); }
    double gap() const { return upper > 0 ? std::max(0.0, (upper - lower) / upper) : 0.0; }
};

double geoMean(const std::vector<double> &values)
{
    double sum = 0;
    int n = 0;
    for (double v : values)
        if (v > 0 && std::isfinite(v)) {
            sum += std::log(v);
            ++n;
        }
    return n ? std::exp(sum / n) : std::nan("");
}

// Linear interpolation between order statistics of sorted values.
double quantile(const std::vector<double> &sorted, double q)
{
    if (sorted.empty())
        return std::nan("");
    const double at = q * static_cast<double>(sorted.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(at));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::string taskName(const Task &t)
{
    return "task " + std::to_string(t.index) + ": " + t.model + ", k " + std::to_string(t.k) + ", " + t.method;
}

// The instances of one k, in plan order of their models.
std::vector<Instance> instancesOf(const Plan &plan, const std::vector<const TaskResult *> &byTask, int k)
{
    std::vector<Instance> out;
    std::map<std::string, size_t> at;
    for (const Task &t : plan.tasks) {
        const TaskResult *r = byTask[static_cast<size_t>(t.index)];
        if (t.k != k || !r || r->status != kStatusOk)
            continue;
        auto [it, fresh] = at.try_emplace(t.model, out.size());
        if (fresh) {
            out.push_back(Instance {});
            out.back().model = t.model;
            out.back().k = k;
        }
        Instance &in = out[it->second];
        in.byMethod[t.method] = r;
        if (in.bestMethod.empty() || r->bottleneck < in.upper) {
            in.upper = r->bottleneck;
            in.bestMethod = t.method;
        }
        if (in.boundMethod.empty() || r->lowerBound > in.lower) {
            in.lower = r->lowerBound;
            in.boundMethod = r->boundMethod;
        }
        in.combinatorial = std::max(in.combinatorial, r->combinatorial);
    }
    return out;
}

StudyRow rowOf(const Study &study, int k, const std::vector<Instance> &instances)
{
    StudyRow row;
    row.k = k;
    row.instances = static_cast<int>(instances.size());
    std::vector<double> comb, best, overOpt;
    for (const Instance &in : instances) {
        if (in.upper <= 0)
            continue;
        comb.push_back(in.combinatorial / in.upper);
        best.push_back(in.lower / in.upper);
        row.gaps.values.push_back(in.gap());
        if (!in.proven())
            continue;
        ++row.proven;
        if (auto it = in.byMethod.find(study.reference); it != in.byMethod.end())
            overOpt.push_back(it->second->bottleneck / in.upper);
    }
    row.combinatorial = geoMean(comb);
    row.best = geoMean(best);
    row.referenceProven = static_cast<int>(overOpt.size());
    row.referenceOverOptimum = geoMean(overOpt);
    for (const std::string &m : study.methods) {
        if (m == study.reference)
            continue;
        std::vector<double> ratios;
        for (const Instance &in : instances) {
            auto a = in.byMethod.find(m), b = in.byMethod.find(study.reference);
            if (a != in.byMethod.end() && b != in.byMethod.end())
                ratios.push_back(a->second->bottleneck / b->second->bottleneck);
        }
        row.overReference.push_back({ m, geoMean(ratios), static_cast<int>(ratios.size()) });
    }
    std::sort(row.gaps.values.begin(), row.gaps.values.end());
    const auto &g = row.gaps.values;
    row.gaps.min = quantile(g, 0);
    row.gaps.q1 = quantile(g, 0.25);
    row.gaps.median = quantile(g, 0.5);
    row.gaps.q3 = quantile(g, 0.75);
    row.gaps.max = quantile(g, 1);
    return row;
}

void addTimes(Study &study, const Plan &plan, const std::vector<const TaskResult *> &byTask)
{
    for (const std::string &m : study.methods)
        for (int k : study.ks) {
            std::vector<double> seconds;
            for (const Task &t : plan.tasks)
                if (t.method == m && t.k == k && byTask[static_cast<size_t>(t.index)])
                    seconds.push_back(byTask[static_cast<size_t>(t.index)]->seconds);
            if (seconds.empty())
                continue;
            std::sort(seconds.begin(), seconds.end());
            MethodTimes mt { m, k, static_cast<int>(seconds.size()), quantile(seconds, 0.5), seconds.back(), 0.0 };
            for (double s : seconds)
                mt.total += s;
            study.times.push_back(mt);
        }
}

std::string fixed(double v, const char *format = "%.4f")
{
    if (!std::isfinite(v))
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string percent(double v)
{
    return std::isfinite(v) ? fixed(100 * v, "%.2f") + " %" : "-";
}

void writeGaps(JsonWriter &w, const GapSpread &g)
{
    w.beginObject();
    w.key("min").value(g.min);
    w.key("q1").value(g.q1);
    w.key("median").value(g.median);
    w.key("q3").value(g.q3);
    w.key("max").value(g.max);
    w.key("values").beginArray();
    for (double v : g.values)
        w.value(v);
    w.endArray();
    w.endObject();
}

void writeRows(JsonWriter &w, const Study &study)
{
    w.key("tables").beginArray();
    for (const StudyRow &r : study.rows) {
        w.beginObject();
        w.key("k").value(r.k);
        w.key("instances").value(r.instances);
        w.key("combinatorial_lb_over_ub").value(r.combinatorial);
        w.key("best_lb_over_ub").value(r.best);
        w.key("proven").value(r.proven);
        w.key("reference_over_optimum").value(r.referenceOverOptimum);
        w.key("reference_proven").value(r.referenceProven);
        w.key("over_reference").beginObject();
        for (const auto &o : r.overReference) {
            w.key(o.method).beginObject();
            w.key("ratio").value(o.value);
            w.key("count").value(o.count);
            w.endObject();
        }
        w.endObject();
        w.key("gap");
        writeGaps(w, r.gaps);
        w.endObject();
    }
    w.endArray();
}

void writeList(JsonWriter &w, const char *key, const std::vector<std::string> &items)
{
    w.key(key).beginArray();
    for (const std::string &s : items)
        w.value(s);
    w.endArray();
}

void markdownTable(std::string &out, const std::vector<std::vector<std::string>> &cells)
{
    for (size_t i = 0; i < cells.size(); ++i) {
        out += "|";
        for (const std::string &c : cells[i])
            out += " " + c + " |";
        out += "\n";
        if (i == 0) {
            out += "|";
            for (size_t j = 0; j < cells[i].size(); ++j)
                out += "---|";
            out += "\n";
        }
    }
}

// The longest folder prefix ("a/b/") shared by every path.
std::string commonFolder(const std::set<std::string> &paths)
{
    if (paths.empty())
        return {};
    std::string prefix = *paths.begin();
    for (const std::string &p : paths) {
        size_t n = 0;
        while (n < prefix.size() && n < p.size() && prefix[n] == p[n])
            ++n;
        prefix.resize(n);
    }
    const size_t slash = prefix.rfind('/');
    return slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
}

} // namespace

Result<Study> buildStudy(const Plan &plan, const std::vector<TaskResult> &results)
{
    Study study;
    study.planHash = plan.hash;
    study.options = plan.options;
    study.tasks = static_cast<int>(plan.tasks.size());
    study.version = PIPECUT_VERSION;
    std::vector<const TaskResult *> byTask(plan.tasks.size(), nullptr);
    for (const TaskResult &r : results) {
        const TaskResult *&slot = byTask[static_cast<size_t>(r.task)];
        if (slot)
            return makeError(taskName(plan.tasks[static_cast<size_t>(r.task)])
                + " has more than one result (two shards ran it, or results files were given twice)");
        slot = &r;
    }
    std::set<int> ks;
    std::set<std::string> models;
    for (const Task &t : plan.tasks) {
        ks.insert(t.k);
        models.insert(t.model);
        if (std::find(study.methods.begin(), study.methods.end(), t.method) == study.methods.end())
            study.methods.push_back(t.method);
        const TaskResult *r = byTask[static_cast<size_t>(t.index)];
        if (!r)
            study.missing.push_back(taskName(t));
        else if (r->status == kStatusError)
            study.failed.push_back(taskName(t) + ": " + r->message);
        else if (r->status == kStatusInfeasible)
            ++study.infeasible;
        else if (r->status != kStatusOk)
            study.unsolved.push_back(taskName(t) + ": " + r->status + ": " + r->message);
    }
    study.results = static_cast<int>(results.size());
    study.models = static_cast<int>(models.size());
    study.ks.assign(ks.begin(), ks.end());
    study.modelRoot = commonFolder(models);
    const bool hasAuto = std::find(study.methods.begin(), study.methods.end(), "auto") != study.methods.end();
    study.reference = hasAuto ? "auto" : study.methods.front();
    std::vector<WorstCase> worst;
    for (int k : study.ks) {
        const std::vector<Instance> instances = instancesOf(plan, byTask, k);
        study.rows.push_back(rowOf(study, k, instances));
        for (const Instance &in : instances)
            if (in.upper > 0 && in.gap() > 0)
                worst.push_back({ in.model, k, in.gap(), in.upper, in.lower, in.bestMethod, in.boundMethod });
    }
    std::stable_sort(worst.begin(), worst.end(), [](const WorstCase &a, const WorstCase &b) { return a.gap > b.gap; });
    worst.resize(std::min(worst.size(), kWorstCases));
    study.worst = std::move(worst);
    addTimes(study, plan, byTask);
    return study;
}

std::vector<std::vector<std::string>> studyTableCells(const Study &study)
{
    std::vector<std::string> header = { "k", "instances", "combinatorial LB/UB", "best LB/UB", "proven optimal",
        study.reference + " over the optimum" };
    for (const std::string &m : study.methods)
        if (m != study.reference)
            header.push_back(m + " over " + study.reference);
    header.push_back("gap median");
    header.push_back("gap max");
    std::vector<std::vector<std::string>> cells = { header };
    for (const StudyRow &r : study.rows) {
        std::vector<std::string> row = { std::to_string(r.k), std::to_string(r.instances), fixed(r.combinatorial),
            fixed(r.best), std::to_string(r.proven),
            fixed(r.referenceOverOptimum) + " (" + std::to_string(r.referenceProven) + ")" };
        for (const auto &o : r.overReference)
            row.push_back(fixed(o.value) + " (" + std::to_string(o.count) + ")");
        row.push_back(percent(r.gaps.median));
        row.push_back(percent(r.gaps.max));
        cells.push_back(std::move(row));
    }
    return cells;
}

std::vector<std::vector<std::string>> timeTableCells(const Study &study)
{
    std::vector<std::vector<std::string>> cells = { { "method", "k", "tasks", "median", "longest", "total" } };
    for (const MethodTimes &t : study.times)
        cells.push_back({ t.method, std::to_string(t.k), std::to_string(t.count), fixed(t.median, "%.2f s"),
            fixed(t.max, "%.2f s"), fixed(t.total, "%.1f s") });
    return cells;
}

std::vector<std::vector<std::string>> worstTableCells(const Study &study)
{
    std::vector<std::vector<std::string>> cells = { { "model", "k", "gap", "UB", "best LB", "UB by", "LB by" } };
    for (const WorstCase &w : study.worst)
        cells.push_back({ w.model.substr(study.modelRoot.size()), std::to_string(w.k), percent(w.gap),
            fixed(w.upper, "%.6g"), fixed(w.lower, "%.6g"), w.bestMethod, w.boundMethod });
    return cells;
}

std::string studyJson(const Study &study)
{
    JsonWriter w(true);
    w.beginObject();
    w.key("plan").value(study.planHash);
    w.key("version").value(study.version);
    w.key("tasks").value(study.tasks);
    w.key("results").value(study.results);
    w.key("models").value(study.models);
    w.key("infeasible").value(study.infeasible);
    w.key("reference").value(study.reference);
    w.key("model_root").value(study.modelRoot);
    writeList(w, "methods", study.methods);
    writeList(w, "missing", study.missing);
    writeList(w, "failed", study.failed);
    writeList(w, "unsolved", study.unsolved);
    writeRows(w, study);
    w.key("worst").beginArray();
    for (const WorstCase &c : study.worst) {
        w.beginObject();
        w.key("model").value(c.model);
        w.key("k").value(c.k);
        w.key("gap").value(c.gap);
        w.key("upper_bound").value(c.upper);
        w.key("lower_bound").value(c.lower);
        w.key("upper_by").value(c.bestMethod);
        w.key("lower_by").value(c.boundMethod);
        w.endObject();
    }
    w.endArray();
    w.key("times").beginArray();
    for (const MethodTimes &t : study.times) {
        w.beginObject();
        w.key("method").value(t.method);
        w.key("k").value(t.k);
        w.key("tasks").value(t.count);
        w.key("median_seconds").value(t.median);
        w.key("max_seconds").value(t.max);
        w.key("total_seconds").value(t.total);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.str() + "\n";
}

std::string studyText(const Study &study)
{
    std::string out = "plan " + study.planHash + ": " + std::to_string(study.tasks) + " tasks, "
        + std::to_string(study.models) + " models, " + std::to_string(study.results) + " results, "
        + std::to_string(study.infeasible) + " infeasible, " + std::to_string(study.unsolved.size())
        + " without a partition (refused or none found), " + std::to_string(study.failed.size()) + " failed, "
        + std::to_string(study.missing.size()) + " missing\n\n";
    markdownTable(out, studyTableCells(study));
    out += "\n";
    markdownTable(out, timeTableCells(study));
    if (study.worst.empty()) {
        out += "\nno gap: every instance's best partition is proven optimal\n";
    } else {
        out += "\nworst cases by gap (models under " + (study.modelRoot.empty() ? "." : study.modelRoot) + "):\n\n";
        markdownTable(out, worstTableCells(study));
    }
    for (const std::string &f : study.failed)
        out += "failed: " + f + "\n";
    for (const std::string &m : study.missing)
        out += "missing: " + m + "\n";
    return out;
}

} // namespace pipecut::cli::sweep
