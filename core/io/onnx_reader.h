#pragma once
// ONNX import (docs/model.md §2 and §5): an ONNX model becomes a pipecut graph whose
// nodes are the model's operators, costed by FLOP and byte rules under a device
// profile.
//
// Problem: from a ModelProto (parsed with protobuf, never by hand) derive a DAG
// with work (ms), out (bytes) and param (bytes) per node.
// Complexity: O(file size) to parse, plus ONNX shape inference (linear in the
// node count for ordinary models), plus O(nodes + edges) to cost.
// Deterministic: the same file, dims and device give the same graph.
// Reference: ONNX IR spec (onnx.proto), ONNX shape inference; the cost model is
// the roofline of Williams, Waterman, Patterson (CACM 2009).
//
// Rules (each one is also in docs/onnx.md):
// | what                       | rule                                                                 |
// |----------------------------|----------------------------------------------------------------------|
// | operator node              | one graph node; id = node name when unique, else OpType_index        |
// | scope                      | node name without its leading '/' and last component:                |
// |                            |   /encoder/layer.3/attention/MatMul -> encoder/layer.3/attention     |
// | graph input (not an        | a zero-work source node; out = its tensor's bytes                    |
// |   initializer)             |                                                                      |
// | initializer, Constant node | not a node: its bytes (dims x element size; external data is never   |
// |                            |   read) are param of every consumer. A constant with several         |
// |                            |   consumers is charged to each of them: a stage holding two of them  |
// |                            |   pays twice (conservative); the report gives the bytes so shared    |
// | out                        | bytes of the node's outputs that some node consumes (multi-output    |
// |                            |   nodes: only consumed outputs)                                      |
// | FLOPs                      | per-operator rules of core/io/onnx_flops.h                           |
// | bytes moved                | bytes of every distinct input (activations and params) plus every   |
// |                            |   output; Shape and Size read no input data                          |
// | work (ms)                  | 1000 max(FLOPs / device FLOP/s, bytes moved / device memory B/s)     |
// |                            |   (a roofline estimate: a node is compute- or memory-bound)          |
// | graph bandwidth            | device link bandwidth in bytes per ms; units time "ms", size "bytes" |
// | --dim (CLI)                | a name that is no symbolic dimension of an input: usage error        |
// | shapes                     | ONNX shape inference (with data propagation) after substituting      |
// |                            |   LoadOptions::dims into symbolic dimensions, then the file's        |
// |                            |   value_info; a symbolic dimension still unknown counts as 1          |
// |                            |   (anonymous dynamic dims of inputs are named INPUT:AXIS for --dim)   |
// |                            |   (kUnknownDim), a tensor of unknown rank takes the shape of the     |
// |                            |   node's largest activation input (never a weight's); such nodes are |
// |                            |   marked estimated and counted                                       |
// | If                         | the branch a constant condition selects, else the heavier (by FLOPs, |
// |                            |   then bytes); its output shapes are the node's                      |
// | Loop                       | body x trip count M when M is a constant, else kDefaultTripCount     |
// | Scan                       | body x length of the first scan input's scan axis, else the default |
// | subgraph constants         | param of the control-flow node; outer values used inside a subgraph |
// |                            |   are inputs (edges) of the control-flow node                        |
// | unknown operator           | 1 FLOP per output element; listed in the load report                |
//
// Errors (a value naming the file and the node): unreadable, not protobuf/ONNX,
// truncated, no graph, opset missing or outside what this build's ONNX knows,
// a node input that nothing produces, a tensor produced twice, cycles (named by
// GraphBuilder), files over protobuf's 2 GiB message limit (use external data).
//
// Tiny example: input x [1, 4] -> MatMul(x, W [4, 8]) -> y. Graph: node "x"
// (work 0, out 16 bytes) -> node "MatMul_0" (2*8*4 = 64 FLOPs, param 128 bytes,
// bytes moved 16 + 128 + 32 = 176, out 0 since y has no consumer).

#include "core/cost/device_profile.h"
#include "core/graph/graph.h"
#include "core/io/graph_io.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pipecut {

inline constexpr int64_t kUnknownDim = 1;
inline constexpr int64_t kDefaultTripCount = 10;

// Device-independent costs of one graph node.
struct OnnxNodeCost {
    std::string id;
    std::string op; // ONNX op type ("Input" for graph inputs)
    std::string scope;
    double flops = 0.0;
    double bytesMoved = 0.0;
    double out = 0.0; // bytes
    double param = 0.0; // bytes
    bool estimated = false; // some shape it depends on is a documented guess
    // The shapes it reads and writes, and why it is estimated (NodeDetail).
    std::vector<TensorDetail> inputs, outputs;
    std::string estimateReason;
};

// Everything the reader learned, before a device turns it into time. The GUI
// keeps this to re-cost the graph when the user picks another device.
struct OnnxAnalysis {
    std::string name;
    std::string path;
    int64_t opset = 0;
    std::vector<OnnxNodeCost> nodes;
    std::vector<std::pair<int32_t, int32_t>> edges; // node indices
    std::vector<std::string> notes; // the load report
    // Dynamic dimensions of the graph inputs, with the value used (from
    // LoadOptions::dims) or nullopt when kUnknownDim was used. A named one is
    // keyed by its dim_param; an anonymous one by INPUT:AXIS (e.g. "input:1"),
    // and LoadOptions::dims accepts both spellings.
    std::map<std::string, std::optional<int64_t>> symbolicDims;
    // Where each symbolic dimension appears: "INPUT axis N", in input order.
    std::map<std::string, std::vector<std::string>> symbolicDimUses;
    std::map<std::string, int> unknownOps; // op type -> node count
    // FLOPs per ONNX op type, operators inside subgraphs included (If: the
    // branch costed; Loop/Scan: x the trip count).
    std::map<std::string, double> flopsByOp;
    int32_t estimatedNodes = 0;
    double totalFlops = 0.0;
    double totalParam = 0.0;
    double sharedParam = 0.0; // bytes of constants charged to more than one consumer (extra copies)
};

// Parses and costs the model (no device yet). Uses options.dims and the limits
// (names the model does not have are ignored here: see checkDimNames).
Result<OnnxAnalysis> analyzeOnnxModel(const std::string &path, const LoadOptions &options = {});

// The CLI's check of --dim: a name that is not one of `symbolicDims` is a
// usage error naming it and listing the model's symbolic dimensions.
Status checkDimNames(const std::string &path, const std::map<std::string, int64_t> &dims,
    const std::map<std::string, std::optional<int64_t>> &symbolicDims);

// "symbolic dimensions (set with --dim NAME=VALUE): N = 640 at x axis 2; ..."
// (a note of the load report).
std::string symbolicDimsNote(const OnnxAnalysis &a);

// Turns an analysis into a graph under a device profile (cheap: O(n + m)).
Result<Graph> onnxGraphFor(const OnnxAnalysis &analysis, const DeviceProfile &device);

// analyzeOnnxModel + onnxGraphFor with options.device (empty: defaultDeviceProfile());
// `symbolicDims` and `dimUses`, when given, receive the analysis' symbolic
// dimensions and where they appear; `nodes`, each graph node's details;
// `analysis`, the analysis itself (its node shapes moved to `nodes` when
// given), to cost the graph for other devices with onnxGraphFor.
Result<Graph> loadOnnxGraph(const std::string &path, const LoadOptions &options,
    std::map<std::string, std::optional<int64_t>> *symbolicDims = nullptr,
    std::map<std::string, std::vector<std::string>> *dimUses = nullptr, std::vector<NodeDetail> *nodes = nullptr,
    std::shared_ptr<const OnnxAnalysis> *analysis = nullptr);

} // namespace pipecut
