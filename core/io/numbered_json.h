#pragma once
// Internal to core/io: what the two Microsoft JSON formats (dnn-partitioning and
// Piper) share. Both number their nodes, list edges as
// {"sourceId", "destId", <cost>} with the cost belonging to the source's output,
// and carry a per-device memory limit and a device count at the top level.

#include "core/graph/graph.h"
#include "core/io/graph_io.h"

#include <simdjson.h>

#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pipecut::io {

// Parses the document and returns its top-level object.
Result<simdjson::dom::object> parseJsonObject(
    simdjson::dom::parser &parser, std::string_view content, const std::string &name);

// A numbered document being read: the parser (which owns the parsed DOM), its
// top-level object and the graph being built.
struct NumberedDocument {
    NumberedDocument(const std::string &name, const char *format)
        : builder(name)
    {
        builder.setFormat(format);
    }
    Status parse(std::string_view content, const std::string &name);

    simdjson::dom::parser parser;
    simdjson::dom::object root;
    GraphBuilder builder;
};

struct NumberedTop {
    simdjson::dom::array nodes, edges;
};
// Reads the optional memory-limit and device-count keys into the builder and
// returns the node and edge arrays, checking the LoadOptions limits.
Result<NumberedTop> readNumberedTop(simdjson::dom::object root, GraphBuilder &builder, const std::string &name,
    const LoadOptions &options, const char *memoryKey, const char *countKey);

// "file: node #3 (id 17)" for messages.
std::string numberedPlace(const std::string &name, size_t i, int64_t number);

// Reads node #i's object, its numeric "id" (into spec.number, registered in
// byNumber, duplicates refused) and its "name" (into spec.op).
Result<simdjson::dom::object> readNumberedNode(simdjson::dom::element item, size_t i, const std::string &name,
    NodeSpec &spec, std::unordered_map<int64_t, int32_t> &byNumber);

// Reads every node of `nodes` with readNumberedNode, then lets `fill` read the
// format's own fields; `place` names the node for messages.
using NumberedFieldsFn = std::function<Status(simdjson::dom::object obj, NodeSpec &spec, const std::string &place)>;
Result<std::vector<NodeSpec>> readNumberedNodes(simdjson::dom::array nodes, const std::string &name,
    std::unordered_map<int64_t, int32_t> &byNumber, const NumberedFieldsFn &fill);

struct NumberedEdges {
    std::vector<std::pair<int32_t, int32_t>> pairs; // by index into the node list
    std::vector<double> out; // per node: the largest cost on its out-edges, -inf if none
    int64_t differing = 0; // out-edges whose cost differs from an earlier one
};
Result<NumberedEdges> readNumberedEdges(simdjson::dom::array edges, const std::string &name,
    const std::unordered_map<int64_t, int32_t> &byNumber, size_t nodeCount, const char *costKey);

// Adds the nodes and edges. Each spec holds its file name in `op` and its number
// in `number`; ids become the names when all are present and unique, else the
// numbers (the name then stays as op). Returns whether names were used.
bool addNumberedGraph(GraphBuilder &builder, std::vector<NodeSpec> specs, const NumberedEdges &edges);

} // namespace pipecut::io
