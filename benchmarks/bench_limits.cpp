// How closely every long method meets its time limit (the aim: time limits
// are met within 10 %): each partition and bound method runs on an instance
// big enough to need the whole limit (the instances of
// tests/reliability/tst_stop_latency.cpp), several times per limit; prints the
// median and the worst wall time of the call and their ratio to the limit.
//
// Usage: bench_limits [--limits 2,5] [--runs 5] [--methods "partition mip,bound best chain"]
//                     [--small FAMILY:NODES] (the graph of "bound mip small"; default unet:400)
//                     [--trace]   (prints every progress report of each run: stage and time)
//                     [--stop-after S] (no time limit; a stop request after S s; prints the
//                                       latency from the request to the return instead)
// Run it under `nice -n -15` on a shared machine.

#include "benchmarks/bench_args.h"
#include "core/bounds/bound.h"
#include "core/partition/partitioner.h"
#include "tests/support/limit_instances.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace pipecut;

namespace {

using Clock = std::chrono::steady_clock;

using test::generatedGraph;
using test::parallelChains;

struct Case {
    std::string name;
    std::function<void(double limit, const StopToken &, const ProgressFn &)> run;
};

} // namespace

int main(int argc, char **argv)
{
    std::vector<double> limits { 2.0, 5.0 };
    int runs = 5;
    std::vector<std::string> only;
    bool trace = false;
    double stopAfter = 0;
    std::string smallFamily = "unet";
    int64_t smallNodes = 400;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--limits" && i + 1 < argc) {
            limits.clear();
            for (const auto &s : bench::splitList(argv[++i], ','))
                limits.push_back(std::atof(s.c_str()));
        } else if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--methods" && i + 1 < argc) {
            only = bench::splitList(argv[++i], ',');
        } else if (a == "--stop-after" && i + 1 < argc) {
            stopAfter = std::atof(argv[++i]);
            limits = { 0.0 };
        } else if (a == "--small" && i + 1 < argc) {
            const auto parts = bench::splitList(argv[++i], ':');
            smallFamily = parts.at(0);
            smallNodes = std::atoll(parts.at(1).c_str());
        } else if (a == "--trace") {
            trace = true;
        } else {
            std::fprintf(
                stderr, "usage: bench_limits [--limits 2,5] [--runs 5] [--methods \"partition mip,...\"] [--trace]\n");
            return 2;
        }
    }

    const Graph big = generatedGraph("transformer", 20000);
    const Graph mid = generatedGraph("transformer", 3000);
    const Graph ideals = parallelChains(3, 100); // ~1.03 million ideals
    const Graph wide = generatedGraph("random", 20000); // too many ideals: auto runs slicegraph + refine
    const Graph random300 = generatedGraph("random", 300); // the cover bound's hard case (docs/bounds.md)
    const Graph small = generatedGraph(
        smallFamily, smallNodes); // the MIP gets past its root LP: CBC's branch and cut runs into the limit
    const Graph chain = test::longChain(1'000'000); // set-up (classes, contraction, population) takes seconds

    // k = 100,000 on the 20,000-node transformer: every stage holds at most a node or two.
    auto partitioner = [](const Graph &g, const std::string &method, int k = test::kLimitStages) {
        return [&g, method, k](double limit, const StopToken &stop, const ProgressFn &progress) {
            test::runLimitPartition(g, method, limit, stop, progress, k);
        };
    };
    auto bound = [](const Graph &g, const std::string &method, int k = test::kLimitStages) {
        return [&g, method, k](double limit, const StopToken &stop, const ProgressFn &progress) {
            test::runLimitBound(g, method, limit, stop, progress, k);
        };
    };

    std::vector<Case> cases {
        { "partition slicegraph", partitioner(big, "slicegraph") },
        { "partition ideal-dp", partitioner(ideals, "ideal-dp") },
        { "partition refine", partitioner(big, "refine") },
        { "partition mip", partitioner(mid, "mip") },
        { "partition auto", partitioner(big, "auto") },
        { "partition auto wide", partitioner(wide, "auto") },
        { "bound anchor", bound(mid, "anchor") },
        { "bound bottleneck", bound(mid, "bottleneck") },
        { "bound guess", bound(mid, "guess") },
        { "bound mip", bound(mid, "mip") },
        { "bound cover", bound(mid, "cover") },
        { "bound cover random", bound(random300, "cover") },
        { "bound best", bound(mid, "best") },
        { "bound best big", bound(big, "best") },
        { "bound anchor big", bound(big, "anchor") },
        { "bound mip small", bound(small, "mip") },
        { "bound ideal-dp", bound(ideals, "ideal-dp") },
        { "partition auto chain", partitioner(chain, "auto") },
        { "bound best chain", bound(chain, "best") },
        { "partition auto k100000", partitioner(big, "auto", 100000) },
        { "bound best k100000", bound(big, "best", 100000) },
    };

    std::printf(
        "instances: transformer 20000 nodes (slicegraph, refine, auto), transformer 3000 (mip, bounds),\n"
        "           3 chains of 100 (~1.03M ideals; ideal-dp), random 300 (cover random), a chain of 1,000,000\n"
        "           (chain); k = 16 (k100000: k = 100,000 on the 20,000-node transformer); %d runs per "
        "method and limit\n\n",
        runs);
    std::printf("%-22s %6s %9s %9s %7s %7s\n", "method", "limit", "median s", "worst s", "med/lim", "max/lim");
    for (double limit : limits) {
        for (const Case &c : cases) {
            if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end())
                continue;
            std::vector<double> seconds;
            for (int r = 0; r < runs; ++r) {
                const auto start = Clock::now();
                if (trace)
                    std::printf("  start at %.3f\n", std::chrono::duration<double>(start.time_since_epoch()).count());
                ProgressFn progress;
                if (trace)
                    progress = [&](const Progress &p) {
                        const double t = std::chrono::duration<double>(Clock::now() - start).count();
                        std::printf("    %7.3f s  %s (reported %.3f)\n", t, p.stage.c_str(), p.seconds);
                    };
                if (stopAfter > 0) {
                    StopToken stop;
                    Clock::time_point request {};
                    std::thread stopper([&] {
                        std::this_thread::sleep_for(std::chrono::duration<double>(stopAfter));
                        request = Clock::now();
                        stop.requestStop();
                    });
                    c.run(0.0, stop, progress);
                    const auto end = Clock::now();
                    stopper.join();
                    seconds.push_back(std::max(0.0, std::chrono::duration<double>(end - request).count()));
                } else {
                    c.run(limit, StopToken(), progress);
                    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
                }
                if (trace)
                    std::printf("  %s run %d: %.3f s\n", c.name.c_str(), r + 1, seconds.back());
            }
            std::sort(seconds.begin(), seconds.end());
            const double median = seconds[seconds.size() / 2], worst = seconds.back();
            if (stopAfter > 0)
                std::printf(
                    "%-22s %6s %9.3f %9.3f   (latency from the stop request)\n", c.name.c_str(), "stop", median, worst);
            else
                std::printf("%-22s %6.1f %9.3f %9.3f %7.3f %7.3f\n", c.name.c_str(), limit, median, worst,
                    median / limit, worst / limit);
            std::fflush(stdout);
        }
    }
    return 0;
}
