#pragma once
// Small helpers shared by the benchmark programs' argument parsing.

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

} // namespace pipecut::bench
