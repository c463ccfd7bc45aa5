// runPartitioner(): validates the options once, rejects instances no method can
// satisfy (a node or group heavier than the memory limit) with a message naming
// it, dispatches by name, then re-evaluates and re-validates the result with
// core/cost/evaluate.h so that every method reports the same cost model.

#include "core/partition/methods.h"
#include "core/partition/refine.h"

#include "core/cost/device_work.h"
#include "core/cost/evaluate.h"

#include <algorithm>
#include <atomic>
#include <charconv>

namespace pipecut {

namespace {

using MethodFn = Result<PartitionResult> (*)(const MethodContext &);

struct MethodEntry {
    const char *name;
    MethodFn run;
};

std::atomic<PartitionerFn> &mipPartitioner()
{
    static std::atomic<PartitionerFn> run { nullptr };
    return run;
}

} // namespace

// The exact MIP with the time left of the caller's limit (validation and the
// memory check have run on the same clock).
Result<PartitionResult> runMip(const MethodContext &c)
{
    const PartitionerFn run = mipPartitioner().load();
    if (!run)
        return makeError("method 'mip' is not available in this build (core/bounds is not linked)");
    if (c.options.timeLimit <= 0)
        return run(c.graph, c.params, c.options, c.stop, c.progress);
    PartitionOptions o = c.options;
    o.timeLimit = std::max(0.01, c.deadline.remaining());
    return run(c.graph, c.params, o, c.stop, c.progress);
}

namespace {

// The registry, in the order the GUI lists the methods.
// "mip" (the exact MIP solved by CBC) belongs to core/bounds, which installs
// it through installMipPartitioner().
const std::vector<MethodEntry> &entries()
{
    static const std::vector<MethodEntry> table = {
        { "auto", runAuto },
        { "slice", runSliceMethod },
        { "slicegraph", runSliceGraph },
        { "ideal-dp", runIdealDp },
        { "ideal-bb", runIdealBb },
        { "mip", runMip },
        { "refine", runRefineMethod },
        { "balanced-work", runBalancedWork },
        { "uniform", runUniform },
        { "vllm-default", runVllmDefault },
        { "megatron-even", runMegatronEven },
    };
    return table;
}

const MethodEntry *findMethod(const std::string &name)
{
    for (const MethodEntry &e : entries())
        if (name == e.name)
            return &e;
    return nullptr;
}

// A single node (or a group's members together) over the memory limit makes
// every partition infeasible; say which.
Status checkMemoryFits(const Graph &g, const CostParams &params, int k)
{
    if (!params.memoryLimit)
        return Ok {};
    if (const auto total = params.totalMemory(k); params.hasDevices() && g.totalParam() > *total * (1 + 1e-12))
        return makeError(ErrorKind::Infeasible,
            "the parameters total " + formatNumber(g.totalParam()) + ", more than the " + std::to_string(k)
                + " devices of the cluster can hold together (" + formatNumber(*total) + "): no partition exists");
    if (!params.fitsMemory(g.totalParam() / k))
        return makeError(ErrorKind::Infeasible,
            "the parameters total " + formatNumber(g.totalParam()) + ", more than k = " + std::to_string(k)
                + " stages can hold under the memory limit " + formatNumber(*params.memoryLimit)
                + ": no partition exists");
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        if (!params.fitsMemory(g.params()[v]))
            return makeError(ErrorKind::Infeasible,
                "node '" + g.id(nodeId(v)) + "' has " + formatNumber(g.params()[v])
                    + " of parameters, over the memory limit " + formatNumber(*params.memoryLimit)
                    + ": no stage can hold it");
    for (int32_t gi = 0; gi < g.groupCount(); ++gi) {
        double sum = 0;
        for (NodeId v : g.groupMembers(groupId(gi)))
            sum += g.param(v);
        if (!params.fitsMemory(sum))
            return makeError(ErrorKind::Infeasible,
                "group '" + g.groupName(groupId(gi)) + "' has " + formatNumber(sum)
                    + " of parameters, over the memory limit " + formatNumber(*params.memoryLimit)
                    + ": no stage can hold it");
    }
    return Ok {};
}

// For a chain (every node at most one input and one output, groups contiguous
// along it): the fewest stages whose parameters fit the memory limit, by
// packing the chain greedily (optimal for a chain: a stage never gains from
// ending earlier); 0 when a single node or group is over the limit.
int smallestChainStages(const Graph &g, const CostParams &params)
{
    int stages = 1;
    double load = 0, unit = 0;
    GroupId unitGroup = kNoGroup;
    auto close = [&]() {
        if (!params.fitsMemory(unit))
            return false;
        if (!params.fitsMemory(load + unit)) {
            ++stages;
            load = 0;
        }
        load += unit;
        unit = 0;
        return true;
    };
    for (NodeId v : g.topologicalOrder()) {
        if (unit > 0 && (g.group(v) == kNoGroup || g.group(v) != unitGroup) && !close())
            return 0;
        unit += g.param(v);
        unitGroup = g.group(v);
    }
    return close() ? stages : 0;
}

bool isChain(const Graph &g)
{
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        if (g.inDegree(nodeId(v)) > 1 || g.outDegree(nodeId(v)) > 1)
            return false;
    return g.edgeCount() == g.nodeCount() - 1;
}

// An infeasible instance on a chain says which k would fit (docs/model.md §8.4).
Error withSmallestStages(Error error, const Graph &g, const CostParams &params, int k)
{
    if (error.kind != ErrorKind::Infeasible || !params.memoryLimit || !isChain(g))
        return error;
    const int fits = smallestChainStages(g, params);
    if (fits == 0)
        error.message += "; no number of stages fits: one layer alone is over the memory limit";
    else if (fits > k)
        error.message += "; the smallest k that fits is " + std::to_string(fits);
    return error;
}

// Per-device work (core/cost/device_work.h): ideal-bb, which costs a stage by
// the graph's own work, refuses it.
Result<PartitionResult> refuseDeviceWork(const PartitionOptions &options)
{
    return makeError(ErrorKind::Usage,
        "method '" + options.method
            + "' does not support per-device work (a cluster device with \"costs\", or a profile that re-costs the "
              "graph); use auto, ideal-dp, mip or slicegraph");
}

} // namespace

Status PartitionOptions::validate() const
{
    if (k < 1)
        return makeError(ErrorKind::Usage, "k must be at least 1, not " + std::to_string(k));
    if (k > 100000)
        return makeError(ErrorKind::Usage, "k must be at most 100000, not " + std::to_string(k));
    if (!findMethod(method)) {
        std::string known;
        for (const std::string &m : partitionMethods())
            known += (known.empty() ? "" : ", ") + m;
        if (method == "mip")
            return makeError(ErrorKind::Usage, "method 'mip' is not available in this build (known: " + known + ")");
        return makeError(ErrorKind::Usage, "unknown partition method '" + method + "' (known: " + known + ")");
    }
    if (population < 0 || generations < 0)
        return makeError(ErrorKind::Usage,
            "a slicegraph budget must be positive, not " + std::to_string(population) + "x"
                + std::to_string(generations));
    if (!(timeLimit >= 0))
        return makeError(ErrorKind::Usage, "the time limit must be a non-negative number of seconds");
    if (threads < 0)
        return makeError(
            ErrorKind::Usage, "threads must be non-negative (0 = all cores), not " + std::to_string(threads));
    auto fraction = [](double x) { return x >= 0 && x <= 1; };
    if (!fraction(eliteFraction) || !fraction(mutantFraction) || eliteFraction + mutantFraction > 1)
        return makeError(
            ErrorKind::Usage, "slicegraph elite and mutant fractions must lie in [0, 1] and sum to at most 1");
    if (!fraction(crossoverBias))
        return makeError(ErrorKind::Usage, "slicegraph crossover bias must lie in [0, 1]");
    if (idealCap < 0)
        return makeError(ErrorKind::Usage, "the ideal cap must be non-negative (0 = default)");
    if (memoryBudget < 0 || maxMipColumns < 0)
        return makeError(
            ErrorKind::Usage, "the memory budget and the MIP column limit must be non-negative (0 = default)");
    if (start && start->k() != k)
        return makeError(ErrorKind::Usage,
            "the starting partition has " + std::to_string(start->k()) + " stages but k is " + std::to_string(k));
    return Ok {};
}

void installMipPartitioner(PartitionerFn run)
{
    mipPartitioner().store(run);
}

Result<std::pair<int, int>> parseBudget(std::string_view text)
{
    const size_t x = text.find_first_of("xX");
    auto number = [](std::string_view s, int &out) {
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && ptr == s.data() + s.size() && out > 0;
    };
    int pop = 0, gen = 0;
    if (x == std::string_view::npos || !number(text.substr(0, x), pop) || !number(text.substr(x + 1), gen))
        return makeError("budget '" + std::string(text) + "' is not POPxGEN with positive integers (e.g. 10x10)");
    return std::pair<int, int> { pop, gen };
}

const std::vector<std::string> &partitionMethods()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const MethodEntry &e : entries())
            v.emplace_back(e.name);
        return v;
    }();
    return names;
}

Result<PartitionResult> runPartitioner(const Graph &graph, const CostParams &params, const PartitionOptions &options,
    const StopToken &stop, const ProgressFn &progress)
{
    const Deadline deadline(options.timeLimit); // the checks below count against the limit
    if (auto s = params.validate(); !s)
        return s.failure();
    if (auto s = options.validate(); !s)
        return s.failure();
    if (params.hasDevices() && static_cast<int>(params.devices.size()) != options.k)
        return makeError("the cluster has " + std::to_string(params.devices.size()) + " devices but k is "
            + std::to_string(options.k) + " (k is the number of devices)");
    if (params.hasDeviceWork() && !supportsDeviceWork(options.method))
        return refuseDeviceWork(options);
    if (options.freeDeviceOrder && params.hasDevices())
        return runOverDeviceOrders(graph, params, options, stop, progress);
    if (options.order) {
        std::vector<char> seen(graph.nodeCount(), 0);
        std::vector<int32_t> pos(graph.nodeCount(), -1);
        if (static_cast<int32_t>(options.order->size()) != graph.nodeCount())
            return makeError("the order lists " + std::to_string(options.order->size()) + " nodes but the graph has "
                + std::to_string(graph.nodeCount()));
        for (size_t p = 0; p < options.order->size(); ++p) {
            const int32_t v = index((*options.order)[p]);
            if (v < 0 || v >= graph.nodeCount() || seen[v])
                return makeError("the order repeats or misses a node (position " + std::to_string(p + 1) + ")");
            seen[v] = 1;
            pos[v] = static_cast<int32_t>(p);
        }
        for (auto [u, v] : graph.edges())
            if (pos[index(u)] > pos[index(v)])
                return makeError(
                    "the order is not topological: '" + graph.id(v) + "' comes before its input '" + graph.id(u) + "'");
    }
    if (auto s = checkMemoryFits(graph, params, options.k); !s)
        return withSmallestStages(s.failure(), graph, params, options.k);

    const MethodEntry *entry = findMethod(options.method);
    MethodContext ctx { graph, params, options, stop, progress, deadline };
    auto result = entry->run(ctx);
    if (!result)
        return withSmallestStages(result.failure(), graph, params, options.k);
    PartitionResult r = std::move(result).value();
    if (options.refineAfter && !r.optimal && options.method != "refine" && !stop.stopRequested()) {
        auto refined = refinePartition(graph, params, r.partition, ctx.stop, ctx.deadline);
        if (refined.bottleneck < bottleneckOf(graph, params, r.partition.stages(), r.partition.k())) {
            r.partition = std::move(refined.partition);
            r.method += "+refine";
        }
    }
    if (auto s = validatePartition(graph, params, r.partition); !s)
        return makeError(ErrorKind::Internal,
            "internal error: method '" + options.method + "' produced an invalid partition: " + s.error());
    r.bottleneck = bottleneckOf(graph, params, r.partition.stages(), r.partition.k());
    r.lowerBound = std::min(r.lowerBound, r.bottleneck);
    r.seconds = ctx.deadline.elapsed();
    if (r.method.empty())
        r.method = options.method;
    return r;
}

} // namespace pipecut
