// Writers: pipecut JSON (everything the model holds, numbers in their shortest
// exact form so that a read-write cycle reproduces the file byte for byte) and
// Graphviz DOT (readable again by the DOT reader; with a partition, stage
// colours from Paul Tol's colour-blind-safe "muted" palette).
#include "core/io/graph_io.h"
#include "core/io/readers.h"

#include <array>

namespace pipecut {

namespace {

// DOT quoted strings escape only the double quote (cgraph keeps every other
// backslash and accepts raw newlines), so text round-trips except for a value
// ending in a backslash, which DOT cannot express.
void appendDotString(std::string &out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        if (c == '"')
            out += "\\\"";
        else
            out += c;
    }
    out += '"';
}

// Paul Tol's "muted" qualitative scheme (colour-blind safe), then its pale grey
// for stages beyond nine. Text colour chosen for contrast.
struct StageColour {
    const char *fill;
    const char *font;
};
constexpr std::array<StageColour, 9> kStageColours = { {
    { "#332288", "#ffffff" },
    { "#88CCEE", "#000000" },
    { "#44AA99", "#000000" },
    { "#117733", "#ffffff" },
    { "#999933", "#000000" },
    { "#DDCC77", "#000000" },
    { "#CC6677", "#000000" },
    { "#882255", "#ffffff" },
    { "#AA4499", "#ffffff" },
} };

} // namespace

std::string graphToJson(const Graph &graph)
{
    using io::appendJsonString;
    using io::exactNumber;
    std::string out;
    out.reserve(static_cast<size_t>(graph.nodeCount()) * 96 + static_cast<size_t>(graph.edgeCount()) * 24 + 256);
    out += "{\n  \"format\": \"pipecut-graph\",\n  \"version\": 1,\n  \"name\": ";
    appendJsonString(out, graph.name());
    out += ",\n  \"bandwidth\": " + exactNumber(graph.bandwidth());
    out += ",\n  \"memory_limit\": ";
    out += graph.memoryLimit() ? exactNumber(*graph.memoryLimit()) : std::string("null");
    out += ",\n  \"units\": {\"time\": ";
    appendJsonString(out, graph.units().time);
    out += ", \"size\": ";
    appendJsonString(out, graph.units().size);
    if (!graph.units().param.empty()) {
        out += ", \"param\": ";
        appendJsonString(out, graph.units().param);
    }
    out += "}";
    if (graph.suggestedK() > 0)
        out += ",\n  \"suggested_k\": " + std::to_string(graph.suggestedK());
    if (!graph.notes().empty()) {
        out += ",\n  \"notes\": [";
        for (size_t i = 0; i < graph.notes().size(); ++i) {
            out += i ? ",\n    " : "\n    ";
            appendJsonString(out, graph.notes()[i]);
        }
        out += "\n  ]";
    }
    out += ",\n  \"nodes\": [";
    for (int32_t i = 0; i < graph.nodeCount(); ++i) {
        const NodeId v = nodeId(i);
        out += i ? ",\n    {\"id\": " : "\n    {\"id\": ";
        appendJsonString(out, graph.id(v));
        if (!graph.op(v).empty()) {
            out += ", \"op\": ";
            appendJsonString(out, graph.op(v));
        }
        out += ", \"work\": ";
        out += exactNumber(graph.work(v));
        out += ", \"out\": ";
        out += exactNumber(graph.out(v));
        out += ", \"param\": ";
        out += exactNumber(graph.param(v));
        if (graph.group(v) != kNoGroup) {
            out += ", \"group\": ";
            appendJsonString(out, graph.groupName(graph.group(v)));
        }
        if (!graph.scope(v).empty()) {
            out += ", \"scope\": ";
            appendJsonString(out, graph.scope(v));
        }
        if (graph.number(v) >= 0)
            out += ", \"number\": " + std::to_string(graph.number(v));
        out += '}';
    }
    out += graph.nodeCount() ? "\n  ],\n  \"edges\": [" : "],\n  \"edges\": [";
    bool first = true;
    for (auto [a, b] : graph.edges()) {
        out += first ? "\n    [" : ",\n    [";
        first = false;
        appendJsonString(out, graph.id(a));
        out += ", ";
        appendJsonString(out, graph.id(b));
        out += ']';
    }
    out += first ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

std::string graphToDot(const Graph &graph, const Partition *partition)
{
    // DOT numerals have no exponent: numbers are quoted so that 1e-06 stays one token.
    const auto exactNumber = [](double value) { return "\"" + io::exactNumber(value) + "\""; };
    std::string out;
    out += "digraph ";
    appendDotString(out, graph.name().empty() ? std::string("graph") : graph.name());
    out += " {\n  graph [rankdir=TB, bandwidth=" + exactNumber(graph.bandwidth());
    if (graph.memoryLimit())
        out += ", memory_limit=" + exactNumber(*graph.memoryLimit());
    out += ", units_time=";
    appendDotString(out, graph.units().time);
    out += ", units_size=";
    appendDotString(out, graph.units().size);
    if (!graph.units().param.empty()) {
        out += ", units_param=";
        appendDotString(out, graph.units().param);
    }
    if (graph.suggestedK() > 0)
        out += ", suggested_k=" + std::to_string(graph.suggestedK());
    if (partition)
        out += ", k=" + std::to_string(partition->k());
    out += "];\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#FFFFFF\"];\n";
    const bool usePartition = partition && partition->nodeCount() == graph.nodeCount();
    for (int32_t i = 0; i < graph.nodeCount(); ++i) {
        const NodeId v = nodeId(i);
        out += "  ";
        appendDotString(out, graph.id(v));
        out += " [work=" + exactNumber(graph.work(v)) + ", out=" + exactNumber(graph.out(v))
            + ", param=" + exactNumber(graph.param(v));
        if (!graph.op(v).empty()) {
            out += ", op=";
            appendDotString(out, graph.op(v));
        }
        if (graph.group(v) != kNoGroup) {
            out += ", group=";
            appendDotString(out, graph.groupName(graph.group(v)));
        }
        if (!graph.scope(v).empty()) {
            out += ", scope=";
            appendDotString(out, graph.scope(v));
        }
        if (graph.number(v) >= 0)
            out += ", number=" + std::to_string(graph.number(v));
        if (usePartition) {
            const int32_t s = index(partition->stage(v));
            const StageColour &c = s >= 0 && s < static_cast<int32_t>(kStageColours.size())
                ? kStageColours[s]
                : StageColour { "#DDDDDD", "#000000" };
            out += ", stage=" + std::to_string(s + 1) + ", fillcolor=\"" + c.fill + "\", fontcolor=\"" + c.font + "\"";
        }
        out += "];\n";
    }
    for (auto [a, b] : graph.edges()) {
        out += "  ";
        appendDotString(out, graph.id(a));
        out += " -> ";
        appendDotString(out, graph.id(b));
        out += ";\n";
    }
    out += "}\n";
    return out;
}

} // namespace pipecut
