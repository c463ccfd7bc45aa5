#include "core/graph/scope.h"

#include <algorithm>

namespace pipecut {

int scopeDepth(std::string_view scope)
{
    return scope.empty() ? 0 : 1 + static_cast<int>(std::count(scope.begin(), scope.end(), '/'));
}

size_t scopePrefixLength(std::string_view scope, int depth)
{
    size_t end = 0;
    for (int d = 0; d < depth; ++d) {
        end = scope.find('/', d == 0 ? 0 : end + 1);
        if (end == std::string_view::npos)
            return scope.size();
    }
    return end;
}

std::string scopePrefix(std::string_view scope, int depth)
{
    return std::string(scope.substr(0, scopePrefixLength(scope, depth)));
}

bool inScope(std::string_view scope, std::string_view prefix)
{
    return scope.size() >= prefix.size() && scope.compare(0, prefix.size(), prefix) == 0
        && (scope.size() == prefix.size() || scope[prefix.size()] == '/');
}

} // namespace pipecut
