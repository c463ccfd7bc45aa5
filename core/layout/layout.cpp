#include "core/layout/layout.h"

#include "core/layout/dot_layout.h"
#include "core/layout/layered_layout.h"

#include <cstdio>

namespace pipecut {

Layout computeLayout(const Graph &graph, const LayoutOptions &options, const StopToken &stop)
{
    using Engine = LayoutOptions::Engine;
    std::string why;
    const bool tooLarge = graph.nodeCount() > options.dotNodeLimit;
    if (options.engine == Engine::Dot || (options.engine == Engine::Auto && !tooLarge)) {
        Deadline clock;
        auto dot = dotLayout(graph, options, stop);
        if (dot.ok())
            return std::move(dot).value();
        why = dot.error();
        if (stop.stopRequested()) {
            Layout layout = layeredLayout(graph, options, stop);
            layout.notes.push_back(why);
            return layout;
        }
        char buf[48];
        std::snprintf(buf, sizeof buf, " after %.1f s", clock.elapsed());
        why += buf;
    } else if (options.engine == Engine::Auto) {
        why = "dot skipped: " + std::to_string(graph.nodeCount()) + " nodes > " + std::to_string(options.dotNodeLimit);
    }
    Layout layout = layeredLayout(graph, options, stop);
    if (!why.empty())
        layout.notes.push_back(why + "; used the layered layout");
    return layout;
}

} // namespace pipecut
