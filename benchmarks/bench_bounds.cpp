// Lower bounds as a fraction of the best partition found (the table of
// Archer et al., arXiv 2311.03703, Table 2): for each corpus graph and k,
// every bound method runs with the per-instance time limit; the best
// partition is the best of runPartitioner("auto") (on generated graphs also
// slicegraph 300x300 in the rest of the partitioner's time), the exact MIP's
// incumbent and ideal-dp's optimum when it finishes. Prints geometric means of LB/UB per
// k and method, and the factor by which a method closes the combinatorial gap,
// (1 - comb/UB) / (1 - LB/UB) in geometric means. "best-idp" is best with
// --exclude ideal-dp (what the MIP bounds prove on their own); "best" uses
// everything. Then wide generated graphs (no exact method finishes there) with
// UB/LB.
//
// Usage: bench_bounds [--time-limit S] [--ub-time S] [--k 2,4,8] [--graphs sub1,sub2]
//                     [--no-corpus] [--generated] [--gen-nodes N] [--families f1,f2]
//                     [--methods anchor,guess,...] (combinatorial and best always run)
//                     [--seeds 1,2] (generated graphs) [--threads N] (partitioner)
// Defaults: 60 s per bound run, 60 s for the partitioner on 1 thread, k in
// {2,4,...,64}, every corpus graph, generated graphs off.

#include "benchmarks/bench_args.h"
#include "core/bounds/bound.h"
#include "core/bounds/bound_cache.h"
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace pipecut;

namespace {

struct Args {
    double timeLimit = 60;
    double ubTime = 60;
    std::vector<int> ks { 2, 4, 8, 16, 32, 64 };
    std::vector<std::string> graphs; // substrings; empty = all
    bool corpus = true;
    bool generated = false;
    int64_t genNodes = 400;
    std::vector<std::string> families { "inception", "unet", "random" };
    std::vector<uint64_t> seeds { 1, 2 }; // generated graphs
    int threads = 1; // of the partitioner
    std::vector<std::string> methods; // bound columns to run; empty = all
};

const std::vector<std::string> kMethods { "combinatorial", "boundary", "anchor", "bottleneck", "guess", "mip", "cover",
    "best-idp", "best" };

struct Row {
    std::string graph;
    int k = 0;
    double ub = 0;
    std::map<std::string, double> lb;
    std::map<std::string, double> seconds;
    std::string provenBy; // best
    std::string provenByIdp; // best without ideal-dp
};

double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Row runInstance(const std::string &name, const Graph &g, int k, const Args &args, bool withExact)
{
    const CostParams params = CostParams::fromGraph(g);
    Row row;
    row.graph = name;
    row.k = k;
    row.ub = std::numeric_limits<double>::infinity();
    std::optional<Partition> incumbent;

    PartitionOptions po;
    po.k = k;
    po.method = "auto";
    po.timeLimit = args.ubTime;
    po.threads = args.threads;
    po.searchToLimit = true;
    auto t0 = std::chrono::steady_clock::now();
    if (auto p = runPartitioner(g, params, po); p.ok()) {
        row.ub = p->bottleneck;
        incumbent = p->partition;
    }
    if (!withExact && args.ubTime - seconds(t0) >= 1.0) {
        // Wide graphs: a larger population in the time auto leaves (auto
        // searches until its limit, so usually none).
        po.method = "slicegraph";
        po.population = 300;
        po.generations = 300;
        po.timeLimit = std::max(1.0, args.ubTime - seconds(t0));
        if (auto p = runPartitioner(g, params, po); p.ok() && p->bottleneck < row.ub) {
            row.ub = p->bottleneck;
            incumbent = p->partition;
        }
    }
    row.seconds["ub"] = seconds(t0);

    for (const std::string &m : kMethods) {
        if (!withExact && m == "best")
            continue;
        if (!args.methods.empty() && m != "combinatorial" && m.rfind("best", 0) != 0
            && std::find(args.methods.begin(), args.methods.end(), m) == args.methods.end())
            continue;
        BoundOptions o;
        o.k = k;
        o.method = m.rfind("best", 0) == 0 ? "best" : m;
        if (m == "best-idp" || !withExact)
            o.exclude = { "ideal-dp" };
        o.timeLimit = args.timeLimit;
        o.incumbent = incumbent;
        t0 = std::chrono::steady_clock::now();
        auto r = runBound(g, params, o);
        row.seconds[m] = seconds(t0);
        if (!r.ok() || r->infeasible) {
            row.lb[m] = std::nan("");
            continue;
        }
        row.lb[m] = r->lowerBound;
        if (r->partition && r->upperBound < row.ub) {
            row.ub = r->upperBound;
            incumbent = r->partition;
        }
        if (m == "best" || (m == "best-idp" && !withExact))
            row.provenBy = r->provenBy;
        if (m == "best-idp")
            row.provenByIdp = r->provenBy;
    }
    if (!withExact) {
        row.lb["best"] = row.lb["best-idp"];
        row.seconds["best"] = 0;
    }
    return row;
}

void printRow(const Row &r)
{
    std::printf("%-58s k=%-3d UB=%-11.5g", r.graph.c_str(), r.k, r.ub);
    for (const auto &m : kMethods) {
        auto it = r.lb.find(m);
        if (it != r.lb.end())
            std::printf(" %s=%.4f(%.0fs)", m.c_str(), it->second / r.ub, r.seconds.at(m));
    }
    std::printf(" by=%s/%s\n", r.provenByIdp.c_str(), r.provenBy.c_str());
    std::fflush(stdout);
}

// Geometric mean over rows with a finite positive ratio.
double geoMean(const std::vector<double> &values)
{
    double s = 0;
    int n = 0;
    for (double v : values)
        if (std::isfinite(v) && v > 0) {
            s += std::log(v);
            ++n;
        }
    return n ? std::exp(s / n) : std::nan("");
}

void printTable(const std::vector<Row> &rows, const std::vector<int> &ks, const char *title)
{
    std::printf("\n%s\n%-5s %5s", title, "k", "n");
    for (const auto &m : kMethods)
        std::printf(" %13s", m.c_str());
    std::printf(" %10s %10s\n", "close-idp", "close-all");
    for (int k : ks) {
        std::map<std::string, std::vector<double>> ratio;
        int n = 0;
        for (const Row &r : rows) {
            if (r.k != k || !std::isfinite(r.ub) || r.ub <= 0)
                continue;
            ++n;
            for (const auto &m : kMethods)
                ratio[m].push_back(r.lb.count(m) ? r.lb.at(m) / r.ub : std::nan(""));
        }
        if (!n)
            continue;
        std::printf("%-5d %5d", k, n);
        std::map<std::string, double> g;
        for (const auto &m : kMethods) {
            g[m] = geoMean(ratio[m]);
            std::printf(" %13.4f", g[m]);
        }
        auto closing = [&](const std::string &m) {
            char text[32];
            if (1 - g[m] < 1e-6)
                std::snprintf(text, sizeof text, "closed");
            else
                std::snprintf(text, sizeof text, "%.3fx", (1 - g["combinatorial"]) / (1 - g[m]));
            return std::string(text);
        };
        std::printf(" %10s %10s\n", closing("best-idp").c_str(), closing("best").c_str());
    }
}

void printGapTable(const std::vector<Row> &rows, const std::vector<int> &ks, const char *title)
{
    std::printf("\n%s\n%-5s %5s %12s %12s %12s %12s\n", title, "k", "n", "UB/LB(best)", "worst(best)", "UB/LB(comb)",
        "UB/LB(anchor)");
    for (int k : ks) {
        std::vector<double> best, comb, anchor;
        for (const Row &r : rows)
            if (r.k == k && std::isfinite(r.ub)) {
                auto ratio = [&](const char *m) { return r.lb.count(m) ? r.ub / r.lb.at(m) : std::nan(""); };
                best.push_back(ratio("best-idp"));
                comb.push_back(ratio("combinatorial"));
                anchor.push_back(ratio("anchor"));
            }
        double worst = 0;
        for (double b : best)
            worst = std::isfinite(b) ? std::max(worst, b) : worst;
        if (!best.empty())
            std::printf("%-5d %5zu %12.4f %12.4f %12.4f %12.4f\n", k, best.size(), geoMean(best), worst, geoMean(comb),
                geoMean(anchor));
    }
}

std::vector<std::string> corpusFiles(const Args &args)
{
    return bench::corpusFiles(PIPECUT_CORPUS_DIR, args.graphs);
}

} // namespace

int main(int argc, char **argv)
{
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "missing value after %s\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--time-limit")
            args.timeLimit = std::atof(next().c_str());
        else if (a == "--ub-time")
            args.ubTime = std::atof(next().c_str());
        else if (a == "--k") {
            args.ks.clear();
            for (const auto &s : bench::splitList(next()))
                args.ks.push_back(std::atoi(s.c_str()));
        } else if (a == "--graphs")
            args.graphs = bench::splitList(next());
        else if (a == "--no-corpus")
            args.corpus = false;
        else if (a == "--generated")
            args.generated = true;
        else if (a == "--gen-nodes")
            args.genNodes = std::atoll(next().c_str());
        else if (a == "--families")
            args.families = bench::splitList(next());
        else if (a == "--methods")
            args.methods = bench::splitList(next());
        else if (a == "--seeds") {
            args.seeds.clear();
            for (const auto &x : bench::splitList(next()))
                args.seeds.push_back(std::strtoull(x.c_str(), nullptr, 10));
        } else if (a == "--threads")
            args.threads = std::atoi(next().c_str());
        else {
            std::fprintf(stderr,
                "usage: bench_bounds [--time-limit S] [--ub-time S] [--k 2,4] [--graphs a,b] "
                "[--no-corpus] [--generated] [--gen-nodes N] [--families f1,f2] "
                "[--methods m1,m2] [--seeds 1,2] [--threads N]\n");
            return 2;
        }
    }
    std::printf(
        "bench_bounds: time limit %.0f s per bound run, %.0f s for the partitioner\n", args.timeLimit, args.ubTime);

    std::vector<Row> corpusRows, genRows;
    if (args.corpus) {
        for (const std::string &rel : corpusFiles(args)) {
            auto g = loadGraph(std::string(PIPECUT_CORPUS_DIR) + "/" + rel);
            if (!g.ok()) {
                std::printf("skip %s: %s\n", rel.c_str(), g.error().c_str());
                continue;
            }
            if (g->nodeCount() < 3)
                continue;
            for (int k : args.ks) {
                corpusRows.push_back(runInstance(rel, *g, k, args, true));
                printRow(corpusRows.back());
            }
        }
        printTable(corpusRows, args.ks, "Corpus: lower bound / best partition found (geometric means)");
    }
    if (args.generated) {
        for (const std::string &family : args.families)
            for (uint64_t seed : args.seeds) {
                auto g = generateGraph({ family, args.genNodes, seed });
                if (!g.ok()) {
                    std::printf("skip %s: %s\n", family.c_str(), g.error().c_str());
                    continue;
                }
                const std::string name = family + "-" + std::to_string(args.genNodes) + "-s" + std::to_string(seed);
                for (int k : args.ks) {
                    genRows.push_back(runInstance(name, *g, k, args, false));
                    printRow(genRows.back());
                }
            }
        printTable(genRows, args.ks, "Generated wide graphs: lower bound / best partition found (no ideal-dp)");
        printGapTable(genRows, args.ks, "Generated wide graphs: UB/LB (geometric means)");
    }
    return 0;
}
