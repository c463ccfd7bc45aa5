#include "core/cli/common.h"

#include "core/cost/stage_json.h"
#include "core/util/json_writer.h"
#include "core/util/quantity.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace pipecut::cli {

void addCommonOptions(Args &args)
{
    args.option("--bandwidth", "B", "link bandwidth, size per time unit (overrides the file)");
    args.option("--memory-limit", "M", "per-stage limit on parameter size (overrides the file; 'none' removes it)");
    args.option("--device", "PROFILE", "device profile for ONNX and PipeDream costs (name or JSON file)");
    args.option("--dim", "NAME=VALUE", "value of a symbolic ONNX dimension (repeatable)");
    args.option("--format", "FORMAT", "input format: pipecut-json, dnn-partitioning, pipedream, piper, dot, onnx");
    args.flag("--json", "machine-readable JSON on stdout");
    args.option("--max-nodes", "N", "refuse graphs of more nodes (default 5000000)");
    args.option("--max-edges", "N", "refuse graphs of more edges (default 50000000)");
    args.option("--max-file-size", "BYTES", "refuse larger graph files (default 4G; suffixes K, M, G)");
}

void addGraphAndStages(Args &args)
{
    args.positional("GRAPH", "graph file (any supported format)");
    args.option("-k", "K", "number of stages (default: the file's suggestion, else 4)");
}

void addSolverLimitOptions(Args &args)
{
    args.option("--max-ideals", "N", "ideal-dp refuses graphs with more ideals (default 3000000)");
    args.option("--max-mip-columns", "N", "MIP methods refuse larger models (default 4000000)");
    args.option("--memory-budget", "BYTES", "ideal-dp tables and MIP models must fit (default 6G; suffixes K, M, G)");
}

void addSolverOptions(Args &args)
{
    args.flag("--progress", "report progress on stderr");
    addCommonOptions(args);
    addSolverLimitOptions(args);
}

namespace {

// A positive count or byte size: digits with an optional K, M, G or T suffix (powers of 1024).
Result<int64_t> positiveSize(const Args &args, const std::string &name, int64_t fallback, bool suffixes)
{
    if (!args.has(name))
        return fallback;
    const std::string text = args.get(name);
    size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    int shift = 0;
    const std::string suffix = text.substr(digits);
    if (suffixes && suffix.size() == 1) {
        const size_t at = std::string("KMGT").find(char(std::toupper(static_cast<unsigned char>(suffix[0]))));
        shift = at == std::string::npos ? -1 : 10 * int(at + 1);
    } else if (!suffix.empty()) {
        shift = -1;
    }
    errno = 0;
    const long long value = digits == 0 || digits > 18 ? 0 : std::strtoll(text.substr(0, digits).c_str(), nullptr, 10);
    if (shift < 0 || value <= 0 || errno != 0 || (shift > 0 && value > (std::numeric_limits<int64_t>::max() >> shift)))
        return makeError(name + " needs a positive whole number" + (suffixes ? std::string(" (K, M, G, T allowed)") : "") +
                         ", not '" + text + "'");
    return int64_t(value) << shift;
}

} // namespace

Result<SolverLimits> solverLimits(const Args &args)
{
    SolverLimits l;
    auto cap = positiveSize(args, "--max-ideals", 0, false);
    auto budget = positiveSize(args, "--memory-budget", 0, true);
    auto columns = positiveSize(args, "--max-mip-columns", 0, false);
    for (const auto *r : {&cap, &budget, &columns})
        if (!*r)
            return makeError(r->error());
    l.idealCap = *cap;
    l.memoryBudget = *budget;
    l.maxMipColumns = *columns;
    return l;
}

int usageError(CliStreams s, const std::string &message)
{
    s.err << "error: " << message << "\n";
    return kExitUsage;
}

int inputError(CliStreams s, const std::string &message)
{
    s.err << "error: " << message << "\n";
    return kExitBadInput;
}

int failure(CliStreams s, const std::string &message)
{
    s.err << "error: " << message << "\n";
    return kExitFailure;
}

bool parseOrExit(Args &args, const std::vector<std::string> &argv, CliStreams s, int &exitCode)
{
    Status st = args.parse(argv);
    if (!st) {
        exitCode = usageError(s, st.error());
        return false;
    }
    if (args.helpRequested()) {
        s.out << args.help();
        exitCode = kExitOk;
        return false;
    }
    return true;
}

std::optional<LoadedGraph> loadWithOptions(const Args &args, const std::string &path, CliStreams s, int &exitCode)
{
    LoadOptions options;
    if (args.has("--format")) {
        auto f = parseFormatName(args.get("--format"));
        if (!f) {
            exitCode = usageError(s, "unknown format '" + args.get("--format") + "'");
            return std::nullopt;
        }
        options.format = *f;
    }
    {
        auto nodes = positiveSize(args, "--max-nodes", options.maxNodes, false);
        auto edges = positiveSize(args, "--max-edges", options.maxEdges, false);
        auto bytes = positiveSize(args, "--max-file-size", options.maxFileBytes, true);
        for (const auto *r : {&nodes, &edges, &bytes})
            if (!*r) {
                exitCode = usageError(s, r->error());
                return std::nullopt;
            }
        options.maxNodes = *nodes;
        options.maxEdges = *edges;
        options.maxFileBytes = *bytes;
    }
    options.device = args.get("--device");
    for (const std::string &d : args.getAll("--dim")) {
        const auto eq = d.find('=');
        char *end = nullptr;
        const long long v = eq == std::string::npos ? 0 : std::strtoll(d.c_str() + eq + 1, &end, 10);
        if (eq == std::string::npos || eq == 0 || !end || *end != '\0' || v <= 0) {
            exitCode = usageError(s, "--dim needs NAME=VALUE with a positive whole VALUE, not '" + d + "'");
            return std::nullopt;
        }
        options.dims[d.substr(0, eq)] = v;
    }
    auto g = loadGraph(path, options);
    if (!g) {
        // Name the option that raises a limit the file hit.
        std::string hint;
        const std::string &e = g.error();
        const auto has = [&e](const char *text) { return e.find(text) != std::string::npos; };
        if (has("nodes exceed the limit") || has("nodes, over the limit"))
            hint = " (--max-nodes)";
        else if (has("edges exceed the limit") || has("edges, over the limit"))
            hint = " (--max-edges)";
        else if (has("bytes exceed the limit") || has("bytes, over the limit") || has(", over the limit of"))
            hint = " (--max-file-size)";
        exitCode = inputError(s, e + hint);
        return std::nullopt;
    }
    LoadedGraph lg{std::move(g).value(), {}};
    lg.params = CostParams::fromGraph(lg.graph);
    auto bw = args.getDouble("--bandwidth", lg.params.bandwidth);
    if (!bw) {
        exitCode = usageError(s, bw.error());
        return std::nullopt;
    }
    lg.params.bandwidth = *bw;
    if (args.has("--memory-limit")) {
        if (args.get("--memory-limit") == "none") {
            lg.params.memoryLimit.reset();
        } else {
            auto m = args.getDouble("--memory-limit", 0);
            if (!m) {
                exitCode = usageError(s, m.error());
                return std::nullopt;
            }
            lg.params.memoryLimit = *m;
        }
    }
    if (Status st = lg.params.validate(); !st) {
        exitCode = usageError(s, st.error());
        return std::nullopt;
    }
    return lg;
}

std::optional<LoadedGraph> parseAndLoad(Args &args, const std::vector<std::string> &argv, CliStreams s,
                                        int &exitCode)
{
    if (!parseOrExit(args, argv, s, exitCode))
        return std::nullopt;
    return loadWithOptions(args, *args.positionalValue(0), s, exitCode);
}

int defaultStages(const Graph &graph)
{
    return graph.suggestedK() > 0 ? graph.suggestedK() : 4;
}

Result<int> stagesOption(const Args &args, long long fallback)
{
    auto k = args.getInt("-k", fallback);
    if (!k)
        return makeError(k.error());
    if (*k < 1 || *k > 100000)
        return makeError("-k must be between 1 and 100000, not " + std::to_string(*k));
    return static_cast<int>(*k);
}

Result<Partition> loadPartitionFor(const std::string &path, const Graph &graph, int k)
{
    auto p = loadPartition(path, graph);
    if (!p)
        return p;
    if (p->k() != k)
        return makeError(path + ": the partition has " + std::to_string(p->k()) + " stages but -k is " +
                         std::to_string(k));
    return p;
}

ProgressFn progressReporter(const Args &args, CliStreams s, const char *what, double Progress::*field)
{
    if (!args.has("--progress"))
        return {};
    return [s, what, field](const Progress &p) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "[%7.2fs] %s %s %.10g\n", p.seconds, p.stage.c_str(), what, p.*field);
        s.err << buf << std::flush;
    };
}

void writeStages(JsonWriter &w, const Graph &graph, const Partition &partition, const Evaluation &ev)
{
    const auto members = partition.members();
    w.key("stages").beginArray();
    for (int b = 0; b < partition.k(); ++b) {
        const StageCost &c = ev.stages[b];
        w.beginObject();
        w.key("nodes").beginArray();
        for (NodeId v : members[b])
            w.value(graph.id(v));
        w.endArray();
        writeStageCostFields(w, c);
        w.endObject();
    }
    w.endArray();
}

std::string stageTableText(const Graph &graph, const Partition &partition, const Evaluation &ev)
{
    const Units &u = graph.units();
    std::string t;
    char line[512];
    const std::string cost = "cost (" + u.time + ")", work = "work (" + u.time + ")";
    std::snprintf(line, sizeof line, "%6s %8s %16s %16s %14s %14s %14s\n", "stage", "nodes", cost.c_str(), work.c_str(),
                  "comm in", "comm out", "param");
    t += line;
    for (int b = 0; b < partition.k(); ++b) {
        const StageCost &c = ev.stages[b];
        std::snprintf(line, sizeof line, "%5d%c %8s %16s %16s %14s %14s %14s\n", b + 1, b == ev.bottleneckStage ? '*' : ' ',
                      quantity::count(c.nodes).c_str(), quantity::number(c.cost).c_str(),
                      quantity::number(c.work).c_str(), quantity::size(c.commIn, u.size).c_str(),
                      quantity::size(c.commOut, u.size).c_str(), quantity::size(c.param, u.size).c_str());
        t += line;
    }
    t += "bottleneck " + quantity::time(ev.bottleneck, u.time) + " (stage " + std::to_string(ev.bottleneckStage + 1) +
         ", marked *), throughput " + quantity::rate(ev.bottleneck > 0 ? 1 / ev.bottleneck : 0, u.time) + "\n";
    return t;
}

} // namespace pipecut::cli
