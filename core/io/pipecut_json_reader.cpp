// pipecut JSON (SPEC 3), the native format:
//   {"format": "pipecut-graph", "version": 1, "name": "...", "bandwidth": 1.0,
//    "memory_limit": null, "units": {"time": "ms", "size": "bytes"},
//    "nodes": [{"id": "n1", "op": "MatMul", "work": 0.7, "out": 2048, "param": 0,
//               "group": "g1", "scope": "encoder/layer_0"}],
//    "edges": [["n1", "n2"]]}
// Required per node: id, work, out. Strict: a required field that is missing or
// of the wrong type names the node's index and id; an unknown "format" or a
// newer "version" is refused. Unknown keys are ignored (forward compatibility).
// Extensions written by graphToJson: "suggested_k", "notes", node "number".
#include "core/io/json_support.h"
#include "core/io/numbered_json.h"
#include "core/io/readers.h"

namespace pipecut::io {

namespace {

using simdjson::dom::element;

std::string nodePlace(const std::string &name, size_t i, std::string_view id)
{
    std::string s = name + ": node #" + std::to_string(i + 1);
    if (!id.empty())
        s += " (id '" + std::string(id) + "')";
    return s;
}

// The node's id for a message, when it has one that is a string.
std::string_view idOf(simdjson::dom::object node)
{
    std::string_view id;
    if (node["id"].get_string().get(id))
        return {};
    return id;
}

} // namespace

Result<Graph> readPipecutJson(std::string_view content, const std::string &name, const LoadOptions &options)
{
    simdjson::dom::parser parser;
    auto parsedRoot = parseJsonObject(parser, content, name);
    if (!parsedRoot.ok())
        return makeError(parsedRoot.error());
    simdjson::dom::object root = *parsedRoot;

    GraphBuilder builder(name);
    builder.setFormat("pipecut-json");

    element value;
    if (!root["format"].get(value)) {
        std::string_view format;
        if (value.get_string().get(format))
            return makeError(name + ": \"format\" " + jsonTypeMismatch("a string", value));
        if (format != "pipecut-graph")
            return makeError(name + ": unknown format '" + std::string(format) +
                             "' (this reader knows \"pipecut-graph\")");
    }
    if (!root["version"].get(value)) {
        auto version = jsonInteger(value);
        if (!version)
            return makeError(name + ": \"version\" " + jsonTypeMismatch("an integer", value));
        if (*version != 1)
            return makeError(name + ": version " + std::to_string(*version) +
                             " is not supported (this reader knows version 1)");
    }
    if (!root["name"].get(value)) {
        std::string_view graphName;
        if (value.get_string().get(graphName))
            return makeError(name + ": \"name\" " + jsonTypeMismatch("a string", value));
        builder.setName(std::string(graphName));
    }
    if (!root["bandwidth"].get(value)) {
        auto b = jsonNumber(value);
        if (!b)
            return makeError(name + ": \"bandwidth\" " + jsonTypeMismatch("a number", value));
        builder.setBandwidth(*b);
    }
    if (!root["memory_limit"].get(value) && !value.is_null()) {
        auto m = jsonNumber(value);
        if (!m)
            return makeError(name + ": \"memory_limit\" " + jsonTypeMismatch("a number or null", value));
        builder.setMemoryLimit(*m);
    }
    if (!root["units"].get(value) && !value.is_null()) {
        simdjson::dom::object units;
        if (value.get_object().get(units))
            return makeError(name + ": \"units\" " + jsonTypeMismatch("an object", value));
        Units u;
        for (auto [key, field] : units) {
            std::string_view text;
            if (field.get_string().get(text))
                return makeError(name + ": units \"" + std::string(key) + "\" " + jsonTypeMismatch("a string", field));
            if (key == "time")
                u.time = std::string(text);
            else if (key == "size")
                u.size = std::string(text);
        }
        builder.setUnits(std::move(u));
    }
    if (!root["suggested_k"].get(value) && !value.is_null()) {
        auto k = jsonInteger(value);
        if (!k || *k < 0 || *k > 1'000'000)
            return makeError(name + ": \"suggested_k\" must be a non-negative integer");
        builder.setSuggestedK(static_cast<int>(*k));
    }
    if (!root["notes"].get(value)) {
        simdjson::dom::array notes;
        if (value.get_array().get(notes))
            return makeError(name + ": \"notes\" " + jsonTypeMismatch("an array of strings", value));
        for (element note : notes) {
            std::string_view text;
            if (note.get_string().get(text))
                return makeError(name + ": \"notes\" " + jsonTypeMismatch("an array of strings", note));
            builder.addNote(std::string(text));
        }
    }

    simdjson::dom::array nodes, edges;
    if (root["nodes"].get(value))
        return makeError(name + ": missing \"nodes\" (an array of node objects)");
    if (value.get_array().get(nodes))
        return makeError(name + ": \"nodes\" " + jsonTypeMismatch("an array", value));
    bool hasEdges = false;
    if (!root["edges"].get(value)) {
        if (value.get_array().get(edges))
            return makeError(name + ": \"edges\" " + jsonTypeMismatch("an array", value));
        hasEdges = true;
    }
    const size_t nodeCount = nodes.size();
    const size_t edgeCount = hasEdges ? edges.size() : 0;
    if (auto limits = checkCounts(name, static_cast<int64_t>(nodeCount), static_cast<int64_t>(edgeCount), options); !limits.ok())
        return makeError(limits.error());
    builder.reserve(nodeCount, edgeCount);

    size_t i = 0;
    for (element item : nodes) {
        simdjson::dom::object node;
        if (item.get_object().get(node))
            return makeError(nodePlace(name, i, {}) + " " + jsonTypeMismatch("an object", item));
        NodeSpec spec;
        bool hasId = false, hasWork = false, hasOut = false;
        // One pass over the fields, so a node costs one scan however it is ordered.
        for (auto [key, field] : node) {
            std::string_view text;
            if (key == "id") {
                if (field.get_string().get(text))
                    return makeError(nodePlace(name, i, {}) + ": \"id\" " + jsonTypeMismatch("a string", field));
                spec.id = std::string(text);
                hasId = true;
            } else if (key == "work" || key == "out" || key == "param") {
                auto number = jsonNumber(field);
                if (!number) {
                    // The id may come after this field: find it for the message.
                    const std::string_view id = idOf(node);
                    return makeError(nodePlace(name, i, id) + ": \"" + std::string(key) + "\" " +
                                     jsonTypeMismatch("a number", field));
                }
                if (key == "work") {
                    spec.work = *number;
                    hasWork = true;
                } else if (key == "out") {
                    spec.out = *number;
                    hasOut = true;
                } else {
                    spec.param = *number;
                }
            } else if (key == "op" || key == "scope" || key == "group") {
                if (field.is_null())
                    continue;
                if (field.get_string().get(text)) {
                    const std::string_view id = idOf(node);
                    return makeError(nodePlace(name, i, id) + ": \"" + std::string(key) + "\" " +
                                     jsonTypeMismatch("a string", field));
                }
                (key == "op" ? spec.op : key == "scope" ? spec.scope : spec.group) = std::string(text);
            } else if (key == "number") {
                auto number = jsonInteger(field);
                if (!number || *number < 0) {
                    const std::string_view id = idOf(node);
                    return makeError(nodePlace(name, i, id) + ": \"number\" must be a non-negative integer");
                }
                spec.number = *number;
            }
        }
        if (!hasId)
            return makeError(nodePlace(name, i, {}) + ": missing \"id\"");
        if (!hasWork)
            return makeError(nodePlace(name, i, spec.id) + ": missing \"work\"");
        if (!hasOut)
            return makeError(nodePlace(name, i, spec.id) + ": missing \"out\"");
        builder.addNode(std::move(spec));
        ++i;
    }

    if (hasEdges) {
        size_t e = 0;
        for (element item : edges) {
            simdjson::dom::array pair;
            std::string_view from, to;
            const auto place = [&] { return name + ": edge #" + std::to_string(e + 1); };
            if (item.get_array().get(pair))
                return makeError(place() + " " + jsonTypeMismatch("an array [from, to]", item));
            if (pair.size() != 2)
                return makeError(place() + " must have exactly 2 entries [from, to], not " + std::to_string(pair.size()));
            element a = pair.at(0).value_unsafe(), b = pair.at(1).value_unsafe();
            if (a.get_string().get(from))
                return makeError(place() + ": the source " + jsonTypeMismatch("a node id string", a));
            if (b.get_string().get(to))
                return makeError(place() + ": the target " + jsonTypeMismatch("a node id string", b));
            builder.addEdge(std::string(from), std::string(to));
            ++e;
        }
    }
    return builder.build();
}

} // namespace pipecut::io
