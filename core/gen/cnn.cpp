// Residual CNNs (He et al., "Deep residual learning", 2016) as traced from
// PyTorch with BatchNormalization kept: a stem (7x7/2 Conv, BN, Relu, MaxPool),
// four stages whose first block downsamples (projection shortcut), basic or
// bottleneck blocks, and a classifier head. Depth patterns follow ResNet-18/
// 34/50/101/152 scaled by a repeat count to reach the target size.
#include "core/gen/families.h"

#include <algorithm>
#include <array>

namespace pipecut::gen {

namespace {

struct CnnShape {
    std::array<int64_t, 4> blocks { 2, 2, 2, 2 }; // per stage, times the repeat count
    bool bottleneck = false;
    int64_t batch = 8, resolution = 224, width = 64, classes = 1000;
};

Image convBn(Emitter &e, const std::string &scope, int index, const Image &in, int64_t channels, int64_t kernel,
    int64_t stride, bool relu)
{
    Image x = conv(e, scope, scopeIndex("conv", index), in, channels, kernel, kernel, stride);
    x = pointwise(e, "BatchNormalization", scope, scopeIndex("bn", index), x, 2, 4);
    return relu ? pointwise(e, "Relu", scope, scopeIndex("relu", index), x, 1) : x;
}

Image residualBlock(
    Emitter &e, const std::string &scope, const Image &in, int64_t channels, int64_t stride, bool bottleneck)
{
    const int64_t outChannels = bottleneck ? 4 * channels : channels;
    Image x;
    if (bottleneck) {
        x = convBn(e, scope, 1, in, channels, 1, 1, true);
        x = convBn(e, scope, 2, x, channels, 3, stride, true);
        x = convBn(e, scope, 3, x, outChannels, 1, 1, false);
    } else {
        x = convBn(e, scope, 1, in, channels, 3, stride, true);
        x = convBn(e, scope, 2, x, channels, 3, 1, false);
    }
    Image shortcut = in;
    if (stride != 1 || in.channels != outChannels) {
        shortcut = conv(e, scope, "downsample_conv", in, outChannels, 1, 1, stride);
        shortcut = pointwise(e, "BatchNormalization", scope, "downsample_bn", shortcut, 2, 4);
    }
    return pointwise(e, "Relu", scope, "relu_out", add(e, scope, "add", x, shortcut), 1);
}

// `extra` more blocks go to the stage with the most (ties: the first).
void buildCnn(Emitter &e, const CnnShape &s, int64_t repeats, int64_t extra, int64_t pad)
{
    const int deepest = int(std::max_element(s.blocks.begin(), s.blocks.end()) - s.blocks.begin());
    Image x = inputImage(e, "input", s.batch, 3, s.resolution);
    x = convBn(e, "stem", 1, x, s.width, 7, 2, true);
    x = pool(e, "MaxPool", "stem", "maxpool", x, 3, 2);
    for (int stage = 0; stage < 4; ++stage) {
        const int64_t blocks = s.blocks[stage] * repeats + (stage == deepest ? extra : 0);
        for (int64_t b = 0; b < blocks; ++b) {
            const std::string scope = scopeIndex("stage_", stage + 1) + scopeIndex("/block_", b);
            const int64_t stride = (b == 0 && stage > 0) ? 2 : 1;
            x = residualBlock(e, scope, x, s.width << stage, stride, s.bottleneck);
        }
    }
    classifierHead(e, "head", imageNeck(e, x, pad), s.classes);
}

} // namespace

void emitCnn(Emitter &e, Rng &rng, int64_t target)
{
    struct Preset {
        std::array<int64_t, 4> blocks;
        bool bottleneck;
    };
    static const Preset presets[] = { { { 2, 2, 2, 2 }, false }, { { 3, 4, 6, 3 }, false }, { { 3, 4, 6, 3 }, true },
        { { 3, 4, 23, 3 }, true }, { { 3, 8, 36, 3 }, true } };
    static const int64_t batches[] = { 1, 8, 32 };
    static const int64_t resolutions[] = { 224, 256, 320 };
    static const int64_t widths[] = { 64, 64, 128 };
    const Preset &preset = rng.pick(presets);
    CnnShape shape;
    shape.blocks = preset.blocks;
    shape.bottleneck = preset.bottleneck;
    shape.batch = rng.pick(batches);
    shape.resolution = rng.pick(resolutions);
    shape.width = rng.pick(widths);
    // Smaller depth patterns for small targets.
    std::vector<Construction> candidates;
    for (const std::array<int64_t, 4> &blocks : { preset.blocks, std::array<int64_t, 4> { 1, 1, 1, 1 },
             std::array<int64_t, 4> { 1, 1, 0, 0 }, std::array<int64_t, 4> { 1, 0, 0, 0 } }) {
        CnnShape s = shape;
        s.blocks = blocks;
        candidates.push_back(
            [s](Emitter &out, int64_t repeats, int64_t extra, int64_t pad) { buildCnn(out, s, repeats, extra, pad); });
    }
    emitFitted(e, candidates, target);
}

} // namespace pipecut::gen
