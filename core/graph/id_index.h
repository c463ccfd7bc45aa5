#pragma once
// Node lookup by id: an open-addressing hash table of node indices.
//
// Replaces std::unordered_map<std::string_view, int32_t>, whose node per entry
// cost a million allocations and a cache miss per probe on large graphs. Each
// slot holds the upper half of the id's hash and the node index, so a probe
// compares strings only when the hashes agree. The table stores indices, not
// pointers: it stays valid when the Graph that owns the ids is copied or moved.
//
// Build O(n) expected, lookup O(1) expected; load factor at most 1/2.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipecut {

class IdIndex {
public:
    // Indexes ids[0..n). Returns the first repeated id as (first index, later
    // index), or nothing when all ids are distinct.
    std::optional<std::pair<int32_t, int32_t>> build(std::span<const std::string> ids);

    // The index of `id` in the ids given to build(), or -1.
    int32_t find(std::string_view id, std::span<const std::string> ids) const;

private:
    static uint64_t hash(std::string_view id);

    std::vector<uint64_t> m_slots; // (hash >> 32) << 32 | (index + 1); 0 = empty
    uint64_t m_mask = 0;
};

} // namespace pipecut
