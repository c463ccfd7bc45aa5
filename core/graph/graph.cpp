#include "core/graph/graph.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <queue>

namespace pipecut {

Graph::Graph(const Graph &other)
    : m_name(other.m_name), m_sourcePath(other.m_sourcePath), m_format(other.m_format),
      m_bandwidth(other.m_bandwidth), m_memoryLimit(other.m_memoryLimit), m_units(other.m_units),
      m_suggestedK(other.m_suggestedK), m_notes(other.m_notes), m_ids(other.m_ids),
      m_ops(other.m_ops), m_scopes(other.m_scopes), m_work(other.m_work), m_out(other.m_out),
      m_param(other.m_param), m_group(other.m_group), m_numbers(other.m_numbers),
      m_numberIndex(other.m_numberIndex), m_groupNames(other.m_groupNames),
      m_groupOffset(other.m_groupOffset), m_groupMember(other.m_groupMember),
      m_edges(other.m_edges), m_succOffset(other.m_succOffset),
      m_predOffset(other.m_predOffset), m_succ(other.m_succ), m_pred(other.m_pred),
      m_topo(other.m_topo), m_topoPos(other.m_topoPos), m_totalWork(other.m_totalWork),
      m_maxWork(other.m_maxWork), m_totalOut(other.m_totalOut), m_totalParam(other.m_totalParam)
{
    rebuildIndex();
}

Graph &Graph::operator=(const Graph &other)
{
    if (this != &other) {
        Graph copy(other);
        *this = std::move(copy);
    }
    return *this;
}

void Graph::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_ids.size());
    for (int32_t i = 0; i < static_cast<int32_t>(m_ids.size()); ++i)
        m_index.emplace(std::string_view(m_ids[i]), i);
}

std::optional<NodeId> Graph::find(std::string_view id) const
{
    auto it = m_index.find(id);
    if (it == m_index.end())
        return std::nullopt;
    return nodeId(it->second);
}

std::optional<NodeId> Graph::findNumber(int64_t number) const
{
    auto it = m_numberIndex.find(number);
    if (it == m_numberIndex.end())
        return std::nullopt;
    return nodeId(it->second);
}

std::span<const NodeId> Graph::groupMembers(GroupId g) const
{
    const int32_t i = index(g);
    return std::span<const NodeId>(m_groupMember).subspan(m_groupOffset[i], m_groupOffset[i + 1] - m_groupOffset[i]);
}

std::span<const NodeId> Graph::successors(NodeId v) const
{
    const int32_t i = index(v);
    return std::span<const NodeId>(m_succ).subspan(m_succOffset[i], m_succOffset[i + 1] - m_succOffset[i]);
}

std::span<const NodeId> Graph::predecessors(NodeId v) const
{
    const int32_t i = index(v);
    return std::span<const NodeId>(m_pred).subspan(m_predOffset[i], m_predOffset[i + 1] - m_predOffset[i]);
}

std::string formatNumber(double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", value);
    return buf;
}

// ---------------------------------------------------------------------------

void GraphBuilder::reserve(size_t nodes, size_t edges)
{
    m_nodes.reserve(nodes);
    m_edges.reserve(edges);
}

int32_t GraphBuilder::addNode(NodeSpec spec)
{
    m_nodes.push_back(std::move(spec));
    return static_cast<int32_t>(m_nodes.size() - 1);
}

void GraphBuilder::addEdge(std::string from, std::string to, int32_t line)
{
    m_edges.push_back(PendingEdge{std::move(from), std::move(to), -1, -1, line});
}

void GraphBuilder::addEdge(int32_t from, int32_t to, int32_t line)
{
    m_edges.push_back(PendingEdge{{}, {}, from, to, line});
}

std::string GraphBuilder::where(int32_t line) const
{
    std::string w = m_context.empty() ? std::string("graph") : m_context;
    if (line > 0)
        w += ":" + std::to_string(line);
    return w;
}

namespace {

const char *badCostField(const NodeSpec &n)
{
    auto bad = [](double x) { return !std::isfinite(x) || x < 0; };
    if (bad(n.work))
        return "work";
    if (bad(n.out))
        return "out";
    if (bad(n.param))
        return "param";
    return nullptr;
}

double fieldValue(const NodeSpec &n, const char *field)
{
    std::string_view f(field);
    return f == "work" ? n.work : f == "out" ? n.out : n.param;
}

} // namespace

Result<Graph> GraphBuilder::build()
{
    const std::string ctx = m_context.empty() ? std::string("graph") : m_context;
    if (m_nodes.empty())
        return makeError(ctx + ": the graph has no nodes");
    if (m_nodes.size() > static_cast<size_t>(INT32_MAX / 2))
        return makeError(ctx + ": too many nodes (" + std::to_string(m_nodes.size()) + ")");
    if (!std::isfinite(m_bandwidth) || m_bandwidth <= 0)
        return makeError(ctx + ": bandwidth must be a positive finite number, not " + formatNumber(m_bandwidth));
    if (m_memoryLimit && (!std::isfinite(*m_memoryLimit) || *m_memoryLimit < 0))
        return makeError(ctx + ": memory_limit must be a non-negative finite number, not " + formatNumber(*m_memoryLimit));

    Graph g;
    g.m_name = m_name;
    g.m_format = m_format;
    g.m_sourcePath = m_context;
    g.m_bandwidth = m_bandwidth;
    g.m_memoryLimit = m_memoryLimit;
    g.m_units = m_units;
    g.m_suggestedK = m_suggestedK;
    g.m_notes = m_notes;

    const int32_t n = static_cast<int32_t>(m_nodes.size());
    g.m_ids.reserve(n);
    g.m_ops.reserve(n);
    g.m_scopes.reserve(n);
    g.m_work.reserve(n);
    g.m_out.reserve(n);
    g.m_param.reserve(n);
    g.m_group.reserve(n);
    std::unordered_map<std::string, int32_t> groupIndex;
    std::vector<int32_t> groupSize;
    const bool numbered = std::any_of(m_nodes.begin(), m_nodes.end(), [](const NodeSpec &s) { return s.number >= 0; });
    if (numbered)
        g.m_numbers.reserve(n);
    for (int32_t i = 0; i < n; ++i) {
        NodeSpec &s = m_nodes[i];
        if (s.id.empty())
            return makeError(where(s.line) + ": node #" + std::to_string(i + 1) + " has an empty id");
        // A NUL cannot pass through C strings (cgraph, the DOT writer's readers).
        if (s.id.find('\0') != std::string::npos)
            return makeError(where(s.line) + ": node #" + std::to_string(i + 1) + " has a NUL character in its id");
        if (const char *field = badCostField(s))
            return makeError(where(s.line) + ": node '" + s.id + "' has invalid " + field + " " +
                             formatNumber(fieldValue(s, field)) + " (costs must be finite and >= 0)");
        GroupId gid = kNoGroup;
        if (!s.group.empty()) {
            auto [it, inserted] = groupIndex.emplace(s.group, static_cast<int32_t>(g.m_groupNames.size()));
            if (inserted) {
                g.m_groupNames.push_back(s.group);
                groupSize.push_back(0);
            }
            gid = groupId(it->second);
            ++groupSize[it->second];
        }
        g.m_ids.push_back(std::move(s.id));
        g.m_ops.push_back(std::move(s.op));
        g.m_scopes.push_back(std::move(s.scope));
        g.m_work.push_back(s.work);
        g.m_out.push_back(s.out);
        g.m_param.push_back(s.param);
        g.m_group.push_back(gid);
        if (numbered) {
            g.m_numbers.push_back(s.number);
            if (s.number >= 0 && !g.m_numberIndex.emplace(s.number, i).second)
                return makeError(where(s.line) + ": node '" + g.m_ids.back() + "' repeats node number " +
                                 std::to_string(s.number));
        }
        g.m_totalWork += s.work;
        g.m_maxWork = std::max(g.m_maxWork, s.work);
        g.m_totalOut += s.out;
        g.m_totalParam += s.param;
    }
    // Each cost is finite, but 1e308 + 1e308 is not: stage costs would be infinite.
    for (const auto &[total, name] : {std::pair{g.m_totalWork, "work"}, std::pair{g.m_totalOut, "out"},
                                      std::pair{g.m_totalParam, "param"}})
        if (!std::isfinite(total))
            return makeError(where(0) + ": the nodes' " + name +
                             " values add up to more than the largest double (1.8e308); scale the costs down");
    g.rebuildIndex();
    if (g.m_index.size() != static_cast<size_t>(n)) {
        // Find the first duplicate to name it with both places.
        std::unordered_map<std::string_view, int32_t> seen;
        for (int32_t i = 0; i < n; ++i) {
            auto [it, inserted] = seen.emplace(g.m_ids[i], i);
            if (!inserted)
                return makeError(where(m_nodes[i].line) + ": duplicate node id '" + g.m_ids[i] +
                                 "' (nodes #" + std::to_string(it->second + 1) + " and #" +
                                 std::to_string(i + 1) + ")");
        }
    }

    // Groups in CSR form.
    const int32_t groups = static_cast<int32_t>(g.m_groupNames.size());
    g.m_groupOffset.assign(groups + 1, 0);
    for (int32_t k = 0; k < groups; ++k)
        g.m_groupOffset[k + 1] = g.m_groupOffset[k] + groupSize[k];
    g.m_groupMember.resize(g.m_groupOffset[groups]);
    {
        std::vector<int32_t> fill(g.m_groupOffset.begin(), g.m_groupOffset.end() - 1);
        for (int32_t i = 0; i < n; ++i)
            if (g.m_group[i] != kNoGroup)
                g.m_groupMember[fill[index(g.m_group[i])]++] = nodeId(i);
    }

    // Resolve edges.
    std::vector<std::pair<int32_t, int32_t>> edges;
    edges.reserve(m_edges.size());
    for (size_t e = 0; e < m_edges.size(); ++e) {
        const PendingEdge &pe = m_edges[e];
        int32_t a = pe.fromIndex, b = pe.toIndex;
        if (a < 0) {
            auto fa = g.find(pe.from);
            if (!fa)
                return makeError(where(pe.line) + ": edge " + pe.from + " -> " + pe.to + " names unknown node '" + pe.from + "'");
            auto fb = g.find(pe.to);
            if (!fb)
                return makeError(where(pe.line) + ": edge " + pe.from + " -> " + pe.to + " names unknown node '" + pe.to + "'");
            a = index(*fa);
            b = index(*fb);
        }
        assert(a >= 0 && a < n && b >= 0 && b < n);
        if (a == b)
            return makeError(where(pe.line) + ": self-loop on node '" + g.m_ids[a] + "'");
        edges.emplace_back(a, b);
    }
    std::sort(edges.begin(), edges.end());
    const size_t before = edges.size();
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    if (edges.size() != before)
        g.m_notes.push_back(std::to_string(before - edges.size()) + " duplicate edge(s) merged");
    if (edges.size() > static_cast<size_t>(INT32_MAX / 2))
        return makeError(ctx + ": too many edges (" + std::to_string(edges.size()) + ")");

    g.m_edges.reserve(edges.size());
    g.m_succOffset.assign(n + 1, 0);
    g.m_predOffset.assign(n + 1, 0);
    for (auto [a, b] : edges) {
        g.m_edges.emplace_back(nodeId(a), nodeId(b));
        ++g.m_succOffset[a + 1];
        ++g.m_predOffset[b + 1];
    }
    for (int32_t i = 0; i < n; ++i) {
        g.m_succOffset[i + 1] += g.m_succOffset[i];
        g.m_predOffset[i + 1] += g.m_predOffset[i];
    }
    g.m_succ.resize(edges.size());
    g.m_pred.resize(edges.size());
    {
        std::vector<int32_t> fs(g.m_succOffset.begin(), g.m_succOffset.end() - 1);
        std::vector<int32_t> fp(g.m_predOffset.begin(), g.m_predOffset.end() - 1);
        for (auto [a, b] : edges) { // sorted by (a, b): successor lists come out sorted
            g.m_succ[fs[a]++] = nodeId(b);
            g.m_pred[fp[b]++] = nodeId(a);
        }
    }

    // Kahn's algorithm, smallest index first: deterministic.
    std::vector<int32_t> indeg(n);
    for (int32_t i = 0; i < n; ++i)
        indeg[i] = g.m_predOffset[i + 1] - g.m_predOffset[i];
    std::priority_queue<int32_t, std::vector<int32_t>, std::greater<>> ready;
    for (int32_t i = 0; i < n; ++i)
        if (indeg[i] == 0)
            ready.push(i);
    g.m_topo.reserve(n);
    while (!ready.empty()) {
        const int32_t v = ready.top();
        ready.pop();
        g.m_topo.push_back(nodeId(v));
        for (int32_t e = g.m_succOffset[v]; e < g.m_succOffset[v + 1]; ++e)
            if (--indeg[index(g.m_succ[e])] == 0)
                ready.push(index(g.m_succ[e]));
    }
    if (static_cast<int32_t>(g.m_topo.size()) != n) {
        // Every node left has indeg > 0 among the leftovers: walk predecessors
        // until a node repeats to name one cycle.
        int32_t start = -1;
        for (int32_t i = 0; i < n && start < 0; ++i)
            if (indeg[i] > 0)
                start = i;
        std::vector<int32_t> seenAt(n, -1);
        std::vector<int32_t> path;
        int32_t v = start;
        while (seenAt[v] < 0) {
            seenAt[v] = static_cast<int32_t>(path.size());
            path.push_back(v);
            int32_t next = -1;
            for (int32_t e = g.m_predOffset[v]; e < g.m_predOffset[v + 1]; ++e)
                if (indeg[index(g.m_pred[e])] > 0) {
                    next = index(g.m_pred[e]);
                    break;
                }
            assert(next >= 0);
            v = next;
        }
        std::vector<int32_t> cycle(path.begin() + seenAt[v], path.end());
        std::reverse(cycle.begin(), cycle.end()); // predecessor walk: reverse into edge order
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        std::string text;
        for (int32_t c : cycle)
            text += "'" + g.m_ids[c] + "' -> ";
        text += "'" + g.m_ids[cycle.front()] + "'";
        return makeError(ctx + ": the graph has a cycle: " + text);
    }
    g.m_topoPos.resize(n);
    for (int32_t p = 0; p < n; ++p)
        g.m_topoPos[index(g.m_topo[p])] = p;

    m_nodes.clear();
    m_edges.clear();
    return g;
}

} // namespace pipecut
