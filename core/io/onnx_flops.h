#pragma once
// Per-operator FLOP rules for ONNX import (SPEC 3).
//
// Problem: estimate the floating-point operations of one ONNX operator at
// inference time from its attributes and the (fully resolved) shapes of its
// inputs and outputs. Complexity: O(rank) per node (Einsum: O(equation length)).
// Deterministic: a pure function of the node and the shapes.
// Reference: the usual counting conventions of fvcore / ptflops / the ONNX
// profilers (2 FLOPs per multiply-accumulate); the constants for non-linear and
// normalisation ops are pipecut's own documented conventions.
//
// Notation: E(t) = number of elements of tensor t, Y = first output, X = first
// input, k = prod(kernel_shape), MAC = multiply-accumulate = 2 FLOPs.
//
// | operators                                              | FLOPs                                          |
// |--------------------------------------------------------|------------------------------------------------|
// | Conv, ConvInteger, QLinearConv, FusedConv               | 2 E(Y) (C_in/group) k  [+ E(Y) with a bias]   |
// | ConvTranspose                                          | 2 E(X) (C_out/group) k [+ E(Y) with a bias]   |
// | MatMul, MatMulInteger, QLinearMatMul, FusedMatMul      | 2 E(Y) K  (K = shared inner dim; batched too) |
// | Gemm                                                   | 2 E(Y) K [+ E(Y) with C]; alpha/beta ignored  |
// | Einsum                                                 | 2 prod(size of every index letter)            |
// | Attention (com.microsoft: packed QKV weights [D, 3H])   | 2 B S D 3H + 4 B S S_kv H + 5 B heads S S_kv   |
// | MultiHeadAttention (Q, K, V already projected, width H)| 4 B S_q S_kv H + 5 B heads S_q S_kv            |
// | BatchNormalization (inference: one scale and shift)    | 2 E(X)                                         |
// | LayerNormalization, InstanceNormalization,             | 8 E(X) (mean, variance, normalise, scale,      |
// |   GroupNormalization, MeanVarianceNormalization        |   shift)                                       |
// | SkipLayerNormalization / SimplifiedLayerNormalization  | 9 E(X) / 6 E(X)                                |
// | LpNormalization / LRN                                  | 3 E(X) / (size + 3) E(X)                       |
// | MaxPool, AveragePool, LpPool                           | E(Y) k                                         |
// | GlobalAveragePool, GlobalMaxPool, GlobalLpPool         | E(X)                                           |
// | arithmetic, comparison, logic, Relu-like activations   | 1 per output element (variadic Sum/Max/Min/    |
// |   (Add, Mul, Relu, Clip, Where, Sqrt, ...)             |   Mean: (inputs - 1) E(Y))                     |
// | transcendental activations (Exp, Log, Sigmoid, Tanh,   | 4 per output element                           |
// |   Erf, Gelu, Softplus, Elu, HardSwish, Pow, ...)       |                                                |
// | QuantizeLinear, DequantizeLinear                       | 2 per output element                           |
// | Softmax, LogSoftmax, Hardmax                           | 5 E(X) (max, subtract, exp, sum, divide)       |
// | ReduceSum/Mean/Max/Min/Prod/L1, ArgMax/ArgMin, CumSum, | E(X)                                           |
// |   TopK                                                 |                                                |
// | ReduceL2, ReduceSumSquare, ReduceLogSum(Exp)           | 2 E(X)                                         |
// | Resize, Upsample                                       | nearest: 0; linear: 2^(r+1) E(Y); cubic:       |
// |                                                        |   2 4^r E(Y) (r = number of resized axes)      |
// | LSTM                                                   | D S B (8H(I+H) + 32H)                          |
// | GRU                                                    | D S B (6H(I+H) + 22H)                          |
// | RNN                                                    | D S B (2H(I+H) + 6H)                           |
// |   (D directions, S steps, B batch, I input size, H hidden size; the matrix products plus the gate  |
// |    biases, 4-FLOP activations and cell updates)                                                    |
// | data movement: Reshape, Transpose, Concat, Split,      | 0 (their bytes still count; see the reader)   |
// |   Slice, Gather*, Scatter*, Expand, Tile, Pad, Cast,   |                                                |
// |   Squeeze, Unsqueeze, Flatten, Identity, Dropout,      |                                                |
// |   Shape, Size, DepthToSpace, SpaceToDepth, Range, ...  |                                                |
// | any other operator (listed in the load report)         | 1 per output element (kDefaultFlopsPerElement) |
//
// If, Loop and Scan are costed by the reader from their subgraphs, not here.
//
// Tiny example: MatMul of A [2, 3] by B [3, 4] gives Y [2, 4]: 2 * 8 * 3 = 48 FLOPs.

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace pipecut::onnxcost {

inline constexpr double kDefaultFlopsPerElement = 1.0;
inline constexpr double kTranscendentalFlops = 4.0;

// A tensor whose every dimension is known (the reader replaces unknown ones by
// documented defaults and sets `estimated`).
struct TensorShape {
    std::vector<int64_t> dims;
    double elemBytes = 4;
    bool present = false; // false: an optional input left empty
    bool estimated = false; // some dimension or the rank is a guess

    double elements() const;
    double bytes() const { return elements() * elemBytes; }
    int rank() const { return static_cast<int>(dims.size()); }
    // Dimension i (negative: from the back); 1 when out of range.
    int64_t dim(int i) const;
};

struct OpEstimate {
    double flops = 0.0;
    bool knownOp = true; // false: the default rule was used
    bool readsInputs = true; // false for Shape/Size (metadata only)
};

// Bytes of one element of an ONNX TensorProto::DataType; 0 when unknown
// (strings, undefined).
double elementBytes(int32_t dataType);

// True for operators that only move or reinterpret data (0 FLOPs).
bool isDataMovementOp(std::string_view op);

OpEstimate estimateFlops(
    const onnx::NodeProto &node, std::span<const TensorShape> inputs, std::span<const TensorShape> outputs);

} // namespace pipecut::onnxcost
