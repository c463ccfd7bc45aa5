#include "core/graph/id_index.h"

#include "core/util/huge_pages.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace pipecut {

uint64_t IdIndex::hash(std::string_view id)
{
    // std::hash is a good 64-bit string hash; spread it once more so that the
    // low bits (the slot) and the high bits (the tag) are independent.
    uint64_t h = std::hash<std::string_view> {}(id);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

std::optional<std::pair<int32_t, int32_t>> IdIndex::build(std::span<const std::string> ids)
{
    const size_t size = std::bit_ceil(std::max<size_t>(16, ids.size() * 2));
    m_mask = size - 1;
    m_slots.clear();
    reserveHuge(m_slots, size);
    m_slots.resize(size, 0);
    for (size_t i = 0; i < ids.size(); ++i) {
        const uint64_t h = hash(ids[i]);
        const uint64_t tag = h & 0xffffffff00000000ULL;
        for (uint64_t s = h & m_mask;; s = (s + 1) & m_mask) {
            const uint64_t slot = m_slots[s];
            if (slot == 0) {
                m_slots[s] = tag | (i + 1);
                break;
            }
            if ((slot & 0xffffffff00000000ULL) == tag) {
                const auto j = static_cast<int32_t>((slot & 0xffffffffULL) - 1);
                if (ids[j] == ids[i])
                    return std::pair { j, static_cast<int32_t>(i) };
            }
        }
    }
    return std::nullopt;
}

int32_t IdIndex::find(std::string_view id, std::span<const std::string> ids) const
{
    if (m_slots.empty())
        return -1;
    const uint64_t h = hash(id);
    const uint64_t tag = h & 0xffffffff00000000ULL;
    for (uint64_t s = h & m_mask;; s = (s + 1) & m_mask) {
        const uint64_t slot = m_slots[s];
        if (slot == 0)
            return -1;
        if ((slot & 0xffffffff00000000ULL) == tag) {
            const auto j = static_cast<int32_t>((slot & 0xffffffffULL) - 1);
            if (ids[j] == id)
                return j;
        }
    }
}

} // namespace pipecut
