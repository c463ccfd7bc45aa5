#include "core/io/numbered_json.h"

#include "core/io/json_support.h"
#include "core/io/readers.h"

#include <algorithm>
#include <limits>
#include <unordered_set>

namespace pipecut::io {

Result<simdjson::dom::object> parseJsonObject(
    simdjson::dom::parser &parser, std::string_view content, const std::string &name)
{
    auto parsed = parseJson(parser, content, name);
    if (!parsed.ok())
        return parsed.failure();
    simdjson::dom::object root;
    if (parsed->get_object().get(root))
        return makeError(name + ": the top level " + jsonTypeMismatch("an object", *parsed));
    return root;
}

Status NumberedDocument::parse(std::string_view content, const std::string &name)
{
    auto parsed = parseJsonObject(parser, content, name);
    if (!parsed.ok())
        return parsed.failure();
    root = *parsed;
    return Ok {};
}

Result<std::vector<NodeSpec>> readNumberedNodes(simdjson::dom::array nodes, const std::string &name,
    std::unordered_map<int64_t, int32_t> &byNumber, const NumberedFieldsFn &fill)
{
    std::vector<NodeSpec> specs;
    specs.reserve(nodes.size());
    for (simdjson::dom::element item : nodes) {
        const size_t i = specs.size();
        NodeSpec spec;
        auto node = readNumberedNode(item, i, name, spec, byNumber);
        if (!node.ok())
            return node.failure();
        if (auto fields = fill(*node, spec, numberedPlace(name, i, spec.number)); !fields.ok())
            return fields.failure();
        specs.push_back(std::move(spec));
    }
    return specs;
}

Result<NumberedTop> readNumberedTop(simdjson::dom::object root, GraphBuilder &builder, const std::string &name,
    const LoadOptions &options, const char *memoryKey, const char *countKey)
{
    simdjson::dom::element value;
    if (!root[memoryKey].get(value)) {
        auto m = jsonNumber(value);
        if (!m)
            return makeError(name + ": \"" + memoryKey + "\" " + jsonTypeMismatch("a number", value));
        builder.setMemoryLimit(*m);
    }
    if (!root[countKey].get(value)) {
        auto k = jsonInteger(value);
        if (!k || *k < 0 || *k > 1'000'000)
            return makeError(name + ": \"" + countKey + "\" must be a non-negative integer");
        builder.setSuggestedK(static_cast<int>(*k));
    }
    NumberedTop top;
    if (root["nodes"].get(value) || value.get_array().get(top.nodes))
        return makeError(name + ": \"nodes\" is missing or not an array");
    if (root["edges"].get(value) || value.get_array().get(top.edges))
        return makeError(name + ": \"edges\" is missing or not an array");
    if (auto limits = checkCounts(name, top.nodes.size(), top.edges.size(), options); !limits.ok())
        return limits.failure();
    return top;
}

std::string numberedPlace(const std::string &name, size_t i, int64_t number)
{
    return name + ": node #" + std::to_string(i + 1)
        + (number >= 0 ? " (id " + std::to_string(number) + ")" : std::string());
}

Result<simdjson::dom::object> readNumberedNode(simdjson::dom::element item, size_t i, const std::string &name,
    NodeSpec &spec, std::unordered_map<int64_t, int32_t> &byNumber)
{
    simdjson::dom::object obj;
    if (item.get_object().get(obj))
        return makeError(numberedPlace(name, i, -1) + " " + jsonTypeMismatch("an object", item));
    simdjson::dom::element value;
    if (obj["id"].get(value))
        return makeError(numberedPlace(name, i, -1) + ": missing \"id\"");
    auto number = jsonInteger(value);
    if (!number || *number < 0)
        return makeError(numberedPlace(name, i, -1) + ": \"id\" must be a non-negative integer");
    spec.number = *number;
    if (!obj["name"].get(value)) {
        std::string_view text;
        if (value.get_string().get(text))
            return makeError(numberedPlace(name, i, spec.number) + ": \"name\" " + jsonTypeMismatch("a string", value));
        spec.op = std::string(text); // becomes the id if names are unique
    }
    if (!byNumber.emplace(spec.number, static_cast<int32_t>(i)).second)
        return makeError(numberedPlace(name, i, spec.number) + ": duplicate node id " + std::to_string(spec.number));
    return obj;
}

Result<NumberedEdges> readNumberedEdges(simdjson::dom::array edges, const std::string &name,
    const std::unordered_map<int64_t, int32_t> &byNumber, size_t nodeCount, const char *costKey)
{
    NumberedEdges result;
    result.out.assign(nodeCount, -std::numeric_limits<double>::infinity());
    result.pairs.reserve(edges.size());
    size_t e = 0;
    for (simdjson::dom::element item : edges) {
        const auto place = [&] { return name + ": edge #" + std::to_string(e + 1); };
        simdjson::dom::object obj;
        if (item.get_object().get(obj))
            return makeError(place() + " " + jsonTypeMismatch("an object", item));
        int32_t ends[2];
        const char *keys[2] = { "sourceId", "destId" };
        simdjson::dom::element value;
        for (int k = 0; k < 2; ++k) {
            if (obj[keys[k]].get(value))
                return makeError(place() + ": missing \"" + keys[k] + "\"");
            auto number = jsonInteger(value);
            if (!number)
                return makeError(place() + ": \"" + keys[k] + "\" " + jsonTypeMismatch("an integer", value));
            auto it = byNumber.find(*number);
            if (it == byNumber.end())
                return makeError(place() + ": \"" + keys[k] + "\" names unknown node id " + std::to_string(*number));
            ends[k] = it->second;
        }
        if (obj[costKey].get(value))
            return makeError(place() + ": missing \"" + costKey + "\"");
        auto cost = jsonNumber(value);
        if (!cost)
            return makeError(place() + ": \"" + costKey + "\" " + jsonTypeMismatch("a number", value));
        double &o = result.out[ends[0]];
        if (o != -std::numeric_limits<double>::infinity() && o != *cost)
            ++result.differing;
        o = std::max(o, *cost);
        result.pairs.emplace_back(ends[0], ends[1]);
        ++e;
    }
    return result;
}

bool addNumberedGraph(GraphBuilder &builder, std::vector<NodeSpec> specs, const NumberedEdges &edges)
{
    std::unordered_set<std::string_view> names;
    bool useNames = true;
    for (const NodeSpec &s : specs)
        if (s.op.empty() || !names.insert(s.op).second) {
            useNames = false;
            break;
        }
    builder.reserve(specs.size(), edges.pairs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        NodeSpec &s = specs[i];
        s.out = edges.out[i] == -std::numeric_limits<double>::infinity() ? 0.0 : edges.out[i];
        if (useNames) {
            s.id = std::move(s.op);
            s.op.clear();
        } else {
            s.id = std::to_string(s.number);
        }
        builder.addNode(std::move(s));
    }
    for (auto [a, b] : edges.pairs)
        builder.addEdge(a, b);
    if (!useNames)
        builder.addNote("node names are not unique: nodes are named by their numeric id (the name is kept as op)");
    return useNames;
}

} // namespace pipecut::io
