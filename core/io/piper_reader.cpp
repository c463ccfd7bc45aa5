// Piper JSON (msr-fiddle/piper, MIT):
//   {"maxDevices": 10, "maxMemoryPerDevice": 8e10, "bandwidth": 2.5e10, "mbsInBatch": 256,
//    "nodes": [{"id": 0, "name": "node4", "TMPCs": {"1": [{"id": "vanilla",
//               "timePerSample": 25.678, "parameterSize": 1.3e8, ...}, ...]}}],
//    "edges": [{"sourceId": 0, "destId": 1, "communicationCost": 13107200.0}]}
// Mapping: the TMPCs["1"] entry with id "vanilla" (no data parallelism, no
// recomputation) gives work = timePerSample and param = parameterSize; an edge's
// communicationCost is bytes and a node's out is the largest over its out-edges;
// maxMemoryPerDevice -> memory limit; maxDevices -> suggested k.
// Units: the files' timePerSample values are milliseconds (one GNMT embedding
// at 25.7 and a whole ResNet-50 at 462 in total would be absurd as seconds; they
// match the PipeDream profiles the files were made from, which are in ms),
// while "bandwidth" is bytes per second. So time is kept in ms and the
// bandwidth converted to bytes per ms (divided by 1000); a note says so.
// Node ids are the names when unique, else the numeric ids (name kept as op).
#include "core/io/json_support.h"
#include "core/io/numbered_json.h"
#include "core/io/readers.h"

#include <unordered_map>

namespace pipecut::io {

Result<Graph> readPiper(std::string_view content, const std::string &name, const LoadOptions &options)
{
    using simdjson::dom::element;
    NumberedDocument doc(name, "piper");
    if (auto parsed = doc.parse(content, name); !parsed.ok())
        return parsed.failure();
    GraphBuilder &builder = doc.builder;
    builder.setUnits(Units { "ms", "bytes" });
    element value;
    if (doc.root.at_key("bandwidth").get(value))
        return makeError(name + ": missing \"bandwidth\" (bytes per second)");
    auto bandwidth = jsonNumber(value);
    if (!bandwidth)
        return makeError(name + ": \"bandwidth\" " + jsonTypeMismatch("a number", value));
    builder.setBandwidth(*bandwidth / 1000.0);
    auto top = readNumberedTop(doc.root, builder, name, options, "maxMemoryPerDevice", "maxDevices");
    if (!top.ok())
        return top.failure();

    std::unordered_map<int64_t, int32_t> byNumber;
    auto read = readNumberedNodes(
        top->nodes, name, byNumber, [&](simdjson::dom::object obj, NodeSpec &spec, const std::string &place) -> Status {
            simdjson::dom::array configs;
            if (obj.at_pointer("/TMPCs/1").get(value) || value.get_array().get(configs))
                return makeError(
                    place + ": missing TMPCs[\"1\"] (the list of configurations without data parallelism)");
            for (element config : configs) {
                std::string_view id;
                if (config["id"].get_string().get(id) || id != "vanilla")
                    continue;
                element field;
                if (config["timePerSample"].get(field) || !jsonNumber(field))
                    return makeError(place + ": the \"vanilla\" configuration lacks a numeric \"timePerSample\"");
                spec.work = *jsonNumber(field);
                if (config["parameterSize"].get(field) || !jsonNumber(field))
                    return makeError(place + ": the \"vanilla\" configuration lacks a numeric \"parameterSize\"");
                spec.param = *jsonNumber(field);
                return Ok {};
            }
            return makeError(place + ": TMPCs[\"1\"] has no configuration with id \"vanilla\"");
        });
    if (!read.ok())
        return read.failure();
    std::vector<NodeSpec> specs = std::move(*read);
    auto edges = readNumberedEdges(top->edges, name, byNumber, specs.size(), "communicationCost");
    if (!edges.ok())
        return edges.failure();

    builder.addNote("piper: work = timePerSample of TMPCs[\"1\"] \"vanilla\", param = parameterSize, out = largest "
                    "communicationCost over the node's out-edges (bytes); memory limit = maxMemoryPerDevice, "
                    "suggested k = maxDevices");
    builder.addNote("piper: timePerSample read as milliseconds (the values match PipeDream's ms profiles; as seconds "
                    "they would be implausibly slow); bandwidth "
        + formatNumber(*bandwidth) + " bytes/s converted to " + formatNumber(*bandwidth / 1000.0) + " bytes/ms");
    addNumberedGraph(builder, std::move(specs), *edges);
    if (edges->differing > 0)
        builder.addNote(std::to_string(edges->differing)
            + " out-edge(s) carry a communicationCost different from "
              "another out-edge of the same node; out = the largest");
    return builder.build();
}

} // namespace pipecut::io
