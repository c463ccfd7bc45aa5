// Writes small ONNX models into DIR as seeds for fuzz_onnx:
//   fuzz_onnx_seeds DIR
// They cover the reader's paths: initializers, Constant folding, Conv/MatMul/
// Gemm rules, shape arithmetic, symbolic dims, If and Loop subgraphs, a cycle,
// and the hostile classes: recursive functions, a negative dimension, deep If nesting.
#include "tests/onnx/model_builder.h"
#include "tests/support/hostile_files.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using pipecut::test::OnnxModelBuilder;
using T = onnx::TensorProto;

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_onnx_seeds DIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    std::vector<std::pair<std::string, std::function<void(OnnxModelBuilder &)>>> models = {
        { "mlp",
            [](OnnxModelBuilder &m) {
                m.input("x", { "batch", "3" });
                m.init("w", { 3, 8 });
                m.init("b", { 8 });
                m.node("MatMul", { "x", "w" }, { "h" }, "/enc/MatMul");
                m.node("Add", { "h", "b" }, { "a" }, "/enc/Add");
                m.node("Relu", { "a" }, { "y" });
                m.output("y");
            } },
        { "conv",
            [](OnnxModelBuilder &m) {
                m.input("x", { "1", "3", "8", "8" });
                m.init("w", { 4, 3, 3, 3 });
                auto &c = m.node("Conv", { "x", "w" }, { "c" }, "conv");
                pipecut::test::setInts(c, "pads", { 1, 1, 1, 1 });
                pipecut::test::setInts(c, "strides", { 1, 1 });
                auto &p = m.node("MaxPool", { "c" }, { "p" }, "pool");
                pipecut::test::setInts(p, "kernel_shape", { 2, 2 });
                pipecut::test::setInts(p, "strides", { 2, 2 });
                m.init("shape", { 2 }, T::INT64, { 1, -1 });
                m.node("Reshape", { "p", "shape" }, { "r" });
                m.init("g", { 64, 10 });
                m.node("Gemm", { "r", "g" }, { "y" });
                m.output("y");
            } },
        { "constant_shape",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2", "?", "4" });
                pipecut::test::setFloatTensor(m.node("Constant", {}, { "k" }, "const"), "value", { 4 }, 1.f);
                m.node("Mul", { "x", "k" }, { "m" });
                m.node("Shape", { "m" }, { "s" });
                m.init("idx", { 1 }, T::INT64, { 1 });
                m.node("Gather", { "s", "idx" }, { "d" });
                m.node("Softmax", { "m" }, { "y" });
                m.output("y");
                m.output("d");
            } },
        { "if", [](OnnxModelBuilder &m) { pipecut::test::addIfModel(m, "if"); } },
        { "loop", [](OnnxModelBuilder &m) { pipecut::test::addLoopModel(m, "loop", true); } },
        { "cycle",
            [](OnnxModelBuilder &m) {
                m.input("x", { "2" });
                m.node("Add", { "x", "c" }, { "b" }, "first");
                m.node("Relu", { "b" }, { "c" }, "second");
                m.output("c");
            } },
    };
    for (auto &[name, build] : models) {
        OnnxModelBuilder m;
        build(m);
        const std::string path = dir + "/" + name + ".onnx";
        if (!m.save(path)) {
            std::fprintf(stderr, "cannot write %s\n", path.c_str());
            return 1;
        }
    }
    // The hostile classes of docs/reliability.md (shared with the matrix test).
    namespace hostile = pipecut::test::hostile;
    const std::pair<const char *, std::string> hostileModels[] = {
        { "recursive_function", hostile::onnxRecursiveFunction(false) },
        { "mutual_functions", hostile::onnxRecursiveFunction(true) },
        { "negative_dimension", hostile::onnxNegativeDimension() },
        { "nested_if", hostile::onnxNestedIf(40) },
    };
    for (const auto &[name, bytes] : hostileModels) {
        const std::string path = dir + "/" + name + ".onnx";
        std::FILE *f = std::fopen(path.c_str(), "wb");
        if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
            std::fprintf(stderr, "cannot write %s\n", path.c_str());
            return 1;
        }
    }
    return 0;
}
