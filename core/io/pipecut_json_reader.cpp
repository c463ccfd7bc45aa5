// pipecut JSON (docs/model.md §5), the native format:
//   {"format": "pipecut-graph", "version": 1, "name": "...", "bandwidth": 1.0,
//    "memory_limit": null, "units": {"time": "ms", "size": "bytes"},
//    "nodes": [{"id": "n1", "op": "MatMul", "work": 0.7, "out": 2048, "param": 0,
//               "group": "g1", "scope": "encoder/layer_0"}],
//    "edges": [["n1", "n2"]]}
// Required per node: id, work, out. Strict: a required field that is missing or
// of the wrong type names the node's index and id; an unknown "format" or a
// newer "version" is refused. Unknown keys are ignored (forward compatibility).
// Extensions written by graphToJson: "suggested_k", "notes", node "number".
//
// Two passes share one field mapping: a fast one with simdjson's On-Demand API
// (no DOM: a million-node file touches a third of the memory, which is what
// dominates load time), and, only when the fast pass meets anything unexpected,
// the checking pass over a DOM that names the place of the problem. The fast
// pass skips the values of unknown keys without validating them.
#include "core/io/json_support.h"
#include "core/io/numbered_json.h"
#include "core/io/readers.h"

#include <algorithm>
#include <vector>

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

// Node keys, shared by both passes.
enum class NodeKey { Id, Work, Out, Param, Op, Scope, Group, Number, Other };

NodeKey nodeKey(std::string_view key)
{
    if (key == "id")
        return NodeKey::Id;
    if (key == "work")
        return NodeKey::Work;
    if (key == "out")
        return NodeKey::Out;
    if (key == "param")
        return NodeKey::Param;
    if (key == "op")
        return NodeKey::Op;
    if (key == "scope")
        return NodeKey::Scope;
    if (key == "group")
        return NodeKey::Group;
    if (key == "number")
        return NodeKey::Number;
    return NodeKey::Other;
}

double *numberField(NodeSpec &spec, NodeKey key)
{
    return key == NodeKey::Work ? &spec.work
        : key == NodeKey::Out   ? &spec.out
        : key == NodeKey::Param ? &spec.param
                                : nullptr;
}

std::string *textField(NodeSpec &spec, NodeKey key)
{
    return key == NodeKey::Op   ? &spec.op
        : key == NodeKey::Scope ? &spec.scope
        : key == NodeKey::Group ? &spec.group
                                : nullptr;
}

// A string token's text straight from the input, sparing its copy into the
// parser's string buffer (on a million-node file a fifth of the pages the load
// touched). False for a string with escapes: the fast pass then gives up and
// the checking pass, which unescapes, reads the file.
bool plainText(simdjson::ondemand::raw_json_string raw, std::string_view &text)
{
    const char *begin = raw.raw();
    const char *end = begin;
    while (*end != '"' && *end != '\\')
        ++end;
    if (*end == '\\')
        return false;
    text = std::string_view(begin, static_cast<size_t>(end - begin));
    return true;
}

// The fast pass over "nodes"; false when anything is unexpected.
bool readFastNodes(simdjson::ondemand::value &value, GraphBuilder &builder, const LoadOptions &options)
{
    namespace od = simdjson::ondemand;
    std::string_view text;
    od::array nodes;
    size_t count = 0;
    if (value.get_array().get(nodes) || nodes.count_elements().get(count))
        return false;
    if (count > static_cast<size_t>(options.maxNodes))
        return false; // the checking pass states the limit
    builder.reserve(count, 0);
    for (auto item : nodes) {
        od::object node;
        if (item.get_object().get(node))
            return false;
        NodeSpec spec;
        int seen = 0; // bits: id, work, out
        for (auto nf : node) {
            std::string_view nkey;
            od::raw_json_string rawKey, rawText;
            od::value nvalue;
            if (nf.key().get(rawKey) || !plainText(rawKey, nkey) || nf.value().get(nvalue))
                return false;
            const NodeKey k = nodeKey(nkey);
            const int bit = 8 << static_cast<int>(k);
            if (seen & bit)
                return false; // a duplicate key: the checking pass refuses it
            seen |= bit;
            if (k == NodeKey::Id) {
                if (nvalue.get_raw_json_string().get(rawText) || !plainText(rawText, text))
                    return false;
                spec.id = std::string(text);
                seen |= 1;
            } else if (double *target = numberField(spec, k)) {
                if (nvalue.get_double().get(*target))
                    return false;
                seen |= k == NodeKey::Work ? 2 : k == NodeKey::Out ? 4 : 0;
            } else if (std::string *target = textField(spec, k)) {
                bool null = false;
                if (nvalue.is_null().get(null))
                    return false;
                if (!null) {
                    if (nvalue.get_raw_json_string().get(rawText) || !plainText(rawText, text))
                        return false;
                    *target = std::string(text);
                }
            } else if (k == NodeKey::Number) {
                if (nvalue.get_int64().get(spec.number) || spec.number < 0)
                    return false;
            } else {
                return false; // On-Demand skips a value unread: the DOM pass validates it
            }
        }
        if ((seen & 7) != 7)
            return false;
        builder.addNode(std::move(spec));
    }
    return true;
}

// The fast pass over "edges"; false when anything is unexpected.
bool readFastEdges(simdjson::ondemand::value &value, GraphBuilder &builder, const LoadOptions &options)
{
    namespace od = simdjson::ondemand;
    od::array edges;
    size_t count = 0;
    if (value.get_array().get(edges) || edges.count_elements().get(count))
        return false;
    if (count > static_cast<size_t>(options.maxEdges))
        return false;
    builder.reserve(static_cast<size_t>(builder.nodeCount()), count);
    for (auto item : edges) {
        od::array pair;
        if (item.get_array().get(pair))
            return false;
        std::string_view ends[2];
        int n = 0;
        for (auto end : pair) {
            od::raw_json_string raw;
            if (n == 2 || end.get_raw_json_string().get(raw) || !plainText(raw, ends[n]))
                return false;
            ++n;
        }
        if (n != 2)
            return false;
        // By index when the nodes came first (as pipecut writes them).
        const int32_t from = builder.findNode(ends[0]);
        const int32_t to = from < 0 ? -1 : builder.findNode(ends[1]);
        if (to >= 0)
            builder.addEdge(from, to);
        else
            builder.addEdge(std::string(ends[0]), std::string(ends[1]));
    }
    return true;
}

// The fast pass: nothing when anything is unexpected (the checking pass then
// explains it), else the built graph or the builder's validation error.
std::optional<Result<Graph>> readFast(std::string_view content, const std::string &name, const LoadOptions &options)
{
    namespace od = simdjson::ondemand;
    od::parser parser;
    od::document doc;
    if (parser.iterate(content.data(), content.size(), content.size() + kJsonPadding).get(doc))
        return std::nullopt;
    od::object root;
    if (doc.get_object().get(root))
        return std::nullopt;
    GraphBuilder builder(name);
    builder.setFormat("pipecut-json");
    bool hasNodes = false;
    std::vector<std::string_view> keys; // a duplicate key goes to the checking pass, which refuses it
    for (auto field : root) {
        std::string_view key, text;
        od::value value;
        if (field.unescaped_key().get(key) || field.value().get(value))
            return std::nullopt;
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            return std::nullopt;
        keys.push_back(key);
        if (key == "nodes") {
            if (!readFastNodes(value, builder, options))
                return std::nullopt;
            hasNodes = true;
        } else if (key == "edges") {
            if (!readFastEdges(value, builder, options))
                return std::nullopt;
        } else if (key == "format") {
            if (value.get_string().get(text) || text != "pipecut-graph")
                return std::nullopt;
        } else if (key == "version") {
            int64_t version = 0;
            if (value.get_int64().get(version) || version != 1)
                return std::nullopt;
        } else if (key == "name") {
            if (value.get_string().get(text))
                return std::nullopt;
            builder.setName(std::string(text));
        } else if (key == "bandwidth") {
            double b = 0;
            if (value.get_double().get(b))
                return std::nullopt;
            builder.setBandwidth(b);
        } else if (key == "memory_limit") {
            bool null = false;
            double m = 0;
            if (value.is_null().get(null))
                return std::nullopt;
            if (!null) {
                if (value.get_double().get(m))
                    return std::nullopt;
                builder.setMemoryLimit(m);
            }
        } else if (key == "units") {
            od::object units;
            if (value.get_object().get(units))
                return std::nullopt;
            Units u;
            int unitsSeen = 0;
            for (auto uf : units) {
                std::string_view ukey;
                if (uf.unescaped_key().get(ukey) || uf.value().get_string().get(text))
                    return std::nullopt;
                const int bit = ukey == "time" ? 1 : ukey == "size" ? 2 : ukey == "param" ? 4 : 0;
                if (unitsSeen & bit)
                    return std::nullopt;
                unitsSeen |= bit;
                if (ukey == "time")
                    u.time = std::string(text);
                else if (ukey == "size")
                    u.size = std::string(text);
                else if (ukey == "param")
                    u.param = std::string(text);
            }
            builder.setUnits(std::move(u));
        } else if (key == "suggested_k") {
            int64_t k = 0;
            if (value.get_int64().get(k) || k < 0 || k > 1'000'000)
                return std::nullopt;
            builder.setSuggestedK(static_cast<int>(k));
        } else if (key == "notes") {
            od::array notes;
            if (value.get_array().get(notes))
                return std::nullopt;
            for (auto note : notes) {
                if (note.get_string().get(text))
                    return std::nullopt;
                builder.addNote(std::string(text));
            }
        } else {
            return std::nullopt; // an unknown key's value would be skipped unvalidated
        }
    }
    // At the end of the text current_location() fails; trailing content is unexpected.
    const char *trailing = nullptr;
    if (!hasNodes || !doc.current_location().get(trailing))
        return std::nullopt;
    return builder.build();
}

// The checking pass over the graph's fields other than "nodes" and "edges".
Status readHeaderChecked(simdjson::dom::object root, const std::string &name, GraphBuilder &builder)
{
    element value;
    if (!root["format"].get(value)) {
        std::string_view format;
        if (value.get_string().get(format))
            return makeError(name + ": \"format\" " + jsonTypeMismatch("a string", value));
        if (format != "pipecut-graph")
            return makeError(
                name + ": unknown format '" + std::string(format) + "' (this reader knows \"pipecut-graph\")");
    }
    if (!root["version"].get(value)) {
        auto version = jsonInteger(value);
        if (!version)
            return makeError(name + ": \"version\" " + jsonTypeMismatch("an integer", value));
        if (*version != 1)
            return makeError(
                name + ": version " + std::to_string(*version) + " is not supported (this reader knows version 1)");
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
            else if (key == "param")
                u.param = std::string(text);
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
    return Ok {};
}

// The checking pass over "nodes".
Status readNodesChecked(simdjson::dom::array nodes, const std::string &name, GraphBuilder &builder)
{
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
            const NodeKey k = nodeKey(key);
            if (k == NodeKey::Id) {
                if (field.get_string().get(text))
                    return makeError(nodePlace(name, i, {}) + ": \"id\" " + jsonTypeMismatch("a string", field));
                spec.id = std::string(text);
                hasId = true;
            } else if (double *target = numberField(spec, k)) {
                auto number = jsonNumber(field);
                if (!number) // the id may come after this field: look it up for the message
                    return makeError(nodePlace(name, i, idOf(node)) + ": \"" + std::string(key) + "\" "
                        + jsonTypeMismatch("a number", field));
                *target = *number;
                hasWork |= k == NodeKey::Work;
                hasOut |= k == NodeKey::Out;
            } else if (std::string *target = textField(spec, k)) {
                if (field.is_null())
                    continue;
                if (field.get_string().get(text))
                    return makeError(nodePlace(name, i, idOf(node)) + ": \"" + std::string(key) + "\" "
                        + jsonTypeMismatch("a string", field));
                *target = std::string(text);
            } else if (k == NodeKey::Number) {
                auto number = jsonInteger(field);
                if (!number || *number < 0)
                    return makeError(nodePlace(name, i, idOf(node)) + ": \"number\" must be a non-negative integer");
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
    return Ok {};
}

// The checking pass over "edges".
Status readEdgesChecked(simdjson::dom::array edges, const std::string &name, GraphBuilder &builder)
{
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
    return Ok {};
}

} // namespace

Result<Graph> readPipecutJson(std::string_view content, const std::string &name, const LoadOptions &options)
{
    if (auto fast = readFast(content, name, options))
        return std::move(*fast);
    return readPipecutJsonChecked(content, name, options);
}

Result<Graph> readPipecutJsonChecked(std::string_view content, const std::string &name, const LoadOptions &options)
{
    simdjson::dom::parser parser;
    auto parsedRoot = parseJsonObject(parser, content, name);
    if (!parsedRoot.ok())
        return parsedRoot.failure();
    simdjson::dom::object root = *parsedRoot;

    GraphBuilder builder(name);
    builder.setFormat("pipecut-json");

    if (Status header = readHeaderChecked(root, name, builder); !header)
        return header.failure();

    element value;
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
    if (auto limits = checkCounts(name, static_cast<int64_t>(nodeCount), static_cast<int64_t>(edgeCount), options);
        !limits.ok())
        return limits.failure();
    builder.reserve(nodeCount, edgeCount);

    if (Status read = readNodesChecked(nodes, name, builder); !read)
        return read.failure();
    if (hasEdges)
        if (Status read = readEdgesChecked(edges, name, builder); !read)
            return read.failure();
    return builder.build();
}

} // namespace pipecut::io
