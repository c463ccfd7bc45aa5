#pragma once
// Strong index types. Node and stage indices are exactly what a drag-and-drop
// editor mixes up, so the public APIs take these instead of raw ints.

#include <cstdint>
#include <type_traits>

namespace pipecut {

enum class NodeId : int32_t {};
enum class StageId : int32_t {};
enum class GroupId : int32_t {};

template <typename T>
inline constexpr bool kIsStrongId
    = std::is_same_v<T, NodeId> || std::is_same_v<T, StageId> || std::is_same_v<T, GroupId>;

// The raw index behind an id, and an id from a raw index.
template <typename Id, typename = std::enable_if_t<kIsStrongId<Id>>> constexpr int32_t index(Id id)
{
    return static_cast<int32_t>(id);
}
template <typename Id, typename = std::enable_if_t<kIsStrongId<Id>>> constexpr Id fromIndex(int32_t i)
{
    return static_cast<Id>(i);
}
inline constexpr auto nodeId = fromIndex<NodeId>;
inline constexpr auto stageId = fromIndex<StageId>;
inline constexpr auto groupId = fromIndex<GroupId>;

inline constexpr GroupId kNoGroup = static_cast<GroupId>(-1);

} // namespace pipecut
