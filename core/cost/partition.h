#pragma once
// A partition: one stage (0-based internally, shown 1-based to users) per node,
// and the number of stages k. Stages may be empty (docs/model.md §1.2: at most k stages).

#include "core/util/ids.h"

#include <cassert>
#include <cstdint>
#include <span>
#include <vector>

namespace pipecut {

class Partition {
public:
    Partition() = default;
    Partition(int32_t nodeCount, int k, StageId initial = stageId(0))
        : m_k(k)
        , m_stage(static_cast<size_t>(nodeCount), index(initial))
    {
    }
    // From a raw stage vector (values are not checked here; see checkFeasibility).
    Partition(std::vector<int32_t> stages, int k)
        : m_k(k)
        , m_stage(std::move(stages))
    {
    }

    int k() const { return m_k; }
    int32_t nodeCount() const { return static_cast<int32_t>(m_stage.size()); }
    StageId stage(NodeId v) const { return stageId(m_stage[index(v)]); }
    void setStage(NodeId v, StageId s) { m_stage[index(v)] = index(s); }
    std::span<const int32_t> stages() const { return m_stage; }
    std::vector<int32_t> &rawStages() { return m_stage; }

    // Node lists per stage, in node index order.
    std::vector<std::vector<NodeId>> members() const
    {
        std::vector<std::vector<NodeId>> m(static_cast<size_t>(m_k));
        for (int32_t v = 0; v < nodeCount(); ++v)
            if (m_stage[v] >= 0 && m_stage[v] < m_k)
                m[m_stage[v]].push_back(nodeId(v));
        return m;
    }

    bool operator==(const Partition &) const = default;

private:
    int m_k = 1;
    std::vector<int32_t> m_stage;
};

} // namespace pipecut
