#pragma once
// Resource limits for untrusted files and exhaustive methods (README
// "Untrusted files"). Each is a field of the options struct of the step it
// bounds, 0 meaning the default below; every refusal names the limit and its
// value. The CLI sets them with --max-nodes, --max-edges, --max-file-size
// (LoadOptions), --max-ideals, --max-mip-columns and --memory-budget
// (PartitionOptions, BoundOptions).

#include <cstdint>
#include <string>

namespace pipecut {

// Memory the exhaustive methods may plan for: ideal-dp's tables, and the MIP
// models handed to CBC (estimated with kCbcBytesPerColumn).
inline constexpr int64_t kDefaultMemoryBudget = int64_t(6) << 30; // 6 GiB
// Largest MIP (columns) any bound or the mip partitioner hands to CBC.
inline constexpr int64_t kDefaultMaxMipColumns = 4'000'000;
// CBC's resident memory per model column, measured on the bottleneck
// relaxation of a 20,000-node transformer (~90,000 columns, ~75 MB) and
// rounded up: the estimate behind the memory budget of MIP methods.
inline constexpr double kCbcBytesPerColumn = 1024.0;

inline int64_t memoryBudgetOr(int64_t budget)
{
    return budget > 0 ? budget : kDefaultMemoryBudget;
}
inline int64_t maxMipColumnsOr(int64_t columns)
{
    return columns > 0 ? columns : kDefaultMaxMipColumns;
}

// "6 GiB", "512 MiB", "900 KiB", "12 bytes".
inline std::string formatBytes(double bytes)
{
    const char *units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    const double rounded
        = bytes >= 100 || u == 0 ? double(int64_t(bytes + 0.5)) : double(int64_t(bytes * 10 + 0.5)) / 10;
    std::string text = std::to_string(rounded);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.')
        text.pop_back();
    return text + " " + units[u];
}

} // namespace pipecut
