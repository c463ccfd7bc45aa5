#pragma once
// Small helpers shared by the benchmark programs' argument parsing.

#include "core/graph/topology.h"
#include "core/io/graph_io.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pipecut::bench {

// "a,b,,c" -> {"a", "b", "c"}: the non-empty pieces between separators.
inline std::vector<std::string> splitList(const std::string &s, char sep = ',')
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string::npos)
            end = s.size();
        if (end > start)
            out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// The graph files of the corpus under `root` (paths relative to it, sorted),
// without licences, source notes and expert placements; with `filters`, only
// those containing one of them.
inline std::vector<std::string> corpusFiles(const std::string &root, const std::vector<std::string> &filters)
{
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
        if (!it->is_regular_file())
            continue;
        const std::string rel = fs::relative(it->path(), root).string();
        const std::string ext = it->path().extension().string();
        if ((ext != ".json" && ext != ".txt") || rel.find("LICENSE") != std::string::npos
            || rel.find("SOURCE_COMMIT") != std::string::npos || rel.find("human-experts") != std::string::npos)
            continue;
        bool wanted = filters.empty();
        for (const auto &s : filters)
            wanted = wanted || rel.find(s) != std::string::npos;
        if (wanted)
            files.push_back(rel);
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A graph file, a partition file for it and the graph's units
// (contractGroups), or nothing after printing the error to stderr.
struct GraphAndPartition {
    Graph graph;
    Partition partition;
    Contraction units;
};

inline std::optional<GraphAndPartition> loadGraphAndPartition(const char *graphFile, const char *partitionFile)
{
    auto g = loadGraph(graphFile);
    if (!g) {
        std::fprintf(stderr, "%s\n", g.error().c_str());
        return std::nullopt;
    }
    auto p = loadPartition(partitionFile, *g);
    auto units = contractGroups(*g);
    if (!p || !units) {
        std::fprintf(stderr, "%s\n", p ? units.error().c_str() : p.error().c_str());
        return std::nullopt;
    }
    return GraphAndPartition { std::move(*g), std::move(*p), std::move(*units) };
}

} // namespace pipecut::bench
