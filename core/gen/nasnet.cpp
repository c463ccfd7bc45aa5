// NASNet/AmoebaNet-like stacked cells (family "nasnet"; Zoph, Vasudevan,
// Shlens, Le, "Learning transferable architectures for scalable image
// recognition", CVPR 2018; Real, Aggarwal, Huang, Le, "Regularized evolution
// for image classifier architecture search", AAAI 2019). A cell reads the
// outputs of the two previous cells, brings both to its channel count with a
// 1x1 convolution (a strided one when the older input has twice the
// resolution), and has five blocks: each applies one operation to each of two
// hidden states (the two inputs or earlier blocks) and adds the results; the
// cell's output concatenates the listed blocks. The seed picks the published
// NASNet-A or AmoebaNet-A genotypes (normal and reduction cell, as tabulated
// in Liu, Simonyan, Yang, "DARTS", ICLR 2019), channels and batch. Operations
// are fused nodes: separable convolutions (ReLU, depthwise, pointwise, BN) as
// "SeparableConv", pools, identity (no node; in a reduction cell a strided
// 1x1 "Conv" on a cell input). Three stacks of N normal cells separated by
// two reduction cells (channels double, resolution halves); the repeat count
// is N, extra normal cells go to the last stack.
#include "core/gen/families.h"

#include <algorithm>

namespace pipecut::gen {

namespace {

enum class CellOp { Sep3, Sep5, Sep7, Avg3, Max3, Skip, Conv7x1 };

struct CellBlock {
    CellOp op1;
    int in1;
    CellOp op2;
    int in2;
};

struct Genotype {
    std::vector<CellBlock> normal, reduce;
    std::vector<int> normalConcat, reduceConcat; // hidden states 0, 1 = inputs, 2.. = blocks
};

// States: 0 = the output of the cell before the previous one, 1 = the previous cell's.
Genotype nasnetA()
{
    using enum CellOp;
    return { { { Sep5, 1, Sep3, 0 }, { Sep5, 0, Sep3, 0 }, { Avg3, 1, Skip, 0 }, { Avg3, 0, Avg3, 0 },
                 { Sep3, 1, Skip, 1 } },
        { { Sep5, 1, Sep7, 0 }, { Max3, 1, Sep7, 0 }, { Avg3, 1, Sep5, 0 }, { Skip, 3, Avg3, 2 },
            { Sep3, 2, Max3, 1 } },
        { 2, 3, 4, 5, 6 }, { 4, 5, 6 } };
}

Genotype amoebaA()
{
    using enum CellOp;
    return { { { Avg3, 0, Max3, 1 }, { Sep3, 0, Sep5, 2 }, { Sep3, 0, Avg3, 3 }, { Sep3, 1, Skip, 1 },
                 { Skip, 0, Avg3, 1 } },
        { { Avg3, 0, Sep3, 1 }, { Max3, 0, Sep7, 2 }, { Sep7, 0, Avg3, 1 }, { Max3, 0, Max3, 1 },
            { Conv7x1, 0, Sep3, 5 } },
        { 4, 5, 6 }, { 3, 4, 6 } };
}

Image separable(
    Emitter &e, const std::string &scope, std::string_view name, const Image &in, int64_t kernel, int64_t stride)
{
    Image out = in;
    out.height = (in.height + stride - 1) / stride;
    out.width = (in.width + stride - 1) / stride;
    const double k2 = double(kernel * kernel), c = double(in.channels);
    const double flops = in.elements() + 2.0 * out.elements() * (k2 + c) + 2.0 * out.elements();
    out.node = e.add(
        "SeparableConv", scope, name, flops, out.bytes(), (k2 * c + c * c + 4 * c) * kElementBytes, { in.node });
    return out;
}

Image applyOp(Emitter &e, const std::string &scope, std::string_view name, const Image &in, CellOp op, int64_t stride)
{
    switch (op) {
    case CellOp::Sep3:
        return separable(e, scope, name, in, 3, stride);
    case CellOp::Sep5:
        return separable(e, scope, name, in, 5, stride);
    case CellOp::Sep7:
        return separable(e, scope, name, in, 7, stride);
    case CellOp::Avg3:
        return pool(e, "AveragePool", scope, name, in, 3, stride);
    case CellOp::Max3:
        return pool(e, "MaxPool", scope, name, in, 3, stride);
    case CellOp::Conv7x1: {
        const Image a = conv(e, scope, std::string(name) + "_7x1", in, in.channels, 7, 1, stride);
        return conv(e, scope, std::string(name) + "_1x7", a, in.channels, 1, 7, 1);
    }
    case CellOp::Skip:
        break;
    }
    return stride == 1 ? in : conv(e, scope, name, in, in.channels, 1, 1, stride);
}

// One cell; `prev2`, `prev` are the outputs of the two cells before it.
Image cell(Emitter &e, const std::string &scope, const Genotype &g, bool reduction, const Image &prev2,
    const Image &prev, int64_t channels)
{
    const int64_t stride2 = prev2.height > prev.height ? 2 : 1;
    std::vector<Image> states { conv(e, scope, "preprocess0", prev2, channels, 1, 1, stride2),
        conv(e, scope, "preprocess1", prev, channels, 1, 1, 1) };
    const auto &blocks = reduction ? g.reduce : g.normal;
    for (size_t b = 0; b < blocks.size(); ++b) {
        const CellBlock &blk = blocks[b];
        const std::string name = scopeIndex("block", int64_t(b));
        auto branch = [&](CellOp op, int in, std::string_view side) {
            const int64_t stride = reduction && in < 2 ? 2 : 1;
            return applyOp(e, scope, name + std::string(side), states[size_t(in)], op, stride);
        };
        const Image a = branch(blk.op1, blk.in1, "_left"), c = branch(blk.op2, blk.in2, "_right");
        Image sum = a;
        const std::vector<int32_t> inputs
            = a.node == c.node ? std::vector<int32_t> { a.node } : std::vector<int32_t> { a.node, c.node };
        sum.node = e.add("Add", scope, name + "_add", a.elements(), a.bytes(), 0, inputs);
        states.push_back(sum);
    }
    std::vector<Image> parts;
    for (int s : reduction ? g.reduceConcat : g.normalConcat)
        parts.push_back(states[size_t(s)]);
    return concat(e, scope, "concat", parts);
}

struct NasShape {
    Genotype genotype;
    int64_t batch = 16, channels = 44, stacks = 3;
};

void buildNasnet(Emitter &e, const NasShape &s, int64_t repeats, int64_t extra, int64_t pad)
{
    Image x = inputImage(e, "input", s.batch, 3, 224);
    x = conv(e, "stem", "conv1", x, s.channels, 3, 3, 2);
    x = conv(e, "stem", "conv2", x, s.channels, 3, 3, 2);
    Image prev2 = x, prev = x;
    int64_t channels = s.channels, index = 0;
    for (int64_t stack = 0; stack < s.stacks && repeats > 0; ++stack) {
        if (stack > 0) {
            channels *= 2;
            const Image out = cell(e, scopeIndex("cell_", index++), s.genotype, true, prev2, prev, channels);
            prev2 = prev;
            prev = out;
        }
        const int64_t cells = repeats + (stack + 1 == s.stacks ? extra : 0);
        for (int64_t r = 0; r < cells; ++r) {
            const Image out = cell(e, scopeIndex("cell_", index++), s.genotype, false, prev2, prev, channels);
            prev2 = prev;
            prev = out;
        }
    }
    x = imageNeck(e, prev, pad);
    classifierHead(e, "head", x, 1000);
}

} // namespace

void emitNasnet(Emitter &e, Rng &rng, int64_t target)
{
    static const int64_t channels[] = { 32, 44, 48 };
    static const int64_t batches[] = { 8, 16, 32 };
    NasShape shape;
    shape.genotype = rng.chance(0.5) ? nasnetA() : amoebaA();
    shape.channels = rng.pick(channels);
    shape.batch = rng.pick(batches);
    std::vector<Construction> candidates;
    for (int64_t stacks : { 3, 1 }) {
        NasShape s = shape;
        s.stacks = stacks;
        candidates.push_back([s](Emitter &out, int64_t repeats, int64_t extra, int64_t pad) {
            buildNasnet(out, s, repeats, extra, pad);
        });
    }
    emitFitted(e, candidates, target, 0);
}

} // namespace pipecut::gen
