// Load times of graph files: the largest corpus graphs and generated pipecut
// JSON files of 100k and 1M nodes (core/gen transformer family), plus writing
// and a DOT round of the 100k graph. Median of 5 runs each, printed as a table.
//
// Usage: bench_io [runs]   (default 5). Files go to $TMPDIR/pipecut_bench_io.
// Wall-clock medians plus the median process CPU time, since the machine is
// usually shared. Memory touching dominates on virtual machines where page
// faults are dear; GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (transparent huge
// pages for malloc) shows how much.
#include "core/gen/generator.h"
#include "core/io/graph_io.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace pipecut;

namespace {

struct Timing {
    double median = 0, min = 0, max = 0;
    double cpuMedian = 0; // process CPU time (user + system): the machine is shared
};

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

Timing timeRuns(int runs, const std::function<void()> &work)
{
    std::vector<double> seconds, cpu;
    for (int r = 0; r < runs; ++r) {
        const double cpuStart = processCpuSeconds();
        const auto start = std::chrono::steady_clock::now();
        work();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(processCpuSeconds() - cpuStart);
    }
    std::sort(seconds.begin(), seconds.end());
    std::sort(cpu.begin(), cpu.end());
    return { seconds[seconds.size() / 2], seconds.front(), seconds.back(), cpu[cpu.size() / 2] };
}

void row(
    const std::string &what, const std::string &format, int64_t nodes, int64_t edges, double megabytes, const Timing &t)
{
    std::printf("%-44s %-17s %9lld %9lld %9.1f %9.3f %9.3f %9.3f %9.3f\n", what.c_str(), format.c_str(),
        static_cast<long long>(nodes), static_cast<long long>(edges), megabytes, t.median, t.min, t.max, t.cpuMedian);
    std::fflush(stdout);
}

double fileMegabytes(const std::string &path)
{
    std::error_code ec;
    return double(std::filesystem::file_size(path, ec)) / 1e6;
}

int loadRow(const std::string &label, const std::string &path, int runs)
{
    Result<Graph> graph = makeError("not loaded");
    const Timing t = timeRuns(runs, [&] { graph = loadGraph(path); });
    if (!graph.ok()) {
        std::fprintf(stderr, "%s\n", graph.error().c_str());
        return 1;
    }
    row(label, graph->format(), graph->nodeCount(), graph->edgeCount(), fileMegabytes(path), t);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "pipecut_bench_io";
    std::filesystem::create_directories(dir);
    const std::string corpus = PIPECUT_CORPUS_DIR;

    std::printf("bench_io: median/min/max of %d runs, seconds (wall clock)\n", runs);
    std::printf("%-44s %-17s %9s %9s %9s %9s %9s %9s %9s\n", "graph", "format", "nodes", "edges", "MB", "median", "min",
        "max", "cpu med");
    int failures = 0;
    // The largest corpus graphs of each format (by nodes).
    failures += loadRow("dnn bert_L-12_training (corpus)",
        corpus + "/dnn-partitioning/throughput-inputs/OperatorGraphs/bert_L-12_training.json", runs);
    failures += loadRow("pipedream nasnetalarge (corpus)",
        corpus + "/pipedream/profiler/image_classification/profiles/nasnetalarge/graph.txt", runs);
    failures += loadRow("piper resnet (corpus)", corpus + "/piper/inputs/resnet.json", runs);

    for (int64_t n : { int64_t(100'000), int64_t(1'000'000) }) {
        auto generated = generateGraph({ "transformer", n, 1 });
        if (!generated.ok()) {
            std::fprintf(stderr, "%s\n", generated.error().c_str());
            return 1;
        }
        const std::string label = "transformer " + std::to_string(n / 1000) + "k";
        std::string json;
        const Timing write = timeRuns(runs, [&] { json = graphToJson(*generated); });
        const std::string path = (dir / ("transformer_" + std::to_string(n) + ".json")).string();
        if (auto s = writeFileAtomically(path, json); !s.ok()) {
            std::fprintf(stderr, "%s\n", s.error().c_str());
            return 1;
        }
        row(label + " graphToJson (write)", "pipecut-json", generated->nodeCount(), generated->edgeCount(),
            double(json.size()) / 1e6, write);
        failures += loadRow(label + " loadGraph", path, runs);
        if (n == 100'000) {
            const std::string dotPath = (dir / "transformer_100000.dot").string();
            (void)writeFileAtomically(dotPath, graphToDot(*generated));
            failures += loadRow(label + " loadGraph (DOT via cgraph)", dotPath, runs);
        }
    }
    std::printf("machine: %u hardware threads; shared with other jobs during measurement\n",
        std::max(1u, std::thread::hardware_concurrency()));
    return failures ? 1 : 0;
}
