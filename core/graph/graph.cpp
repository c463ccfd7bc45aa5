#include "core/graph/graph.h"

#include "core/util/huge_pages.h"
#include "core/util/text.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <queue>
#include <unordered_map>

namespace pipecut {

std::optional<NodeId> Graph::find(std::string_view id) const
{
    const int32_t i = m_index.find(id, m_ids);
    if (i < 0)
        return std::nullopt;
    return nodeId(i);
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
    for (auto *column : { &m_ids, &m_ops, &m_scopes, &m_groups })
        reserveHuge(*column, nodes);
    for (auto *column : { &m_work, &m_out, &m_param })
        reserveHuge(*column, nodes);
    reserveHuge(m_lines, nodes);
    reserveHuge(m_indexEdges, edges);
}

int32_t GraphBuilder::addNode(NodeSpec spec)
{
    m_ids.push_back(std::move(spec.id));
    m_ops.push_back(std::move(spec.op));
    m_scopes.push_back(std::move(spec.scope));
    m_groups.push_back(std::move(spec.group));
    m_work.push_back(spec.work);
    m_out.push_back(spec.out);
    m_param.push_back(spec.param);
    m_lines.push_back(spec.line);
    if (spec.number >= 0 && !m_numbered) {
        m_numbered = true;
        m_numbers.assign(m_ids.size() - 1, -1);
    }
    if (m_numbered)
        m_numbers.push_back(spec.number);
    return static_cast<int32_t>(m_ids.size() - 1);
}

void GraphBuilder::addEdge(std::string from, std::string to, int32_t line)
{
    m_namedEdges.push_back(NamedEdge { std::move(from), std::move(to), line });
}

void GraphBuilder::addEdge(int32_t from, int32_t to, int32_t line)
{
    m_indexEdges.push_back(IndexEdge { from, to, line });
}

int32_t GraphBuilder::findNode(std::string_view id)
{
    if (m_indexed != m_ids.size()) {
        m_duplicate = m_index.build(m_ids);
        m_indexed = m_ids.size();
    }
    return m_index.find(id, m_ids);
}

std::string GraphBuilder::where(int32_t line) const
{
    std::string w = m_context.empty() ? std::string("graph") : m_context;
    if (line > 0)
        w += ":" + std::to_string(line);
    return w;
}

// Groups: names in order of first appearance, members in CSR form.
void GraphBuilder::buildGroups(Graph &g) const
{
    const int32_t n = static_cast<int32_t>(m_ids.size());
    std::unordered_map<std::string_view, int32_t> groupIndex;
    std::vector<int32_t> groupSize;
    g.m_group.assign(m_ids.size(), kNoGroup);
    for (int32_t i = 0; i < n; ++i) {
        if (m_groups[i].empty())
            continue;
        auto [it, inserted] = groupIndex.emplace(m_groups[i], static_cast<int32_t>(g.m_groupNames.size()));
        if (inserted) {
            g.m_groupNames.push_back(m_groups[i]);
            groupSize.push_back(0);
        }
        g.m_group[i] = groupId(it->second);
        ++groupSize[it->second];
    }
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
}

Graph Graph::withWorkDividedBy(double speed) const
{
    Graph g = *this;
    g.m_totalWork = 0;
    g.m_maxWork = 0;
    for (double &w : g.m_work) {
        w /= speed;
        g.m_totalWork += w;
        g.m_maxWork = std::max(g.m_maxWork, w);
    }
    return g;
}

Graph Graph::withWorks(std::vector<double> work) const
{
    Graph g = *this;
    g.m_work = std::move(work);
    g.m_workColumns.clear();
    g.m_totalWork = 0;
    g.m_maxWork = 0;
    for (double w : g.m_work) {
        g.m_totalWork += w;
        g.m_maxWork = std::max(g.m_maxWork, w);
    }
    return g;
}

const WorkColumn *Graph::workColumn(std::string_view kind) const
{
    for (const WorkColumn &c : m_workColumns)
        if (c.kind == kind)
            return &c;
    return nullptr;
}

void GraphBuilder::sumCosts(Graph &g) const
{
    const int32_t n = static_cast<int32_t>(m_ids.size());
    for (int32_t i = 0; i < n; ++i) {
        g.m_totalWork += m_work[i];
        g.m_maxWork = std::max(g.m_maxWork, m_work[i]);
        g.m_totalOut += m_out[i];
        g.m_totalParam += m_param[i];
    }
}

// Successor and predecessor lists in CSR form, from the sorted distinct edges.
void GraphBuilder::buildAdjacency(Graph &g, const std::vector<std::pair<int32_t, int32_t>> &edges) const
{
    const int32_t n = static_cast<int32_t>(m_ids.size());
    reserveHuge(g.m_edges, edges.size());
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
}

// Kahn's algorithm, smallest index first: deterministic. Returns the
// in-degrees left, positive on the nodes of a cycle or after one.
std::vector<int32_t> GraphBuilder::buildTopologicalOrder(Graph &g)
{
    const int32_t n = static_cast<int32_t>(g.m_predOffset.size()) - 1;
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
    return indeg;
}

// Names one cycle: "'a' -> 'b' -> 'a'".
std::string GraphBuilder::cycleText(const Graph &g, const std::vector<int32_t> &indeg) const
{
    const int32_t n = static_cast<int32_t>(indeg.size());
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
        text += "'" + m_ids[c] + "' -> ";
    text += "'" + m_ids[cycle.front()] + "'";
    return text;
}

Result<Graph> GraphBuilder::build()
{
    const std::string ctx = m_context.empty() ? std::string("graph") : m_context;
    const size_t nodes = m_ids.size();
    if (nodes == 0)
        return makeError(ctx + ": the graph has no nodes");
    if (nodes > static_cast<size_t>(INT32_MAX / 2))
        return makeError(ctx + ": too many nodes (" + std::to_string(nodes) + ")");
    if (!std::isfinite(m_meta.bandwidth) || m_meta.bandwidth <= 0)
        return makeError(ctx + ": bandwidth must be a positive finite number, not " + formatNumber(m_meta.bandwidth));
    if (m_meta.memoryLimit && (!std::isfinite(*m_meta.memoryLimit) || *m_meta.memoryLimit < 0))
        return makeError(
            ctx + ": memory_limit must be a non-negative finite number, not " + formatNumber(*m_meta.memoryLimit));

    const int32_t n = static_cast<int32_t>(nodes);
    const auto bad = [](double x) { return !std::isfinite(x) || x < 0; };
    for (int32_t i = 0; i < n; ++i) {
        if (m_ids[i].empty())
            return makeError(where(m_lines[i]) + ": node #" + std::to_string(i + 1) + " has an empty id");
        // A NUL cannot pass through C strings (cgraph, the readers of the DOT writer's output).
        if (m_ids[i].find('\0') != std::string::npos)
            return makeError(where(m_lines[i]) + ": node #" + std::to_string(i + 1) + " has a NUL character in its id");
        // Every writer emits UTF-8 (JSON requires it), so what cannot be written back is refused here.
        for (const auto *column : { &m_ids, &m_ops, &m_scopes, &m_groups })
            if (invalidUtf8((*column)[i]))
                return makeError(where(m_lines[i]) + ": node #" + std::to_string(i + 1) + " has "
                    + (column == &m_ids           ? "an id"
                            : column == &m_ops    ? "an op"
                            : column == &m_scopes ? "a scope"
                                                  : "a group")
                    + " that is not valid UTF-8: '" + escapeControl((*column)[i].substr(0, 64)) + "'");
        const char *field = bad(m_work[i]) ? "work" : bad(m_out[i]) ? "out" : bad(m_param[i]) ? "param" : nullptr;
        if (field) {
            const double value = field[0] == 'w' ? m_work[i] : field[0] == 'o' ? m_out[i] : m_param[i];
            return makeError(where(m_lines[i]) + ": node '" + m_ids[i] + "' has invalid " + field + " "
                + formatNumber(value) + " (costs must be finite and >= 0)");
        }
    }

    if (m_indexed != nodes) {
        m_duplicate = m_index.build(m_ids);
        m_indexed = nodes;
    }
    if (const auto duplicate = m_duplicate)
        return makeError(where(m_lines[duplicate->second]) + ": duplicate node id '" + m_ids[duplicate->second]
            + "' (nodes #" + std::to_string(duplicate->first + 1) + " and #" + std::to_string(duplicate->second + 1)
            + ")");
    Graph g;
    g.m_index = std::move(m_index);
    if (m_numbered) {
        g.m_numberIndex.reserve(nodes);
        for (int32_t i = 0; i < n; ++i)
            if (m_numbers[i] >= 0 && !g.m_numberIndex.emplace(m_numbers[i], i).second)
                return makeError(where(m_lines[i]) + ": node '" + m_ids[i] + "' repeats node number "
                    + std::to_string(m_numbers[i]));
    }

    buildGroups(g);

    // Resolve edges: by index as given, by id through the index.
    std::vector<std::pair<int32_t, int32_t>> edges;
    reserveHuge(edges, m_indexEdges.size() + m_namedEdges.size());
    for (const IndexEdge &e : m_indexEdges) {
        assert(e.from >= 0 && e.from < n && e.to >= 0 && e.to < n);
        if (e.from == e.to)
            return makeError(where(e.line) + ": self-loop on node '" + m_ids[e.from] + "'");
        edges.emplace_back(e.from, e.to);
    }
    for (const NamedEdge &e : m_namedEdges) {
        const int32_t a = g.m_index.find(e.from, m_ids);
        if (a < 0)
            return makeError(
                where(e.line) + ": edge " + e.from + " -> " + e.to + " names unknown node '" + e.from + "'");
        const int32_t b = g.m_index.find(e.to, m_ids);
        if (b < 0)
            return makeError(where(e.line) + ": edge " + e.from + " -> " + e.to + " names unknown node '" + e.to + "'");
        if (a == b)
            return makeError(where(e.line) + ": self-loop on node '" + m_ids[a] + "'");
        edges.emplace_back(a, b);
    }
    std::sort(edges.begin(), edges.end());
    const size_t before = edges.size();
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

    g.m_meta = m_meta;
    g.m_sourcePath = m_context;
    if (edges.size() != before)
        g.m_meta.notes.push_back(std::to_string(before - edges.size()) + " duplicate edge(s) merged");
    if (edges.size() > static_cast<size_t>(INT32_MAX / 2))
        return makeError(ctx + ": too many edges (" + std::to_string(edges.size()) + ")");
    sumCosts(g);
    // Each cost is finite, but 1e308 + 1e308 is not: stage costs would be infinite.
    for (const auto &[total, name] : { std::pair { g.m_totalWork, "work" }, std::pair { g.m_totalOut, "out" },
             std::pair { g.m_totalParam, "param" } })
        if (!std::isfinite(total))
            return makeError(ctx + ": the nodes' " + name
                + " values add up to more than the largest double (1.8e308); scale the costs down");

    buildAdjacency(g, edges);

    const std::vector<int32_t> indeg = buildTopologicalOrder(g);
    if (static_cast<int32_t>(g.m_topo.size()) != n) {
        const std::string text = cycleText(g, indeg);
        return makeError(ctx + ": the graph has a cycle: " + text);
    }
    g.m_topoPos.resize(n);
    for (int32_t p = 0; p < n; ++p)
        g.m_topoPos[index(g.m_topo[p])] = p;

    g.m_ids = std::move(m_ids);
    g.m_ops = std::move(m_ops);
    g.m_scopes = std::move(m_scopes);
    g.m_work = std::move(m_work);
    g.m_out = std::move(m_out);
    g.m_param = std::move(m_param);
    if (m_numbered)
        g.m_numbers = std::move(m_numbers);
    *this = GraphBuilder(m_context);
    return g;
}

} // namespace pipecut
