#pragma once
// Strong index types. Node and stage indices are exactly what a drag-and-drop
// editor mixes up, so the public APIs take these instead of raw ints.

#include <cstdint>

namespace pipecut {

enum class NodeId : int32_t {};
enum class StageId : int32_t {};
enum class GroupId : int32_t {};

constexpr int32_t index(NodeId id)
{
    return static_cast<int32_t>(id);
}
constexpr int32_t index(StageId id)
{
    return static_cast<int32_t>(id);
}
constexpr int32_t index(GroupId id)
{
    return static_cast<int32_t>(id);
}
constexpr NodeId nodeId(int32_t i)
{
    return static_cast<NodeId>(i);
}
constexpr StageId stageId(int32_t i)
{
    return static_cast<StageId>(i);
}
constexpr GroupId groupId(int32_t i)
{
    return static_cast<GroupId>(i);
}

inline constexpr GroupId kNoGroup = static_cast<GroupId>(-1);

} // namespace pipecut
