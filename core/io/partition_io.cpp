// Partition files. Two layouts are read:
//  - pipecut (docs/model.md §6): {"format": "pipecut-partition", "version": 1, "graph": "...",
//    "k": 4, "stages": [["n1", "n2"], ["n3"], [], ["n4"]]}, with a cluster also
//    "devices": ["a100-0", "a100-1", "l4-0", "l4-1"] (the device of each stage);
//  - the Microsoft dnn-partitioning expert placements: {"cpus": [{"nodes": []}],
//    "fpgas": [{"nodes": [1, 2, 3]}, ...]}, one stage per FPGA in order.
// Nodes are named by id (a string) or by the source file's node number (an
// integer, see Graph::number). Every node must be named exactly once; the
// messages name unknown, repeated and missing nodes.
#include "core/io/graph_io.h"
#include "core/io/json_support.h"
#include "core/io/numbered_json.h"
#include "core/io/readers.h"

namespace pipecut {

namespace {

using simdjson::dom::element;

std::string describeEntry(element entry)
{
    std::string_view text;
    if (!entry.get_string().get(text))
        return "'" + std::string(text) + "'";
    if (auto n = io::jsonInteger(entry))
        return "number " + std::to_string(*n);
    return io::jsonTypeName(entry.type());
}

// Fills stages from lists of node references; `stageLists[s]` is stage s.
Result<Partition> fromStageLists(const std::vector<simdjson::dom::array> &stageLists, const std::string &name,
    const Graph &graph, const char *listName)
{
    const int k = static_cast<int>(stageLists.size());
    std::vector<int32_t> stage(static_cast<size_t>(graph.nodeCount()), -1);
    for (int s = 0; s < k; ++s) {
        size_t j = 0;
        for (element entry : stageLists[s]) {
            std::optional<NodeId> v;
            std::string_view text;
            if (!entry.get_string().get(text)) {
                v = graph.find(text);
            } else if (auto number = io::jsonInteger(entry)) {
                v = graph.findNumber(*number);
                if (!v && *number >= 0)
                    v = graph.find(std::to_string(*number));
            } else {
                return makeError(name + ": " + listName + " " + std::to_string(s + 1) + ", entry "
                    + std::to_string(j + 1) + " must be a node id string or node number, not "
                    + io::jsonTypeName(entry.type()));
            }
            if (!v)
                return makeError(name + ": " + listName + " " + std::to_string(s + 1) + " names unknown node "
                    + describeEntry(entry) + " (not in graph '" + graph.name() + "')");
            int32_t &slot = stage[index(*v)];
            if (slot >= 0)
                return makeError(name + ": node '" + graph.id(*v) + "' is named twice (" + listName + "s "
                    + std::to_string(slot + 1) + " and " + std::to_string(s + 1) + ")");
            slot = s;
            ++j;
        }
    }
    int64_t missing = 0;
    std::string names;
    for (int32_t i = 0; i < graph.nodeCount(); ++i)
        if (stage[i] < 0) {
            if (missing < 5)
                names += (missing ? ", '" : "'") + graph.id(nodeId(i)) + "'";
            ++missing;
        }
    if (missing > 0)
        return makeError(name + ": " + std::to_string(missing) + " node(s) of graph '" + graph.name()
            + "' are in no stage: " + names + (missing > 5 ? ", ..." : ""));
    return Partition(std::move(stage), k);
}

Result<std::vector<simdjson::dom::array>> nodeLists(
    element value, const std::string &name, const char *key, bool objects)
{
    simdjson::dom::array list;
    if (value.get_array().get(list))
        return makeError(name + ": \"" + key + "\" " + io::jsonTypeMismatch("an array", value));
    std::vector<simdjson::dom::array> lists;
    size_t s = 0;
    for (element item : list) {
        const std::string place = name + ": \"" + key + "\" entry " + std::to_string(s + 1);
        element nodes = item;
        if (objects) {
            simdjson::dom::object obj;
            if (item.get_object().get(obj))
                return makeError(place + " " + io::jsonTypeMismatch("an object with \"nodes\"", item));
            if (obj["nodes"].get(nodes))
                return makeError(place + ": missing \"nodes\"");
        }
        simdjson::dom::array array;
        if (nodes.get_array().get(array))
            return makeError(place + (objects ? ": \"nodes\" " : " ") + io::jsonTypeMismatch("an array", nodes));
        lists.push_back(array);
        ++s;
    }
    return lists;
}

} // namespace

std::string partitionToJson(const Graph &graph, const Partition &partition, const std::vector<std::string> &devices)
{
    std::string out = "{\n  \"format\": \"pipecut-partition\",\n  \"version\": 1,\n  \"graph\": ";
    const auto quote = [](std::string_view text) {
        std::string q;
        io::appendJsonString(q, text);
        return q;
    };
    out += quote(graph.name());
    out += ",\n  \"k\": " + std::to_string(partition.k());
    if (!devices.empty()) {
        out += ",\n  \"devices\": [";
        for (size_t s = 0; s < devices.size(); ++s)
            out += (s ? ", " : "") + quote(devices[s]);
        out += ']';
    }
    out += ",\n  \"stages\": [";
    const auto members = partition.members();
    for (size_t s = 0; s < members.size(); ++s) {
        out += s ? ",\n    [" : "\n    [";
        for (size_t j = 0; j < members[s].size(); ++j) {
            if (j)
                out += ", ";
            out += quote(graph.id(members[s][j]));
        }
        out += ']';
    }
    out += members.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

Result<Partition> parsePartition(std::string_view content, const std::string &name, const Graph &graph)
{
    simdjson::dom::parser parser;
    const std::string padded = io::paddedCopy(content);
    auto parsedRoot = io::parseJsonObject(parser, padded, name);
    if (!parsedRoot.ok())
        return parsedRoot.failure();
    simdjson::dom::object root = *parsedRoot;
    element value;

    // Microsoft expert placement.
    if (root["format"].get(value) && !root["fpgas"].get(value)) {
        auto fpgas = nodeLists(value, name, "fpgas", true);
        if (!fpgas.ok())
            return fpgas.failure();
        if (fpgas->empty())
            return makeError(name + ": \"fpgas\" is empty (no stage)");
        if (!root["cpus"].get(value)) {
            auto cpus = nodeLists(value, name, "cpus", true);
            if (!cpus.ok())
                return cpus.failure();
            for (const auto &cpu : *cpus)
                if (cpu.size() > 0)
                    return makeError(name + ": " + std::to_string(cpu.size())
                        + " node(s) are placed on a CPU; pipecut's pipeline has FPGA/accelerator stages only");
        }
        return fromStageLists(*fpgas, name, graph, "fpga");
    }

    std::string_view text;
    if (root["format"].get(value))
        return makeError(name + ": missing \"format\": \"pipecut-partition\"");
    if (value.get_string().get(text) || text != "pipecut-partition")
        return makeError(name + ": \"format\" must be \"pipecut-partition\""
            + (text.empty() ? std::string() : ", not \"" + std::string(text) + "\""));
    if (!root["version"].get(value)) {
        auto version = io::jsonInteger(value);
        if (!version || *version != 1)
            return makeError(name + ": unsupported partition version (this reader knows version 1)");
    }
    if (root["stages"].get(value))
        return makeError(name + ": missing \"stages\" (an array of node id lists)");
    auto stages = nodeLists(value, name, "stages", false);
    if (!stages.ok())
        return stages.failure();
    if (stages->empty())
        return makeError(name + ": \"stages\" is empty (k must be at least 1)");
    if (!root["k"].get(value)) {
        auto k = io::jsonInteger(value);
        if (!k)
            return makeError(name + ": \"k\" " + io::jsonTypeMismatch("an integer", value));
        if (*k != static_cast<int64_t>(stages->size()))
            return makeError(name + ": k = " + std::to_string(*k) + " but \"stages\" has "
                + std::to_string(stages->size()) + " lists");
    }
    if (auto devices = partitionDevices(content, name); !devices)
        return devices.failure();
    else if (!devices->empty() && devices->size() != stages->size())
        return makeError(name + ": \"devices\" names " + std::to_string(devices->size())
            + " devices but \"stages\" has " + std::to_string(stages->size()) + " lists (one device per stage)");
    return fromStageLists(*stages, name, graph, "stage");
}

Result<std::vector<std::string>> partitionDevices(std::string_view content, const std::string &name)
{
    simdjson::dom::parser parser;
    const std::string padded = io::paddedCopy(content);
    auto root = io::parseJsonObject(parser, padded, name);
    if (!root.ok())
        return root.failure();
    element value;
    std::vector<std::string> devices;
    if (root->at_key("devices").get(value))
        return devices;
    simdjson::dom::array list;
    if (value.get_array().get(list))
        return makeError(name + ": \"devices\" " + io::jsonTypeMismatch("an array of device names", value));
    for (element item : list) {
        std::string_view text;
        if (item.get_string().get(text))
            return makeError(name + ": \"devices\" entry " + std::to_string(devices.size() + 1) + " "
                + io::jsonTypeMismatch("a device name (a string)", item));
        devices.emplace_back(text);
    }
    return devices;
}

Result<Partition> loadPartition(const std::string &path, const Graph &graph)
{
    Result<std::string> content = readFile(path, int64_t(1) << 30);
    if (!content.ok())
        return content.failure();
    if (content->find_first_not_of(" \t\r\n") == std::string::npos)
        return makeError(path + ": the file is empty");
    return parsePartition(*content, path, graph);
}

Result<std::vector<std::string>> loadPartitionDevices(const std::string &path)
{
    Result<std::string> content = readFile(path, int64_t(1) << 30);
    if (!content.ok())
        return content.failure();
    return partitionDevices(*content, path);
}

} // namespace pipecut
