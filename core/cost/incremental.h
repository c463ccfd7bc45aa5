#pragma once
// Incremental evaluation for interactive editing (the GUI's drag and drop).
//
// Keeps, for every node u, how many of u's successors sit in each stage (in a
// slot array parallel to the CSR successor list, so no allocation after
// construction). Moving a node v changes only the tensors of v and of its
// predecessors, so a move costs O(sum over moved nodes of (in + out degree) *
// distinct successor stages), independent of n. `bottleneckIfMoved` answers
// "what if" by applying the move, reading the bottleneck (O(k)) and undoing it.
//
// Floating-point sums drift slightly under long add/subtract sequences; the
// evaluator re-sums from scratch every `kResumInterval` moves, so it agrees
// with evaluate() to ~1e-9 relative at all times (randomised test).

#include "core/cost/evaluate.h"

#include <span>
#include <vector>

namespace pipecut {

class IncrementalEvaluator {
public:
    IncrementalEvaluator(const Graph &graph, const CostParams &params, Partition partition);

    const Graph &graph() const { return *m_graph; }
    const CostParams &params() const { return m_params; }
    const Partition &partition() const { return m_partition; }
    int k() const { return m_partition.k(); }

    const StageCost &stage(StageId s) const { return m_stages[index(s)]; }
    std::span<const StageCost> stages() const { return m_stages; }
    double bottleneck() const;
    int bottleneckStage() const;
    Evaluation evaluation() const; // a copy in evaluate()'s form

    // Moves the nodes to `to` (no feasibility check: see MoveChecker in the UI).
    void move(std::span<const NodeId> nodes, StageId to);
    // Sets every node's stage from `partition` (same k), moving only the nodes that differ.
    void assign(const Partition &partition);
    // The bottleneck the move would produce, without committing it.
    double bottleneckIfMoved(std::span<const NodeId> nodes, StageId to);
    // Changing parameters re-derives the stage costs (O(k)).
    void setParams(const CostParams &params);

    static constexpr int kResumInterval = 1 << 16;

private:
    struct Slot {
        int32_t stage;
        int32_t count;
    };
    void rebuild();
    void applyTensor(int32_t u, double sign);
    void addSuccessorStage(int32_t u, int32_t stage, int32_t delta);
    void moveOne(int32_t v, int32_t to);
    void refreshCosts();

    const Graph *m_graph;
    CostParams m_params;
    Partition m_partition;
    std::vector<StageCost> m_stages;
    std::vector<Slot> m_slots; // parallel to graph.successorArray()
    std::vector<int32_t> m_used; // slots in use per node
    std::vector<int32_t> m_stamp; // per node, to touch each tensor once per move
    int32_t m_stampValue = 0;
    std::vector<int32_t> m_touched;
    int64_t m_movesSinceResum = 0;
};

} // namespace pipecut
