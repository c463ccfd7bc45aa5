#pragma once
// Internals of the ONNX import (core/io/onnx_reader.h) shared by its two halves:
// onnx_reader.cpp reads the model (protobuf, opset, schema checks, shape
// inference) and onnx_costing.cpp costs the inferred graph and writes the load
// report. Not part of the io interface: only these two files include it.

#include "core/io/onnx_flops.h"
#include "core/io/onnx_reader.h"

#include "onnx/onnx_pb.h"

#include <string>

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

} // namespace pipecut::onnxread
