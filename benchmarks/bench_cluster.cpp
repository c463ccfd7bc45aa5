// Mixed clusters on the corpus (docs/model.md §1.7, §4.12): for each corpus
// graph, a cluster of 2 fast + 2 slow devices (speed 1 and 0.5) at k = 4 and
// 4 + 4 at k = 8, with the graph's own links and memory limit:
//   - auto on the cluster: proven optimal or not, and whether ideal-dp ran;
//   - best --exclude ideal-dp on the cluster over the best partition found
//     (auto, and the exact MIP's incumbent), geometric mean of LB / UB;
//   - the gain of modelling the cluster: auto run for identical devices (the
//     graph's own costs) and the split placed on the cluster, in the file's
//     device order and in its best device order, over the mixed-aware split.
//
// Usage: bench_cluster [--time-limit S] [--graphs sub1,sub2] [--configs 4,8]
// Defaults: 10 s per run (auto, the bound, the blind split), every corpus graph.

#include "benchmarks/bench_args.h"
#include "core/bounds/bound.h"
#include "core/cost/cluster.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace pipecut;

namespace {

struct Args {
    double timeLimit = 10;
    std::vector<std::string> graphs;
    std::vector<int> configs { 4, 8 };
};

struct Row {
    std::string graph;
    int k = 0;
    bool feasible = false;
    bool idealDp = false, proven = false;
    double ub = 0, lb = 0, blindFixed = 0, blindBest = 0;
};

std::vector<std::string> corpusFiles(const Args &args)
{
    return bench::corpusFiles(PIPECUT_CORPUS_DIR, args.graphs);
}

// Half the devices at speed 1, half at 0.5; the graph's links and memory.
CostParams mixedCluster(const CostParams &base, int k)
{
    Cluster c;
    c.source = "bench";
    for (int j = 0; j < k; ++j) {
        ClusterDevice d;
        d.name = (j < k / 2 ? "fast-" : "slow-") + std::to_string(j);
        d.speed = j < k / 2 ? 1.0 : 0.5;
        c.devices.push_back(d);
    }
    return *applyCluster(base, c);
}

Row runInstance(const std::string &name, const Graph &g, int k, const Args &args)
{
    Row row;
    row.graph = name;
    row.k = k;
    const CostParams plain = CostParams::fromGraph(g);
    const CostParams cluster = mixedCluster(plain, k);
    PartitionOptions po;
    po.k = k;
    po.timeLimit = args.timeLimit;
    auto aware = runPartitioner(g, cluster, po);
    if (!aware.ok())
        return row;
    row.feasible = true;
    row.idealDp = aware->method.find("ideal-dp") != std::string::npos;
    row.proven = aware->optimal;
    row.ub = aware->bottleneck;
    std::optional<Partition> best = aware->partition;

    BoundOptions bo;
    bo.k = k;
    bo.method = "best";
    bo.exclude = { "ideal-dp" };
    bo.timeLimit = args.timeLimit;
    bo.incumbent = aware->partition;
    bo.useCache = false;
    if (auto b = runBound(g, cluster, bo); b.ok()) {
        row.lb = b->lowerBound;
        if (b->partition && b->upperBound < row.ub)
            row.ub = b->upperBound;
    }
    if (row.proven)
        row.lb = std::max(row.lb, 0.0);

    // The heterogeneity-blind split: made for identical devices, then placed.
    auto blind = runPartitioner(g, plain, po);
    row.blindFixed = row.blindBest = std::numeric_limits<double>::infinity();
    if (blind.ok()) {
        if (validatePartition(g, cluster, blind->partition).ok())
            row.blindFixed = bottleneckOf(g, cluster, blind->partition.stages(), k);
        if (auto orders = distinctOrders(cluster, 5040); orders.ok())
            for (const auto &order : *orders) {
                const CostParams placed = withDeviceOrder(cluster, order);
                if (validatePartition(g, placed, blind->partition).ok())
                    row.blindBest = std::min(row.blindBest, bottleneckOf(g, placed, blind->partition.stages(), k));
            }
    }
    return row;
}

double geomean(const std::vector<double> &v)
{
    if (v.empty())
        return std::nan("");
    double s = 0;
    for (double x : v)
        s += std::log(x);
    return std::exp(s / double(v.size()));
}

void printSummary(const std::vector<Row> &rows, int k)
{
    int instances = 0, feasible = 0, idp = 0, provenWithIdp = 0, proven = 0, blindInvalid = 0;
    std::vector<double> ratio, fixedGain, bestGain;
    for (const Row &r : rows) {
        if (r.k != k)
            continue;
        ++instances;
        if (!r.feasible || r.ub <= 0)
            continue;
        ++feasible;
        idp += r.idealDp;
        provenWithIdp += r.idealDp && r.proven;
        proven += r.proven;
        ratio.push_back(std::min(1.0, r.lb / r.ub));
        if (std::isfinite(r.blindFixed))
            fixedGain.push_back(r.blindFixed / r.ub);
        else
            ++blindInvalid;
        if (std::isfinite(r.blindBest))
            bestGain.push_back(r.blindBest / r.ub);
    }
    std::printf("k = %d: %d instances, %d feasible on the cluster; auto ran ideal-dp on %d, proven optimal on %d of "
                "those (%d in all)\n",
        k, instances, feasible, idp, provenWithIdp, proven);
    std::printf("  best --exclude ideal-dp / best partition, geometric mean: %.4f\n", geomean(ratio));
    std::printf(
        "  blind split placed in the file's order / aware split: %.4f (%zu instances; %d over a device's memory)\n",
        geomean(fixedGain), fixedGain.size(), blindInvalid);
    std::printf("  blind split in its best device order / aware split: %.4f (%zu instances)\n", geomean(bestGain),
        bestGain.size());
}

} // namespace

int main(int argc, char **argv)
{
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--time-limit")
            args.timeLimit = std::atof(next().c_str());
        else if (a == "--graphs")
            args.graphs = bench::splitList(next());
        else if (a == "--configs") {
            args.configs.clear();
            for (const auto &s : bench::splitList(next()))
                args.configs.push_back(std::atoi(s.c_str()));
        } else {
            std::fprintf(stderr, "usage: bench_cluster [--time-limit S] [--graphs sub1,sub2] [--configs 4,8]\n");
            return 2;
        }
    }
    std::vector<Row> rows;
    for (const std::string &rel : corpusFiles(args)) {
        auto g = loadGraph(std::string(PIPECUT_CORPUS_DIR) + "/" + rel);
        if (!g.ok() || g->nodeCount() < 3)
            continue;
        for (int k : args.configs) {
            rows.push_back(runInstance(rel, *g, k, args));
            const Row &r = rows.back();
            std::printf("%-70s k=%d %s ub=%.6g lb=%.6g lb/ub=%.4f idp=%d proven=%d blind=%.6g blind-best=%.6g\n",
                r.graph.c_str(), k, r.feasible ? "ok" : "infeasible", r.ub, r.lb, r.ub > 0 ? r.lb / r.ub : 0.0,
                r.idealDp, r.proven, r.blindFixed, r.blindBest);
            std::fflush(stdout);
        }
    }
    for (int k : args.configs)
        printSummary(rows, k);
    return 0;
}
