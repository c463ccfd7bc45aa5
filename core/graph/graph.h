#pragma once
// The operator graph of docs/model.md §1.1: a DAG whose nodes carry work, output size,
// parameter size, an optional colocation group, an op type and a scope path.
//
// A Graph is immutable once built (GraphBuilder validates everything up front),
// stores adjacency in CSR form and hot per-node numbers in flat arrays so that
// cost evaluation over a million nodes streams through memory. Cost *parameters*
// (bandwidth, memory limit, overflow term) live in CostParams, not here; the
// graph only remembers the defaults its file declared.

#include "core/graph/id_index.h"
#include "core/util/ids.h"
#include "core/util/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pipecut {

struct Units {
    std::string time = "ms";
    std::string size = "bytes"; // tensor sizes (out), and so the bandwidth's numerator
    // Parameters and the memory limit, when their unit is not the size unit: in
    // dnn-partitioning files tensors are already times but parameters are bytes.
    // Empty: the size unit.
    std::string param;

    const std::string &paramUnit() const { return param.empty() ? size : param; }
};

// What a graph says about itself besides its nodes and edges.
struct GraphMeta {
    std::string name;
    std::string format;
    double bandwidth = 1.0;
    std::optional<double> memoryLimit;
    Units units;
    int suggestedK = 0; // 0 when the file does not suggest one
    std::vector<std::string> notes;
};

// What a reader knows about one node before validation.
struct NodeSpec {
    std::string id;
    std::string op;
    std::string scope;
    std::string group; // empty: no group
    double work = 0.0;
    double out = 0.0;
    double param = 0.0;
    int32_t line = 0; // source line for messages, 0 when unknown
    // The number the source file gave the node when it numbers nodes
    // (dnn-partitioning, Piper), so that files naming nodes by number (the
    // Microsoft expert placements) can be mapped; -1 when none.
    int64_t number = -1;
};

class GraphBuilder;

// Per-node work on one kind of device (docs/model.md §1.7), such as the "cpu" and
// "fpga" latencies of the dnn-partitioning files: `work` is indexed by node, NaN
// where the file gives the node none; `field` is the file's name for it.
struct WorkColumn {
    std::string kind, field;
    std::vector<double> work;
};

class Graph {
public:
    Graph() = default;
    Graph(const Graph &other) = default;
    Graph &operator=(const Graph &other) = default;
    Graph(Graph &&) noexcept = default;
    Graph &operator=(Graph &&) noexcept = default;

    // --- size and identity
    int32_t nodeCount() const { return static_cast<int32_t>(m_work.size()); }
    int64_t edgeCount() const { return static_cast<int64_t>(m_edges.size()); }
    const std::string &name() const { return m_meta.name; }
    const std::string &sourcePath() const { return m_sourcePath; }
    const std::string &format() const { return m_meta.format; }

    // --- file-declared cost defaults
    double bandwidth() const { return m_meta.bandwidth; }
    std::optional<double> memoryLimit() const { return m_meta.memoryLimit; }
    const Units &units() const { return m_meta.units; }
    int suggestedK() const { return m_meta.suggestedK; } // 0 when the file does not suggest one
    // Things a reader wants the user to know (assumptions, ignored fields).
    const std::vector<std::string> &notes() const { return m_meta.notes; }

    // --- nodes
    const std::string &id(NodeId v) const { return m_ids[index(v)]; }
    const std::string &op(NodeId v) const { return m_ops[index(v)]; }
    const std::string &scope(NodeId v) const { return m_scopes[index(v)]; }
    double work(NodeId v) const { return m_work[index(v)]; }
    double out(NodeId v) const { return m_out[index(v)]; }
    double param(NodeId v) const { return m_param[index(v)]; }
    GroupId group(NodeId v) const { return m_group[index(v)]; }
    std::optional<NodeId> find(std::string_view id) const;
    // The source file's node number (NodeSpec::number), -1 when none.
    int64_t number(NodeId v) const { return m_numbers.empty() ? -1 : m_numbers[index(v)]; }
    bool hasNumbers() const { return !m_numbers.empty(); }
    std::optional<NodeId> findNumber(int64_t number) const;

    // Flat arrays indexed by node index, for algorithms.
    std::span<const double> works() const { return m_work; }
    std::span<const double> outs() const { return m_out; }
    std::span<const double> params() const { return m_param; }
    std::span<const GroupId> groups() const { return m_group; }

    // --- groups (colocation constraints)
    int32_t groupCount() const { return static_cast<int32_t>(m_groupNames.size()); }
    const std::string &groupName(GroupId g) const { return m_groupNames[index(g)]; }
    std::span<const NodeId> groupMembers(GroupId g) const;

    // --- adjacency (deduplicated, no self-loops)
    std::span<const NodeId> successors(NodeId v) const;
    std::span<const NodeId> predecessors(NodeId v) const;
    int32_t outDegree(NodeId v) const { return m_succOffset[index(v) + 1] - m_succOffset[index(v)]; }
    int32_t inDegree(NodeId v) const { return m_predOffset[index(v) + 1] - m_predOffset[index(v)]; }
    const std::vector<std::pair<NodeId, NodeId>> &edges() const { return m_edges; }
    // CSR offsets, for algorithms that want raw access: successors of v are
    // successorArray()[succOffsets()[v] .. succOffsets()[v+1]).
    std::span<const int32_t> succOffsets() const { return m_succOffset; }
    std::span<const NodeId> successorArray() const { return m_succ; }
    std::span<const int32_t> predOffsets() const { return m_predOffset; }
    std::span<const NodeId> predecessorArray() const { return m_pred; }

    // A deterministic topological order (Kahn's algorithm, smallest index first
    // among ready nodes) and each node's position in it.
    std::span<const NodeId> topologicalOrder() const { return m_topo; }
    int32_t topoPosition(NodeId v) const { return m_topoPos[index(v)]; }

    // --- totals (computed once at build)
    double totalWork() const { return m_totalWork; }
    double maxWork() const { return m_maxWork; }
    double totalOut() const { return m_totalOut; }
    double totalParam() const { return m_totalParam; }

    // Replace the file-declared defaults (used by the CLI's --bandwidth etc.
    // when writing a converted file, and by readers after building).
    void setBandwidth(double b) { m_meta.bandwidth = b; }
    // Every node's work divided by `speed` (> 0): the graph as a device of that speed runs it.
    Graph withWorkDividedBy(double speed) const;
    // The graph with these node works (indexed by node) and no work columns.
    Graph withWorks(std::vector<double> work) const;

    // --- work per device kind (empty for most formats)
    const std::vector<WorkColumn> &workColumns() const { return m_workColumns; }
    const WorkColumn *workColumn(std::string_view kind) const;
    void addWorkColumn(WorkColumn column) { m_workColumns.push_back(std::move(column)); }
    void setMemoryLimit(std::optional<double> m) { m_meta.memoryLimit = m; }
    void setName(std::string name) { m_meta.name = std::move(name); }
    void setSuggestedK(int k) { m_meta.suggestedK = k; }
    void addNote(std::string note) { m_meta.notes.push_back(std::move(note)); }
    void setUnits(Units units) { m_meta.units = std::move(units); }
    void setSource(std::string path, std::string format)
    {
        m_sourcePath = std::move(path);
        m_meta.format = std::move(format);
    }

private:
    friend class GraphBuilder;

    GraphMeta m_meta;
    std::string m_sourcePath;

    std::vector<std::string> m_ids, m_ops, m_scopes;
    std::vector<double> m_work, m_out, m_param;
    std::vector<WorkColumn> m_workColumns;
    std::vector<GroupId> m_group;
    IdIndex m_index; // id -> node index
    std::vector<int64_t> m_numbers; // empty when no node has a number
    std::unordered_map<int64_t, int32_t> m_numberIndex;

    std::vector<std::string> m_groupNames;
    std::vector<int32_t> m_groupOffset;
    std::vector<NodeId> m_groupMember;

    std::vector<std::pair<NodeId, NodeId>> m_edges;
    std::vector<int32_t> m_succOffset, m_predOffset;
    std::vector<NodeId> m_succ, m_pred;
    std::vector<NodeId> m_topo;
    std::vector<int32_t> m_topoPos;

    double m_totalWork = 0, m_maxWork = 0, m_totalOut = 0, m_totalParam = 0;
};

// Collects nodes and edges from a reader, then validates and freezes them.
// Every error names the context (usually the file) and the place.
class GraphBuilder {
public:
    explicit GraphBuilder(std::string context = {})
        : m_context(std::move(context))
    {
    }

    void reserve(size_t nodes, size_t edges);
    // Returns the index the node will have.
    int32_t addNode(NodeSpec spec);
    void addEdge(std::string from, std::string to, int32_t line = 0);
    void addEdge(int32_t from, int32_t to, int32_t line = 0); // by index returned from addNode
    // The index of the node added with this id, or -1: lets a reader add edges
    // by index. Indexes the nodes added so far (once, unless more are added);
    // build() reuses that index.
    int32_t findNode(std::string_view id);

    void setName(std::string name) { m_meta.name = std::move(name); }
    void setBandwidth(double b) { m_meta.bandwidth = b; }
    void setMemoryLimit(std::optional<double> m) { m_meta.memoryLimit = m; }
    void setUnits(Units units) { m_meta.units = std::move(units); }
    void setSuggestedK(int k) { m_meta.suggestedK = k; }
    void addNote(std::string note) { m_meta.notes.push_back(std::move(note)); }
    void setFormat(std::string format) { m_meta.format = std::move(format); }
    int32_t nodeCount() const { return static_cast<int32_t>(m_ids.size()); }

    // Validates: non-empty, unique ids, finite non-negative costs, known edge
    // endpoints, no self-loops, acyclic (naming one cycle), positive bandwidth.
    Result<Graph> build();

private:
    std::string where(int32_t line) const;
    // Phases of build().
    void buildGroups(Graph &g) const;
    void sumCosts(Graph &g) const;
    void buildAdjacency(Graph &g, const std::vector<std::pair<int32_t, int32_t>> &edges) const;
    static std::vector<int32_t> buildTopologicalOrder(Graph &g);
    std::string cycleText(const Graph &g, const std::vector<int32_t> &indeg) const;

    struct IndexEdge {
        int32_t from, to, line;
    };
    struct NamedEdge {
        std::string from, to;
        int32_t line;
    };

    std::string m_context;
    GraphMeta m_meta;
    // Nodes by column, so that build() moves whole arrays into the Graph.
    std::vector<std::string> m_ids, m_ops, m_scopes, m_groups;
    std::vector<double> m_work, m_out, m_param;
    std::vector<int32_t> m_lines;
    std::vector<int64_t> m_numbers;
    bool m_numbered = false;
    IdIndex m_index;
    size_t m_indexed = 0; // nodes covered by m_index
    std::optional<std::pair<int32_t, int32_t>> m_duplicate; // found while indexing
    std::vector<IndexEdge> m_indexEdges;
    std::vector<NamedEdge> m_namedEdges;
};

// Formats a number for messages and reports without trailing noise.
std::string formatNumber(double value);

} // namespace pipecut
