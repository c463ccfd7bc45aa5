// Group contraction: quotient by groups, then Tarjan's SCC on the quotient.
// See topology.h for why one pass is enough.
#include "core/graph/topology.h"

#include <algorithm>
#include <array>
#include <bit>
#include <memory>
#include <string_view>
#include <unordered_set>

namespace pipecut {

namespace {

// The quotient graph in CSR form: one class per group, one per ungrouped node.
struct Quotient {
    int32_t classes = 0;
    std::vector<int32_t> classOf; // node index -> class
    std::vector<int32_t> offset; // CSR over classes
    std::vector<int32_t> target; // may hold duplicates; Tarjan does not mind
};

Quotient buildQuotient(const Graph &graph)
{
    const int32_t n = graph.nodeCount();
    Quotient q;
    q.classOf.resize(n);
    int32_t next = graph.groupCount();
    for (int32_t v = 0; v < n; ++v) {
        const GroupId g = graph.group(nodeId(v));
        q.classOf[v] = g == kNoGroup ? next++ : index(g);
    }
    q.classes = next;
    q.offset.assign(static_cast<size_t>(q.classes) + 1, 0);
    for (auto [a, b] : graph.edges()) {
        const int32_t ca = q.classOf[index(a)], cb = q.classOf[index(b)];
        if (ca != cb)
            ++q.offset[ca + 1];
    }
    for (int32_t c = 0; c < q.classes; ++c)
        q.offset[c + 1] += q.offset[c];
    q.target.resize(q.offset[q.classes]);
    std::vector<int32_t> fill(q.offset.begin(), q.offset.end() - 1);
    for (auto [a, b] : graph.edges()) {
        const int32_t ca = q.classOf[index(a)], cb = q.classOf[index(b)];
        if (ca != cb)
            q.target[fill[ca]++] = cb;
    }
    return q;
}

// Iterative Tarjan: component id per class (ids in reverse topological order
// of the condensation, which callers renumber anyway).
std::vector<int32_t> stronglyConnectedComponents(const Quotient &q)
{
    const int32_t n = q.classes;
    std::vector<int32_t> order(n, -1), low(n, 0), comp(n, -1);
    std::vector<int32_t> stack; // Tarjan's node stack
    std::vector<int32_t> callNode; // explicit recursion: node
    std::vector<int32_t> callEdge; // explicit recursion: next edge to look at
    int32_t counter = 0, comps = 0;
    for (int32_t root = 0; root < n; ++root) {
        if (order[root] >= 0)
            continue;
        order[root] = low[root] = counter++;
        stack.push_back(root);
        callNode.push_back(root);
        callEdge.push_back(q.offset[root]);
        while (!callNode.empty()) {
            const int32_t v = callNode.back();
            int32_t &e = callEdge.back();
            if (e < q.offset[v + 1]) {
                const int32_t w = q.target[e++];
                if (order[w] < 0) {
                    order[w] = low[w] = counter++;
                    stack.push_back(w);
                    callNode.push_back(w);
                    callEdge.push_back(q.offset[w]);
                } else if (comp[w] < 0) {
                    low[v] = std::min(low[v], order[w]);
                }
                continue;
            }
            callNode.pop_back();
            callEdge.pop_back();
            if (!callNode.empty())
                low[callNode.back()] = std::min(low[callNode.back()], low[v]);
            if (low[v] == order[v]) {
                int32_t w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    comp[w] = comps;
                } while (w != v);
                ++comps;
            }
        }
    }
    return comp;
}

// Longest common prefix of two scopes that ends on a '/' boundary.
std::string_view commonScope(std::string_view a, std::string_view b)
{
    size_t i = 0;
    const size_t limit = std::min(a.size(), b.size());
    while (i < limit && a[i] == b[i])
        ++i;
    if (i == a.size() && (i == b.size() || b[i] == '/'))
        return a;
    if (i == b.size() && a[i] == '/')
        return b;
    const size_t slash = a.substr(0, i).rfind('/');
    return slash == std::string_view::npos ? std::string_view() : a.substr(0, slash);
}

} // namespace

ContractionMap contractionMap(const Graph &graph)
{
    const int32_t n = graph.nodeCount();
    const Quotient q = buildQuotient(graph);
    const std::vector<int32_t> comp = stronglyConnectedComponents(q);

    // Number contracted nodes by their smallest original node index.
    ContractionMap map;
    map.nodeToContracted.resize(n);
    std::vector<int32_t> renumber(q.classes, -1);
    for (int32_t v = 0; v < n; ++v) {
        int32_t &r = renumber[comp[q.classOf[v]]];
        if (r < 0)
            r = map.count++;
        map.nodeToContracted[v] = r;
    }
    return map;
}

Result<Contraction> contractGroups(const Graph &graph, const std::function<bool()> &shouldStop)
{
    const auto stopped = [&shouldStop] { return shouldStop && shouldStop(); };
    const auto stoppedError = [] { return makeError(ErrorKind::Stopped, "stopped while contracting the groups"); };
    const int32_t n = graph.nodeCount();
    ContractionMap map = contractionMap(graph);
    if (stopped())
        return stoppedError();
    const int32_t count = map.count;
    Contraction result;
    result.nodeToContracted = std::move(map.nodeToContracted);

    result.memberOffset.assign(static_cast<size_t>(count) + 1, 0);
    for (int32_t v = 0; v < n; ++v)
        ++result.memberOffset[result.nodeToContracted[v] + 1];
    for (int32_t c = 0; c < count; ++c)
        result.memberOffset[c + 1] += result.memberOffset[c];
    result.memberArray.resize(n);
    {
        std::vector<int32_t> fill(result.memberOffset.begin(), result.memberOffset.end() - 1);
        for (int32_t v = 0; v < n; ++v)
            result.memberArray[fill[result.nodeToContracted[v]]++] = nodeId(v);
    }

    const std::string context = (graph.sourcePath().empty() ? graph.name() : graph.sourcePath()) + " (contracted)";
    GraphBuilder builder(context);
    builder.setName(graph.name());
    builder.setBandwidth(graph.bandwidth());
    builder.setMemoryLimit(graph.memoryLimit());
    builder.setUnits(graph.units());
    builder.setSuggestedK(graph.suggestedK());
    builder.setFormat(graph.format());
    builder.reserve(count, graph.edges().size());

    // Without groups every contracted id is the id of a distinct original
    // node, so no two clash: the clash check (a string hash per node, the
    // bulk of the work on a million nodes) is needed only with groups.
    const bool mayClash = graph.groupCount() > 0;
    std::unordered_set<std::string> used;
    if (mayClash)
        used.reserve(static_cast<size_t>(count) * 2);
    for (int32_t c = 0; c < count; ++c) {
        if ((c & 0xffff) == 0xffff && stopped())
            return stoppedError();
        const auto members = result.members(c);
        NodeSpec spec;
        GroupId firstGroup = kNoGroup;
        std::string_view scope = graph.scope(members[0]);
        for (NodeId v : members) {
            spec.work += graph.work(v);
            spec.param += graph.param(v);
            const GroupId g = graph.group(v);
            if (g != kNoGroup && (firstGroup == kNoGroup || index(g) < index(firstGroup)))
                firstGroup = g;
            scope = commonScope(scope, graph.scope(v));
            for (NodeId w : graph.successors(v))
                if (result.nodeToContracted[index(w)] != c) {
                    spec.out += graph.out(v);
                    break;
                }
        }
        spec.scope = std::string(scope);
        spec.op = members.size() == 1 ? graph.op(members[0]) : std::string("group");
        std::string name = firstGroup != kNoGroup ? graph.groupName(firstGroup) : graph.id(members[0]);
        if (mayClash) {
            if (used.count(name)) {
                for (int suffix = 1;; ++suffix) {
                    std::string candidate = name + "~" + std::to_string(suffix);
                    if (!used.count(candidate)) {
                        name = std::move(candidate);
                        break;
                    }
                }
            }
            used.insert(name);
        }
        spec.id = std::move(name);
        builder.addNode(std::move(spec));
    }
    // Contracted edges, deduplicated in O(m) with a last-source marker (the
    // builder would merge duplicates too, but would note it to the user).
    std::vector<int32_t> lastSource(count, -1);
    for (int32_t c = 0; c < count; ++c)
        for (NodeId v : result.members(c))
            for (NodeId w : graph.successors(v)) {
                const int32_t cw = result.nodeToContracted[index(w)];
                if (cw != c && lastSource[cw] != c) {
                    lastSource[cw] = c;
                    builder.addEdge(c, cw);
                }
            }
    if (stopped())
        return stoppedError();
    auto built = builder.build();
    if (!built.ok())
        return built.failure();
    result.graph = std::move(built).value();
    return result;
}

namespace {

constexpr int kChunkWords = 16; // 1,024 sources per reachability pass
constexpr int32_t kPollNodes = 4096; // nodes of a pass between two looks at shouldStop

// The heaviest path's work to every node along `into` (`order` as in closureWork);
// stopped, the nodes not reached keep their own work.
std::vector<double> heaviestPath(std::span<const int32_t> order, const Adjacency &into, std::span<const double> work,
    const std::function<bool()> &stop)
{
    std::vector<double> path(work.begin(), work.end());
    for (size_t pos = 0; pos < order.size(); ++pos) {
        if (pos % kPollNodes == kPollNodes - 1 && stop && stop())
            break;
        const int32_t c = order[pos];
        double heaviest = 0;
        for (int32_t p : into[c])
            heaviest = std::max(heaviest, path[p]);
        path[c] = heaviest + work[c];
    }
    return path;
}

// Work sums of a chunk's sources, for summing a row a byte at a time:
// table[w][b][v] is the work of the sources whose bits are set in byte value v
// of byte b of word w of the chunk starting at position `start` of `order`.
using ChunkTable = std::vector<std::array<std::array<double, 256>, 8>>;
void fillChunkTable(std::span<const int32_t> order, std::span<const double> work, int32_t start, ChunkTable &table,
    std::array<double, kChunkWords> &full)
{
    const auto n = static_cast<int32_t>(order.size());
    for (int w = 0; w < kChunkWords; ++w) {
        full[w] = 0;
        for (int b = 0; b < 8; ++b) {
            auto &t = table[w][b];
            t[0] = 0;
            for (int v = 1; v < 256; ++v) {
                const int low = std::countr_zero(unsigned(v));
                const int32_t pos = start + w * 64 + b * 8 + low;
                t[v] = t[v & (v - 1)] + (pos < n ? work[order[pos]] : 0.0);
            }
            full[w] += t[255];
        }
    }
}

} // namespace

std::vector<double> closureWork(std::span<const int32_t> order, const Adjacency &into, std::span<const double> work,
    const std::function<bool()> &shouldStop, std::vector<uint64_t> *closure)
{
    auto stopped = [&] { return shouldStop && shouldStop(); };
    const auto n = static_cast<int32_t>(order.size());
    const size_t rowWords = (size_t(n) + 63) / 64;
    if (closure)
        closure->assign(size_t(n) * rowWords, 0);
    std::vector<double> path = heaviestPath(order, into, work, shouldStop);
    if (stopped())
        return path;
    std::vector<double> sum(n, 0.0);
    std::vector<int32_t> position(n);
    for (int32_t pos = 0; pos < n; ++pos)
        position[order[pos]] = pos;
    constexpr int32_t kChunk = 64 * kChunkWords;
    // Each node's words are written when the pass reaches it, so they need
    // no zeroing: the first touch of these pages (128 bytes per node: page
    // faults that take long on a million nodes) is spread over the polled
    // passes, and nothing is allocated when stopped before the first.
    std::unique_ptr<uint64_t[]> bits;
    ChunkTable table(kChunkWords);
    std::array<double, kChunkWords> full {}; // work of a word's 64 sources
    for (int32_t start = 0; start < n && !stopped(); start += kChunk) {
        if (!bits)
            bits = std::make_unique_for_overwrite<uint64_t[]>(size_t(n) * kChunkWords);
        fillChunkTable(order, work, start, table, full);
        // A pass over a million nodes is a CPU second or more: shouldStop is
        // asked within it. A pass cut short leaves the nodes it reached with
        // this chunk's share and the others without: still the work of some
        // of their closure.
        for (int32_t pos = start; pos < n; ++pos) {
            if ((pos - start) % kPollNodes == kPollNodes - 1 && stopped())
                break;
            const int32_t c = order[pos];
            uint64_t *mine = &bits[size_t(c) * kChunkWords];
            std::fill_n(mine, kChunkWords, 0);
            for (int32_t p : into[c]) {
                if (position[p] < start) // before the chunk: reaches none of its sources
                    continue;
                const uint64_t *theirs = &bits[size_t(p) * kChunkWords];
                for (int w = 0; w < kChunkWords; ++w)
                    mine[w] |= theirs[w];
            }
            if (pos - start < kChunk)
                mine[(pos - start) / 64] |= uint64_t(1) << ((pos - start) % 64);
            double s = 0;
            for (int w = 0; w < kChunkWords; ++w) {
                if (closure) // the sources by node index
                    for (uint64_t x = mine[w]; x; x &= x - 1) {
                        const int32_t y = order[start + w * 64 + std::countr_zero(x)];
                        (*closure)[size_t(c) * rowWords + size_t(y) / 64] |= uint64_t(1) << (y % 64);
                    }
                if (mine[w] == ~uint64_t(0)) { // common far from the chunk: every source reached
                    s += full[w];
                    continue;
                }
                for (uint64_t x = mine[w], b = 0; x; x >>= 8, ++b)
                    s += table[w][b][x & 0xff];
            }
            sum[c] += s;
        }
    }
    for (int32_t c = 0; c < n; ++c)
        sum[c] = std::max(sum[c], path[c]);
    return sum;
}

std::vector<double> closureWork(const Graph &graph, ClosureOf which, std::vector<uint64_t> *closure)
{
    const int32_t n = graph.nodeCount();
    const bool up = which == ClosureOf::Ancestors;
    const auto offsets = up ? graph.predOffsets() : graph.succOffsets();
    const auto targets = up ? graph.predecessorArray() : graph.successorArray();
    Adjacency into;
    into.offset.assign(offsets.begin(), offsets.end());
    into.target.reserve(targets.size());
    for (NodeId v : targets)
        into.target.push_back(index(v));
    std::vector<int32_t> order;
    order.reserve(size_t(n));
    for (NodeId v : graph.topologicalOrder())
        order.push_back(index(v));
    if (!up)
        std::reverse(order.begin(), order.end());
    std::vector<double> work(static_cast<size_t>(n));
    for (int32_t x = 0; x < n; ++x)
        work[size_t(x)] = graph.work(nodeId(x));
    return closureWork(order, into, work, {}, closure);
}

} // namespace pipecut
