#pragma once
// Shape arithmetic for ONNX import: many exported models compute reshape
// targets at run time (Shape -> Gather -> Unsqueeze -> Concat -> Reshape). ONNX
// 1.12 propagates such values only for recent opset versions of those
// operators, so in older models every tensor after such a Reshape loses its
// shape. This pass evaluates the small integer tensors of that arithmetic and
// records the Reshape outputs it resolves in the graph's value_info, so that
// the next run of ONNX shape inference carries on past them.
//
// Problem: constant-fold 0/1-D integer tensors (at most kMaxValueElements)
// through Shape, Size, Constant, Cast, Identity, Gather, Slice, Squeeze,
// Unsqueeze, Concat, Add, Sub, Mul, Div, and resolve the output shapes of
// Reshape (0 copies a dimension, -1 is inferred) and Pad (run-time pads).
// Complexity: O(nodes x kMaxValueElements) per pass. Deterministic.
// Reference: ONNX operator specs (Reshape semantics); the same idea as ONNX's
// own data propagation (onnx/defs/shape_inference.h, DataPropagationContext).
// Tiny example: x [2, 3, 4]; s = Shape(x) = [2, 3, 4]; g = Gather(s, 0) = 2;
// c = Concat(Unsqueeze(g), [-1]) = [2, -1]; Reshape(x, c) -> [2, 12].

#include "onnx/onnx_pb.h"

#include <cstdint>

namespace pipecut::onnxcost {

inline constexpr int64_t kMaxValueElements = 64;

// One pass over the graph and its subgraphs (which see the enclosing values);
// returns how many Reshape outputs got a
// shape they did not have (0: nothing new, stop iterating); Pad outputs count too. `opset` is the
// model's default-domain opset (Slice and Squeeze changed their signature).
int propagateShapeValues(onnx::GraphProto &graph, int64_t opset);

} // namespace pipecut::onnxcost
