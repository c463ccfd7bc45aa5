#pragma once
// Graphviz `dot` layout of a Graph, with a hard wall-time budget.
//
// Graphviz (libgvc/libcgraph) keeps global state and is not thread-safe, and a
// running gvLayout cannot be interrupted. So the layout runs in a forked child
// process that builds the cgraph graph, lays it out and streams the node centres
// back through a pipe; the parent waits at most `budgetSeconds` (polling the
// stop token every 50 ms) and kills the child when time is up. A crash inside
// Graphviz therefore cannot take the caller down, and any number of callers may
// run concurrently.
// Complexity: that of dot (network simplex ranking, iterated median crossing
// reduction): roughly quadratic in practice; a few seconds for ~2,000 nodes.
// Deterministic: yes for a given Graphviz version.
// Reference: Gansner, Koutsofios, North, Vo, "A technique for drawing directed
// graphs", IEEE TSE 1993.

#include "core/layout/layout.h"
#include "core/util/result.h"

namespace pipecut {

// Errors: refused, timed out ("dot exceeded its 3 s budget"), cancelled, or
// Graphviz failed. Edges are routed as straight lines (only positions are kept).
Result<Layout> dotLayout(const Graph &graph, const LayoutOptions &options, const StopToken &stop = {});

} // namespace pipecut
