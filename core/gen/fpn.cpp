// Feature pyramid networks (family "fpn"; Lin, Dollar, Girshick, He,
// Hariharan, Belongie, "Feature pyramid networks for object detection",
// CVPR 2017, with the RetinaNet heads of Lin et al., ICCV 2017): a ResNet
// backbone of bottleneck blocks (1x1, 3x3, 1x1 convolutions with BN folded,
// ReLU, shortcut Add) in four stages C2..C5, a 1x1 lateral convolution per
// stage, a top-down path (P5 = lateral 5; P_l = lateral l + Resize(P_l+1)), a
// 3x3 smoothing convolution per level, P6 and P7 by strided convolutions, and
// per level a class and a box subnet (depth 2 to 4 of Conv + Relu, then the
// prediction Conv), all predictions concatenated. The laterals are long skip
// connections from every backbone stage to the top-down path, and the five
// heads are parallel branches: a wide graph. The repeat count is the number
// of blocks per backbone stage (ResNet-50 is 3, 4, 6, 3: extra blocks go to C4).
#include "core/gen/families.h"

#include <utility>

namespace pipecut::gen {

namespace {

struct FpnShape {
    int64_t batch = 2, resolution = 640, width = 256, anchors = 9, classes = 80;
    int64_t headDepth = 4; // -1: no heads (the pyramid levels are the outputs)
    int64_t levels = 4; // backbone stages; 4 adds P6 and P7
};

Image bottleneck(Emitter &e, const std::string &scope, const Image &in, int64_t planes, int64_t stride)
{
    Image x = conv(e, scope, "conv1", in, planes, 1, 1, 1);
    x = pointwise(e, "Relu", scope, "relu1", x, 1);
    x = conv(e, scope, "conv2", x, planes, 3, 3, stride);
    x = pointwise(e, "Relu", scope, "relu2", x, 1);
    x = conv(e, scope, "conv3", x, planes * 4, 1, 1, 1);
    const Image shortcut
        = in.channels == planes * 4 && stride == 1 ? in : conv(e, scope, "downsample", in, planes * 4, 1, 1, stride);
    return pointwise(e, "Relu", scope, "relu_out", add(e, scope, "add", x, shortcut), 1);
}

Image subnet(Emitter &e, const std::string &scope, const Image &in, int64_t depth, int64_t outChannels)
{
    Image x = in;
    for (int64_t d = 0; d < depth; ++d) {
        x = conv(e, scope, scopeIndex("conv", d), x, in.channels, 3, 3, 1);
        x = pointwise(e, "Relu", scope, scopeIndex("relu", d), x, 1);
    }
    return conv(e, scope, "predict", x, outChannels, 3, 3, 1);
}

void buildFpn(Emitter &e, const FpnShape &s, int64_t repeats, int64_t extra, int64_t pad)
{
    Image x = inputImage(e, "input", s.batch, 3, s.resolution);
    x = conv(e, "stem", "conv1", x, 64, 7, 7, 2);
    x = pointwise(e, "Relu", "stem", "relu", x, 1);
    x = pool(e, "MaxPool", "stem", "maxpool", x, 3, 2);
    x = imageNeck(e, x, pad);
    std::vector<Image> stages;
    const int64_t top = s.levels - 1;
    for (int64_t l = 0; l <= top; ++l) {
        const int64_t blocks = repeats + (l == 2 ? extra : 0);
        for (int64_t b = 0; b < blocks; ++b)
            x = bottleneck(
                e, scopeIndex("backbone/c", l + 2) + scopeIndex("/block_", b), x, 64 << l, b == 0 && l > 0 ? 2 : 1);
        stages.push_back(x);
    }
    std::vector<Image> levels(size_t(s.levels));
    for (int64_t l = top; l >= 0; --l) {
        const std::string scope = scopeIndex("fpn/p", l + 2);
        Image lateral = conv(e, scope, "lateral", stages[size_t(l)], s.width, 1, 1, 1);
        if (l < top) {
            Image up = levels[size_t(l) + 1];
            up.height = lateral.height;
            up.width = lateral.width;
            up.node = e.add("Resize", scope, "upsample", up.elements(), up.bytes(), 0, { levels[size_t(l) + 1].node });
            lateral = add(e, scope, "merge", lateral, up);
        }
        levels[size_t(l)] = lateral;
    }
    std::vector<Image> outputs;
    for (int64_t l = 0; l <= top; ++l)
        outputs.push_back(conv(e, scopeIndex("fpn/p", l + 2), "smooth", levels[size_t(l)], s.width, 3, 3, 1));
    if (s.levels == 4) {
        Image p6 = conv(e, "fpn/p6", "conv", stages[3], s.width, 3, 3, 2);
        outputs.push_back(p6);
        outputs.push_back(conv(e, "fpn/p7", "conv", pointwise(e, "Relu", "fpn/p7", "relu", p6, 1), s.width, 3, 3, 2));
    }
    if (s.headDepth < 0) {
        concat(e, "head", "predictions", outputs);
        return;
    }
    std::vector<Image> predictions;
    for (size_t l = 1; l < outputs.size(); ++l) { // RetinaNet predicts on P3..P7
        const std::string level = scopeIndex("head/p", int64_t(l) + 2);
        predictions.push_back(subnet(e, level + "/class", outputs[l], s.headDepth, s.anchors * s.classes));
        predictions.push_back(subnet(e, level + "/box", outputs[l], s.headDepth, s.anchors * 4));
    }
    predictions.push_back(outputs[0]); // P2 feeds the output too (mask heads read it)
    concat(e, "head", "predictions", predictions);
}

} // namespace

void emitFpn(Emitter &e, Rng &rng, int64_t target)
{
    static const int64_t batches[] = { 1, 2, 4 };
    static const int64_t resolutions[] = { 512, 640, 800 };
    static const int64_t widths[] = { 128, 256 };
    FpnShape shape;
    shape.batch = rng.pick(batches);
    shape.resolution = rng.pick(resolutions);
    shape.width = rng.pick(widths);
    shape.headDepth = rng.between(2, 4);
    std::vector<Construction> candidates;
    for (auto [levels, depth] : { std::pair<int64_t, int64_t> { 4, shape.headDepth }, { 4, 0 }, { 2, -1 } }) {
        FpnShape s = shape;
        s.levels = levels;
        s.headDepth = depth;
        candidates.push_back(
            [s](Emitter &out, int64_t repeats, int64_t extra, int64_t pad) { buildFpn(out, s, repeats, extra, pad); });
    }
    emitFitted(e, candidates, target, 0);
}

} // namespace pipecut::gen
