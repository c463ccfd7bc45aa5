#pragma once
// Layout data for drawing a Graph: one centre point per node, plus what produced
// it. Two engines fill it:
//  - layered_layout.h: a fast layered (Sugiyama-style) layout of our own, linear
//    per sweep, for graphs of any size;
//  - dot_layout.h: Graphviz `dot`, run in a child process with a time budget.
// computeLayout() picks between them and falls back to the layered layout when
// dot is refused (too large), fails or exceeds its budget, saying so in `notes`.
//
// Coordinates: +y goes down the screen (Qt's convention). In TopToBottom
// direction every edge (u, v) has y(u) < y(v); in LeftToRight, x(u) < x(v).

#include "core/graph/graph.h"
#include "core/util/progress.h"

#include <string>
#include <vector>

namespace pipecut {

enum class LayoutDirection { TopToBottom, LeftToRight };

struct LayoutOptions {
    enum class Engine { Auto, Dot, Layered };
    Engine engine = Engine::Auto;
    LayoutDirection direction = LayoutDirection::TopToBottom;
    double nodeWidth = 120.0; // box size every node is given (scene units)
    double nodeHeight = 36.0;
    double rankGap = 40.0; // free space between consecutive layers
    double nodeGap = 16.0; // free space between neighbours in one layer
    double budgetSeconds = 3.0; // dot's wall-time budget
    int dotNodeLimit = 1500; // Auto: larger graphs go straight to the layered layout
    int sweeps = 8; // layered: barycentric down+up sweep pairs
};

struct LayoutPoint {
    double x = 0.0;
    double y = 0.0;
};

struct Layout {
    std::vector<LayoutPoint> centres; // one per node, by node index
    double width = 0.0; // bounding box of the node boxes, from (0, 0)
    double height = 0.0;
    std::string engine; // "dot" or "layered"
    double seconds = 0.0;
    std::vector<std::string> notes; // e.g. "dot exceeded its 3 s budget; used the layered layout"
    bool cancelled = false;
};

// Runs the chosen engine; never fails (the layered layout always succeeds).
// The stop token aborts dot and the layered sweeps; a cancelled layout still
// holds valid (less polished) positions.
Layout computeLayout(const Graph &graph, const LayoutOptions &options, const StopToken &stop = {});

} // namespace pipecut
