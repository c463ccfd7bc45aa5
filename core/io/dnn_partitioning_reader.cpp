// Microsoft dnn-partitioning JSON (msr-fiddle/dnn-partitioning, MIT):
//   {"maxSizePerFPGA": 17185374208.0, "maxFPGAs": 6, "maxCPUs": 1,
//    "nodes": [{"name": "node3", "id": 3, "supportedOnFpga": 1, "cpuLatency": 6.96,
//               "fpgaLatency": 0.696, "isBackwardNode": 0, "colorClass": 3, "size": 1.3e8}],
//    "edges": [{"sourceId": 1, "destId": 3, "cost": 0.02, "size": 3072.0}]}
// Mapping (docs/model.md §5): fpgaLatency -> work, size -> param, an edge's cost (a time:
// the same on all out-edges of a node) -> the source's out with bandwidth 1,
// maxSizePerFPGA -> memory limit, maxFPGAs -> suggested k; cpuLatency and fpgaLatency
// also become the work columns "cpu" and "fpga" (Graph::workColumns, the per-device
// costs of a cluster, docs/model.md §1.7). A colorClass shared by
// several nodes is a colocation group; a colorClass used once is no constraint.
// Node ids are the names when all names are unique, else the numeric ids; the
// numeric ids are kept (Graph::number) so that the human-expert placements,
// which name nodes by number, can be read as partitions.
// Decisions, stated as graph notes when they apply:
//  - supportedOnFpga == 0: no node in the published files has it; such a node
//    would run on a CPU outside the pipeline. We keep it as an ordinary node
//    (costed by fpgaLatency) and say how many there are.
//  - isBackwardNode: the *_training files hold forward and backward nodes, each
//    backward node sharing a colorClass with its forward node. We keep them all
//    (the graph is then one training step) and say so; use *_inference files for
//    inference pipelines.
#include "core/io/json_support.h"
#include "core/io/numbered_json.h"
#include "core/io/readers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace pipecut::io {

Result<Graph> readDnnPartitioning(std::string_view content, const std::string &name, const LoadOptions &options)
{
    using simdjson::dom::element;
    NumberedDocument doc(name, "dnn-partitioning");
    if (auto parsed = doc.parse(content, name); !parsed.ok())
        return parsed.failure();
    GraphBuilder &builder = doc.builder;
    builder.setBandwidth(1.0);
    builder.setUnits(Units { "ms", "ms", "bytes" });
    auto top = readNumberedTop(doc.root, builder, name, options, "maxSizePerFPGA", "maxFPGAs");
    if (!top.ok())
        return top.failure();

    std::vector<int64_t> colors; // -1: none
    std::unordered_map<int64_t, int32_t> byNumber, colorCount;
    int64_t unsupported = 0, backward = 0;
    std::vector<double> cpu, fpga; // per node in file order, NaN when absent
    auto read = readNumberedNodes(
        top->nodes, name, byNumber, [&](simdjson::dom::object obj, NodeSpec &spec, const std::string &place) -> Status {
            element value;
            if (obj["fpgaLatency"].get(value))
                return makeError(place + ": missing \"fpgaLatency\"");
            auto work = jsonNumber(value);
            if (!work)
                return makeError(place + ": \"fpgaLatency\" " + jsonTypeMismatch("a number", value));
            spec.work = *work;
            fpga.push_back(*work);
            cpu.push_back(std::numeric_limits<double>::quiet_NaN());
            if (!obj["cpuLatency"].get(value) && !value.is_null()) {
                auto c = jsonNumber(value);
                if (!c)
                    return makeError(place + ": \"cpuLatency\" " + jsonTypeMismatch("a number", value));
                if (!std::isfinite(*c) || *c < 0)
                    return makeError(place + ": \"cpuLatency\" must be a non-negative finite number");
                cpu.back() = *c;
            }
            if (!obj["size"].get(value)) {
                auto size = jsonNumber(value);
                if (!size)
                    return makeError(place + ": \"size\" " + jsonTypeMismatch("a number", value));
                spec.param = *size;
            }
            int64_t color = -1;
            if (!obj["colorClass"].get(value) && !value.is_null()) {
                auto c = jsonInteger(value);
                if (!c)
                    return makeError(place + ": \"colorClass\" " + jsonTypeMismatch("an integer", value));
                color = *c;
                ++colorCount[color];
            }
            colors.push_back(color);
            for (const char *key : { "supportedOnFpga", "isBackwardNode" }) {
                if (obj[key].get(value))
                    continue;
                auto flag = jsonFlag(value);
                if (!flag)
                    return makeError(place + ": \"" + key + "\" " + jsonTypeMismatch("0/1 or a boolean", value));
                if (key[0] == 's')
                    unsupported += *flag == 0;
                else
                    backward += *flag != 0;
            }
            return Ok {};
        });
    if (!read.ok())
        return read.failure();
    std::vector<NodeSpec> specs = std::move(*read);
    auto edges = readNumberedEdges(top->edges, name, byNumber, specs.size(), "cost");
    if (!edges.ok())
        return edges.failure();

    int64_t groupedNodes = 0;
    for (size_t i = 0; i < specs.size(); ++i)
        if (colors[i] >= 0 && colorCount[colors[i]] > 1) {
            specs[i].group = "color" + std::to_string(colors[i]);
            ++groupedNodes;
        }
    builder.addNote("dnn-partitioning: work = fpgaLatency, out = edge cost (a time, bandwidth 1), param = size; "
                    "memory limit = maxSizePerFPGA, suggested k = maxFPGAs");
    addNumberedGraph(builder, std::move(specs), *edges);
    if (groupedNodes > 0)
        builder.addNote(std::to_string(groupedNodes) + " nodes share a colorClass with another node and form "
            + "colocation groups; unique colorClasses are no constraint");
    if (edges->differing > 0)
        builder.addNote(std::to_string(edges->differing)
            + " edge cost(s) differ from another out-edge of the same "
              "node; out = the largest");
    if (unsupported > 0)
        builder.addNote(std::to_string(unsupported)
            + " node(s) have supportedOnFpga = 0; kept as ordinary "
              "nodes costed by fpgaLatency (the pipeline model has no CPU side)");
    if (backward > 0)
        builder.addNote(std::to_string(backward)
            + " backward node(s) (a training graph): kept, so the graph "
              "is one training step; colorClass groups colocate them with their forward nodes");
    auto graph = builder.build();
    if (graph.ok() && graph->nodeCount() == static_cast<int32_t>(fpga.size())) {
        // addNumberedGraph adds the nodes in file order.
        graph->addWorkColumn(WorkColumn { "fpga", "fpgaLatency", std::move(fpga) });
        if (std::any_of(cpu.begin(), cpu.end(), [](double c) { return !std::isnan(c); }))
            graph->addWorkColumn(WorkColumn { "cpu", "cpuLatency", std::move(cpu) });
    }
    return graph;
}

} // namespace pipecut::io
