#pragma once
// Test and benchmark support (header-only, so that benchmarks can use it
// without the Qt Test library): the corpus' graph files, as paths relative to
// the corpus root, sorted. A graph file is a JSON file outside the human-expert
// placements, a PipeDream graph.txt, or a profile under test_graphs/.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace pipecut::test {

// Those whose relative path contains `filter` (all when it is empty).
inline std::vector<std::string> corpusGraphFiles(const std::string &root, const std::string &filter = {})
{
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    const fs::path base(root);
    for (const auto &e : fs::recursive_directory_iterator(base)) {
        if (!e.is_regular_file())
            continue;
        const std::string rel = fs::relative(e.path(), base).generic_string();
        const bool json = e.path().extension() == ".json" && rel.find("human-experts") == std::string::npos;
        const bool profile = e.path().extension() == ".txt"
            && (e.path().filename() == "graph.txt" || rel.find("test_graphs/") != std::string::npos);
        if ((json || profile) && rel.find(filter) != std::string::npos)
            files.push_back(rel);
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace pipecut::test
