#pragma once
// Internals of the ONNX import (core/io/onnx_reader.h) shared by its two halves:
// onnx_reader.cpp reads the model (protobuf, opset, schema checks, shape
// inference) and onnx_costing.cpp costs the inferred graph and writes the load
// report. Not part of the io interface: only these two files and the stage
// export (export_onnx_stages.cpp, which cuts the same graph) include it.

#include "core/io/onnx_flops.h"
#include "core/io/onnx_reader.h"

#include "onnx/onnx_pb.h"

#include <set>
#include <string>
#include <vector>

namespace pipecut::onnxread {

// "1.5 MB": decimal units, as the load report and the reader's errors print them.
std::string formatBytes(double bytes);

// Shape and bytes of a constant tensor, from its dims (the data is never read).
onnxcost::TensorShape tensorOf(const onnx::TensorProto &t);

// Turns the inferred model graph `g` into the nodes, edges, totals and load
// report of `a`. Errors: a tensor produced twice, an input nothing produces,
// more edges than options.maxEdges.
Result<OnnxAnalysis> costModelGraph(
    const onnx::GraphProto &g, const std::string &path, const LoadOptions &options, OnnxAnalysis a);

// Reads and parses the model file (errors name the file); checks the IR version and
// that the graph has nodes. The opset of the ONNX domain must be one this build knows.
Result<onnx::ModelProto> parseModelFile(const std::string &path, int64_t maxBytes);
Result<int64_t> checkOpset(const onnx::ModelProto &model, const std::string &path);

// What costing needs before it runs: large weight payloads dropped, options.dims
// substituted into symbolic dimensions (recorded in a.symbolicDims), ONNX shape
// inference and the Reshape-target rounds (what stops them becomes a note of a).
void prepareForCosting(onnx::ModelProto &model, const LoadOptions &options, OnnxAnalysis &a);

bool isConstantNode(const onnx::NodeProto &node);

// The names a node reads: its inputs, and what its subgraphs read from enclosing graphs.
void namesRead(const onnx::NodeProto &node, std::set<std::string> &out);

// The graph-node ids the import gives: the graph inputs that are not constants
// (sources, with their tensor names) first, then the operators in file order
// (opIds[i] for g.node(i); empty for a Constant node, which is no graph node).
struct NodeIds {
    std::vector<std::string> sourceTensors;
    std::vector<std::string> sourceIds;
    std::vector<std::string> opIds;
};
NodeIds nodeIds(const onnx::GraphProto &g);

} // namespace pipecut::onnxread
