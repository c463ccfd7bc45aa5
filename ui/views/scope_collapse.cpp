#include "ui/views/scope_collapse.h"

#include "core/layout/scope_collapse.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace pipecut::ui {

namespace {

// The shortest prefix of `scope` in `collapsed`, or nullptr.
const std::string *collapsedPrefix(const std::string &scope, const std::set<std::string> &collapsed)
{
    if (scope.empty() || collapsed.empty())
        return nullptr;
    size_t end = 0;
    while (end != std::string::npos) {
        end = scope.find('/', end + 1);
        auto it = collapsed.find(scope.substr(0, end));
        if (it != collapsed.end())
            return &*it;
    }
    return nullptr;
}

} // namespace

int32_t ScopeView::groupCount() const
{
    return int32_t(std::count_if(scope.begin(), scope.end(), [](const std::string &s) { return !s.empty(); }));
}

std::set<std::string> scopesAtDepth(const Graph &graph, int depth)
{
    std::set<std::string> distinct, result;
    for (int32_t v = 0; v < graph.nodeCount(); ++v)
        distinct.insert(graph.scope(nodeId(v)));
    for (const std::string &s : distinct)
        if (!s.empty())
            result.insert(scopePrefix(s, depth));
    return result;
}

int collapseDepthFor(const Graph &graph, int maxElements)
{
    std::set<std::string> distinct;
    int64_t unscoped = 0;
    int deepest = 0;
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        const std::string &s = graph.scope(nodeId(v));
        unscoped += s.empty();
        if (!s.empty() && distinct.insert(s).second)
            deepest = std::max(deepest, scopeDepth(s));
    }
    for (int d = deepest; d >= 1; --d) {
        std::set<std::string> prefixes;
        for (const std::string &s : distinct)
            prefixes.insert(scopePrefix(s, d));
        if (int64_t(prefixes.size()) + unscoped <= maxElements)
            return d;
    }
    return deepest > 0 ? 1 : 0;
}

std::set<std::string> expandScope(const Graph &graph, std::set<std::string> collapsed, const std::string &prefix)
{
    collapsed.erase(prefix);
    const int depth = scopeDepth(prefix);
    for (int32_t v = 0; v < graph.nodeCount(); ++v) {
        const std::string &s = graph.scope(nodeId(v));
        if (scopeDepth(s) > depth && inScope(s, prefix))
            collapsed.insert(scopePrefix(s, depth + 1));
    }
    return collapsed;
}

std::set<std::string> collapseScope(std::set<std::string> collapsed, const std::string &prefix)
{
    std::erase_if(collapsed, [&](const std::string &s) { return s != prefix && inScope(s, prefix); });
    collapsed.insert(prefix);
    return collapsed;
}

DrawingBoxes reportBoxes(const Graph &graph, const Partition &partition, int maxBoxes)
{
    DrawingBoxes boxes;
    auto drawing = collapseForDrawing(graph, std::span<const Partition>(&partition, 1), maxBoxes);
    if (!drawing || !drawing->collapsed)
        return boxes;
    boxes.boxOf = std::move(drawing->boxOf);
    boxes.labels = std::move(drawing->labels);
    boxes.openDepth = drawing->mergedScopes ? 1 : drawing->scopeDepth + 1;
    return boxes;
}

bool openBoxes(const Graph &graph, DrawingBoxes &boxes, std::set<std::string> &collapsed, const std::string &label)
{
    bool opened = false;
    for (size_t v = 0; v < boxes.boxOf.size(); ++v) {
        const int32_t b = boxes.boxOf[v];
        if (b < 0 || boxes.labels[size_t(b)] != label)
            continue;
        boxes.boxOf[v] = -1;
        opened = true;
        const std::string &s = graph.scope(nodeId(int32_t(v)));
        if (scopeDepth(s) >= boxes.openDepth)
            collapsed.insert(scopePrefix(s, boxes.openDepth));
    }
    return opened;
}

ScopeView collapseByScope(const Graph &graph, const std::set<std::string> &collapsed, const DrawingBoxes *boxes)
{
    ScopeView out;
    const int32_t n = graph.nodeCount();
    out.elementOf.assign(size_t(n), -1);
    std::map<std::string, int32_t> groupElement;
    std::map<int32_t, int32_t> boxElement;
    const bool boxed = boxes && boxes->boxOf.size() == size_t(n);
    for (NodeId v : graph.topologicalOrder()) {
        if (const int32_t b = boxed ? boxes->boxOf[index(v)] : -1; b >= 0) {
            auto [it, added] = boxElement.emplace(b, int32_t(out.members.size()));
            if (added) {
                out.members.emplace_back();
                out.scope.push_back(boxes->labels[size_t(b)]);
            }
            out.elementOf[index(v)] = it->second;
            out.members[size_t(it->second)].push_back(v);
            continue;
        }
        const std::string *prefix = collapsedPrefix(graph.scope(v), collapsed);
        int32_t e;
        if (!prefix) {
            e = int32_t(out.members.size());
            out.members.emplace_back();
            out.scope.emplace_back();
        } else if (auto it = groupElement.find(*prefix); it != groupElement.end()) {
            e = it->second;
        } else {
            e = int32_t(out.members.size());
            groupElement.emplace(*prefix, e);
            out.members.emplace_back();
            out.scope.push_back(*prefix);
        }
        out.elementOf[index(v)] = e;
        out.members[size_t(e)].push_back(v);
    }
    // A group of one node is drawn as that node.
    for (size_t e = 0; e < out.members.size(); ++e)
        if (out.members[e].size() == 1)
            out.scope[e].clear();

    std::vector<std::tuple<int32_t, int32_t, NodeId, NodeId>> crossing;
    for (const auto &[u, v] : graph.edges()) {
        const int32_t a = out.elementOf[index(u)], b = out.elementOf[index(v)];
        if (a != b)
            crossing.emplace_back(a, b, u, v);
    }
    std::sort(crossing.begin(), crossing.end());
    for (const auto &[a, b, u, v] : crossing) {
        if (out.edges.empty() || out.edges.back() != std::pair(a, b)) {
            out.edges.emplace_back(a, b);
            out.edgeOffset.push_back(int32_t(out.edgeMembers.size()));
        }
        out.edgeMembers.emplace_back(u, v);
    }
    out.edgeOffset.push_back(int32_t(out.edgeMembers.size()));

    GraphBuilder builder("collapsed view");
    builder.reserve(out.members.size(), out.edges.size());
    for (size_t e = 0; e < out.members.size(); ++e)
        builder.addNode({ .id = std::to_string(e), .scope = out.scope[e] });
    std::vector<std::pair<int32_t, int32_t>> oriented;
    oriented.reserve(out.edges.size());
    for (auto [a, b] : out.edges)
        oriented.emplace_back(std::min(a, b), std::max(a, b));
    std::sort(oriented.begin(), oriented.end());
    oriented.erase(std::unique(oriented.begin(), oriented.end()), oriented.end());
    for (auto [a, b] : oriented)
        builder.addEdge(a, b);
    auto built = builder.build();
    // Element numbers follow a topological order and every edge goes from a
    // smaller to a larger number, so the builder cannot find a cycle.
    out.layoutGraph = std::move(built).value();
    return out;
}

} // namespace pipecut::ui
