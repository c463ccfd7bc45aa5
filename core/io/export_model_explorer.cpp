// Per-node data for Google's Model Explorer (google-ai-edge/model-explorer).
// The file is one NodeDataProviderGraphData object as its UI declares it
// (src/ui/.../common/types.ts, and GraphNodeData in the Python package's
// node_data_builder.py): "results" maps a node key (a node id, or any output
// tensor name of a node) to {"value", "bgColor"}; "gradient" colours numeric
// values from the minimum (stop 0) to the maximum (stop 1); a per-node
// "bgColor" overrides it. "name" labels the run in the viewer.
#include "core/cost/evaluate.h"
#include "core/io/export_json.h"
#include "core/io/exports.h"

#include <cmath>
#include <cstdio>

namespace pipecut {

std::string overlayStageColour(int stage)
{
    // Golden-angle hue steps; pastel (light) backgrounds keep black labels readable.
    const double hue = std::fmod(stage * 137.50776405003785, 360.0) / 60.0;
    const double s = 0.60, l = 0.78;
    const double c = (1 - std::fabs(2 * l - 1)) * s;
    const double x = c * (1 - std::fabs(std::fmod(hue, 2.0) - 1));
    double r = 0, g = 0, b = 0;
    switch (static_cast<int>(hue)) {
    case 0:
        r = c, g = x;
        break;
    case 1:
        r = x, g = c;
        break;
    case 2:
        g = c, b = x;
        break;
    case 3:
        g = x, b = c;
        break;
    case 4:
        r = x, b = c;
        break;
    default:
        r = c, b = x;
        break;
    }
    const double m = l - c / 2;
    const auto channel = [m](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", channel(r), channel(g), channel(b));
    return buf;
}

std::string exportModelExplorerOverlay(
    const Graph &graph, const CostParams &params, const Partition &partition, OverlayMetric metric)
{
    const Evaluation ev = evaluate(graph, params, partition);
    const std::string name = "pipecut " + std::string(overlayMetricName(metric))
        + " (k=" + std::to_string(partition.k()) + ", bottleneck " + formatNumber(ev.bottleneck) + " in stage "
        + std::to_string(ev.bottleneckStage + 1) + ")";
    const auto result = [&](NodeId v) {
        const int s = index(partition.stage(v));
        std::string entry = io::jsonQuote(graph.id(v)) + ": {\"value\": ";
        switch (metric) {
        case OverlayMetric::Stage:
            return entry + std::to_string(s + 1) + ", \"bgColor\": " + io::jsonQuote(overlayStageColour(s)) + "}";
        case OverlayMetric::StageCost:
            return entry + io::exactNumber(ev.stages[s].cost) + "}";
        case OverlayMetric::Work:
            break;
        }
        return entry + io::exactNumber(graph.work(v)) + "}";
    };
    std::string out = "{\n  \"name\": " + io::jsonQuote(name) + ",\n  \"results\": {";
    bool first = true;
    for (int32_t i = 0; i < graph.nodeCount(); ++i) {
        out += first ? "\n    " : ",\n    ";
        first = false;
        out += result(nodeId(i));
    }
    out += first ? "}" : "\n  }";
    if (metric != OverlayMetric::Stage) {
        // ColorBrewer OrRd: pale for cheap, dark red (with white labels) for the most expensive.
        out += ",\n  \"gradient\": [\n"
               "    {\"stop\": 0, \"bgColor\": \"#fff7ec\", \"textColor\": \"#000000\"},\n"
               "    {\"stop\": 0.5, \"bgColor\": \"#fc8d59\", \"textColor\": \"#000000\"},\n"
               "    {\"stop\": 1, \"bgColor\": \"#b30000\", \"textColor\": \"#ffffff\"}\n  ]";
    }
    return out + "\n}\n";
}

} // namespace pipecut
