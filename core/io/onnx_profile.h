#pragma once
// Measured node costs from a runtime profile (docs/onnx.md, "Measured costs").
//
// Problem: replace the estimated work of a graph's nodes by the time a real
// runtime measured for them, matching by node name, and say what did not match.
// Complexity: O(file size + events x log events + nodes). Deterministic.
// Reference: ONNX Runtime's profiler output (SessionOptions.enableProfiling):
// a JSON array of Chrome trace events; each node run is one event with
// "cat": "Node", "name": "<node>_kernel_time", "dur" in microseconds and
// "args": {"op_name", "input_type_shape", "output_type_shape", ...}.
//
// | input                 | rule                                                                  |
// |-----------------------|-----------------------------------------------------------------------|
// | ORT profile JSON      | kernel_time events of each name summed and divided by their count     |
// |                       |   (the runs); other events (session, fences) are ignored              |
// | CSV node,ms[,runs]    | one line per node: total ms over `runs` runs (default 1); a header    |
// |                       |   line starting with "node" is skipped                                |
// | subgraph events       | "<node>_then_branch__...", "_else_branch__", "_body__": attributed to |
// |                       |   the control-flow node, whose own event already includes their time |
// | runtime-inserted      | an event whose name starts with a node's name (a cast or layout       |
// |   events              |   transform the runtime added): attributed to that node               |
// | unmatched events      | listed; their time is not imported                                    |
// | nodes without events  | keep their estimate and are marked estimated (graph inputs excepted)  |
// | refused (bad input)   | unreadable, truncated or not a profile; no kernel event; under 50 %   |
// |                       |   of the graph's operators matched (a profile of another model)       |
//
// Tiny example: events Conv_0_kernel_time 100 us and 120 us (two runs) and a
// graph node Conv_0 of estimated work 0.5 ms: Conv_0's work becomes 0.11 ms.

#include "core/graph/graph.h"
#include "core/util/result.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipecut {

inline constexpr double kProfileMinMatchedShare = 0.5;

// One event name of a profile with its time summed over every run.
struct ProfileEntry {
    std::string name; // without the "_kernel_time" suffix
    std::string op; // the runtime's op type; empty for CSV
    double totalMs = 0.0;
    int runs = 0; // events of this name (CSV: the runs column)
    // Shapes the runtime saw on the first run (ORT JSON only): one dims list per
    // input and output; empty for an optional input left out.
    std::vector<std::vector<int64_t>> inputShapes, outputShapes;
};

struct RuntimeProfile {
    std::string path;
    std::vector<ProfileEntry> entries; // in the order first seen
    int runs = 0; // the most events any name has
    // The profile's kernel time per run: top-level events (not inside a
    // control-flow node's subgraph) summed, divided by `runs`.
    double kernelMsPerRun() const;
};

// Reads an ONNX Runtime profile JSON or a CSV node,ms[,runs] (by content).
Result<RuntimeProfile> readRuntimeProfile(const std::string &path);
Result<RuntimeProfile> parseRuntimeProfile(std::string_view content, const std::string &name);

// What applying a profile to a graph did.
struct ProfileMatch {
    int32_t operators = 0; // graph nodes other than graph inputs
    int32_t matched = 0; // operators that got a measured cost
    std::vector<std::string> missing; // operators without an event (estimates kept, marked)
    std::vector<std::string> unmatched; // event names no node claims
    std::vector<std::pair<std::string, std::string>> attributed; // runtime-inserted event -> node
    double profileMs = 0.0; // kernel time per run
    double importedMs = 0.0; // sum of the measured node costs
    double unmatchedMs = 0.0; // time per run of the unmatched events
    // Load-report lines ("profile FILE: 120 of 124 operators measured ...").
    std::vector<std::string> notes() const;
};

// The graph with measured work (in the graph's time unit: ms, s or us).
// Errors (bad input): under kProfileMinMatchedShare of the operators matched,
// a graph time unit that is not a time.
Result<Graph> applyRuntimeProfile(const Graph &graph, const RuntimeProfile &profile, ProfileMatch &match);

// The node an event belongs to: itself when a node has its name, the
// control-flow node for a subgraph event, the node a runtime-inserted event's
// name starts with; empty when none. `nested` is set for subgraph events.
std::string profileOwner(const Graph &graph, const std::string &event, bool &nested);

} // namespace pipecut
