#pragma once
// Scopes: the '/'-separated module paths of the nodes ("encoder/layer_3/attn"),
// shared by the scope collapse of the drawing and the explorer's scope groups.
// Example: scopeDepth("a/b/c") = 3, scopePrefix("a/b/c", 2) = "a/b",
// inScope("a/b/c", "a/b") but not inScope("a/bc", "a/b").

#include <cstddef>
#include <string>
#include <string_view>

namespace pipecut {

// Number of components ("" has none).
int scopeDepth(std::string_view scope);
// Length of the first `depth` components (all of the scope when it has fewer; 0 at depth 0).
size_t scopePrefixLength(std::string_view scope, int depth);
// The first `depth` components ("a/b/c", 2 -> "a/b"; shorter scopes whole; "" at depth 0).
std::string scopePrefix(std::string_view scope, int depth);
// Whether `scope` is `prefix` or lies below it (the prefix ends at a '/').
bool inScope(std::string_view scope, std::string_view prefix);

} // namespace pipecut
