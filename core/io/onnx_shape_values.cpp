#include "core/io/onnx_shape_values.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pipecut::onnxcost {

namespace {

// A small integer tensor: its values and whether it is a scalar (rank 0).
struct Value {
    std::vector<int64_t> v;
    bool scalar = false;
};

std::optional<Value> valueOf(const onnx::TensorProto &t)
{
    if (t.dims_size() > 1)
        return std::nullopt;
    int64_t n = t.dims_size() == 0 ? 1 : t.dims(0);
    if (n < 0 || n > kMaxValueElements)
        return std::nullopt;
    Value out;
    out.scalar = t.dims_size() == 0;
    if (t.data_type() == onnx::TensorProto::INT64) {
        if (t.int64_data_size() == n) {
            out.v.assign(t.int64_data().begin(), t.int64_data().end());
        } else if (t.raw_data().size() == size_t(n) * 8) {
            out.v.resize(static_cast<size_t>(n));
            if (n > 0) // memcpy with the null data() of an empty vector is undefined (found by fuzz_onnx)
                std::memcpy(out.v.data(), t.raw_data().data(), t.raw_data().size()); // little-endian
        } else {
            return std::nullopt;
        }
    } else if (t.data_type() == onnx::TensorProto::INT32) {
        if (t.int32_data_size() == n) {
            out.v.assign(t.int32_data().begin(), t.int32_data().end());
        } else if (t.raw_data().size() == size_t(n) * 4) {
            std::vector<int32_t> tmp(static_cast<size_t>(n));
            if (n > 0)
                std::memcpy(tmp.data(), t.raw_data().data(), t.raw_data().size());
            out.v.assign(tmp.begin(), tmp.end());
        } else {
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    return out;
}

const onnx::AttributeProto *attr(const onnx::NodeProto &n, const char *name)
{
    for (const onnx::AttributeProto &a : n.attribute())
        if (a.name() == name)
            return &a;
    return nullptr;
}

std::vector<int64_t> intsAttr(const onnx::NodeProto &n, const char *name)
{
    const onnx::AttributeProto *a = attr(n, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t> {};
}

std::optional<std::vector<int64_t>> knownDims(const onnx::TypeProto &t)
{
    if (!t.has_tensor_type() || !t.tensor_type().has_shape())
        return std::nullopt;
    std::vector<int64_t> dims;
    for (const auto &d : t.tensor_type().shape().dim()) {
        if (!d.has_dim_value())
            return std::nullopt;
        dims.push_back(d.dim_value());
    }
    return dims;
}

// Python-style clamp of a slice bound into [0, n].
int64_t clampIndex(int64_t i, int64_t n)
{
    if (i < 0)
        i += n;
    return std::clamp<int64_t>(i, 0, n);
}

std::optional<Value> binary(const std::string &op, const Value &a, const Value &b)
{
    const size_t n = std::max(a.v.size(), b.v.size());
    if ((a.v.size() != n && a.v.size() != 1) || (b.v.size() != n && b.v.size() != 1))
        return std::nullopt;
    Value out;
    out.scalar = a.scalar && b.scalar;
    for (size_t i = 0; i < n; ++i) {
        const int64_t x = a.v[a.v.size() == 1 ? 0 : i], y = b.v[b.v.size() == 1 ? 0 : i];
        if (op == "Add")
            out.v.push_back(x + y);
        else if (op == "Sub")
            out.v.push_back(x - y);
        else if (op == "Mul")
            out.v.push_back(x * y);
        else if (op == "Div" && y != 0)
            out.v.push_back(x / y);
        else
            return std::nullopt;
    }
    return out;
}

// Reshape semantics: 0 copies the input dimension (unless allowzero), -1 is inferred.
std::optional<std::vector<int64_t>> reshape(
    const std::vector<int64_t> &in, const std::vector<int64_t> &target, bool allowZero)
{
    int64_t total = 1;
    for (int64_t d : in)
        total *= d;
    std::vector<int64_t> out(target);
    int64_t known = 1;
    int inferred = -1;
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] == 0 && !allowZero) {
            if (i >= in.size())
                return std::nullopt;
            out[i] = in[i];
        }
        if (out[i] == -1) {
            if (inferred >= 0)
                return std::nullopt;
            inferred = static_cast<int>(i);
        } else if (out[i] < 0) {
            return std::nullopt;
        } else {
            known *= out[i];
        }
    }
    if (inferred >= 0) {
        if (known == 0 || total % known != 0)
            return std::nullopt;
        out[inferred] = total / known;
    } else if (known != total) {
        return std::nullopt;
    }
    return out;
}

// What one graph knows while values propagate: dims, element types and small
// integer values by name. Scopes are copied into subgraphs: they see the
// enclosing graph's values.
struct ValueScope {
    ValueScope(onnx::GraphProto &g, int64_t opset, std::unordered_map<std::string, std::vector<int64_t>> dims,
        std::unordered_map<std::string, int32_t> elemType, std::unordered_map<std::string, Value> values)
        : g(g)
        , opset(opset)
        , dims(std::move(dims))
        , elemType(std::move(elemType))
        , values(std::move(values))
    {
        for (auto *list : { g.mutable_input(), g.mutable_output(), g.mutable_value_info() })
            for (onnx::ValueInfoProto &v : *list) {
                info.emplace(v.name(), &v);
                if (v.type().has_tensor_type())
                    this->elemType[v.name()] = v.type().tensor_type().elem_type();
                if (auto d = knownDims(v.type()))
                    this->dims[v.name()] = *d;
            }
        for (const onnx::TensorProto &t : g.initializer()) {
            this->dims[t.name()].assign(t.dims().begin(), t.dims().end());
            this->elemType[t.name()] = t.data_type();
            if (auto v = valueOf(t))
                this->values[t.name()] = *v;
        }
    }

    const Value *value(const onnx::NodeProto &n, int i) const
    {
        if (i >= n.input_size() || n.input(i).empty())
            return nullptr;
        auto it = values.find(n.input(i));
        return it == values.end() ? nullptr : &it->second;
    }

    // A resolved output shape goes into value_info for the next inference run.
    void record(const onnx::NodeProto &n, const std::vector<int64_t> &shape)
    {
        const std::string &out = n.output(0);
        if (!dims.count(out)) {
            onnx::ValueInfoProto *vi = info.count(out) ? info[out] : g.add_value_info();
            vi->set_name(out);
            auto *tt = vi->mutable_type()->mutable_tensor_type();
            if (!tt->has_elem_type() && elemType.count(n.input(0)))
                tt->set_elem_type(elemType[n.input(0)]);
            auto *dimsProto = tt->mutable_shape();
            dimsProto->clear_dim();
            for (int64_t d : shape)
                dimsProto->add_dim()->set_dim_value(d);
            info[out] = vi;
            ++resolved;
        }
        dims[out] = shape;
    }

    // The value a node computes from known values, for the operators that
    // build shapes; nullopt for any other.
    std::optional<Value> evaluate(const onnx::NodeProto &n) const
    {
        const std::string &op = n.op_type();
        std::optional<Value> result;
        if (op == "Constant") {
            if (const onnx::AttributeProto *a = attr(n, "value"))
                result = valueOf(a->t());
            else if (const onnx::AttributeProto *a = attr(n, "value_ints"))
                result = Value { { a->ints().begin(), a->ints().end() }, false };
            else if (const onnx::AttributeProto *a = attr(n, "value_int"))
                result = Value { { a->i() }, true };
        } else if (op == "Shape") {
            result = shapeValue(n);
        } else if (op == "Size") {
            auto it = n.input_size() > 0 ? dims.find(n.input(0)) : dims.end();
            if (it != dims.end()) {
                int64_t p = 1;
                for (int64_t d : it->second)
                    p *= d;
                result = Value { { p }, true };
            }
        } else if (op == "Cast" || op == "Identity") {
            if (const Value *a = value(n, 0))
                result = *a;
        } else if (op == "Gather") {
            result = gatherValue(n);
        } else if (op == "Unsqueeze") {
            if (const Value *a = value(n, 0); a && a->scalar)
                result = Value { a->v, false };
        } else if (op == "Squeeze") {
            if (const Value *a = value(n, 0); a && a->v.size() == 1)
                result = Value { a->v, true };
        } else if (op == "Concat") {
            result = concatValue(n);
        } else if (op == "Slice") {
            result = sliceValue(n);
        } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
            const Value *a = value(n, 0), *b = value(n, 1);
            if (a && b)
                result = binary(op, *a, *b);
        }
        return result;
    }

    // The output shape of Reshape (target from known values) and Pad,
    // recorded for the next inference run; any other operator is left alone.
    void resolveShape(const onnx::NodeProto &n)
    {
        const std::string &op = n.op_type();
        if (op == "Reshape") {
            const Value *target = value(n, 1);
            auto in = dims.find(n.input(0));
            if (target && !target->scalar && in != dims.end()) {
                const onnx::AttributeProto *allowZero = attr(n, "allowzero");
                if (auto shaped = reshape(in->second, target->v, allowZero && allowZero->i() != 0))
                    record(n, *shaped);
            }
        } else if (op == "Pad" && n.input_size() < 4) { // (opset 18's axes input: not handled)
            const Value *padsValue = value(n, 1);
            const std::vector<int64_t> pads = opset < 11 ? intsAttr(n, "pads")
                : padsValue                              ? padsValue->v
                                                         : std::vector<int64_t> {};
            auto in = dims.find(n.input(0));
            if (in != dims.end() && pads.size() == 2 * in->second.size()) {
                std::vector<int64_t> padded = in->second;
                const size_t r = padded.size();
                for (size_t i = 0; i < r; ++i)
                    padded[i] += pads[i] + pads[i + r];
                if (std::all_of(padded.begin(), padded.end(), [](int64_t d) { return d >= 0; }))
                    record(n, padded);
            }
        }
    }

    onnx::GraphProto &g;
    const int64_t opset;
    std::unordered_map<std::string, std::vector<int64_t>> dims;
    std::unordered_map<std::string, int32_t> elemType;
    std::unordered_map<std::string, Value> values;
    std::unordered_map<std::string, onnx::ValueInfoProto *> info;
    int resolved = 0;

private:
    std::optional<Value> shapeValue(const onnx::NodeProto &n) const
    {
        auto it = n.input_size() > 0 ? dims.find(n.input(0)) : dims.end();
        if (it == dims.end())
            return std::nullopt;
        const int64_t r = static_cast<int64_t>(it->second.size());
        int64_t start = 0, end = r;
        if (const onnx::AttributeProto *a = attr(n, "start"))
            start = clampIndex(a->i(), r);
        if (const onnx::AttributeProto *a = attr(n, "end"))
            end = clampIndex(a->i(), r);
        Value v;
        for (int64_t i = start; i < end; ++i)
            v.v.push_back(it->second[static_cast<size_t>(i)]);
        return v;
    }

    std::optional<Value> gatherValue(const onnx::NodeProto &n) const
    {
        const Value *data = value(n, 0), *idx = value(n, 1);
        if (!(data && idx && !data->scalar && (attr(n, "axis") == nullptr || attr(n, "axis")->i() == 0)))
            return std::nullopt;
        Value v;
        v.scalar = idx->scalar;
        const int64_t size = static_cast<int64_t>(data->v.size());
        for (int64_t i : idx->v) {
            if (i < 0)
                i += size;
            if (i < 0 || i >= size) {
                v.v.clear();
                break;
            }
            v.v.push_back(data->v[static_cast<size_t>(i)]);
        }
        if (v.v.size() == idx->v.size())
            return v;
        return std::nullopt;
    }

    std::optional<Value> concatValue(const onnx::NodeProto &n) const
    {
        Value v;
        bool all = true;
        for (int i = 0; i < n.input_size() && all; ++i) {
            const Value *a = value(n, i);
            all = a != nullptr;
            if (a)
                v.v.insert(v.v.end(), a->v.begin(), a->v.end());
        }
        if (all && n.input_size() > 0)
            return v;
        return std::nullopt;
    }

    std::optional<Value> sliceValue(const onnx::NodeProto &n) const
    {
        const Value *data = value(n, 0);
        std::vector<int64_t> starts, ends, steps;
        if (opset < 10) {
            starts = intsAttr(n, "starts");
            ends = intsAttr(n, "ends");
        } else if (const Value *s = value(n, 1), *e = value(n, 2); s && e) {
            starts = s->v;
            ends = e->v;
            if (const Value *st = value(n, 4))
                steps = st->v;
        }
        if (!(data && !data->scalar && starts.size() == 1 && ends.size() == 1
                && (steps.empty() || (steps.size() == 1 && steps[0] == 1))))
            return std::nullopt;
        const int64_t size = static_cast<int64_t>(data->v.size());
        const int64_t b = clampIndex(starts[0], size), e = clampIndex(std::min(ends[0], size), size);
        Value v;
        for (int64_t i = b; i < e; ++i)
            v.v.push_back(data->v[static_cast<size_t>(i)]);
        return v;
    }
};

int propagate(onnx::GraphProto &g, int64_t opset, std::unordered_map<std::string, std::vector<int64_t>> dims,
    std::unordered_map<std::string, int32_t> elemType, std::unordered_map<std::string, Value> values)
{
    ValueScope scope(g, opset, std::move(dims), std::move(elemType), std::move(values));
    int resolved = 0;
    for (onnx::NodeProto &n : *g.mutable_node()) {
        for (onnx::AttributeProto &a : *n.mutable_attribute()) {
            if (a.has_g())
                resolved += propagate(*a.mutable_g(), opset, scope.dims, scope.elemType, scope.values);
            for (onnx::GraphProto &sub : *a.mutable_graphs())
                resolved += propagate(sub, opset, scope.dims, scope.elemType, scope.values);
        }
        if (n.output_size() == 0 || n.output(0).empty())
            continue;
        std::optional<Value> result = scope.evaluate(n);
        scope.resolveShape(n);
        if (result && result->v.size() <= size_t(kMaxValueElements))
            scope.values[n.output(0)] = std::move(*result);
    }
    return resolved + scope.resolved;
}

} // namespace

int propagateShapeValues(onnx::GraphProto &graph, int64_t opset)
{
    return propagate(graph, opset, {}, {}, {});
}

} // namespace pipecut::onnxcost
