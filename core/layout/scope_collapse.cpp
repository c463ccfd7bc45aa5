#include "core/layout/scope_collapse.h"

#include "core/graph/scope.h"

#include <algorithm>
#include <numeric>

namespace pipecut {

namespace {

struct Ordering {
    std::vector<NodeId> order; // (stages..., topological position)
    std::vector<char> stageBreak; // stageBreak[i]: order[i] starts a new stage tuple (i > 0)
};

Ordering stageOrder(const Graph &graph, std::span<const Partition> partitions)
{
    Ordering o;
    const auto topo = graph.topologicalOrder();
    o.order.assign(topo.begin(), topo.end());
    auto key = [&](NodeId v, size_t p) { return partitions[p].stages()[index(v)]; };
    std::stable_sort(o.order.begin(), o.order.end(), [&](NodeId a, NodeId b) {
        for (size_t p = 0; p < partitions.size(); ++p)
            if (key(a, p) != key(b, p))
                return key(a, p) < key(b, p);
        return false;
    });
    o.stageBreak.assign(o.order.size(), 0);
    for (size_t i = 1; i < o.order.size(); ++i)
        for (size_t p = 0; p < partitions.size(); ++p)
            if (key(o.order[i], p) != key(o.order[i - 1], p))
                o.stageBreak[i] = 1;
    return o;
}

// Positions in the order where a box starts, for scope depth d.
std::vector<int32_t> scopeRuns(const Graph &graph, const Ordering &o, int depth)
{
    std::vector<int32_t> starts;
    for (size_t i = 0; i < o.order.size(); ++i) {
        if (i > 0 && !o.stageBreak[i]) {
            const std::string &a = graph.scope(o.order[i - 1]);
            const std::string &b = graph.scope(o.order[i]);
            const size_t la = scopePrefixLength(a, depth), lb = scopePrefixLength(b, depth);
            if (la == lb && la > 0 && a.compare(0, la, b, 0, lb) == 0)
                continue;
        }
        starts.push_back(static_cast<int32_t>(i));
    }
    return starts;
}

// Every stage run cut into chunks of consecutive units (positions in
// `unitStarts` begin a unit), about maxBoxes chunks in all, sized by node count.
std::vector<int32_t> chunkRuns(const Ordering &o, const std::vector<int32_t> &unitStarts, int maxBoxes)
{
    const int64_t n = static_cast<int64_t>(o.order.size());
    std::vector<int32_t> starts;
    size_t u = 0; // next unit
    int64_t begin = 0;
    while (begin < n) {
        int64_t end = begin + 1;
        while (end < n && !o.stageBreak[end])
            ++end;
        const int64_t length = end - begin;
        const int64_t chunks = std::clamp<int64_t>(length * maxBoxes / n, 1, length);
        const double target = static_cast<double>(length) / static_cast<double>(chunks);
        // Units never cross a stage break (they are runs within one stage tuple).
        int64_t chunkBegin = begin;
        starts.push_back(static_cast<int32_t>(begin));
        while (u < unitStarts.size() && unitStarts[u] < end) {
            if (unitStarts[u] > chunkBegin && static_cast<double>(unitStarts[u] - chunkBegin) >= target) {
                starts.push_back(unitStarts[u]);
                chunkBegin = unitStarts[u];
            }
            ++u;
        }
        begin = end;
    }
    return starts;
}

} // namespace

Result<CollapsedGraph> collapseForDrawing(const Graph &graph, std::span<const Partition> partitions, int maxBoxes)
{
    CollapsedGraph c;
    const int32_t n = graph.nodeCount();
    const Ordering o = stageOrder(graph, partitions);

    std::vector<int32_t> starts;
    if (n <= maxBoxes) {
        starts.resize(static_cast<size_t>(n));
        std::iota(starts.begin(), starts.end(), 0);
        c.how = "not collapsed: one box per node";
    } else {
        int maxDepth = 0;
        for (int32_t v = 0; v < n; ++v)
            maxDepth = std::max(maxDepth, scopeDepth(graph.scope(nodeId(v))));
        for (int d = maxDepth; d >= 1; --d) {
            auto runs = scopeRuns(graph, o, d);
            if (static_cast<int64_t>(runs.size()) <= maxBoxes) {
                starts = std::move(runs);
                c.scopeDepth = d;
                break;
            }
        }
        c.collapsed = true;
        if (c.scopeDepth == 0 && maxDepth > 0) {
            // Too many top-level scopes (e.g. 150 layers): merge consecutive ones.
            starts = chunkRuns(o, scopeRuns(graph, o, 1), maxBoxes);
            c.scopeDepth = 1;
            c.mergedScopes = true;
            c.how = "collapsed by scope (depth 1, consecutive scopes merged): " + std::to_string(starts.size())
                + " boxes for " + std::to_string(n) + " nodes";
        } else if (c.scopeDepth == 0) {
            std::vector<int32_t> every(static_cast<size_t>(n));
            std::iota(every.begin(), every.end(), 0);
            starts = chunkRuns(o, every, maxBoxes);
            c.how = "collapsed into runs of consecutive operators: " + std::to_string(starts.size()) + " boxes for "
                + std::to_string(n) + " nodes (the graph has no scopes)";
        } else {
            c.how = "collapsed by scope (depth " + std::to_string(c.scopeDepth) + "): " + std::to_string(starts.size())
                + " boxes for " + std::to_string(n) + " nodes";
        }
    }

    const int32_t boxes = static_cast<int32_t>(starts.size());
    c.boxOf.assign(static_cast<size_t>(n), 0);
    c.sizes.assign(static_cast<size_t>(boxes), 0);
    c.stages.assign(partitions.size(), std::vector<int32_t>(static_cast<size_t>(boxes), 0));
    std::vector<double> work(static_cast<size_t>(boxes), 0.0);
    for (int32_t b = 0; b < boxes; ++b) {
        const int32_t end = b + 1 < boxes ? starts[b + 1] : n;
        const NodeId first = o.order[starts[b]];
        for (int32_t i = starts[b]; i < end; ++i) {
            const NodeId v = o.order[i];
            c.boxOf[index(v)] = b;
            work[b] += graph.work(v);
        }
        c.sizes[b] = end - starts[b];
        for (size_t p = 0; p < partitions.size(); ++p)
            c.stages[p][b] = partitions[p].stages()[index(first)];
        const std::string &scope = graph.scope(first);
        const std::string &lastScope = graph.scope(o.order[end - 1]);
        const std::string prefix = scope.substr(0, scopePrefixLength(scope, c.scopeDepth));
        const std::string lastPrefix = lastScope.substr(0, scopePrefixLength(lastScope, c.scopeDepth));
        if (c.sizes[b] == 1)
            c.labels.push_back(graph.id(first));
        else if (c.scopeDepth > 0 && !scope.empty())
            c.labels.push_back(prefix == lastPrefix ? prefix : prefix + " \u2026 " + lastPrefix);
        else
            c.labels.push_back(graph.id(first) + " \u2026");
    }

    GraphBuilder builder("collapsed drawing of " + graph.name());
    builder.setName(graph.name());
    builder.reserve(static_cast<size_t>(boxes), graph.edges().size());
    for (int32_t b = 0; b < boxes; ++b) {
        NodeSpec spec;
        spec.id = "b" + std::to_string(b);
        spec.scope = c.labels[b];
        spec.work = work[b];
        builder.addNode(std::move(spec));
    }
    std::vector<std::pair<int32_t, int32_t>> edges;
    edges.reserve(graph.edges().size());
    for (const auto &[u, v] : graph.edges()) {
        const int32_t a = c.boxOf[index(u)], b = c.boxOf[index(v)];
        if (a != b)
            edges.emplace_back(a, b);
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    for (const auto &[a, b] : edges)
        builder.addEdge(a, b);
    auto built = builder.build();
    if (!built)
        return built.failure();
    c.graph = std::move(built).value();
    return c;
}

} // namespace pipecut
