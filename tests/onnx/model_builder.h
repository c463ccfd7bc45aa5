#pragma once
// Builds small ONNX models with the ONNX C++ protobuf API for the import tests.

#include "onnx/onnx_pb.h"

#include <cctype>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace pipecut::test {

// Dimensions as text: "4" is a value, "?" an anonymous dynamic dim, anything
// else a symbolic dim_param.
inline void setShape(onnx::TypeProto *type, int32_t elemType, const std::vector<std::string> &dims)
{
    auto *tt = type->mutable_tensor_type();
    tt->set_elem_type(elemType);
    auto *shape = tt->mutable_shape();
    for (const std::string &d : dims) {
        auto *dim = shape->add_dim();
        if (d == "?")
            continue;
        if (!d.empty() && (std::isdigit(static_cast<unsigned char>(d[0]))))
            dim->set_dim_value(std::stoll(d));
        else
            dim->set_dim_param(d);
    }
}

class OnnxGraphBuilder {
public:
    explicit OnnxGraphBuilder(onnx::GraphProto *g)
        : m_g(g)
    {
    }

    void input(const std::string &name, const std::vector<std::string> &dims, int32_t type = onnx::TensorProto::FLOAT)
    {
        auto *v = m_g->add_input();
        v->set_name(name);
        setShape(v->mutable_type(), type, dims);
    }
    void output(const std::string &name, const std::vector<std::string> &dims = {},
        int32_t type = onnx::TensorProto::FLOAT, bool typed = false)
    {
        auto *v = m_g->add_output();
        v->set_name(name);
        if (typed || !dims.empty())
            setShape(v->mutable_type(), type, dims);
    }
    // An initializer filled with 0.5 (float) or the given int64 values; tensors
    // over 64K elements get no data (tests set external data on them).
    onnx::TensorProto &init(const std::string &name, const std::vector<int64_t> &dims,
        int32_t type = onnx::TensorProto::FLOAT, const std::vector<int64_t> &ints = {})
    {
        auto *t = m_g->add_initializer();
        t->set_name(name);
        t->set_data_type(type);
        int64_t n = 1;
        for (int64_t d : dims) {
            t->add_dims(d);
            n *= d;
        }
        if (n > (int64_t(1) << 16))
            return *t;
        if (type == onnx::TensorProto::INT64) {
            for (int64_t i = 0; i < n; ++i)
                t->add_int64_data(i < static_cast<int64_t>(ints.size()) ? ints[i] : 0);
        } else if (type == onnx::TensorProto::FLOAT) {
            for (int64_t i = 0; i < n; ++i)
                t->add_float_data(0.5f);
        }
        return *t;
    }
    onnx::NodeProto &node(const std::string &op, std::initializer_list<std::string> inputs,
        std::initializer_list<std::string> outputs, const std::string &name = {}, const std::string &domain = {})
    {
        auto *n = m_g->add_node();
        n->set_op_type(op);
        if (!name.empty())
            n->set_name(name);
        if (!domain.empty())
            n->set_domain(domain);
        for (const std::string &i : inputs)
            n->add_input(i);
        for (const std::string &o : outputs)
            n->add_output(o);
        return *n;
    }
    onnx::GraphProto &graph() { return *m_g; }

private:
    onnx::GraphProto *m_g;
};

inline void setInts(onnx::NodeProto &n, const std::string &name, std::initializer_list<int64_t> values)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
        a->add_ints(v);
}
inline void setInt(onnx::NodeProto &n, const std::string &name, int64_t value)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}
inline void setString(onnx::NodeProto &n, const std::string &name, const std::string &value)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(value);
}
// A FLOAT tensor attribute (a Constant's "value") of the given dims, every element `fill`.
inline void setFloatTensor(onnx::NodeProto &n, const std::string &name, std::initializer_list<int64_t> dims, float fill)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    int64_t count = 1;
    for (int64_t d : dims) {
        a->mutable_t()->add_dims(d);
        count *= d;
    }
    for (int64_t i = 0; i < count; ++i)
        a->mutable_t()->add_float_data(fill);
}
inline onnx::GraphProto *setGraph(onnx::NodeProto &n, const std::string &name)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::GRAPH);
    a->mutable_g()->set_name(name);
    return a->mutable_g();
}

struct ModelHolder {
    onnx::ModelProto m_model;
};

// A whole model (IR 8, one default-domain opset). The holder base comes first so
// the model exists before the graph builder points into it; copies re-point.
class OnnxModelBuilder : private ModelHolder, public OnnxGraphBuilder {
public:
    explicit OnnxModelBuilder(int64_t opset = 13)
        : OnnxGraphBuilder(m_model.mutable_graph())
    {
        m_model.set_ir_version(8);
        m_model.set_producer_name("pipecut-tests");
        auto *o = m_model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        m_model.mutable_graph()->set_name("test");
    }
    OnnxModelBuilder(const OnnxModelBuilder &other)
        : ModelHolder(other)
        , OnnxGraphBuilder(m_model.mutable_graph())
    {
    }
    OnnxModelBuilder &operator=(const OnnxModelBuilder &) = delete;

    void addOpset(const std::string &domain, int64_t version)
    {
        auto *o = m_model.add_opset_import();
        o->set_domain(domain);
        o->set_version(version);
    }
    onnx::ModelProto &model() { return m_model; }
    std::string bytes() const { return m_model.SerializeAsString(); }
    bool save(const std::string &path) const
    {
        std::ofstream out(path, std::ios::binary);
        const std::string b = bytes();
        out.write(b.data(), static_cast<std::streamsize>(b.size()));
        return static_cast<bool>(out);
    }
};

// x [64, 256] -> MatMul "mm1" (256 x 256 weights) -> Relu "relu" -> MatMul
// "mm2" (256 x 256) -> y: compute-bound MatMuls and a memory-bound Relu (the
// cluster profile tests).
inline void addTwoMatMulModel(OnnxModelBuilder &m)
{
    m.input("x", { "64", "256" });
    m.init("w1", { 256, 256 });
    m.node("MatMul", { "x", "w1" }, { "h" }, "mm1");
    m.node("Relu", { "h" }, { "r" }, "relu");
    m.init("w2", { 256, 256 });
    m.node("MatMul", { "r", "w2" }, { "y" }, "mm2");
    m.output("y");
}

// If whose then-branch is a 4x4 MatMul and else-branch a Relu, followed by a
// Relu named "after" (the import tests and the fuzz seeds).
inline void addIfModel(OnnxModelBuilder &m, const std::string &ifName)
{
    using T = onnx::TensorProto;
    m.input("cond", {}, T::BOOL);
    m.input("x", { "1", "4" });
    auto &node = m.node("If", { "cond" }, { "y" }, ifName);
    OnnxGraphBuilder thenB(setGraph(node, "then_branch"));
    thenB.init("w1", { 4, 4 });
    thenB.node("MatMul", { "x", "w1" }, { "t" });
    thenB.output("t", { "1", "4" });
    OnnxGraphBuilder elseB(setGraph(node, "else_branch"));
    elseB.node("Relu", { "x" }, { "e" });
    elseB.output("e", { "1", "4" });
    m.node("Relu", { "y" }, { "z" }, "after");
    m.output("z");
}

// Loop adding a 2x2 tensor to itself; the trip count M is the constant 3 or a
// graph input.
inline void addLoopModel(OnnxModelBuilder &m, const std::string &loopName, bool constantTrips)
{
    using T = onnx::TensorProto;
    m.input("v0", { "2", "2" });
    if (constantTrips)
        m.init("M", {}, T::INT64, { 3 });
    else
        m.input("M", {}, T::INT64);
    auto &node = m.node("Loop", { "M", "", "v0" }, { "v" }, loopName);
    OnnxGraphBuilder body(setGraph(node, "body"));
    body.input("i", {}, T::INT64);
    body.input("c", {}, T::BOOL);
    body.input("vin", { "2", "2" });
    body.node("Identity", { "c" }, { "cout" });
    body.node("Add", { "vin", "vin" }, { "vout" });
    body.output("cout", {}, T::BOOL, true);
    body.output("vout", { "2", "2" });
    m.output("v");
}

} // namespace pipecut::test
