// Figures for the partitioners. Prints, never asserts.
//
//   bench_partition [table] [slice] [ideals] [options]
//     table   cost and seconds per method over the corpus graphs and k, ratio to
//             the combinatorial lower bound max(W/k, max work), geometric means
//             per k, balanced-work as the baseline; slicegraph's gap to proven
//             optima (ideal-dp) per k.
//     slice   slice timings (median of --runs) at k = 16 on corpus BERT-L12
//             operator graphs and generated graphs of every family with
//             2,000 and 100,000 nodes (the U-Nets keep skip tensors live
//             across most of the order); --graphs SUBSTR picks rows by label.
//     ideals  the number of ideals of every corpus graph's contracted DAG.
//     exact   ideal-bb (frontier_dp.h) on every corpus graph at --k (default
//             2,4,8,16) under --time-limit (default 60 s): per instance the
//             seconds (median of --runs when a run takes under 2 s, else one
//             run), the bottleneck and whether it is proven optimal.
//     wide    slicegraph on wide, communication-heavy generated graphs
//             (--families random,moe,inception x --seeds 1,2 x --k 4,16 at
//             --nodes 300): bottleneck of the plain BRKGA vs the memetic scheme
//             (plateau descent + depth-first seeds) at equal wall time
//             (--times 2,10 seconds), median over seeds and --runs.
//   Options: --graphs SUBSTR (only files containing it), --k 2,4,...,
//            --methods balanced-work,slice,..., --time-limit S (per run),
//            --budget POPxGEN (slicegraph), --runs N, --threads N,
//            --costing auto|sweep|intervals (slice: segment costs; auto is what
//            the slice and slicegraph methods use).
//   With no part named, runs table, slice and ideals.

#include "benchmarks/bench_args.h"
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "core/io/graph_io.h"
#include "core/partition/frontier_dp.h"
#include "core/partition/ideal_dp.h"
#include "core/partition/partitioner.h"
#include "core/partition/refine.h"
#include "core/partition/slice.h"
#include "core/partition/slicegraph.h"
#include "tests/support/corpus_files.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace pipecut;

namespace {

struct Args {
    bool table = false, slice = false, ideals = false, wide = false, exact = false;
    std::vector<std::string> families = { "random", "moe", "inception" };
    std::vector<int> seeds = { 1, 2 };
    std::vector<double> times = { 2, 10 };
    int64_t nodes = 300;
    std::string graphs;
    std::vector<int> ks = { 2, 4, 8, 16, 32, 64 };
    std::vector<std::string> methods
        = { "balanced-work", "uniform", "slice", "slicegraph", "refine", "ideal-dp", "auto" };
    double timeLimit = 0.0;
    int population = 0, generations = 0;
    int runs = 5;
    int threads = 0;
    std::string costing = "auto"; // slice: auto (as the slice method), sweep, intervals
};

std::vector<std::string> corpusGraphs(const std::string &filter)
{
    return test::corpusGraphFiles(PIPECUT_CORPUS_DIR, filter);
}

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of this process: on a shared machine it tells what the algorithm
// costs when it has a core to itself (single-threaded parts only).
double cpuNow()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string shortName(const std::string &rel)
{
    std::string s = rel;
    const std::pair<const char *, const char *> rules[]
        = { { "dnn-partitioning/", "" }, { "profiler/image_classification/profiles/", "" },
              { "profiler/translation/profiles/", "" }, { "graph/test_graphs/", "test/" },
              { "throughput-inputs/", "thr/" }, { "latency-inputs/", "lat/" }, { "OperatorGraphs/", "op/" },
              { "LayerGraphs/", "layer/" }, { "/graph.txt", "" }, { "inputs/", "" }, { ".json", "" } };
    for (auto [from, to] : rules)
        if (auto i = s.find(from); i != std::string::npos)
            s.replace(i, std::strlen(from), to);
    return s;
}

struct Cell {
    bool ok = false;
    double cost = 0, seconds = 0;
    bool optimal = false;
};

void runTable(const Args &a)
{
    const auto files = corpusGraphs(a.graphs);
    // ratio[method][k] -> list of cost / LB; vsBase[method][k] -> cost / balanced-work
    std::map<std::string, std::map<int, std::vector<double>>> ratio, vsBase, gapOpt;
    std::map<std::string, std::map<int, double>> worstGap, maxSeconds;
    std::map<std::string, std::map<int, int>> failures;
    std::printf("# table: cost (seconds) per method; LB = max(W/k, max work); * = proven optimal\n");
    for (const std::string &file : files) {
        auto g = loadGraph(std::string(PIPECUT_CORPUS_DIR) + "/" + file);
        if (!g.ok()) {
            std::printf("%s: cannot load: %s\n", file.c_str(), g.error().c_str());
            continue;
        }
        const CostParams params = CostParams::fromGraph(*g);
        auto c = contractGroups(*g);
        const IdealCount ic = c.ok() ? countIdeals(c->graph, 1'000'000) : IdealCount {};
        std::printf("\n## %s  n=%d m=%lld units=%d ideals=%s\n", shortName(file).c_str(), g->nodeCount(),
            static_cast<long long>(g->edgeCount()), c.ok() ? c->graph.nodeCount() : -1,
            ic.exceeded ? ">1e6" : std::to_string(ic.count).c_str());
        std::printf("%4s %12s", "k", "LB");
        for (const std::string &m : a.methods)
            std::printf(" %24s", m.c_str());
        std::printf("\n");
        for (int k : a.ks) {
            const double lb = std::max(g->totalWork() / k, g->maxWork());
            std::map<std::string, Cell> row;
            for (const std::string &m : a.methods) {
                PartitionOptions o;
                o.k = k;
                o.method = m;
                o.timeLimit = a.timeLimit;
                o.population = a.population;
                o.generations = a.generations;
                o.threads = a.threads;
                const double t0 = now();
                auto r = runPartitioner(*g, params, o);
                Cell cell;
                cell.seconds = now() - t0;
                if (r.ok()) {
                    cell.ok = true;
                    cell.cost = r->bottleneck;
                    cell.optimal = r->optimal;
                }
                row[m] = cell;
            }
            std::printf("%4d %12.6g", k, lb);
            for (const std::string &m : a.methods) {
                const Cell &cell = row[m];
                char buf[64];
                if (cell.ok)
                    std::snprintf(buf, sizeof buf, "%.6g%s (%.3fs)", cell.cost, cell.optimal ? "*" : "", cell.seconds);
                else
                    std::snprintf(buf, sizeof buf, "-- (%.3fs)", cell.seconds);
                std::printf(" %24s", buf);
                maxSeconds[m][k] = std::max(maxSeconds[m][k], cell.seconds);
                if (!cell.ok) {
                    ++failures[m][k];
                    continue;
                }
                if (lb > 0)
                    ratio[m][k].push_back(cell.cost / lb);
                if (row["balanced-work"].ok && row["balanced-work"].cost > 0)
                    vsBase[m][k].push_back(cell.cost / row["balanced-work"].cost);
            }
            std::printf("\n");
            // Gap to the proven optimum, wherever some method proved one.
            double opt = -1;
            for (auto &[m, cell] : row)
                if (cell.ok && cell.optimal)
                    opt = cell.cost;
            if (opt > 0)
                for (auto &[m, cell] : row)
                    if (cell.ok) {
                        gapOpt[m][k].push_back(cell.cost / opt);
                        worstGap[m][k] = std::max(worstGap[m][k], cell.cost / opt);
                    }
            std::fflush(stdout);
        }
    }
    auto geo = [](const std::vector<double> &v) {
        double s = 0;
        for (double x : v)
            s += std::log(x);
        return v.empty() ? 0.0 : std::exp(s / v.size());
    };
    auto summary = [&](const char *title, std::map<std::string, std::map<int, std::vector<double>>> &data) {
        std::printf("\n# %s (geometric mean; count)\n%-14s", title, "method");
        for (int k : a.ks)
            std::printf(" %16d", k);
        std::printf("\n");
        for (const std::string &m : a.methods) {
            std::printf("%-14s", m.c_str());
            for (int k : a.ks) {
                char buf[48];
                std::snprintf(buf, sizeof buf, "%.4f (%zu)", geo(data[m][k]), data[m][k].size());
                std::printf(" %16s", buf);
            }
            std::printf("\n");
        }
    };
    summary("cost / combinatorial lower bound", ratio);
    summary("cost / balanced-work cost", vsBase);
    summary("cost / proven optimum (graphs where ideal-dp or auto proved it)", gapOpt);
    std::printf("\n# worst cost / proven optimum, and max seconds, per k\n%-14s", "method");
    for (int k : a.ks)
        std::printf(" %22d", k);
    std::printf("\n");
    for (const std::string &m : a.methods) {
        std::printf("%-14s", m.c_str());
        for (int k : a.ks) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.4f / %.2fs%s", worstGap[m][k], maxSeconds[m][k],
                failures[m][k] ? (" F" + std::to_string(failures[m][k])).c_str() : "");
            std::printf(" %22s", buf);
        }
        std::printf("\n");
    }
}

void timeSlice(const char *label, const Graph &g, int runs, const std::string &costing)
{
    const CostParams params = CostParams::fromGraph(g);
    std::vector<double> build, solve, total, cpu, buildCpu;
    double cost = 0;
    int thresholds = 0;
    std::string error;
    for (int r = 0; r < runs; ++r) {
        const double c0 = cpuNow();
        const double t0 = now();
        OrderSlicer slicer(g, params, g.topologicalOrder(), costing == "sweep", costing == "auto" ? 16 : 0);
        const double t1 = now();
        buildCpu.push_back(cpuNow() - c0);
        auto out = slicer.solve(16);
        const double t2 = now();
        cpu.push_back(cpuNow() - c0);
        build.push_back(t1 - t0);
        solve.push_back(t2 - t1);
        total.push_back(t2 - t0);
        if (out.ok()) {
            cost = out->bottleneck;
            thresholds = out->thresholdsTried;
        } else {
            error = out.error();
        }
    }
    if (!error.empty()) {
        std::printf("%-30s n=%7d: %s\n", label, g.nodeCount(), error.c_str());
        return;
    }
    std::printf("%-30s n=%7d m=%7lld k=16 median wall %8.3f ms, cpu %8.3f ms (precompute %7.3f wall %7.3f cpu, "
                "search %8.3f wall; %d thresholds) T=%.6g\n",
        label, g.nodeCount(), static_cast<long long>(g.edgeCount()), 1e3 * median(total), 1e3 * median(cpu),
        1e3 * median(build), 1e3 * median(buildCpu), 1e3 * median(solve), thresholds, cost);
    std::fflush(stdout);
}

void runSlice(const Args &a)
{
    std::printf("# slice timings at k = 16 (median of %d runs; precompute = prefix sums, live tensors and the\n"
                "# intervals, search = bisection + BFS; cpu = this process's CPU time)\n",
        a.runs);
    auto wanted = [&](const std::string &label) { return label.find(a.graphs) != std::string::npos; };
    // bert_L-12_training's default order cannot be cut at k = 16 within its
    // memory limit (groups span it); the row says so.
    for (const char *name : { "bert_L-12_training", "bert_l-12_inference" }) {
        const std::string label = std::string("corpus ") + name;
        if (!wanted(label))
            continue;
        auto g = loadGraph(
            std::string(PIPECUT_CORPUS_DIR) + "/dnn-partitioning/throughput-inputs/OperatorGraphs/" + name + ".json");
        if (g.ok())
            timeSlice(label.c_str(), *g, a.runs, a.costing);
    }
    for (const char *family : { "transformer", "cnn", "unet", "inception", "random" }) {
        for (int64_t nodes : { int64_t(2000), int64_t(100000) }) {
            const std::string label = std::string("generated ") + family + " " + std::to_string(nodes);
            if (!wanted(label))
                continue;
            GeneratorOptions o;
            o.family = family;
            o.nodes = nodes;
            o.seed = 1;
            auto g = generateGraph(o);
            if (!g.ok()) {
                std::printf("generate %s %lld: %s\n", family, static_cast<long long>(nodes), g.error().c_str());
                continue;
            }
            timeSlice(label.c_str(), *g, a.runs, a.costing);
        }
    }
}

void runIdeals(const Args &a)
{
    std::printf("# ideals of the group-contracted DAG (counted up to 10,000,000)\n");
    for (const std::string &file : corpusGraphs(a.graphs)) {
        auto g = loadGraph(std::string(PIPECUT_CORPUS_DIR) + "/" + file);
        if (!g.ok())
            continue;
        auto c = contractGroups(*g);
        if (!c.ok())
            continue;
        const double t0 = now();
        const IdealCount ic = countIdeals(c->graph, 10'000'000);
        std::printf("%-50s n=%5d units=%5d ideals=%10s  (%.2fs)\n", shortName(file).c_str(), g->nodeCount(),
            c->graph.nodeCount(), ic.exceeded ? ">1e7" : std::to_string(ic.count).c_str(), now() - t0);
    }
}

void runExact(const Args &a)
{
    std::printf("# exact: ideal-bb per corpus graph and k; seconds are wall time of runPartitioner\n");
    std::printf("%-44s %6s %7s %3s %9s %14s  %s\n", "graph", "units", "ideals", "k", "seconds", "bottleneck", "result");
    double worst = 0;
    int proven = 0, cases = 0;
    for (const std::string &file : corpusGraphs(a.graphs)) {
        auto g = loadGraph(std::string(PIPECUT_CORPUS_DIR) + "/" + file);
        if (!g.ok())
            continue;
        const CostParams params = CostParams::fromGraph(*g);
        auto c = contractGroups(*g);
        const IdealCount ic = c.ok() ? countIdeals(c->graph, 10'000'000) : IdealCount {};
        auto merged = c.ok() ? mergeFreeUnits(*g, params, *c) : Result<Contraction>(makeError("no units"));
        const IdealCount mc = merged.ok() ? countIdeals(merged->graph, 10'000'000) : IdealCount {};
        for (int k : a.ks) {
            PartitionOptions o;
            o.k = k;
            o.method = "ideal-bb";
            o.timeLimit = a.timeLimit > 0 ? a.timeLimit : 60.0;
            o.threads = a.threads;
            std::vector<double> seconds;
            Result<PartitionResult> r = makeError("not run");
            for (int run = 0; run < a.runs; ++run) {
                const double t0 = now();
                r = runPartitioner(*g, params, o);
                seconds.push_back(now() - t0);
                if (seconds.back() >= 2.0)
                    break;
            }
            const double s = median(seconds);
            worst = std::max(worst, s);
            ++cases;
            std::string verdict;
            if (r.ok()) {
                verdict = r->optimal ? "proven optimal" : "NOT proven";
                proven += r->optimal;
            } else if (r.errorKind() == ErrorKind::Infeasible) {
                verdict = "proven infeasible";
                ++proven;
            } else
                verdict = "error: " + r.error();
            std::printf("%-44s %6d %7s %7s %3d %9.3f %14.6g  %s\n", shortName(file).c_str(),
                c.ok() ? c->graph.nodeCount() : -1, ic.exceeded ? ">1e7" : std::to_string(ic.count).c_str(),
                mc.exceeded ? ">1e7" : std::to_string(mc.count).c_str(), k, s, r.ok() ? r->bottleneck : 0.0,
                verdict.c_str());
            std::fflush(stdout);
        }
    }
    std::printf("# %d of %d instances settled; longest %.2f s\n", proven, cases, worst);
}

std::pair<int, int> g_budget; // wide: a fixed budget instead of the time limit (--budget)

// One slicegraph run under a wall-clock limit (the budget is effectively unbounded).
double timedBrkga(const Graph &g, const CostParams &params, const Contraction &units, int k, double seconds,
    bool memetic, int threads, uint64_t seed, SliceGraphOutcome *info)
{
    SliceGraphOptions o;
    o.k = k;
    o.population = g_budget.first > 0 ? g_budget.first : 100;
    o.generations = g_budget.second > 0 ? g_budget.second : 1'000'000;
    if (g_budget.second > 0)
        seconds = 1e9;
    o.seed = seed;
    o.threads = threads;
    if (!memetic) { // the plain BRKGA of Goncalves & Resende
        o.memetic = 0;
        o.structuredSeeds = false;
        o.restartAfter = 0;
        o.polishIterations = 0;
    }
    auto r = runBrkga(g, params, units, o, StopToken(), Deadline(seconds));
    if (!r.ok())
        return std::nan("");
    if (info)
        *info = *r;
    return bottleneckOf(g, params, r->partition.stages(), k);
}

void runWide(const Args &a)
{
    std::printf("# wide graphs (%lld nodes): slicegraph population 100 under a wall-clock limit, plain BRKGA vs\n"
                "# memetic (plateau descent on the best chromosome each generation + depth-first seeds);\n"
                "# bottleneck, median of --runs %d (BRKGA seed = run), threads %d (0 = all)\n",
        static_cast<long long>(a.nodes), a.runs, a.threads);
    std::map<std::pair<int, double>, std::vector<double>> ratios; // (k, seconds) -> new / old
    std::printf("%-12s %4s %4s %6s %12s %12s %8s %16s\n", "family", "seed", "k", "secs", "plain", "memetic", "ratio",
        "gens p/m (impr)");
    for (const std::string &family : a.families)
        for (int seed : a.seeds) {
            GeneratorOptions go;
            go.family = family;
            go.nodes = a.nodes;
            go.seed = seed;
            auto g = generateGraph(go);
            if (!g.ok()) {
                std::printf("generate %s: %s\n", family.c_str(), g.error().c_str());
                continue;
            }
            const CostParams params = CostParams::fromGraph(*g);
            auto units = contractGroups(*g);
            if (!units.ok())
                continue;
            for (int k : a.ks)
                for (double secs : a.times) {
                    std::vector<double> plain, mem;
                    SliceGraphOutcome pi, mi;
                    for (int r = 0; r < a.runs; ++r) {
                        plain.push_back(timedBrkga(*g, params, *units, k, secs, false, a.threads, r + 1, &pi));
                        mem.push_back(timedBrkga(*g, params, *units, k, secs, true, a.threads, r + 1, &mi));
                    }
                    const double p = median(plain), m = median(mem);
                    ratios[{ k, secs }].push_back(m / p);
                    std::printf("%-12s %4d %4d %6.1f %12.6g %12.6g %8.4f %7d/%d (%lld)\n", family.c_str(), seed, k,
                        secs, p, m, m / p, pi.generationsRun, mi.generationsRun,
                        static_cast<long long>(mi.memeticImprovements));
                    std::fflush(stdout);
                }
        }
    std::printf("\n# memetic / plain, geometric mean over families and seeds\n");
    for (auto &[key, v] : ratios) {
        double s = 0;
        for (double x : v)
            s += std::log(x);
        std::printf("k=%-3d %5.1fs  %.4f (%zu instances)\n", key.first, key.second, std::exp(s / v.size()), v.size());
    }
}

} // namespace

int main(int argc, char **argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (s == "table")
            a.table = true;
        else if (s == "slice")
            a.slice = true;
        else if (s == "ideals")
            a.ideals = true;
        else if (s == "exact") {
            a.exact = true;
            if (a.ks == Args().ks)
                a.ks = { 2, 4, 8, 16 };
        } else if (s == "wide") {
            a.wide = true;
            if (a.ks == Args().ks)
                a.ks = { 4, 16 };
        } else if (s == "--families")
            a.families = bench::splitList(next());
        else if (s == "--seeds") {
            a.seeds.clear();
            for (const std::string &x : bench::splitList(next()))
                a.seeds.push_back(std::stoi(x));
        } else if (s == "--times") {
            a.times.clear();
            for (const std::string &x : bench::splitList(next()))
                a.times.push_back(std::stod(x));
        } else if (s == "--nodes")
            a.nodes = std::stoll(next());
        else if (s == "--graphs")
            a.graphs = next();
        else if (s == "--k") {
            a.ks.clear();
            for (const std::string &k : bench::splitList(next()))
                a.ks.push_back(std::stoi(k));
        } else if (s == "--methods")
            a.methods = bench::splitList(next());
        else if (s == "--time-limit")
            a.timeLimit = std::stod(next());
        else if (s == "--budget") {
            auto b = parseBudget(next());
            if (!b.ok()) {
                std::fprintf(stderr, "%s\n", b.error().c_str());
                return 2;
            }
            a.population = b->first;
            a.generations = b->second;
        } else if (s == "--runs")
            a.runs = std::max(1, std::stoi(next()));
        else if (s == "--threads")
            a.threads = std::stoi(next());
        else if (s == "--costing")
            a.costing = next();
        else {
            std::fprintf(stderr,
                "usage: %s [table] [slice] [ideals] [exact] [--graphs S] [--k 2,4] [--methods a,b] "
                "[--time-limit S] [--budget PxG] [--runs N] [--threads N] [--costing auto|sweep|intervals] [wide "
                "--families a,b --seeds 1,2 --times 2,10 --nodes N]\n",
                argv[0]);
            return 2;
        }
    }
    if (a.exact)
        runExact(a);
    if (!a.table && !a.slice && !a.ideals && !a.wide && !a.exact)
        a.table = a.slice = a.ideals = true;
    g_budget = { a.population, a.generations };
    if (a.wide)
        runWide(a);
    if (a.ideals)
        runIdeals(a);
    if (a.slice)
        runSlice(a);
    if (a.table)
        runTable(a);
    return 0;
}
