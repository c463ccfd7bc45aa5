#pragma once
// The open model: the graph, its cost parameters, the current partition (kept
// in an IncrementalEvaluator so that every figure is exact after each edit),
// the best proven lower bound for (graph, k, parameters), the session history
// of T and LB, and the undo stack. Views re-read it when `changed` fires.
//
// Every user edit goes through a QUndoCommand (ui/document/commands.h) which calls the
// apply*() methods below; nothing else mutates the partition.

#include "core/bounds/bound_cache.h"
#include "core/cost/cluster.h"
#include "core/cost/cost_params.h"
#include "core/cost/incremental.h"
#include "core/cost/partition.h"
#include "core/graph/graph.h"
#include "core/io/graph_io.h"

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace pipecut::ui {

// What changed, and for partition edits which nodes moved (empty: all of them).
struct DocumentChange {
    enum Flag : unsigned {
        Graph = 1u << 0, // a new graph (everything else changed too)
        Partition = 1u << 1, // stages of `nodes` changed (all when `nodes` is empty)
        Bound = 1u << 2, // the lower bound or its status
        Params = 1u << 3, // cost parameters (costs changed, stages did not)
        History = 1u << 4, // a point was added to the history
    };
    unsigned flags = 0;
    std::vector<NodeId> nodes;
    bool has(Flag f) const { return (flags & f) != 0; }
};

struct BoundInfo {
    double lowerBound = 0.0;
    QString provenBy; // e.g. "anchor", "mip", "combinatorial"
    double seconds = 0.0;
};

struct HistoryPoint {
    double bottleneck = 0.0;
    double lowerBound = 0.0;
    QString what; // "move 3 nodes to stage 2", "slicegraph incumbent"
};

// A move the user is about to make: the nodes (including forced ones), the
// target, whether it is valid and why not, and the bottleneck it would give.
struct MovePlan {
    std::vector<NodeId> nodes; // every node that would move (requested + forced)
    std::vector<NodeId> forced; // the nodes added to keep the partition valid
    StageId target = stageId(0);
    bool valid = false;
    QString reason; // why the move is refused (when !valid)
    double before = 0.0;
    double after = 0.0;
};

// The cluster applied (docs/model.md §1.7), as described (profiles, absent
// fields), and the parameters from before it, which a new cluster applies to.
struct ClusterState {
    std::optional<Cluster> cluster;
    std::optional<CostParams> base;
};

// Everything the costs of the partition depend on besides the graph: the
// parameters, the cluster they came from, and the partition evaluated under
// them (built off the GUI thread by ui/jobs/cluster_job.h), with the graph it
// was built on.
struct Costing {
    CostParams params;
    ClusterState cluster;
    std::shared_ptr<const Graph> graph;
    std::unique_ptr<IncrementalEvaluator> evaluator;
};

class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject *parent = nullptr);
    ~Document() override;

    bool hasGraph() const { return m_graph != nullptr; }
    const Graph &graph() const { return *m_graph; }
    // Shared with background jobs, which must not outlive their copy.
    std::shared_ptr<const Graph> sharedGraph() const { return m_graph; }
    const QString &filePath() const { return m_filePath; }
    const CostParams &params() const { return m_params; }
    const Partition &partition() const { return m_evaluator->partition(); }
    const IncrementalEvaluator &evaluator() const { return *m_evaluator; }
    int k() const { return m_evaluator ? m_evaluator->k() : 0; }
    double bottleneck() const { return m_evaluator ? m_evaluator->bottleneck() : 0.0; }
    int bottleneckStage() const { return m_evaluator ? m_evaluator->bottleneckStage() : -1; }
    QString timeUnit() const;
    QString sizeUnit() const;
    QString paramUnit() const; // parameters and the memory limit (Units::paramUnit)
    QUndoStack *undoStack() { return &m_undo; }

    // A text naming (k, every cost parameter): equal for the same bound problem on this graph.
    static QString boundKey(int k, const CostParams &params);
    // The best bound proven for the current (graph, k, params), if any (kept
    // in BoundCache::global(); valid until the next call).
    const BoundInfo *bound() const;
    bool provenOptimal() const;
    const std::vector<HistoryPoint> &history() const { return m_history; }

    // Replaces the model: every node in stage 0 of k stages (k >= 1), empty undo stack.
    void setGraph(Graph graph, const QString &filePath, int k);
    void setParams(const CostParams &params);
    const ClusterState &clusterState() const { return m_cluster; }
    // The same graph with other costs (e.g. an ONNX model under another device
    // profile): same nodes and edges, new work/out/param and parameters from
    // the graph; the partition and the undo stack stay. Returns false (and
    // changes nothing) when the structure differs.
    // `estimatedWork`: after a profile import, the work each node had before (estimatedWork()).
    bool recost(Graph graph, std::vector<double> estimatedWork = {});

    // ONNX models: per node, the FLOPs, shapes and estimate reason the reader
    // found (core/io/graph_io.h NodeDetail); nullptr when unknown (other formats).
    // Kept across re-costs of the same graph, dropped with the graph.
    void setNodeDetails(std::vector<NodeDetail> details);
    const NodeDetail *nodeDetail(NodeId v) const;
    // After a runtime profile import: each node's work before it (the
    // estimate); empty otherwise. Replaced by each recost().
    const std::vector<double> &estimatedWork() const { return m_estimatedWork; }
    // What the graph's load kept to cost it for a cluster's device profiles
    // (core/io/graph_io.h CostOrigin); dropped with the graph.
    void setCostOrigin(CostOrigin origin) { m_costOrigin = std::move(origin); }
    const CostOrigin &costOrigin() const { return m_costOrigin; }

    // Called by background jobs when they finish (ignored if the key no longer matches).
    void setBound(int k, const CostParams &params, double lowerBound, const QString &provenBy, double seconds);
    void setBoundRunning(bool running);
    bool boundRunning() const { return m_boundRunning; }
    // Drops the cached bound of the current key (to recompute it with more time).
    void forgetBound();
    void addHistory(double bottleneck, double lowerBound, const QString &what);
    // A history point with the current T and LB.
    void recordPoint(const QString &what);

    // The move of `nodes` to `target`; with `withForced`, nodes that must come
    // along (forcedMoves) are added. Never changes the model.
    MovePlan planMove(std::vector<NodeId> nodes, StageId target, bool withForced);

    // --- edits: only QUndoCommands call these.
    void applyMove(std::span<const NodeId> nodes, StageId target);
    void applyStages(std::span<const NodeId> nodes, std::span<const int32_t> stages);
    void applyPartition(const Partition &partition);
    // Installs `costing` (its partition may have another k) and returns the
    // one it replaces. An evaluator built on another graph (the model was
    // re-costed since) is rebuilt on the current one.
    Costing swapCosting(Costing costing);

signals:
    void changed(const pipecut::ui::DocumentChange &change);

private:
    void notify(DocumentChange change);

    std::shared_ptr<const Graph> m_graph;
    QString m_filePath;
    CostParams m_params;
    ClusterState m_cluster;
    std::unique_ptr<IncrementalEvaluator> m_evaluator;
    BoundKey cacheKey(int k, const CostParams &params) const;

    BoundCache &m_bounds = BoundCache::global(); // proofs under (graph fingerprint, k, params)
    uint64_t m_graphFingerprint = 0;
    mutable BoundInfo m_bound; // what bound() returns
    bool m_boundRunning = false;
    std::vector<HistoryPoint> m_history;
    std::vector<NodeDetail> m_details;
    std::vector<double> m_estimatedWork;
    CostOrigin m_costOrigin;
    QUndoStack m_undo;
};

} // namespace pipecut::ui
