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
// A small integer tensor: its values (row-major) and whether it is a scalar
// (rank 0); `shape` is set for rank 2 and more (empty: 1-D of v.size()).
struct Value {
    std::vector<int64_t> v;
    bool scalar = false;
    std::vector<int64_t> shape;
};

std::vector<int64_t> dimsOf(const Value &a)
{
    if (a.scalar)
        return {};
    return a.shape.empty() ? std::vector<int64_t> { static_cast<int64_t>(a.v.size()) } : a.shape;
}

bool isVector(const Value *a)
{
    return a && !a->scalar && a->shape.size() <= 1;
}

// A value of the given dims (rank 0: a scalar).
Value shaped(std::vector<int64_t> v, const std::vector<int64_t> &dims)
{
    Value out { std::move(v), dims.empty(), {} };
    if (dims.size() > 1)
        out.shape = dims;
    return out;
}

// The first index and the count Slice takes along an axis of size d.
std::optional<std::pair<int64_t, int64_t>> sliceAxis(int64_t d, int64_t start, int64_t end, int64_t step)
{
    if (step == 0)
        return std::nullopt;
    int64_t b = start < 0 ? start + d : start;
    int64_t e = end < 0 ? end + d : end;
    if (step > 0) {
        b = std::clamp<int64_t>(b, 0, d);
        e = std::clamp<int64_t>(e, 0, d);
        return std::pair<int64_t, int64_t> { b, e > b ? (e - b + step - 1) / step : 0 };
    }
    b = std::clamp<int64_t>(b, 0, d - 1);
    e = std::clamp<int64_t>(e, -1, d - 1);
    return std::pair<int64_t, int64_t> { b, b > e ? (b - e - step - 1) / -step : 0 };
}

std::optional<Value> valueOf(const onnx::TensorProto &t)
{
    int64_t n = 1;
    for (int64_t d : t.dims()) {
        if (d < 0 || d > kMaxValueElements)
            return std::nullopt;
        n *= d;
    }
    if (n > kMaxValueElements)
        return std::nullopt;
    Value out;
    out.scalar = t.dims_size() == 0;
    if (t.dims_size() > 1)
        out.shape.assign(t.dims().begin(), t.dims().end());
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
    if (a.v.size() == n && b.v.size() == n && dimsOf(a) != dimsOf(b) && !a.scalar && !b.scalar)
        return std::nullopt;
    Value out;
    out.scalar = a.scalar && b.scalar;
    out.shape = a.v.size() == n ? a.shape : b.shape;
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
        else if (op == "Mod" && y != 0)
            out.v.push_back(x % y);
        else if (op == "Min")
            out.v.push_back(std::min(x, y));
        else if (op == "Max")
            out.v.push_back(std::max(x, y));
        else if (op == "Equal")
            out.v.push_back(x == y);
        else if (op == "Less")
            out.v.push_back(x < y);
        else if (op == "Greater")
            out.v.push_back(x > y);
        else
            return std::nullopt;
    }
    return out;
}

// Numpy broadcasting of two shapes; nullopt when they do not broadcast.
std::optional<std::vector<int64_t>> broadcast(const std::vector<int64_t> &a, const std::vector<int64_t> &b)
{
    const size_t r = std::max(a.size(), b.size());
    std::vector<int64_t> out(r);
    for (size_t i = 0; i < r; ++i) {
        const int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
        const int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
        if (x != y && x != 1 && y != 1)
            return std::nullopt;
        out[i] = x == 1 ? y : x;
    }
    return out;
}

// Elements of Range(start, limit, delta); nullopt when delta is 0 or the count is negative.
std::optional<int64_t> rangeCount(int64_t start, int64_t limit, int64_t delta)
{
    if (delta == 0)
        return std::nullopt;
    const int64_t span = limit - start;
    const int64_t n = span / delta + ((span % delta) != 0 && ((span > 0) == (delta > 0)) ? 1 : 0);
    return std::max<int64_t>(n, 0);
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
    // `elem`: the output's element type when it is not the first input's.
    void record(const onnx::NodeProto &n, const std::vector<int64_t> &shape, int32_t elem = 0)
    {
        recordAt(n, 0, shape, elem);
    }
    void recordAt(const onnx::NodeProto &n, int index, const std::vector<int64_t> &shape, int32_t elem)
    {
        if (index >= n.output_size() || n.output(index).empty())
            return;
        const std::string &out = n.output(index);
        if (!dims.count(out)) {
            onnx::ValueInfoProto *vi = info.count(out) ? info[out] : g.add_value_info();
            vi->set_name(out);
            auto *tt = vi->mutable_type()->mutable_tensor_type();
            if (!tt->has_elem_type() && elem != 0)
                tt->set_elem_type(elem);
            else if (!tt->has_elem_type() && n.input_size() > 0 && elemType.count(n.input(0)))
                tt->set_elem_type(elemType[n.input(0)]);
            auto *dimsProto = tt->mutable_shape();
            dimsProto->clear_dim();
            for (int64_t d : shape)
                dimsProto->add_dim()->set_dim_value(d);
            info[out] = vi;
            ++resolved;
            if (tt->has_elem_type())
                elemType[out] = tt->elem_type();
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
                result = Value { a->v, true, {} };
        } else if (op == "Transpose") {
            result = transposeValue(n);
        } else if (op == "Concat") {
            result = concatValue(n);
        } else if (op == "Slice") {
            result = sliceValue(n);
        } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Mod" || op == "Min" || op == "Max"
            || op == "Equal" || op == "Less" || op == "Greater") {
            const Value *a = value(n, 0), *b = value(n, 1);
            if (a && b && n.input_size() == 2)
                result = binary(op, *a, *b);
        } else if (op == "Neg" || op == "Abs" || op == "Not") {
            if (const Value *a = value(n, 0)) {
                result = *a;
                for (int64_t &x : result->v)
                    x = op == "Neg" ? -x : op == "Abs" ? std::abs(x) : int64_t(x == 0);
            }
        } else {
            result = evaluateShapeBuilder(n);
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
        } else {
            resolveBuilderShape(n);
        }
    }

    // Output shapes of Expand, ConstantOfShape, Range, Tile, Resize/Upsample
    // (with sizes) and Slice from computed shape arguments.
    void resolveBuilderShape(const onnx::NodeProto &n)
    {
        const std::string &op = n.op_type();
        auto in = n.input_size() > 0 ? dims.find(n.input(0)) : dims.end();
        const Value *arg = value(n, 1);
        if (op == "Expand" && in != dims.end() && arg && !arg->scalar) {
            if (auto out = broadcast(in->second, arg->v))
                record(n, *out);
        } else if (op == "ConstantOfShape" && value(n, 0)) {
            const Value *shape = value(n, 0);
            const onnx::AttributeProto *fill = attr(n, "value");
            if (std::all_of(shape->v.begin(), shape->v.end(), [](int64_t d) { return d >= 0; }))
                record(n, shape->v, fill ? fill->t().data_type() : int32_t(onnx::TensorProto::FLOAT));
        } else if (op == "Range") {
            const Value *a = value(n, 0), *b = value(n, 1), *d = value(n, 2);
            if (a && b && d && a->v.size() == 1 && b->v.size() == 1 && d->v.size() == 1)
                if (auto count = rangeCount(a->v[0], b->v[0], d->v[0]))
                    record(n, { *count });
        } else if (op == "Tile" && in != dims.end() && arg && arg->v.size() == in->second.size()) {
            std::vector<int64_t> out = in->second;
            for (size_t i = 0; i < out.size(); ++i)
                out[i] *= arg->v[i];
            record(n, out);
        } else if ((op == "Resize" || op == "Upsample") && in != dims.end() && n.input_size() == 4) {
            if (const Value *sizes = value(n, 3); sizes && sizes->v.size() == in->second.size())
                record(n, sizes->v);
        } else if (op == "Slice" && opset >= 10 && in != dims.end()) {
            sliceShape(n, in->second);
        }
    }

    // Slice of a tensor whose starts, ends (and axes, steps) are known values.
    void sliceShape(const onnx::NodeProto &n, const std::vector<int64_t> &in)
    {
        const Value *starts = value(n, 1), *ends = value(n, 2);
        const Value *axesValue = value(n, 3), *stepsValue = value(n, 4);
        if (!starts || !ends || starts->v.size() != ends->v.size()
            || (n.input_size() > 3 && !n.input(3).empty() && !axesValue)
            || (n.input_size() > 4 && !n.input(4).empty() && !stepsValue))
            return;
        std::vector<int64_t> out = in;
        const int64_t r = static_cast<int64_t>(in.size());
        for (size_t i = 0; i < starts->v.size(); ++i) {
            int64_t axis = axesValue && i < axesValue->v.size() ? axesValue->v[i] : int64_t(i);
            const int64_t step = stepsValue && i < stepsValue->v.size() ? stepsValue->v[i] : 1;
            if (axis < 0)
                axis += r;
            if (axis < 0 || axis >= r || step == 0)
                return;
            const auto taken = sliceAxis(in[size_t(axis)], starts->v[i], ends->v[i], step);
            if (!taken)
                return;
            out[size_t(axis)] = taken->second;
        }
        record(n, out);
    }

    // The values of Split's outputs (1-D input, axis 0): sizes from the split
    // input or attribute, else equal parts.
    void splitValues(const onnx::NodeProto &n)
    {
        const Value *a = n.op_type() == "Split" ? value(n, 0) : nullptr;
        if (!isVector(a) || (attr(n, "axis") && attr(n, "axis")->i() != 0 && attr(n, "axis")->i() != -1))
            return;
        std::vector<int64_t> sizes = intsAttr(n, "split");
        if (const Value *sv = value(n, 1))
            sizes = sv->v;
        const int64_t parts = n.output_size(), len = static_cast<int64_t>(a->v.size());
        if (sizes.empty()) {
            if (parts == 0 || len % parts != 0)
                return;
            sizes.assign(size_t(parts), len / parts);
        }
        if (int64_t(sizes.size()) != parts)
            return;
        int64_t at = 0;
        for (int64_t i = 0; i < parts; ++i) {
            if (sizes[size_t(i)] < 0 || at + sizes[size_t(i)] > len)
                return;
            if (!n.output(int(i)).empty())
                values[n.output(int(i))] = Value { { a->v.begin() + at, a->v.begin() + at + sizes[size_t(i)] }, false };
            at += sizes[size_t(i)];
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
    // Range, ConstantOfShape, Expand, Reshape and Where on small integer values.
    std::optional<Value> evaluateShapeBuilder(const onnx::NodeProto &n) const
    {
        const std::string &op = n.op_type();
        if (op == "Range") {
            const Value *a = value(n, 0), *b = value(n, 1), *d = value(n, 2);
            if (!(a && b && d && a->v.size() == 1 && b->v.size() == 1 && d->v.size() == 1))
                return std::nullopt;
            const std::optional<int64_t> count = rangeCount(a->v[0], b->v[0], d->v[0]);
            if (!count || *count > kMaxValueElements)
                return std::nullopt;
            Value v;
            for (int64_t i = 0; i < *count; ++i)
                v.v.push_back(a->v[0] + i * d->v[0]);
            return v;
        }
        if (op == "ConstantOfShape") {
            const Value *shape = value(n, 0);
            int64_t fill = 0;
            if (const onnx::AttributeProto *a = attr(n, "value")) {
                const std::optional<Value> f = valueOf(a->t());
                if (!f || f->v.size() != 1)
                    return std::nullopt;
                fill = f->v[0];
            }
            if (!(shape && shape->v.size() <= 1 && (shape->v.empty() || shape->v[0] <= kMaxValueElements)))
                return std::nullopt;
            return Value { std::vector<int64_t>(shape->v.empty() ? 1 : size_t(shape->v[0]), fill), shape->v.empty() };
        }
        if (op == "Expand") {
            const Value *a = value(n, 0), *shape = value(n, 1);
            if (!(a && shape && shape->v.size() <= 1 && a->v.size() == 1))
                return std::nullopt;
            const int64_t len = shape->v.empty() ? 1 : std::max<int64_t>(shape->v[0], 1);
            if (len > kMaxValueElements)
                return std::nullopt;
            return Value { std::vector<int64_t>(size_t(len), a->v[0]), false };
        }
        if (op == "Reshape") {
            const Value *a = value(n, 0), *shape = value(n, 1);
            if (!(a && isVector(shape)))
                return std::nullopt;
            const onnx::AttributeProto *allowZero = attr(n, "allowzero");
            const auto dims = reshape(dimsOf(*a), shape->v, allowZero && allowZero->i() != 0);
            return dims ? std::optional(shaped(a->v, *dims)) : std::nullopt;
        }
        if (op == "Where") {
            const Value *c = value(n, 0), *x = value(n, 1), *y = value(n, 2);
            if (!(c && x && y))
                return std::nullopt;
            const size_t len = std::max({ c->v.size(), x->v.size(), y->v.size() });
            Value v;
            v.scalar = c->scalar && x->scalar && y->scalar;
            for (const Value *t : { c, x, y })
                if (t->v.size() != len && t->v.size() != 1)
                    return std::nullopt;
            auto at = [](const Value *t, size_t i) { return t->v[t->v.size() == 1 ? 0 : i]; };
            for (size_t i = 0; i < len; ++i)
                v.v.push_back(at(c, i) ? at(x, i) : at(y, i));
            return v;
        }
        return std::nullopt;
    }

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
        if (!(isVector(data) && idx && idx->shape.empty() && (attr(n, "axis") == nullptr || attr(n, "axis")->i() == 0)))
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
            all = isVector(a);
            if (a)
                v.v.insert(v.v.end(), a->v.begin(), a->v.end());
        }
        if (all && n.input_size() > 0)
            return v;
        return std::nullopt;
    }

    // Slice of a small value along any axes, with any steps.
    std::optional<Value> sliceValue(const onnx::NodeProto &n) const
    {
        const Value *data = value(n, 0);
        std::vector<int64_t> starts, ends, axes, steps;
        if (opset < 10) {
            starts = intsAttr(n, "starts");
            ends = intsAttr(n, "ends");
            axes = intsAttr(n, "axes");
        } else if (const Value *s = value(n, 1), *e = value(n, 2); s && e) {
            starts = s->v;
            ends = e->v;
            if (const Value *ax = value(n, 3))
                axes = ax->v;
            else if (n.input_size() > 3 && !n.input(3).empty())
                return std::nullopt;
            if (const Value *st = value(n, 4))
                steps = st->v;
            else if (n.input_size() > 4 && !n.input(4).empty())
                return std::nullopt;
        }
        if (!data || data->scalar || starts.empty() || starts.size() != ends.size())
            return std::nullopt;
        const std::vector<int64_t> in = dimsOf(*data);
        const int64_t r = static_cast<int64_t>(in.size());
        std::vector<int64_t> first(in.size(), 0), step(in.size(), 1), count = in;
        for (size_t i = 0; i < starts.size(); ++i) {
            int64_t axis = i < axes.size() ? axes[i] : int64_t(i);
            axis += axis < 0 ? r : 0;
            if (axis < 0 || axis >= r)
                return std::nullopt;
            const int64_t st = i < steps.size() ? steps[i] : 1;
            const auto taken = sliceAxis(in[size_t(axis)], starts[i], ends[i], st);
            if (!taken)
                return std::nullopt;
            first[size_t(axis)] = taken->first;
            count[size_t(axis)] = taken->second;
            step[size_t(axis)] = st;
        }
        return gatherStrided(*data, in, first, step, count);
    }

    // The elements at first + i * step along every axis, i < count (row-major).
    static std::optional<Value> gatherStrided(const Value &data, const std::vector<int64_t> &in,
        const std::vector<int64_t> &first, const std::vector<int64_t> &step, const std::vector<int64_t> &count)
    {
        int64_t total = 1;
        for (int64_t c : count)
            total *= c;
        std::vector<int64_t> out;
        std::vector<int64_t> idx(in.size(), 0);
        for (int64_t k = 0; k < total; ++k) {
            int64_t flat = 0;
            for (size_t a = 0; a < in.size(); ++a)
                flat = flat * in[a] + first[a] + idx[a] * step[a];
            if (flat < 0 || flat >= static_cast<int64_t>(data.v.size()))
                return std::nullopt;
            out.push_back(data.v[size_t(flat)]);
            for (size_t a = in.size(); a-- > 0;) {
                if (++idx[a] < count[a])
                    break;
                idx[a] = 0;
            }
        }
        return shaped(std::move(out), count);
    }

    // Transpose of a small value (perm: the attribute, else reversed axes).
    std::optional<Value> transposeValue(const onnx::NodeProto &n) const
    {
        const Value *data = value(n, 0);
        if (!data || data->scalar)
            return std::nullopt;
        const std::vector<int64_t> in = dimsOf(*data);
        std::vector<int64_t> perm = intsAttr(n, "perm");
        if (perm.empty())
            for (size_t a = in.size(); a-- > 0;)
                perm.push_back(static_cast<int64_t>(a));
        if (perm.size() != in.size())
            return std::nullopt;
        std::vector<int64_t> outDims, stride(in.size(), 1);
        for (size_t a = in.size(); a-- > 1;)
            stride[a - 1] = stride[a] * in[a];
        for (int64_t p : perm) {
            if (p < 0 || p >= static_cast<int64_t>(in.size()))
                return std::nullopt;
            outDims.push_back(in[size_t(p)]);
        }
        std::vector<int64_t> out, idx(in.size(), 0);
        for (size_t k = 0; k < data->v.size(); ++k) {
            int64_t flat = 0;
            for (size_t a = 0; a < perm.size(); ++a)
                flat += idx[a] * stride[size_t(perm[a])];
            out.push_back(data->v[size_t(flat)]);
            for (size_t a = outDims.size(); a-- > 0;) {
                if (++idx[a] < outDims[a])
                    break;
                idx[a] = 0;
            }
        }
        return shaped(std::move(out), outDims);
    }
};

// What a subgraph's propagation found: new shapes and its outputs' shapes.
struct Propagated {
    int resolved = 0;
    std::vector<std::optional<std::vector<int64_t>>> outputs;
    std::vector<int32_t> outputTypes;
};

Propagated propagate(onnx::GraphProto &g, int64_t opset, std::unordered_map<std::string, std::vector<int64_t>> dims,
    std::unordered_map<std::string, int32_t> elemType, std::unordered_map<std::string, Value> values);

double elementsOf(const std::vector<int64_t> &dims)
{
    double n = 1;
    for (int64_t d : dims)
        n *= double(d);
    return n;
}

// If: the output shapes of the branch the condition selects when it is known,
// else of the larger branch (by elements) when both are known.
void resolveIf(const onnx::NodeProto &n, ValueScope &scope, const Propagated &thenBranch, const Propagated &elseBranch)
{
    const Value *cond = scope.value(n, 0);
    for (int i = 0; i < n.output_size(); ++i) {
        const size_t k = size_t(i);
        const bool hasThen = k < thenBranch.outputs.size() && thenBranch.outputs[k];
        const bool hasElse = k < elseBranch.outputs.size() && elseBranch.outputs[k];
        const Propagated *taken = nullptr;
        if (cond && cond->v.size() == 1)
            taken = cond->v[0] != 0 ? &thenBranch : &elseBranch;
        else if (hasThen && hasElse)
            taken = elementsOf(*elseBranch.outputs[k]) > elementsOf(*thenBranch.outputs[k]) ? &elseBranch : &thenBranch;
        if (taken && k < taken->outputs.size() && taken->outputs[k])
            scope.recordAt(n, i, *taken->outputs[k], taken->outputTypes[k]);
    }
}

// Loop: loop-carried outputs take the body's shapes (the body's inputs seeded
// with the outer ones); scan outputs gain the trip count when it is known.
void resolveLoop(const onnx::NodeProto &n, ValueScope &scope, onnx::GraphProto &body, int &resolved)
{
    auto dims = scope.dims;
    const int carried = std::max(0, n.input_size() - 2);
    for (int i = 0; i < carried && i + 2 < body.input_size(); ++i)
        if (auto it = scope.dims.find(n.input(i + 2)); it != scope.dims.end())
            dims[body.input(i + 2).name()] = it->second;
    const Propagated b = propagate(body, scope.opset, std::move(dims), scope.elemType, scope.values);
    resolved += b.resolved;
    const Value *trips = scope.value(n, 0);
    for (int i = 0; i + 1 < static_cast<int>(b.outputs.size()); ++i) {
        const auto &out = b.outputs[size_t(i + 1)];
        if (!out)
            continue;
        if (i < carried) {
            scope.recordAt(n, i, *out, b.outputTypes[size_t(i + 1)]);
        } else if (trips && trips->v.size() == 1) {
            std::vector<int64_t> stacked { trips->v[0] };
            stacked.insert(stacked.end(), out->begin(), out->end());
            scope.recordAt(n, i, stacked, b.outputTypes[size_t(i + 1)]);
        }
    }
}

Propagated propagate(onnx::GraphProto &g, int64_t opset, std::unordered_map<std::string, std::vector<int64_t>> dims,
    std::unordered_map<std::string, int32_t> elemType, std::unordered_map<std::string, Value> values)
{
    ValueScope scope(g, opset, std::move(dims), std::move(elemType), std::move(values));
    int resolved = 0;
    for (onnx::NodeProto &n : *g.mutable_node()) {
        Propagated branches[2];
        for (onnx::AttributeProto &a : *n.mutable_attribute()) {
            if (a.has_g() && n.op_type() == "Loop" && a.name() == "body") {
                resolveLoop(n, scope, *a.mutable_g(), resolved);
            } else if (a.has_g()) {
                Propagated sub = propagate(*a.mutable_g(), opset, scope.dims, scope.elemType, scope.values);
                resolved += sub.resolved;
                if (a.name() == "then_branch" || a.name() == "else_branch")
                    branches[a.name() == "then_branch" ? 0 : 1] = std::move(sub);
            }
            for (onnx::GraphProto &sub : *a.mutable_graphs())
                resolved += propagate(sub, opset, scope.dims, scope.elemType, scope.values).resolved;
        }
        if (n.op_type() == "If")
            resolveIf(n, scope, branches[0], branches[1]);
        if (n.output_size() == 0 || n.output(0).empty())
            continue;
        std::optional<Value> result = scope.evaluate(n);
        scope.resolveShape(n);
        scope.splitValues(n);
        if (result && result->v.size() <= size_t(kMaxValueElements))
            scope.values[n.output(0)] = std::move(*result);
    }
    Propagated out;
    out.resolved = resolved + scope.resolved;
    for (const onnx::ValueInfoProto &v : g.output()) {
        auto it = scope.dims.find(v.name());
        out.outputs.push_back(it == scope.dims.end() ? std::nullopt : std::optional(it->second));
        auto type = scope.elemType.find(v.name());
        out.outputTypes.push_back(type == scope.elemType.end() ? 0 : type->second);
    }
    return out;
}

} // namespace

int propagateShapeValues(onnx::GraphProto &graph, int64_t opset)
{
    return propagate(graph, opset, {}, {}, {}).resolved;
}

} // namespace pipecut::onnxcost
