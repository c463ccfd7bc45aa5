#include "tests/support/hostile_files.h"

#include "tests/onnx/model_builder.h"

namespace pipecut::test::hostile {

std::string goodGraph()
{
    return R"({"format": "pipecut-graph", "version": 1, "name": "g", "nodes": [)"
           R"({"id": "a", "work": 2, "out": 1}, {"id": "b", "work": 3, "out": 2},)"
           R"({"id": "c", "work": 4, "out": 2}, {"id": "d", "work": 1, "out": 0}],)"
           R"("edges": [["a", "b"], ["b", "c"], ["c", "d"]]})";
}

std::string duplicateTopKeys()
{
    return R"({"format": "pipecut-graph", "version": 1, "nodes": [{"id": "a", "work": 1, "out": 1}],)"
           R"("nodes": [{"id": "b", "work": 1, "out": 1}]})";
}

std::string duplicateNodeKeys()
{
    return R"({"format": "pipecut-graph", "version": 1, "nodes": [{"id": "a", "work": 1, "out": 1, "work": 9}]})";
}

std::string hugeInteger()
{
    return R"({"maxFPGAs": 2, "nodes": [{"id": 1, "fpgaLatency": 123456789012345678901234567890}], "edges": []})";
}

std::string loneSurrogate()
{
    return R"({"format": "pipecut-graph", "version": 1, "nodes": [{"id": "a\ud800", "work": 1, "out": 1}]})";
}

std::string forgedErrorLine()
{
    return R"({"format": "pipecut-graph", "version": 1, "nodes": [)"
           R"({"id": "x\nerror: forged", "work": 1, "out": 1}, {"id": "x\nerror: forged", "work": 1, "out": 1}]})";
}

std::string dotLongToken(size_t bytes)
{
    return "digraph g {\n  a [work=1, out=1, label=\"" + std::string(bytes, 'x') + "\"];\n  b [work=1, out=1];\n"
        + "  a -> b;\n}\n";
}

std::string dotEdgeProduct(int n)
{
    std::string left, right;
    for (int i = 0; i < n; ++i) {
        left += " a" + std::to_string(i);
        right += " b" + std::to_string(i);
    }
    return "digraph g {\n  node [work=1, out=1];\n  {" + left + " } -> {" + right + " }\n}\n";
}

std::string dotLineDirective()
{
    return "digraph g {\n# 900 \"elsewhere.dot\"\n  a [work=1, out=1];\n  a -> ;\n}\n";
}

std::string dotTrailingGraph()
{
    return "digraph g {\n  a [work=1, out=1];\n}\ndigraph h {\n  b [work=1, out=1];\n}\n";
}

std::string dotBadUtf8Id()
{
    return "digraph g {\n  \"a\xff\xfe\" [work=1, out=1];\n}\n";
}

std::string pipedreamBadUtf8Id()
{
    return "node1\xc0\xaf -- Op -- forward_compute_time=1.0, backward_compute_time=0.0, activation_size=4.0, "
           "parameter_size=0.0\n";
}

namespace {

onnx::FunctionProto *addFunction(onnx::ModelProto &model, const std::string &name, const std::string &calls)
{
    onnx::FunctionProto *f = model.add_functions();
    f->set_name(name);
    f->set_domain("local");
    f->add_input("x");
    f->add_output("y");
    f->add_opset_import()->set_version(13);
    f->mutable_opset_import(0)->set_domain("");
    auto *local = f->add_opset_import();
    local->set_domain("local");
    local->set_version(1);
    onnx::NodeProto *n = f->add_node();
    n->set_op_type(calls);
    n->set_domain("local");
    n->add_input("x");
    n->add_output("y");
    return f;
}

} // namespace

std::string onnxRecursiveFunction(bool mutual)
{
    OnnxModelBuilder m;
    m.addOpset("local", 1);
    m.input("x", { "1", "4" });
    m.output("y");
    m.node("F", { "x" }, { "y" }, "call", "local");
    addFunction(m.model(), "F", mutual ? "G" : "F");
    if (mutual)
        addFunction(m.model(), "G", "F");
    return m.bytes();
}

std::string onnxNegativeDimension()
{
    OnnxModelBuilder m;
    m.input("x", { "1", "4" });
    m.init("w", { 4, 4 });
    m.model().mutable_graph()->mutable_initializer(0)->set_dims(1, -4);
    m.output("y");
    m.node("MatMul", { "x", "w" }, { "y" }, "mm");
    return m.bytes();
}

std::string onnxNestedIf(int depth)
{
    OnnxModelBuilder m;
    m.input("c", { "1" }, onnx::TensorProto::BOOL);
    m.output("y");
    onnx::NodeProto *node = &m.node("If", { "c" }, { "y" }, "if0");
    for (int i = 1; i < depth; ++i) {
        onnx::GraphProto *branch = setGraph(*node, "then_branch");
        OnnxGraphBuilder b(branch);
        b.output("y" + std::to_string(i));
        node = &b.node("If", { "c" }, { "y" + std::to_string(i) }, "if" + std::to_string(i));
    }
    return m.bytes();
}

} // namespace pipecut::test::hostile
