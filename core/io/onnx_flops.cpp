#include "core/io/onnx_flops.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <unordered_set>

namespace pipecut::onnxcost {

double TensorShape::elements() const
{
    double e = 1.0;
    for (int64_t d : dims)
        e *= static_cast<double>(std::max<int64_t>(d, 0));
    return e;
}

int64_t TensorShape::dim(int i) const
{
    if (i < 0)
        i += rank();
    if (i < 0 || i >= rank())
        return 1;
    return dims[static_cast<size_t>(i)];
}

double elementBytes(int32_t dataType)
{
    using T = onnx::TensorProto;
    switch (dataType) {
    case T::FLOAT:
    case T::INT32:
    case T::UINT32:
        return 4;
    case T::UINT8:
    case T::INT8:
    case T::BOOL:
        return 1;
    case T::UINT16:
    case T::INT16:
    case T::FLOAT16:
    case T::BFLOAT16:
        return 2;
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE:
    case T::COMPLEX64:
        return 8;
    case T::COMPLEX128:
        return 16;
    default:
        return 0;
    }
}

namespace {

bool in(std::string_view op, std::initializer_list<std::string_view> names)
{
    return std::find(names.begin(), names.end(), op) != names.end();
}

const onnx::AttributeProto *attribute(const onnx::NodeProto &node, std::string_view name)
{
    for (const onnx::AttributeProto &a : node.attribute())
        if (a.name() == name)
            return &a;
    return nullptr;
}

int64_t intAttr(const onnx::NodeProto &node, std::string_view name, int64_t fallback)
{
    const onnx::AttributeProto *a = attribute(node, name);
    return a && a->has_i() ? a->i() : fallback;
}

std::string stringAttr(const onnx::NodeProto &node, std::string_view name, std::string fallback)
{
    const onnx::AttributeProto *a = attribute(node, name);
    return a && a->has_s() ? a->s() : fallback;
}

std::vector<int64_t> intsAttr(const onnx::NodeProto &node, std::string_view name)
{
    const onnx::AttributeProto *a = attribute(node, name);
    if (!a)
        return {};
    return { a->ints().begin(), a->ints().end() };
}

const TensorShape &at(std::span<const TensorShape> v, size_t i)
{
    static const TensorShape absent;
    return i < v.size() ? v[i] : absent;
}

double product(const std::vector<int64_t> &v, size_t from = 0)
{
    double p = 1.0;
    for (size_t i = from; i < v.size(); ++i)
        p *= static_cast<double>(std::max<int64_t>(v[i], 0));
    return p;
}

// Kernel size: kernel_shape when given, else the weight's spatial dims.
double kernelSize(const onnx::NodeProto &node, const TensorShape &w)
{
    std::vector<int64_t> k = intsAttr(node, "kernel_shape");
    return k.empty() ? product(w.dims, 2) : product(k);
}

double einsumFlops(const onnx::NodeProto &node, std::span<const TensorShape> inputs, const TensorShape &y)
{
    std::string eq;
    for (char c : stringAttr(node, "equation", ""))
        if (c != ' ')
            eq += c;
    const size_t arrow = eq.find("->");
    const std::string lhs = eq.substr(0, arrow);
    if (lhs.find("...") != std::string::npos || eq.empty()) // ellipsis: fall back to 2 E(Y) K-less guess
        return 2.0 * y.elements();
    std::map<char, int64_t> size;
    size_t term = 0, pos = 0;
    for (size_t i = 0; i <= lhs.size(); ++i) {
        if (i == lhs.size() || lhs[i] == ',') {
            ++term;
            pos = 0;
            continue;
        }
        const TensorShape &t = at(inputs, term);
        const int64_t d = static_cast<int>(pos) < t.rank() ? t.dims[pos] : 1;
        size[lhs[i]] = std::max(size[lhs[i]], d);
        ++pos;
    }
    double points = 1.0;
    for (const auto &[letter, d] : size)
        points *= static_cast<double>(std::max<int64_t>(d, 0));
    return (term > 1 ? 2.0 : 1.0) * points;
}

// Recurrent layers: X is [S, B, I] (layout 0) or [B, S, I] (layout 1).
double recurrentFlops(const onnx::NodeProto &node, std::span<const TensorShape> inputs, int gates)
{
    const TensorShape &x = at(inputs, 0);
    const TensorShape &w = at(inputs, 1); // [D, gates*H, I]
    const bool batchFirst = intAttr(node, "layout", 0) == 1;
    const double steps = static_cast<double>(x.dim(batchFirst ? 1 : 0));
    const double batch = static_cast<double>(x.dim(batchFirst ? 0 : 1));
    const double inputSize = static_cast<double>(x.dim(2));
    double hidden = static_cast<double>(intAttr(node, "hidden_size", 0));
    if (hidden <= 0)
        hidden = static_cast<double>(w.dim(1)) / gates;
    const double dirs = stringAttr(node, "direction", "forward") == "bidirectional" ? 2.0 : 1.0;
    double perStep = 0;
    if (gates == 4) // LSTM: 4 gate products, 2 biases, 5 activations (4 FLOPs), cell update
        perStep = 8 * hidden * (inputSize + hidden) + 32 * hidden;
    else if (gates == 3) // GRU: 3 gate products, 2 biases, 3 activations, reset and update
        perStep = 6 * hidden * (inputSize + hidden) + 22 * hidden;
    else // RNN: one product, 2 biases, tanh
        perStep = 2 * hidden * (inputSize + hidden) + 6 * hidden;
    return dirs * steps * batch * perStep;
}

double attentionFlops(const onnx::NodeProto &node, std::span<const TensorShape> inputs, bool packedWeights)
{
    const TensorShape &q = at(inputs, 0);
    const double heads = static_cast<double>(std::max<int64_t>(intAttr(node, "num_heads", 1), 1));
    const double batch = static_cast<double>(q.dim(0));
    if (packedWeights) { // Attention: input [B, S, D], weights [D, 3H]
        const double seq = static_cast<double>(q.dim(1));
        const double width = static_cast<double>(q.dim(2));
        const TensorShape &w = at(inputs, 1);
        const double qkv = static_cast<double>(w.dim(1));
        const double hidden = qkv / 3.0;
        return 2 * batch * seq * width * qkv + 4 * batch * seq * seq * hidden + 5 * batch * heads * seq * seq;
    }
    // MultiHeadAttention: Q [B, S_q, H], K [B, S_kv, H] (or 4-D [B, heads, S, d]).
    const TensorShape &k = at(inputs, 1);
    double seqQ, seqKv, hidden;
    if (q.rank() == 4) {
        seqQ = static_cast<double>(q.dim(2));
        hidden = static_cast<double>(q.dim(1) * q.dim(3));
    } else {
        seqQ = static_cast<double>(q.dim(1));
        hidden = static_cast<double>(q.dim(2));
    }
    seqKv = k.present ? static_cast<double>(k.rank() == 4 ? k.dim(2) : k.dim(1)) : seqQ;
    return 4 * batch * seqQ * seqKv * hidden + 5 * batch * heads * seqQ * seqKv;
}

double resizeFlops(const onnx::NodeProto &node, const TensorShape &x, const TensorShape &y)
{
    const std::string mode = stringAttr(node, "mode", "nearest");
    if (mode == "nearest")
        return 0.0;
    int resized = 0;
    for (int i = 0; i < std::min(x.rank(), y.rank()); ++i)
        resized += x.dims[i] != y.dims[i];
    const double perElement = mode == "cubic" ? 2.0 * std::pow(4.0, resized) : std::pow(2.0, resized + 1);
    return perElement * y.elements();
}

} // namespace

bool isDataMovementOp(std::string_view op)
{
    static const std::unordered_set<std::string_view> ops = { "Reshape", "Transpose", "Concat", "Split",
        "SplitToSequence", "Slice", "Gather", "GatherElements", "GatherND", "Scatter", "ScatterElements", "ScatterND",
        "Expand", "Tile", "Pad", "Cast", "CastLike", "Squeeze", "Unsqueeze", "Flatten", "Identity", "Dropout", "Shape",
        "Size", "DepthToSpace", "SpaceToDepth", "Range", "ConstantOfShape", "OneHot", "NonZero", "Compress",
        "ReverseSequence", "Trilu", "EyeLike", "SequenceConstruct", "SequenceAt", "SequenceInsert", "SequenceEmpty",
        "SequenceLength", "ConcatFromSequence", "Optional", "OptionalGetElement", "OptionalHasElement" };
    return ops.count(op) > 0;
}

OpEstimate estimateFlops(
    const onnx::NodeProto &node, std::span<const TensorShape> inputs, std::span<const TensorShape> outputs)
{
    const std::string_view op = node.op_type();
    const TensorShape &x = at(inputs, 0);
    const TensorShape &y = at(outputs, 0);
    const double ey = y.elements();
    const double ex = x.elements();
    OpEstimate r;

    if (isDataMovementOp(op)) {
        r.readsInputs = !in(op, { "Shape", "Size" });
        return r;
    }
    if (in(op, { "Conv", "ConvInteger", "QLinearConv", "FusedConv" })) {
        const TensorShape &w = at(inputs, op == "QLinearConv" ? 3 : 1);
        const TensorShape &bias = at(inputs, op == "QLinearConv" ? 8 : 2);
        const double cinPerGroup = static_cast<double>(w.dim(1));
        r.flops = 2.0 * ey * cinPerGroup * kernelSize(node, w) + (bias.present && op != "ConvInteger" ? ey : 0.0);
    } else if (op == "ConvTranspose") {
        const TensorShape &w = at(inputs, 1); // [C_in, C_out/group, k...]
        r.flops = 2.0 * ex * static_cast<double>(w.dim(1)) * kernelSize(node, w) + (at(inputs, 2).present ? ey : 0.0);
    } else if (in(op, { "MatMul", "MatMulInteger", "QLinearMatMul", "FusedMatMul" })) {
        const TensorShape &a = x;
        const bool transA = op == "FusedMatMul" && intAttr(node, "transA", 0) != 0;
        const double k = static_cast<double>(a.rank() >= 2 && transA ? a.dim(-2) : a.dim(-1));
        r.flops = 2.0 * ey * k;
    } else if (op == "Gemm") {
        const double k = static_cast<double>(intAttr(node, "transA", 0) ? x.dim(0) : x.dim(1));
        r.flops = 2.0 * ey * k + (at(inputs, 2).present ? ey : 0.0);
    } else if (op == "Einsum") {
        r.flops = einsumFlops(node, inputs, y);
    } else if (op == "Attention") {
        r.flops = attentionFlops(node, inputs, true);
    } else if (op == "MultiHeadAttention") {
        r.flops = attentionFlops(node, inputs, false);
    } else if (op == "BatchNormalization") {
        r.flops = 2.0 * ex;
    } else if (in(op,
                   { "LayerNormalization", "InstanceNormalization", "GroupNormalization",
                       "MeanVarianceNormalization" })) {
        r.flops = 8.0 * ex;
    } else if (op == "SkipLayerNormalization") {
        r.flops = 9.0 * ex;
    } else if (in(op, { "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization", "RMSNormalization" })) {
        r.flops = 6.0 * ex;
    } else if (op == "LpNormalization") {
        r.flops = 3.0 * ex;
    } else if (op == "LRN") {
        r.flops = (static_cast<double>(intAttr(node, "size", 1)) + 3.0) * ex;
    } else if (in(op, { "MaxPool", "AveragePool", "LpPool" })) {
        r.flops = ey * product(intsAttr(node, "kernel_shape"));
    } else if (in(op, { "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" })) {
        r.flops = ex;
    } else if (in(op, { "Sum", "Max", "Min", "Mean" })) {
        r.flops = std::max<double>(1.0, static_cast<double>(node.input_size()) - 1.0) * ey;
    } else if (in(op,
                   { "Add", "Sub", "Mul", "Div", "Mod", "Neg", "Abs", "Relu", "LeakyRelu", "PRelu", "Clip", "Equal",
                       "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not", "Where", "Sign",
                       "Floor", "Ceil", "Round", "Reciprocal", "Sqrt", "ThresholdedRelu", "Shrink", "IsNaN", "IsInf",
                       "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot", "BiasAdd" })) {
        r.flops = ey;
    } else if (in(op,
                   { "Exp", "Log", "Sigmoid", "Tanh", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh",
                       "Cosh", "Asinh", "Acosh", "Atanh", "Softplus", "Softsign", "Elu", "Selu", "Celu", "HardSigmoid",
                       "HardSwish", "Mish", "Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Pow" })) {
        r.flops = kTranscendentalFlops * ey;
    } else if (in(op, { "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear" })) {
        r.flops = 2.0 * ey;
    } else if (in(op, { "Softmax", "LogSoftmax", "Hardmax" })) {
        r.flops = 5.0 * ex;
    } else if (in(op,
                   { "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ArgMax", "ArgMin",
                       "CumSum", "TopK" })) {
        r.flops = ex;
    } else if (in(op, { "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp" })) {
        r.flops = 2.0 * ex;
    } else if (in(op, { "Resize", "Upsample" })) {
        r.flops = resizeFlops(node, x, y);
    } else if (op == "LSTM") {
        r.flops = recurrentFlops(node, inputs, 4);
    } else if (op == "GRU") {
        r.flops = recurrentFlops(node, inputs, 3);
    } else if (op == "RNN") {
        r.flops = recurrentFlops(node, inputs, 1);
    } else {
        double largest = 0;
        for (const TensorShape &t : outputs)
            largest = std::max(largest, t.elements());
        r.flops = kDefaultFlopsPerElement * largest;
        r.knownOp = false;
    }
    return r;
}

} // namespace pipecut::onnxcost
