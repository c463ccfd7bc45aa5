// The relaxed chain proof (core/partition/relaxed_chain.h, docs/model.md
// §3.13) alone on one graph from one partition: the bound T*, whether the
// chain at T* is a partition proven optimal, the search's sizes and the
// seconds taken, median of --runs runs.
//
// Usage: bench_relaxed GRAPH PARTITION [--runs N] [--time-limit S] [--signature-bits B] [--max-signature-bits M]
// [--tighten] [--trace]
#include "benchmarks/bench_args.h"
#include "core/cost/evaluate.h"
#include "core/graph/topology.h"
#include "core/io/graph_io.h"
#include "core/partition/relaxed_chain.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace pipecut;

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr,
            "usage: bench_relaxed GRAPH PARTITION [--runs N] [--time-limit S] [--signature-bits B] "
            "[--max-signature-bits M] [--threads N] [--tighten] "
            "[--trace]\n");
        return 2;
    }
    int runs = 1;
    double limit = 30.0;
    RelaxedChainOptions options;
    for (int i = 3; i < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--tighten" || a == "--trace") {
            if (a == "--tighten")
                options.tightenBound = true;
            else
                options.trace = [](const std::string &line) { std::printf("  %s\n", line.c_str()); };
            --i;
        } else if (i + 1 >= argc)
            break;
        else if (a == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--time-limit")
            limit = std::atof(argv[i + 1]);
        else if (a == "--signature-bits")
            options.signatureBits = std::atoi(argv[i + 1]);
        else if (a == "--threads")
            options.threads = std::max(1, std::atoi(argv[i + 1]));
        else if (a == "--max-signature-bits")
            options.maxSignatureBits = std::atoi(argv[i + 1]);
    }
    const auto loaded = bench::loadGraphAndPartition(argv[1], argv[2]);
    if (!loaded)
        return 3;
    const auto &[graph, start, units] = *loaded;
    const CostParams params = CostParams::fromGraph(graph);
    const double upper = bottleneckOf(graph, params, start.stages(), start.k());
    std::printf("graph %s, k %d, incumbent %.6f\n", argv[1], start.k(), upper);
    std::vector<double> seconds;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto out
            = relaxedChainSearch(graph, params, units, start.k(), upper, StopToken(), Deadline(limit), options);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        if (!out) {
            std::printf("run %d: %s (%.2f s)\n", r + 1, out.error().c_str(), seconds.back());
            continue;
        }
        const std::string verdict = !out->partition ? std::string("no nested chain")
            : out->optimal                          ? "proven optimal at " + std::to_string(out->bottleneck)
                                                    : "its chain costs " + std::to_string(out->bottleneck);
        std::printf("run %d: bound %.6f, %s, %d units, %lld couplings left out, %lld steps, %lld window ideals, "
                    "%lld kept, %.2f s\n",
            r + 1, out->bound, verdict.c_str(), out->units, (long long)out->dropped, (long long)out->steps,
            (long long)out->leaves, (long long)out->frontPoints, seconds.back());
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("median %.2f s over %d runs\n", seconds[seconds.size() / 2], runs);
    return 0;
}
