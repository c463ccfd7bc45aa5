#include "core/cli/command.h"

#include "core/io/onnx_profile.h"
#include "core/io/onnx_reader.h"
#include "core/io/profile_work.h"

#include "core/cli/common.h"
#include "core/cost/device_work.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "core/util/text.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <tuple>

namespace pipecut::cli {

namespace {

// Error kind -> exit status; the CLI help and docs/model.md §7 list this table.
struct ExitRow {
    ErrorKind kind;
    int status;
    const char *meaning;
};
constexpr ExitRow kExitTable[] = {
    { ErrorKind::Stopped, kExitFailure, "stopped by the time limit before there was a result" },
    { ErrorKind::Internal, kExitFailure,
        "any other failure: an output that cannot be written, a command not in this build" },
    { ErrorKind::Usage, kExitUsage, "bad usage: an unknown command or option, a malformed or invalid value" },
    { ErrorKind::BadInput, kExitBadInput,
        "bad input: an unreadable, malformed or cyclic graph, invalid costs, a partition that does not match the graph "
        "or breaks a rule" },
    { ErrorKind::Infeasible, kExitBadInput, "no valid partition exists (memory limit, groups)" },
    { ErrorKind::LimitExceeded, kExitBadInput,
        "over a resource limit: a graph file over --max-nodes, --max-edges or --max-file-size, a method asked for "
        "whose model is over --max-ideals, --max-mip-columns or --memory-budget" },
};

// The option that raises an input limit, which the reader's message cannot
// name. The solvers' refusals already name their limit (the cap, the budget).
const char *limitOption(ResourceLimit limit)
{
    switch (limit) {
    case ResourceLimit::Nodes:
        return "--max-nodes";
    case ResourceLimit::Edges:
        return "--max-edges";
    case ResourceLimit::FileSize:
        return "--max-file-size";
    default:
        return nullptr;
    }
}

// Largest --dim value: any real batch or sequence length, and small enough
// that products of a few dimensions stay far from overflowing 64 bits.
constexpr long long kMaxDimValue = 1LL << 32;
// Largest --threads.
constexpr long long kMaxThreads = 4096;

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
        return usageError(name + " needs a positive whole number"
            + (suffixes ? std::string(" (K, M, G, T allowed)") : "") + ", not '" + text + "'");
    return int64_t(value) << shift;
}

// --workload, --batch, --context, --prompt, --dtype and --kv-dtype (docs/model.md §8).
Status readWorkload(const Args &args, LlmWorkload &load)
{
    if (args.has("--workload")) {
        const std::string kind = args.get("--workload");
        if (kind != "decode" && kind != "prefill")
            return usageError("--workload must be decode or prefill, not '" + kind + "'");
        load.kind = kind == "decode" ? LlmWorkload::Kind::Decode : LlmWorkload::Kind::Prefill;
    }
    auto batch = args.getInt("--batch", load.batch);
    auto context = args.getInt("--context", load.context);
    auto prompt = args.getInt("--prompt", load.prompt);
    for (const auto *r : { &batch, &context, &prompt })
        if (!*r)
            return r->failure();
    if (*batch < 1 || *context < 1 || *prompt < 0 || *batch > (1 << 24) || *context > (int64_t(1) << 32))
        return usageError("--batch and --context must be positive (batch at most 2^24, context at most 2^32)");
    if (*prompt > *context)
        return usageError(
            "--prompt (" + std::to_string(*prompt) + ") must not exceed --context (" + std::to_string(*context) + ")");
    load.batch = *batch;
    load.context = *context;
    load.prompt = *prompt;
    for (const auto &[option, field] :
        { std::pair { "--dtype", &load.dtype }, std::pair { "--kv-dtype", &load.kvDtype } }) {
        if (!args.has(option))
            continue;
        *field = args.get(option);
        if (!llmDtypeBytes(*field))
            return usageError(
                std::string(option) + " must be one of fp32, fp16, bf16, fp8, int8, int4, not '" + *field + "'");
    }
    return Ok {};
}

// --max-nodes, --max-edges, --max-file-size, --format, --device and --dim.
Status readLoadOptions(const Args &args, LoadOptions &options)
{
    if (args.has("--format")) {
        auto f = parseFormatName(args.get("--format"));
        if (!f)
            return usageError("unknown format '" + args.get("--format") + "'");
        options.format = *f;
    }
    auto nodes = positiveSize(args, "--max-nodes", options.maxNodes, false);
    auto edges = positiveSize(args, "--max-edges", options.maxEdges, false);
    auto bytes = positiveSize(args, "--max-file-size", options.maxFileBytes, true);
    for (const auto *r : { &nodes, &edges, &bytes })
        if (!*r)
            return r->failure();
    options.maxNodes = *nodes;
    options.maxEdges = *edges;
    options.maxFileBytes = *bytes;
    options.device = args.get("--device");
    if (Status st = readWorkload(args, options.llm); !st)
        return st;
    if (args.has("--device") && options.device.empty())
        return usageError("--device needs a device profile name, not an empty string");
    for (const std::string &d : args.getAll("--dim")) {
        const auto eq = d.find('=');
        char *end = nullptr;
        errno = 0;
        const long long v = eq == std::string::npos ? 0 : std::strtoll(d.c_str() + eq + 1, &end, 10);
        if (eq == std::string::npos || eq == 0 || !end || *end != '\0' || v <= 0 || errno == ERANGE || v > kMaxDimValue)
            return usageError("--dim needs NAME=VALUE with a whole VALUE from 1 to " + std::to_string(kMaxDimValue)
                + ", not '" + d + "'");
        options.dims[d.substr(0, eq)] = v;
    }
    return Ok {};
}

} // namespace

int exitStatus(ErrorKind kind)
{
    for (const ExitRow &row : kExitTable)
        if (row.kind == kind)
            return row.status;
    return kExitFailure;
}

std::string exitStatusHelp()
{
    std::string text = "exit status:\n  0  success (also after --help)\n";
    for (const int status : { kExitFailure, kExitUsage, kExitBadInput })
        for (const ExitRow &row : kExitTable)
            if (row.status == status)
                text += "  " + std::to_string(status) + "  " + row.meaning + "\n";
    return text;
}

int reportError(CliStreams s, const Error &error, const Args *args)
{
    // One line of bounded length: a message quoting a huge id keeps its start
    // (the file and the place) and its end.
    std::string message = escapeControl(error.message);
    if (constexpr size_t kKeep = 600; message.size() > 3 * kKeep) {
        const auto boundary = [&](size_t at) { // not inside a UTF-8 sequence
            while (at > 0 && (static_cast<unsigned char>(message[at]) & 0xc0) == 0x80)
                --at;
            return at;
        };
        const size_t head = boundary(2 * kKeep), tail = boundary(message.size() - kKeep);
        message = message.substr(0, head) + " ... (" + std::to_string(tail - head) + " bytes elided) ... "
            + message.substr(tail);
    }
    s.err << "error: " << message;
    if (const char *option = limitOption(error.limit); option && args && args->declares(option))
        s.err << " (" << option << ")";
    s.err << "\n";
    return exitStatus(error.kind);
}

std::string &currentActivity()
{
    static thread_local std::string activity;
    return activity;
}

Command::Command(CliStreams streams, std::string name, std::string synopsis, std::string description)
    : args(std::move(name), std::move(synopsis), std::move(description))
    , m_streams(streams)
{
}

int Command::run(const std::vector<std::string> &argv, const std::function<Status()> &body)
{
    if (Status st = args.parse(argv); !st)
        return reportError(m_streams, st.failure(), &args);
    if (args.helpRequested()) {
        out() << args.help();
        return kExitOk;
    }
    const Status st = body();
    return st ? kExitOk : reportError(m_streams, st.failure(), &args);
}

Status Command::load(size_t index)
{
    LoadOptions options;
    if (Status st = readLoadOptions(args, options); !st)
        return st;
    m_graphPath = *args.positionalValue(index);
    LoadDetails details;
    currentActivity() = "reading " + m_graphPath;
    auto g = loadGraph(m_graphPath, options, &details);
    currentActivity() = "running '" + args.command() + "' on " + m_graphPath;
    if (!g)
        return g.failure();
    m_loadOptions = options;
    m_costOrigin = std::move(details.origin);
    if (Status known = checkDimNames(m_graphPath, options.dims, details.symbolicDims); !known)
        return known;
    m_graph = std::move(g).value();
    if (args.has("--profile")) {
        Result<RuntimeProfile> profile = readRuntimeProfile(args.get("--profile"));
        if (!profile)
            return profile.failure();
        ProfileMatch match;
        Result<Graph> measured = applyRuntimeProfile(*m_graph, *profile, match);
        if (!measured)
            return measured.failure();
        m_graph = std::move(measured).value();
        m_costOrigin.times = CostOrigin::Times::Measured;
    }
    m_params = CostParams::fromGraph(*m_graph);
    auto bw = args.getDouble("--bandwidth", m_params.bandwidth);
    if (!bw)
        return bw.failure();
    m_params.bandwidth = *bw;
    if (args.has("--memory-limit")) {
        if (args.get("--memory-limit") == "none") {
            m_params.memoryLimit.reset();
        } else {
            auto m = args.getDouble("--memory-limit", 0);
            if (!m)
                return m.failure();
            m_params.memoryLimit = *m;
        }
    }
    if (Status st = m_params.validate(); !st)
        return st;
    return applyClusterOption();
}

Status Command::applyClusterOption()
{
    if (!args.declares("--cluster") || !args.has("--cluster"))
        return Ok {};
    auto cluster = loadCluster(args.get("--cluster"));
    if (!cluster)
        return cluster.failure();
    DeviceProfile reference = defaultDeviceProfile();
    if (!m_loadOptions.device.empty())
        if (auto p = findDeviceProfile(m_loadOptions.device))
            reference = *p;
    auto params = applyCluster(m_params, *cluster, reference);
    if (params && m_graph) // per-device work (docs/model.md §1.7)
        params = applyDeviceWork(*params, *m_graph, cluster->source);
    if (params && m_graph) // profiles re-cost ONNX and LLM graphs per device
        params = applyProfileWork(*params, *cluster, *m_graph, m_costOrigin);
    if (!params)
        return params.failure();
    m_params = std::move(params).value();
    m_cluster = std::move(cluster).value();
    return Ok {};
}

Status Command::interrupted(const std::string &written) const
{
    const int signal = interruptSignal();
    if (!signal)
        return Ok {};
    return makeError(ErrorKind::Stopped,
        m_graphPath + ": stopped by "
            + (signal == SIGINT         ? "SIGINT"
                    : signal == SIGTERM ? "SIGTERM"
                                        : "a signal")
            + (written.empty() ? std::string() : "; " + written));
}

int Command::defaultStages() const
{
    return m_graph && m_graph->suggestedK() > 0 ? m_graph->suggestedK() : 4;
}

Status Command::readStages(long long fallback)
{
    auto k = args.getInt("-k", m_cluster ? m_cluster->size() : fallback);
    if (!k)
        return k.failure();
    if (m_cluster && *k != m_cluster->size())
        return makeError(m_cluster->source + ": the cluster has " + std::to_string(m_cluster->size())
            + " devices but -k is " + std::to_string(*k) + " (omit -k: k is the number of devices)");
    if (*k < 1 || *k > 100000)
        return usageError("-k must be between 1 and 100000, not " + std::to_string(*k));
    m_k = static_cast<int>(*k);
    return Ok {};
}

Status Command::readLimits()
{
    auto cap = positiveSize(args, "--max-ideals", 0, false);
    auto budget = positiveSize(args, "--memory-budget", 0, true);
    auto columns = positiveSize(args, "--max-mip-columns", 0, false);
    for (const auto *r : { &cap, &budget, &columns })
        if (!*r)
            return r->failure();
    m_limits = SolverLimits { *cap, *budget, *columns };
    return Ok {};
}

Status Command::readPartitionOptions(PartitionOptions &o)
{
    if (Status st = readStagesAndLimits(o); !st)
        return st;
    o.searchToLimit = o.timeLimit > 0; // a limit asked for on the command line is spent on search
    auto seed = args.getInt("--seed", 1);
    auto threads = args.getInt("--threads", 0);
    if (!seed)
        return seed.failure();
    if (!threads)
        return threads.failure();
    if (*threads < 0 || *threads > kMaxThreads)
        return usageError("--threads must be between 0 (all cores) and " + std::to_string(kMaxThreads) + ", not "
            + args.get("--threads"));
    o.method = args.get("--method", "auto");
    if (args.declares("--device-order") && args.has("--device-order")) {
        const std::string order = args.get("--device-order");
        if (order != "fixed" && order != "free")
            return usageError("--device-order must be fixed or free, not '" + order + "'");
        if (order == "free" && !m_cluster)
            return usageError("--device-order free needs --cluster");
        o.freeDeviceOrder = order == "free";
    }
    o.seed = static_cast<uint64_t>(*seed);
    o.threads = static_cast<int>(*threads);
    if (args.has("--budget")) {
        // The core's parser, with slicegraph's smallest population of 2.
        auto budget = parseBudget(args.get("--budget"));
        if (!budget || budget->first < 2)
            return usageError("--budget needs POPxGEN like 10x10, not '" + args.get("--budget") + "'");
        std::tie(o.population, o.generations) = *budget;
    }
    if (args.has("--start")) {
        auto p = loadPartitionFor(args.get("--start"), graph(), o.k);
        if (!p)
            return p.failure();
        o.start = std::move(p).value();
    }
    return o.validate();
}

ProgressFn Command::progress(const char *what, double Progress::*field) const
{
    if (!args.has("--progress"))
        return {};
    return [s = m_streams, what, field](const Progress &p) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "[%7.2fs] %s %s %.10g\n", p.seconds, p.stage.c_str(), what, p.*field);
        s.err << buf << std::flush;
    };
}

} // namespace pipecut::cli
