#include "core/layout/layered_layout.h"

#include <algorithm>
#include <chrono>
#include <numeric>

namespace pipecut {

std::vector<int32_t> layerAssignment(const Graph &graph)
{
    const int32_t n = graph.nodeCount();
    std::vector<int32_t> layer(static_cast<size_t>(n), 0);
    for (NodeId v : graph.topologicalOrder())
        for (NodeId u : graph.predecessors(v))
            layer[index(v)] = std::max(layer[index(v)], layer[index(u)] + 1);
    // Sources with successors move down next to their first consumer: this
    // only raises their layer while keeping it below every successor.
    for (int32_t v = 0; v < n; ++v) {
        if (graph.inDegree(nodeId(v)) != 0 || graph.outDegree(nodeId(v)) == 0)
            continue;
        int32_t lowest = INT32_MAX;
        for (NodeId w : graph.successors(nodeId(v)))
            lowest = std::min(lowest, layer[index(w)]);
        layer[v] = std::max(layer[v], lowest - 1);
    }
    return layer;
}

namespace {

// Least-squares fit of x to `desired` subject to x[i+1] - x[i] >= pitch, by
// pool-adjacent-violators on desired[i] - i * pitch (a non-decreasing fit).
void placeInOrder(std::vector<double> &desired, double pitch)
{
    const size_t count = desired.size();
    struct Block {
        double sum;
        int32_t size;
        double mean() const { return sum / size; }
    };
    std::vector<Block> blocks;
    blocks.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        blocks.push_back({ desired[i] - static_cast<double>(i) * pitch, 1 });
        while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
            Block last = blocks.back();
            blocks.pop_back();
            blocks.back().sum += last.sum;
            blocks.back().size += last.size;
        }
    }
    size_t i = 0;
    for (const Block &b : blocks)
        for (int32_t j = 0; j < b.size; ++j, ++i)
            desired[i] = b.mean() + static_cast<double>(i) * pitch;
}

class LayeredLayout {
public:
    LayeredLayout(const Graph &graph, const LayoutOptions &options)
        : m_graph(graph)
        , m_options(options)
        , m_pitch(options.nodeWidth + options.nodeGap)
    {
    }

    Layout run(const StopToken &stop)
    {
        const auto start = std::chrono::steady_clock::now();
        Layout layout;
        layout.engine = "layered";
        m_layer = layerAssignment(m_graph);
        buildLayers();
        for (int s = 0; s < m_options.sweeps && !stop.stopRequested(); ++s) {
            sweep(true);
            sweep(false);
        }
        for (int pass = 0; pass < 2 && !stop.stopRequested(); ++pass) {
            placePass(true);
            placePass(false);
        }
        layout.cancelled = stop.stopRequested();
        finish(layout);
        layout.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return layout;
    }

private:
    void buildLayers()
    {
        const int32_t n = m_graph.nodeCount();
        int32_t layers = 0;
        for (int32_t l : m_layer)
            layers = std::max(layers, l + 1);
        m_layers.assign(static_cast<size_t>(layers), {});
        // Initial order: topological order, which keeps chains of one branch together.
        for (NodeId v : m_graph.topologicalOrder())
            m_layers[m_layer[index(v)]].push_back(index(v));
        m_x.assign(static_cast<size_t>(n), 0.0);
        for (auto &nodes : m_layers)
            assignCentred(nodes);
    }

    void assignCentred(const std::vector<int32_t> &nodes)
    {
        const double offset = -0.5 * static_cast<double>(nodes.size() - 1) * m_pitch;
        for (size_t i = 0; i < nodes.size(); ++i)
            m_x[nodes[i]] = offset + static_cast<double>(i) * m_pitch;
    }

    // Mean x of the neighbours on the side we sweep from; the node's own x when none.
    double neighbourMean(int32_t v, bool fromAbove) const
    {
        auto neighbours = fromAbove ? m_graph.predecessors(nodeId(v)) : m_graph.successors(nodeId(v));
        if (neighbours.empty())
            return m_x[v];
        double sum = 0.0;
        for (NodeId u : neighbours)
            sum += m_x[index(u)];
        return sum / static_cast<double>(neighbours.size());
    }

    void sweep(bool down)
    {
        const int32_t layers = static_cast<int32_t>(m_layers.size());
        std::vector<std::pair<double, int32_t>> keyed;
        for (int32_t i = 0; i < layers; ++i) {
            auto &nodes = m_layers[down ? i : layers - 1 - i];
            keyed.clear();
            for (int32_t v : nodes)
                keyed.emplace_back(neighbourMean(v, down), v);
            std::stable_sort(
                keyed.begin(), keyed.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
            for (size_t j = 0; j < nodes.size(); ++j)
                nodes[j] = keyed[j].second;
            assignCentred(nodes);
        }
    }

    void placePass(bool down)
    {
        const int32_t layers = static_cast<int32_t>(m_layers.size());
        std::vector<double> desired;
        for (int32_t i = 0; i < layers; ++i) {
            const auto &nodes = m_layers[down ? i : layers - 1 - i];
            desired.clear();
            for (int32_t v : nodes)
                desired.push_back(neighbourMean(v, down));
            placeInOrder(desired, m_pitch);
            for (size_t j = 0; j < nodes.size(); ++j)
                m_x[nodes[j]] = desired[j];
        }
    }

    void finish(Layout &layout) const
    {
        const int32_t n = m_graph.nodeCount();
        double minX = 0.0, maxX = 0.0;
        if (n > 0) {
            auto [lo, hi] = std::minmax_element(m_x.begin(), m_x.end());
            minX = *lo;
            maxX = *hi;
        }
        const bool vertical = m_options.direction == LayoutDirection::TopToBottom;
        const double along = (vertical ? m_options.nodeHeight : m_options.nodeWidth) + m_options.rankGap;
        const double acrossSize = vertical ? m_options.nodeWidth : m_options.nodeHeight;
        const double alongSize = vertical ? m_options.nodeHeight : m_options.nodeWidth;
        // Across the layers the pitch was computed with nodeWidth; in LeftToRight the
        // boxes are only nodeHeight tall there, so scale the cross axis accordingly.
        const double acrossScale = vertical ? 1.0 : (m_options.nodeHeight + m_options.nodeGap) / m_pitch;
        layout.centres.resize(static_cast<size_t>(n));
        for (int32_t v = 0; v < n; ++v) {
            const double across = (m_x[v] - minX) * acrossScale + acrossSize / 2;
            const double alongPos = m_layer[v] * along + alongSize / 2;
            layout.centres[v] = vertical ? LayoutPoint { across, alongPos } : LayoutPoint { alongPos, across };
        }
        const double acrossExtent = (maxX - minX) * acrossScale + acrossSize;
        const double alongExtent = static_cast<double>(m_layers.size()) * along - m_options.rankGap;
        layout.width = n == 0 ? 0.0 : (vertical ? acrossExtent : alongExtent);
        layout.height = n == 0 ? 0.0 : (vertical ? alongExtent : acrossExtent);
    }

    const Graph &m_graph;
    const LayoutOptions &m_options;
    double m_pitch;
    std::vector<int32_t> m_layer;
    std::vector<std::vector<int32_t>> m_layers;
    std::vector<double> m_x;
};

} // namespace

Layout layeredLayout(const Graph &graph, const LayoutOptions &options, const StopToken &stop)
{
    return LayeredLayout(graph, options).run(stop);
}

} // namespace pipecut
