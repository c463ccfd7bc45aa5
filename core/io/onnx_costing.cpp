// Costing half of the ONNX import (core/io/onnx_reader.h): the inferred model graph
// becomes costed nodes, edges and the load report (no device yet), and a device
// profile turns an analysis into a graph.

#include "core/io/onnx_internal.h"

#include "core/io/onnx_flops.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace pipecut {

using onnxcost::TensorShape;
using onnxread::formatBytes;
using onnxread::isConstantNode;
using onnxread::namesRead;
using onnxread::tensorOf;

TensorShape onnxread::tensorOf(const onnx::TensorProto &t)
{
    TensorShape s;
    s.present = true;
    s.dims.assign(t.dims().begin(), t.dims().end());
    s.elemBytes = onnxcost::elementBytes(t.data_type());
    if (t.data_type() == onnx::TensorProto::STRING) {
        double bytes = 0;
        for (const std::string &str : t.string_data())
            bytes += double(str.size());
        s.dims = { static_cast<int64_t>(bytes) };
        s.elemBytes = 1;
    } else if (s.elemBytes == 0) {
        s.elemBytes = 4;
        s.estimated = true;
    }
    return s;
}

namespace {

namespace fs = std::filesystem;

// --- shapes ------------------------------------------------------------------

// A shape with the rank possibly unknown.
struct ShapeEntry {
    TensorShape shape;
    bool rankKnown = false;
    bool constant = false; // an initializer or Constant output: never a guess for another tensor's shape
};

// The output of a Constant node, from whichever value attribute it carries.
TensorShape constantShape(const onnx::NodeProto &node)
{
    TensorShape s;
    s.present = true;
    for (const onnx::AttributeProto &a : node.attribute()) {
        if (a.name() == "value")
            return tensorOf(a.t());
        if (a.name() == "sparse_value") {
            TensorShape v = tensorOf(a.sparse_tensor().values());
            TensorShape i = tensorOf(a.sparse_tensor().indices());
            s.dims = { static_cast<int64_t>(v.bytes() + i.bytes()) };
            s.elemBytes = 1;
        } else if (a.name() == "value_float") {
            s.elemBytes = 4;
        } else if (a.name() == "value_int") {
            s.elemBytes = 8;
        } else if (a.name() == "value_floats") {
            s.dims = { a.floats_size() };
            s.elemBytes = 4;
        } else if (a.name() == "value_ints") {
            s.dims = { a.ints_size() };
            s.elemBytes = 8;
        } else if (a.name() == "value_string") {
            s.dims = { static_cast<int64_t>(a.s().size()) };
            s.elemBytes = 1;
        } else if (a.name() == "value_strings") {
            int64_t n = 0;
            for (const std::string &str : a.strings())
                n += static_cast<int64_t>(str.size());
            s.dims = { n };
            s.elemBytes = 1;
        }
    }
    return s;
}

// Scalar integer value of a constant tensor (Loop trip counts), when it has one.
std::optional<int64_t> scalarInt(const onnx::TensorProto &t)
{
    double n = 1;
    for (int64_t d : t.dims())
        n *= double(d);
    if (n != 1)
        return std::nullopt;
    if (t.data_type() == onnx::TensorProto::INT64) {
        if (t.int64_data_size() == 1)
            return t.int64_data(0);
        if (t.raw_data().size() == 8) {
            int64_t v;
            std::memcpy(&v, t.raw_data().data(), 8); // ONNX raw data is little-endian, as is x86/ARM
            return v;
        }
    } else if (t.data_type() == onnx::TensorProto::BOOL) {
        if (t.int32_data_size() == 1)
            return t.int32_data(0) != 0;
        if (t.raw_data().size() == 1)
            return t.raw_data()[0] != 0;
    } else if (t.data_type() == onnx::TensorProto::INT32) {
        if (t.int32_data_size() == 1)
            return t.int32_data(0);
        if (t.raw_data().size() == 4) {
            int32_t v;
            std::memcpy(&v, t.raw_data().data(), 4);
            return v;
        }
    }
    return std::nullopt;
}

// Values visible in one graph (subgraphs see their parent's).
class ShapeScope {
public:
    explicit ShapeScope(const ShapeScope *parent = nullptr)
        : m_parent(parent)
    {
    }

    // The innermost entry of known rank, else the innermost entry at all.
    const ShapeEntry *find(const std::string &name) const
    {
        const ShapeEntry *any = nullptr;
        for (const ShapeScope *s = this; s; s = s->m_parent) {
            auto it = s->m_shapes.find(name);
            if (it == s->m_shapes.end())
                continue;
            if (it->second.rankKnown)
                return &it->second;
            if (!any)
                any = &it->second;
        }
        return any;
    }
    void set(const std::string &name, ShapeEntry entry) { m_shapes[name] = std::move(entry); }
    void setIfBetter(const std::string &name, ShapeEntry entry)
    {
        auto it = m_shapes.find(name);
        if (it == m_shapes.end() || (!it->second.rankKnown && entry.rankKnown)
            || (it->second.shape.estimated && !entry.shape.estimated && entry.rankKnown))
            m_shapes[name] = std::move(entry);
    }
    // Like setIfBetter, comparing with what enclosing scopes know too.
    void setIfBetterThanVisible(const std::string &name, ShapeEntry entry)
    {
        const ShapeEntry *known = find(name);
        if (!known || (!known->rankKnown && entry.rankKnown)
            || (known->shape.estimated && !entry.shape.estimated && entry.rankKnown))
            m_shapes[name] = std::move(entry);
    }
    std::optional<int64_t> constantInt(const std::string &name) const
    {
        for (const ShapeScope *s = this; s; s = s->m_parent) {
            auto it = s->m_ints.find(name);
            if (it != s->m_ints.end())
                return it->second;
        }
        return std::nullopt;
    }
    void setConstantInt(const std::string &name, int64_t v) { m_ints[name] = v; }

private:
    const ShapeScope *m_parent;
    std::unordered_map<std::string, ShapeEntry> m_shapes;
    std::unordered_map<std::string, int64_t> m_ints;
};

// Shared state of one import.
struct Context {
    const std::map<std::string, int64_t> *dims = nullptr;
    std::map<std::string, int> unknownOps;
    int defaultTrips = 0;
    int inferredOnly = 0;
};

ShapeEntry entryOf(const onnx::TypeProto &type, const Context &ctx)
{
    ShapeEntry e;
    e.shape.present = true;
    if (!type.has_tensor_type()) { // sequences, maps, optionals: size unknown
        e.shape.estimated = true;
        return e;
    }
    const auto &tt = type.tensor_type();
    e.shape.elemBytes = onnxcost::elementBytes(tt.elem_type());
    if (e.shape.elemBytes == 0) {
        e.shape.elemBytes = 4;
        e.shape.estimated = true;
    }
    if (!tt.has_shape())
        return e;
    e.rankKnown = true;
    for (const auto &d : tt.shape().dim()) {
        if (d.has_dim_value() && d.dim_value() >= 0) {
            e.shape.dims.push_back(d.dim_value());
            continue;
        }
        auto it = d.has_dim_param() ? ctx.dims->find(d.dim_param()) : ctx.dims->end();
        if (it != ctx.dims->end()) {
            e.shape.dims.push_back(it->second);
        } else {
            e.shape.dims.push_back(kUnknownDim);
            e.shape.estimated = true;
        }
    }
    return e;
}

void addValueInfos(const onnx::GraphProto &g, ShapeScope &scope, const Context &ctx)
{
    // value_info first so that inputs and outputs (declared by the author) win.
    for (const auto *list : { &g.value_info(), &g.output(), &g.input() })
        for (const onnx::ValueInfoProto &v : *list)
            if (v.has_type())
                scope.setIfBetter(v.name(), entryOf(v.type(), ctx));
    for (const onnx::TensorProto &t : g.initializer()) {
        scope.set(t.name(), { tensorOf(t), true, true });
        if (auto v = scalarInt(t))
            scope.setConstantInt(t.name(), *v);
    }
    for (const onnx::SparseTensorProto &t : g.sparse_initializer()) {
        TensorShape s;
        s.present = true;
        s.dims.assign(t.dims().begin(), t.dims().end());
        s.elemBytes = onnxcost::elementBytes(t.values().data_type());
        scope.set(t.values().name(), { s, true, true });
    }
}

// --- costing -------------------------------------------------------------------

struct Estimate {
    double flops = 0;
    double bytes = 0;
    double params = 0; // constants living inside subgraphs
    bool estimated = false;
    std::vector<ShapeEntry> outputs; // costGraph: the shapes of the graph's outputs
    std::map<std::string, double> flopsByOp; // FLOPs per op type, subgraphs included
};

void addFlopsByOp(std::map<std::string, double> &to, const std::map<std::string, double> &from, double times = 1.0)
{
    for (const auto &[op, flops] : from)
        to[op] += flops * times;
}

// Shapes given to a subgraph's inputs from the outer node (Loop, Scan).
using Seeds = std::vector<std::pair<std::string, ShapeEntry>>;

Estimate costGraph(const onnx::GraphProto &g, const ShapeScope &parent, Context &ctx, const Seeds &seeds = {});

const onnx::GraphProto *graphAttr(const onnx::NodeProto &node, std::string_view name)
{
    for (const onnx::AttributeProto &a : node.attribute())
        if (a.name() == name && a.has_g())
            return &a.g();
    return nullptr;
}

int64_t intAttr(const onnx::NodeProto &node, std::string_view name, int64_t fallback)
{
    for (const onnx::AttributeProto &a : node.attribute())
        if (a.name() == name && a.has_i())
            return a.i();
    return fallback;
}

} // namespace

bool onnxread::isConstantNode(const onnx::NodeProto &node)
{
    return node.op_type() == "Constant" && (node.domain().empty() || node.domain() == "ai.onnx");
}

namespace {

// Resolves the shapes a node reads and writes; unknown-rank outputs take the
// shape of the node's largest activation input (then are stored so consumers
// see them).
void resolveShapes(const onnx::NodeProto &node, ShapeScope &scope, std::vector<TensorShape> &ins,
    std::vector<TensorShape> &outs, bool &estimated)
{
    // An unknown-rank tensor becomes `guess` (dims) and is marked estimated.
    auto resolve = [&](const std::string &name, const TensorShape *guess) {
        TensorShape s;
        if (name.empty())
            return s;
        const ShapeEntry *e = scope.find(name);
        if (e && e->rankKnown) {
            s = e->shape;
        } else {
            s.elemBytes = e ? e->shape.elemBytes : 4;
            if (guess)
                s.dims = guess->dims;
            s.estimated = true;
        }
        s.present = true;
        estimated |= s.estimated;
        return s;
    };
    ins.clear();
    outs.clear();
    for (const std::string &name : node.input())
        ins.push_back(resolve(name, nullptr));
    // The guess for an unknown output: the largest activation input, never a
    // weight (a Conv's weight says nothing of its output); a scalar when the
    // node reads only constants.
    const TensorShape *largest = nullptr;
    for (int i = 0; i < node.input_size(); ++i) {
        const ShapeEntry *e = node.input(i).empty() ? nullptr : scope.find(node.input(i));
        if (ins[i].present && !(e && e->constant) && (!largest || ins[i].elements() > largest->elements()))
            largest = &ins[i];
    }
    for (const std::string &name : node.output()) {
        outs.push_back(resolve(name, largest));
        if (outs.back().present && outs.back().estimated)
            scope.set(name, { outs.back(), true }); // consumers see the same guess
    }
}

// Control-flow outputs that inference left unknown take the declared type of
// the matching subgraph output (If: the then branch; Loop: the loop-carried
// values after the condition).
void seedControlFlowOutputs(const onnx::NodeProto &node, ShapeScope &scope, const Context &ctx)
{
    const onnx::GraphProto *g = nullptr;
    int offset = 0;
    if (node.op_type() == "If") {
        g = graphAttr(node, "then_branch");
    } else if (node.op_type() == "Loop") {
        g = graphAttr(node, "body");
        offset = 1;
    }
    if (!g)
        return;
    for (int i = 0; i < node.output_size() && i + offset < g->output_size(); ++i) {
        const ShapeEntry *known = scope.find(node.output(i));
        const onnx::ValueInfoProto &v = g->output(i + offset);
        if ((!known || !known->rankKnown) && v.has_type()) {
            ShapeEntry e = entryOf(v.type(), ctx);
            if (e.rankKnown)
                scope.set(node.output(i), e);
        }
    }
}

// Bytes a node reads (each distinct input once) and writes.
void ioBytes(const onnx::NodeProto &node, const std::vector<TensorShape> &ins, const std::vector<TensorShape> &outs,
    double &inBytes, double &outBytes)
{
    std::unordered_set<std::string> seen;
    inBytes = outBytes = 0;
    for (int i = 0; i < node.input_size(); ++i)
        if (ins[i].present && seen.insert(node.input(i)).second)
            inBytes += ins[i].bytes();
    for (const TensorShape &s : outs)
        outBytes += s.bytes();
}

// A control-flow output takes the shape its body computed when that is better
// than what inference gave.
void setBodyOutput(const onnx::NodeProto &node, int i, ShapeEntry entry, ShapeScope &scope)
{
    if (i < node.output_size() && !node.output(i).empty() && entry.rankKnown) {
        entry.constant = false;
        scope.setIfBetterThanVisible(node.output(i), std::move(entry));
    }
}

// If: the branch the condition selects when it is a constant, else the heavier
// (by FLOPs, then bytes); its output shapes become the node's.
Estimate costIf(const onnx::NodeProto &node, ShapeScope &scope, Context &ctx)
{
    Estimate branches[2];
    int n = 0;
    for (const char *name : { "then_branch", "else_branch" })
        if (const onnx::GraphProto *g = graphAttr(node, name))
            branches[n++] = costGraph(*g, scope, ctx);
    const std::optional<int64_t> cond = node.input_size() > 0 ? scope.constantInt(node.input(0)) : std::nullopt;
    const bool elseHeavier = n == 2
        && (branches[1].flops > branches[0].flops
            || (branches[1].flops == branches[0].flops && branches[1].bytes > branches[0].bytes));
    const Estimate &taken = (cond ? *cond == 0 && n == 2 : elseHeavier) ? branches[1] : branches[0];
    for (size_t i = 0; i < taken.outputs.size(); ++i)
        setBodyOutput(node, static_cast<int>(i), taken.outputs[i], scope);
    Estimate e;
    e.flops = taken.flops;
    e.bytes = taken.bytes;
    e.flopsByOp = taken.flopsByOp;
    e.params = branches[0].params + branches[1].params; // both branches stay resident
    e.estimated = cond ? taken.estimated : branches[0].estimated || branches[1].estimated;
    return e;
}

// `shape` with the axis `axis` removed (a Scan slice) or inserted with `size`.
TensorShape withoutAxis(TensorShape shape, int64_t axis)
{
    if (axis < 0)
        axis += shape.rank();
    if (axis >= 0 && axis < shape.rank())
        shape.dims.erase(shape.dims.begin() + axis);
    return shape;
}
TensorShape withAxis(TensorShape shape, int64_t axis, int64_t size)
{
    if (axis < 0)
        axis += shape.rank() + 1;
    axis = std::clamp<int64_t>(axis, 0, shape.rank());
    shape.dims.insert(shape.dims.begin() + axis, size);
    return shape;
}

std::vector<int64_t> intsAttrOf(const onnx::NodeProto &node, std::string_view name)
{
    for (const onnx::AttributeProto &a : node.attribute())
        if (a.name() == name)
            return { a.ints().begin(), a.ints().end() };
    return {};
}

// Loop and Scan: the body (its inputs seeded with the outer shapes) times the
// trip count; state outputs take the body's shapes, scan outputs gain the trip
// count as an axis.
Estimate costLoop(const onnx::NodeProto &node, const std::vector<TensorShape> &ins, ShapeScope &scope, Context &ctx)
{
    const onnx::GraphProto *body = graphAttr(node, "body");
    const bool loop = node.op_type() == "Loop";
    std::optional<int64_t> trips;
    int states = 0; // loop-carried / state values
    Seeds seeds;
    if (loop) {
        if (node.input_size() > 0 && !node.input(0).empty())
            trips = scope.constantInt(node.input(0));
        states = std::max(0, node.input_size() - 2);
        for (int i = 0; body && i < states && i + 2 < body->input_size(); ++i)
            if (!ins[i + 2].estimated)
                seeds.push_back({ body->input(i + 2).name(), { ins[i + 2], true } });
    } else {
        const int scanInputs = static_cast<int>(intAttr(node, "num_scan_inputs", 1));
        states = std::max(0, node.input_size() - scanInputs);
        const std::vector<int64_t> axes = intsAttrOf(node, "scan_input_axes");
        for (int i = 0; i < node.input_size(); ++i) {
            const int64_t axis = i >= states && size_t(i - states) < axes.size() ? axes[size_t(i - states)] : 0;
            if (i == states && !ins[i].estimated && ins[i].rank() > 0)
                trips = ins[i].dim(static_cast<int>(axis));
            if (body && i < body->input_size() && !ins[i].estimated)
                seeds.push_back({ body->input(i).name(), { i < states ? ins[i] : withoutAxis(ins[i], axis), true } });
        }
    }
    Estimate b = body ? costGraph(*body, scope, ctx, seeds) : Estimate {};
    Estimate e;
    if (!trips) {
        trips = kDefaultTripCount;
        ++ctx.defaultTrips;
        e.estimated = true;
    }
    const std::vector<int64_t> outAxes = intsAttrOf(node, "scan_output_axes");
    const int first = loop ? 1 : 0; // a Loop body's first output is the condition
    for (int i = 0; i + first < static_cast<int>(b.outputs.size()); ++i) {
        ShapeEntry out = b.outputs[size_t(i + first)];
        if (i >= states) {
            const int64_t axis = !loop && size_t(i - states) < outAxes.size() ? outAxes[size_t(i - states)] : 0;
            out.shape = withAxis(out.shape, axis, *trips);
            out.shape.estimated |= e.estimated;
        }
        setBodyOutput(node, i, out, scope);
    }
    const double t = static_cast<double>(std::max<int64_t>(*trips, 0));
    e.flops = b.flops * t;
    addFlopsByOp(e.flopsByOp, b.flopsByOp, t);
    e.bytes = b.bytes * t;
    e.params = b.params;
    e.estimated |= b.estimated;
    return e;
}

Estimate costNode(const onnx::NodeProto &node, ShapeScope &scope, Context &ctx)
{
    std::vector<TensorShape> ins, outs;
    Estimate e;
    const std::string &op = node.op_type();
    double inBytes = 0, outBytes = 0;
    if (op == "If" || op == "Loop" || op == "Scan") {
        bool inputsEstimated = false;
        resolveShapes(node, scope, ins, outs, inputsEstimated); // the outer inputs, for the body's seeds
        e = op == "If" ? costIf(node, scope, ctx) : costLoop(node, ins, scope, ctx);
        seedControlFlowOutputs(node, scope, ctx);
        resolveShapes(node, scope, ins, outs, e.estimated);
        ioBytes(node, ins, outs, inBytes, outBytes);
        e.bytes += inBytes + (op == "If" ? 0.0 : outBytes);
        return e;
    }
    resolveShapes(node, scope, ins, outs, e.estimated);
    ioBytes(node, ins, outs, inBytes, outBytes);
    const onnxcost::OpEstimate r = onnxcost::estimateFlops(node, ins, outs);
    if (!r.knownOp)
        ++ctx.unknownOps[op];
    e.flops = r.flops;
    e.flopsByOp[op] = r.flops;
    e.bytes = (r.readsInputs ? inBytes : 0.0) + outBytes;
    return e;
}

Estimate costGraph(const onnx::GraphProto &g, const ShapeScope &parent, Context &ctx, const Seeds &seeds)
{
    ShapeScope scope(&parent);
    addValueInfos(g, scope, ctx);
    for (const auto &[name, entry] : seeds)
        scope.setIfBetter(name, entry);
    Estimate total;
    for (const onnx::TensorProto &t : g.initializer())
        total.params += tensorOf(t).bytes();
    for (const onnx::NodeProto &node : g.node()) {
        if (isConstantNode(node)) {
            const TensorShape s = constantShape(node);
            total.params += s.bytes();
            if (node.output_size() > 0) {
                scope.set(node.output(0), { s, true, true });
                for (const onnx::AttributeProto &a : node.attribute())
                    if (a.name() == "value")
                        if (auto v = scalarInt(a.t()))
                            scope.setConstantInt(node.output(0), *v);
            }
            continue;
        }
        const Estimate e = costNode(node, scope, ctx);
        total.flops += e.flops;
        total.bytes += e.bytes;
        total.params += e.params;
        total.estimated |= e.estimated;
        addFlopsByOp(total.flopsByOp, e.flopsByOp);
    }
    for (const onnx::ValueInfoProto &v : g.output()) {
        const ShapeEntry *out = scope.find(v.name());
        total.outputs.push_back(out ? *out : ShapeEntry {});
    }
    return total;
}

// Names a subgraph reads from enclosing graphs (implicit inputs of its node).
void freeVariables(const onnx::GraphProto &g, std::set<std::string> &out)
{
    std::unordered_set<std::string> defined;
    for (const auto &v : g.input())
        defined.insert(v.name());
    for (const auto &t : g.initializer())
        defined.insert(t.name());
    for (const auto &t : g.sparse_initializer())
        defined.insert(t.values().name());
    for (const auto &n : g.node())
        for (const std::string &o : n.output())
            defined.insert(o);
    std::set<std::string> used;
    for (const auto &n : g.node())
        namesRead(n, used);
    for (const std::string &u : used)
        if (!defined.count(u))
            out.insert(u);
}

} // namespace

// The names a node reads: its inputs, and what its subgraphs read from
// enclosing graphs.
void onnxread::namesRead(const onnx::NodeProto &node, std::set<std::string> &out)
{
    for (const std::string &i : node.input())
        if (!i.empty())
            out.insert(i);
    for (const onnx::AttributeProto &attr : node.attribute()) {
        if (attr.has_g())
            freeVariables(attr.g(), out);
        for (const onnx::GraphProto &sub : attr.graphs())
            freeVariables(sub, out);
    }
}

namespace {

std::string scopeOf(const std::string &nodeName)
{
    std::string s = nodeName;
    while (!s.empty() && s.front() == '/')
        s.erase(s.begin());
    const size_t slash = s.rfind('/');
    return slash == std::string::npos ? std::string() : s.substr(0, slash);
}

// Checks the external-data files exist (their bytes are never read: sizes come
// from the dims). Returns the missing locations.
std::vector<std::string> missingExternalFiles(const onnx::GraphProto &g, const fs::path &dir)
{
    std::set<std::string> missing;
    for (const onnx::TensorProto &t : g.initializer()) {
        if (t.data_location() != onnx::TensorProto::EXTERNAL)
            continue;
        for (const auto &kv : t.external_data()) {
            std::error_code ec;
            if (kv.key() == "location" && !fs::exists(dir / kv.value(), ec))
                missing.insert(kv.value());
        }
    }
    return { missing.begin(), missing.end() };
}

std::string joinFirst(const std::vector<std::string> &items, size_t limit)
{
    std::string s;
    for (size_t i = 0; i < items.size() && i < limit; ++i)
        s += (i ? ", " : "") + items[i];
    if (items.size() > limit)
        s += ", ... (" + std::to_string(items.size() - limit) + " more)";
    return s;
}

// The graph nodes of a model: the graph inputs first (zero-work sources), then
// the operators in file order; constants fold into their consumers.
struct NodeTable {
    std::unordered_map<std::string, double> constantBytes;
    std::unordered_map<std::string, int32_t> producer;
    std::vector<std::string> sourceTensor; // per source node
    int32_t sources = 0;
    std::vector<const onnx::NodeProto *> opNodes;
    // Filled by connectNodes.
    std::unordered_map<std::string, int> constantUses;
    std::unordered_set<std::string> consumed;
    std::vector<std::vector<int32_t>> succ;
    std::vector<int32_t> indegree;
};

// Constants (initializers and Constant nodes) fold into their consumers.
void collectConstants(
    const onnx::GraphProto &g, ShapeScope &top, std::unordered_map<std::string, double> &constantBytes)
{
    for (const onnx::TensorProto &t : g.initializer())
        constantBytes[t.name()] = tensorOf(t).bytes();
    for (const onnx::SparseTensorProto &t : g.sparse_initializer())
        constantBytes[t.values().name()] = tensorOf(t.values()).bytes() + tensorOf(t.indices()).bytes();
    for (const onnx::NodeProto &node : g.node()) {
        if (!isConstantNode(node) || node.output_size() == 0)
            continue;
        const TensorShape s = constantShape(node);
        constantBytes[node.output(0)] = s.bytes();
        top.set(node.output(0), { s, true, true });
        for (const onnx::AttributeProto &attr : node.attribute())
            if (attr.name() == "value")
                if (auto v = scalarInt(attr.t()))
                    top.setConstantInt(node.output(0), *v);
    }
}

// The sources and the operators, with their ids and the producer of every
// tensor.
Status listNodes(const onnx::GraphProto &g, const std::string &path, NodeTable &t, OnnxAnalysis &a)
{
    const onnxread::NodeIds ids = onnxread::nodeIds(g);
    // Graph inputs that are not initializers: zero-work sources.
    for (size_t i = 0; i < ids.sourceIds.size(); ++i) {
        OnnxNodeCost n;
        n.id = ids.sourceIds[i];
        n.op = "Input";
        t.producer[ids.sourceTensors[i]] = static_cast<int32_t>(a.nodes.size());
        t.sourceTensor.push_back(ids.sourceTensors[i]);
        a.nodes.push_back(std::move(n));
    }
    t.sources = static_cast<int32_t>(a.nodes.size());

    for (int i = 0; i < g.node_size(); ++i) {
        const onnx::NodeProto &node = g.node(i);
        if (isConstantNode(node))
            continue;
        OnnxNodeCost n;
        n.id = ids.opIds[i];
        n.op = node.op_type();
        n.scope = scopeOf(node.name());
        const int32_t index = static_cast<int32_t>(a.nodes.size());
        for (const std::string &o : node.output()) {
            if (o.empty())
                continue;
            auto [it, fresh] = t.producer.emplace(o, index);
            if (!fresh || t.constantBytes.count(o))
                return makeError(path + ": tensor '" + o + "' is produced twice (node '" + n.id
                    + "' and an earlier node, initializer or input)");
        }
        t.opNodes.push_back(&node);
        a.nodes.push_back(std::move(n));
    }
    return Ok {};
}

// Inputs of every operator: explicit ones plus what its subgraphs read.
Status connectNodes(const std::string &path, NodeTable &t, OnnxAnalysis &a)
{
    t.succ.resize(a.nodes.size());
    t.indegree.assign(a.nodes.size(), 0);
    for (size_t k = 0; k < t.opNodes.size(); ++k) {
        const onnx::NodeProto &node = *t.opNodes[k];
        const int32_t v = t.sources + static_cast<int32_t>(k);
        std::set<std::string> names;
        namesRead(node, names);
        std::set<int32_t> preds;
        for (const std::string &name : names) {
            if (auto c = t.constantBytes.find(name); c != t.constantBytes.end()) {
                a.nodes[v].param += c->second;
                ++t.constantUses[name];
            } else if (auto p = t.producer.find(name); p != t.producer.end()) {
                t.consumed.insert(name);
                if (p->second != v)
                    preds.insert(p->second);
            } else {
                return makeError(path + ": node '" + a.nodes[v].id + "' (" + node.op_type() + ") reads '" + name
                    + "', which no node, initializer or graph input produces");
            }
        }
        for (int32_t u : preds) {
            a.edges.emplace_back(u, v);
            t.succ[u].push_back(v);
            ++t.indegree[v];
        }
    }
    return Ok {};
}

// Cost in topological order so that guessed shapes flow downstream; a
// cyclic remainder is costed in file order and reported by GraphBuilder.
std::vector<int32_t> costingOrder(NodeTable &t)
{
    const int32_t n = static_cast<int32_t>(t.indegree.size());
    std::vector<int32_t> order;
    std::queue<int32_t> ready;
    for (int32_t v = 0; v < n; ++v)
        if (t.indegree[v] == 0)
            ready.push(v);
    std::vector<char> done(n, 0);
    while (!ready.empty()) {
        const int32_t v = ready.front();
        ready.pop();
        order.push_back(v);
        done[v] = 1;
        for (int32_t w : t.succ[v])
            if (--t.indegree[w] == 0)
                ready.push(w);
    }
    for (int32_t v = 0; v < n; ++v)
        if (!done[v])
            order.push_back(v);
    return order;
}

// A tensor as the scope knows it after costing (NodeDetail).
TensorDetail tensorDetail(const std::string &name, const ShapeScope &scope)
{
    TensorDetail d;
    d.name = name;
    const ShapeEntry *e = scope.find(name);
    if (!e) {
        d.rankKnown = false;
        d.estimated = true;
        return d;
    }
    d.dims = e->shape.dims;
    d.bytes = e->shape.bytes();
    d.rankKnown = e->rankKnown;
    d.estimated = e->shape.estimated || !e->rankKnown;
    d.constant = e->constant;
    return d;
}

// The shapes a node read and wrote, and the first reason its cost is a guess.
void describeNode(const onnx::NodeProto &node, const ShapeScope &scope, OnnxNodeCost &n)
{
    for (const std::string &name : node.input())
        if (!name.empty())
            n.inputs.push_back(tensorDetail(name, scope));
    for (const std::string &name : node.output())
        if (!name.empty())
            n.outputs.push_back(tensorDetail(name, scope));
    if (!n.estimated)
        return;
    for (const auto *list : { &n.inputs, &n.outputs })
        for (const TensorDetail &d : *list)
            if (d.estimated && n.estimateReason.empty())
                n.estimateReason = d.rankKnown ? "tensor '" + d.name
                        + "' has a dimension shape inference left open (counted as " + std::to_string(kUnknownDim) + ")"
                                               : "the rank of tensor '" + d.name
                        + "' is unknown: its shape is taken from the node's largest activation input";
    if (n.estimateReason.empty())
        n.estimateReason = "a shape inside its subgraph, or its trip count, is unknown";
}

void costNodes(const std::vector<int32_t> &order, const NodeTable &t, ShapeScope &top, Context &ctx, OnnxAnalysis &a)
{
    for (int32_t v : order) {
        OnnxNodeCost &n = a.nodes[v];
        if (v < t.sources) {
            const ShapeEntry *e = top.find(t.sourceTensor[v]);
            n.estimated = !e || !e->rankKnown || e->shape.estimated;
            if (n.estimated)
                n.estimateReason = !e || !e->rankKnown
                    ? "graph input '" + t.sourceTensor[v] + "' has no known rank (taken as a scalar)"
                    : "graph input '" + t.sourceTensor[v] + "' has a symbolic dimension without a value (counted as "
                        + std::to_string(kUnknownDim) + "; set it with --dim)";
            if (!e || !e->rankKnown) // unknown rank: a scalar of 4 bytes, marked
                top.set(t.sourceTensor[v], { TensorShape { {}, e ? e->shape.elemBytes : 4, true, true }, true });
            n.outputs.push_back(tensorDetail(t.sourceTensor[v], top));
        } else {
            const onnx::NodeProto &node = *t.opNodes[v - t.sources];
            const Estimate e = costNode(node, top, ctx);
            n.flops = e.flops;
            addFlopsByOp(a.flopsByOp, e.flopsByOp);
            n.bytesMoved = e.bytes;
            n.param += e.params;
            n.estimated = e.estimated;
            describeNode(node, top, n);
        }
    }
}

// out (bytes of the outputs some node consumes) and the totals. Returns the
// ids of the nodes with estimated costs.
std::vector<std::string> sumNodes(NodeTable &t, const ShapeScope &top, OnnxAnalysis &a)
{
    std::vector<std::string> estimatedIds;
    for (int32_t v = 0; v < static_cast<int32_t>(a.nodes.size()); ++v) {
        OnnxNodeCost &n = a.nodes[v];
        auto addOut = [&](const std::string &name) {
            if (!t.consumed.count(name))
                return;
            const ShapeEntry *e = top.find(name);
            if (e)
                n.out += e->shape.bytes();
        };
        if (v < t.sources) {
            addOut(t.sourceTensor[v]);
        } else {
            for (const std::string &o : t.opNodes[v - t.sources]->output())
                if (!o.empty())
                    addOut(o);
        }
        if (n.estimated) {
            ++a.estimatedNodes;
            estimatedIds.push_back(n.id);
        }
        a.totalFlops += n.flops;
        a.totalParam += n.param;
    }
    for (const auto &[name, uses] : t.constantUses)
        if (uses > 1)
            a.sharedParam += t.constantBytes[name] * (uses - 1);
    return estimatedIds;
}

// The load report.
void writeLoadReport(const onnx::GraphProto &g, const std::string &path, const NodeTable &t, const Context &ctx,
    const std::vector<std::string> &estimatedIds, OnnxAnalysis &a)
{
    a.notes.insert(a.notes.begin(),
        "ONNX model '" + a.name + "' (opset " + std::to_string(a.opset) + "): " + std::to_string(t.opNodes.size())
            + " operators, " + std::to_string(t.sources) + " graph inputs; "
            + formatNumber(std::round(a.totalFlops / 1e6) / 1e3) + " GFLOPs; parameters " + formatBytes(a.totalParam)
            + " (initializers and Constant nodes folded into their consumers)");
    if (a.estimatedNodes > 0) {
        std::vector<std::string> unresolved;
        for (const auto &[sym, value] : a.symbolicDims)
            if (!value)
                unresolved.push_back(sym);
        std::string why = unresolved.empty() ? std::string()
                                             : " unresolved symbolic dimensions " + joinFirst(unresolved, 10)
                + " count as " + std::to_string(kUnknownDim) + " (set them with --dim NAME=VALUE);";
        a.notes.push_back(std::to_string(a.estimatedNodes) + " of " + std::to_string(a.nodes.size())
            + " nodes have ESTIMATED costs (some shape unknown):" + why
            + " unknown-rank tensors take the shape of their node's largest activation input. Nodes: "
            + joinFirst(estimatedIds, 12));
    }
    if (!ctx.unknownOps.empty()) {
        std::vector<std::string> ops;
        int count = 0;
        for (const auto &[op, n] : ctx.unknownOps) {
            ops.push_back(op + " x" + std::to_string(n));
            count += n;
        }
        a.notes.push_back(std::to_string(count) + " operators have no FLOP rule and are costed at "
            + formatNumber(onnxcost::kDefaultFlopsPerElement) + " FLOP per output element: " + joinFirst(ops, 20));
    }
    if (ctx.defaultTrips > 0)
        a.notes.push_back(std::to_string(ctx.defaultTrips)
            + " Loop/Scan bodies have no known trip count and are costed for " + std::to_string(kDefaultTripCount)
            + " iterations");
    if (a.sharedParam > 0)
        a.notes.push_back("constants read by several operators are charged to each of them: "
            + formatBytes(a.sharedParam) + " of parameters are counted more than once");
    const std::vector<std::string> missing = missingExternalFiles(g, fs::path(path).parent_path());
    if (!missing.empty())
        a.notes.push_back(
            "external data files not found (not needed for costs, which use tensor dims): " + joinFirst(missing, 5));
}

} // namespace

onnxread::NodeIds onnxread::nodeIds(const onnx::GraphProto &g)
{
    // Node ids: the ONNX name when unique, else OpType_index; "#2", "#3" ... on a clash.
    std::unordered_set<std::string> constants;
    for (const onnx::TensorProto &t : g.initializer())
        constants.insert(t.name());
    for (const onnx::SparseTensorProto &t : g.sparse_initializer())
        constants.insert(t.values().name());
    std::unordered_map<std::string, int> nameCount;
    for (const onnx::NodeProto &node : g.node()) {
        ++nameCount[node.name()];
        if (isConstantNode(node) && node.output_size() > 0)
            constants.insert(node.output(0));
    }
    std::unordered_set<std::string> usedIds;
    auto uniqueId = [&](std::string id) {
        std::string candidate = id;
        for (int n = 2; !usedIds.insert(candidate).second; ++n)
            candidate = id + "#" + std::to_string(n);
        return candidate;
    };
    NodeIds ids;
    std::unordered_set<std::string> sources;
    for (const onnx::ValueInfoProto &v : g.input()) {
        if (constants.count(v.name()) || !sources.insert(v.name()).second)
            continue;
        ids.sourceTensors.push_back(v.name());
        ids.sourceIds.push_back(uniqueId(v.name()));
    }
    ids.opIds.resize(g.node_size());
    for (int i = 0; i < g.node_size(); ++i) {
        const onnx::NodeProto &node = g.node(i);
        if (isConstantNode(node))
            continue;
        const bool named = !node.name().empty() && nameCount[node.name()] == 1;
        ids.opIds[i] = uniqueId(named ? node.name() : node.op_type() + "_" + std::to_string(i));
    }
    return ids;
}

Result<OnnxAnalysis> onnxread::costModelGraph(
    const onnx::GraphProto &g, const std::string &path, const LoadOptions &options, OnnxAnalysis a)
{
    Context ctx;
    ctx.dims = &options.dims;
    ShapeScope top;
    addValueInfos(g, top, ctx);
    NodeTable t;
    collectConstants(g, top, t.constantBytes);
    if (Status listed = listNodes(g, path, t, a); !listed)
        return listed.failure();
    if (Status connected = connectNodes(path, t, a); !connected)
        return connected.failure();

    if (static_cast<int64_t>(a.edges.size()) > options.maxEdges)
        return makeError(ErrorKind::LimitExceeded,
            path + ": the model has " + std::to_string(a.edges.size()) + " edges, over the limit of "
                + std::to_string(options.maxEdges),
            ResourceLimit::Edges);

    costNodes(costingOrder(t), t, top, ctx, a);
    const std::vector<std::string> estimatedIds = sumNodes(t, top, a);
    a.unknownOps = ctx.unknownOps;
    writeLoadReport(g, path, t, ctx, estimatedIds, a);
    return a;
}

Result<Graph> onnxGraphFor(const OnnxAnalysis &analysis, const DeviceProfile &device)
{
    if (!(device.flopsPerSecond > 0) || !(device.memoryBytesPerSecond > 0) || !(device.linkBytesPerSecond > 0))
        return makeError(analysis.path + ": device profile '" + device.name
            + "' needs positive FLOP rate, memory bandwidth and link bandwidth");
    GraphBuilder builder(analysis.path);
    builder.setName(analysis.name);
    builder.setFormat("onnx");
    builder.setUnits({ "ms", "bytes" });
    builder.setBandwidth(device.linkBytesPerSecond / 1000.0); // bytes per ms
    builder.reserve(analysis.nodes.size(), analysis.edges.size());
    for (const OnnxNodeCost &n : analysis.nodes) {
        NodeSpec spec;
        spec.id = n.id;
        spec.op = n.estimated ? n.op + " (estimated)" : n.op;
        spec.scope = n.scope;
        spec.work = 1000.0 * std::max(n.flops / device.flopsPerSecond, n.bytesMoved / device.memoryBytesPerSecond);
        spec.out = n.out;
        spec.param = n.param;
        builder.addNode(std::move(spec));
    }
    for (const auto &[u, v] : analysis.edges)
        builder.addEdge(u, v);
    for (const std::string &note : analysis.notes)
        builder.addNote(note);
    builder.addNote("work = 1000 x max(FLOPs / " + formatNumber(device.flopsPerSecond) + " FLOP/s, bytes moved / "
        + formatNumber(device.memoryBytesPerSecond) + " B/s) ms on device '" + device.name + "'; bandwidth = link "
        + formatNumber(device.linkBytesPerSecond) + " B/s = " + formatNumber(device.linkBytesPerSecond / 1000.0)
        + " bytes/ms");
    if (device.memoryBytes > 0)
        builder.addNote("the device holds " + formatBytes(device.memoryBytes)
            + " of memory; no memory limit is set from it (use --memory-limit)");
    return builder.build();
}

} // namespace pipecut
