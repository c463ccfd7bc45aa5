// U-Nets (Ronneberger et al., 2015; the residual variant of diffusion models,
// Ho et al., 2020): an encoder of levels at halving resolution, a middle, and
// a decoder that concatenates, block by block, the output of the matching
// encoder block. Those long skip connections keep many tensors alive across
// the middle, which makes these graphs wide (large antichains). Blocks are
// residual (GroupNorm, SiLU, Conv twice, shortcut Add), classic double
// convolutions (Conv, BN, Relu twice) or single fused convolutions (small
// targets); the repeat count is the number of blocks per level.
#include "core/gen/families.h"

#include <algorithm>

namespace pipecut::gen {

namespace {

enum class UnetBlock { Residual, DoubleConv, Conv };

struct UnetShape {
    int levels = 4;
    UnetBlock block = UnetBlock::Residual;
    int64_t batch = 1, resolution = 256, base = 64, outChannels = 3;
    bool attention = true;
};

Image unetBlock(Emitter &e, const std::string &scope, const Image &in, int64_t channels, UnetBlock kind)
{
    switch (kind) {
    case UnetBlock::Conv:
        return conv(e, scope, "conv", in, channels, 3, 3, 1);
    case UnetBlock::DoubleConv: {
        Image x = in;
        for (int i = 1; i <= 2; ++i) {
            x = conv(e, scope, scopeIndex("conv", i), x, channels, 3, 3, 1);
            x = pointwise(e, "BatchNormalization", scope, scopeIndex("bn", i), x, 2, 4);
            x = pointwise(e, "Relu", scope, scopeIndex("relu", i), x, 1);
        }
        return x;
    }
    case UnetBlock::Residual:
        break;
    }
    Image x = in;
    for (int i = 1; i <= 2; ++i) {
        x = pointwise(e, "GroupNormalization", scope, scopeIndex("norm", i), x, 8, 2);
        x = pointwise(e, "Silu", scope, scopeIndex("silu", i), x, 4);
        x = conv(e, scope, scopeIndex("conv", i), x, channels, 3, 3, 1);
    }
    const Image shortcut = in.channels == channels ? in : conv(e, scope, "skip_conv", in, channels, 1, 1, 1);
    return add(e, scope, "add", x, shortcut);
}

// Spatial self-attention over height * width tokens.
Image spatialAttention(Emitter &e, const std::string &scope, const Image &in)
{
    const double tokens = double(in.height) * double(in.width);
    const double rows = double(in.batch) * tokens, c = double(in.channels);
    const Image norm = pointwise(e, "GroupNormalization", scope, "norm", in, 8, 2);
    auto proj = [&](std::string_view name, int32_t from) {
        return e.add("MatMul", scope, name, 2 * rows * c * c, in.bytes(), (c + 1) * c * kElementBytes, { from });
    };
    const int32_t q = proj("q_proj", norm.node), k = proj("k_proj", norm.node), v = proj("v_proj", norm.node);
    const int32_t kt = e.add("Transpose", scope, "k_transpose", 0, in.bytes(), 0, { k });
    const double scoreBytes = rows * tokens * kElementBytes;
    const int32_t scores = e.add("MatMul", scope, "scores", 2 * rows * tokens * c, scoreBytes, 0, { q, kt });
    const int32_t probs = e.add("Softmax", scope, "softmax", 5 * rows * tokens, scoreBytes, 0, { scores });
    const int32_t context = e.add("MatMul", scope, "context", 2 * rows * tokens * c, in.bytes(), 0, { probs, v });
    Image out = in;
    out.node = proj("out_proj", context);
    return add(e, scope, "residual", out, in);
}

// The top level (full resolution) has `extra` more blocks on both sides.
void buildUnet(Emitter &e, const UnetShape &s, int64_t repeats, int64_t extra, int64_t pad)
{
    auto channels = [&](int level) { return s.base << std::min(level, 3); };
    auto blocks = [&](int level) { return repeats + (level == 0 ? extra : 0); };
    Image x = inputImage(e, "input", s.batch, 3, s.resolution);
    x = conv(e, "stem", "conv_in", x, s.base, 3, 3, 1);
    std::vector<Image> skips;
    for (int l = 0; l + 1 < s.levels; ++l) {
        const std::string level = scopeIndex("encoder/level_", l);
        for (int64_t r = 0; r < blocks(l); ++r) {
            x = unetBlock(e, level + scopeIndex("/block_", r), x, channels(l), s.block);
            skips.push_back(x);
        }
        x = s.block == UnetBlock::Residual ? conv(e, level, "downsample", x, x.channels, 3, 3, 2)
                                           : pool(e, "MaxPool", level, "downsample", x, 2, 2);
    }
    for (int64_t r = 0; r < repeats; ++r) {
        x = unetBlock(e, scopeIndex("middle/block_", r), x, channels(s.levels - 1), s.block);
        if (r == 0 && s.attention && s.block == UnetBlock::Residual)
            x = spatialAttention(e, "middle/attention", x);
    }
    for (int l = s.levels - 2; l >= 0; --l) {
        const std::string level = scopeIndex("decoder/level_", l);
        if (s.block == UnetBlock::Residual) {
            Image up = x;
            up.height *= 2;
            up.width *= 2;
            up.node = e.add("Resize", level, "upsample", up.elements(), up.bytes(), 0, { x.node });
            x = conv(e, level, "upsample_conv", up, channels(l), 3, 3, 1);
        } else {
            x = conv(e, level, "upsample", x, channels(l), 2, 2, 2, "ConvTranspose");
        }
        for (int64_t r = 0; r < blocks(l); ++r) {
            const std::string scope = level + scopeIndex("/block_", r);
            x = concat(e, scope, "concat", { x, skips.back() });
            skips.pop_back();
            x = unetBlock(e, scope, x, channels(l), s.block);
        }
    }
    x = imageNeck(e, x, pad);
    if (s.block == UnetBlock::Residual) {
        x = pointwise(e, "GroupNormalization", "head", "norm", x, 8, 2);
        x = pointwise(e, "Silu", "head", "silu", x, 4);
        conv(e, "head", "conv_out", x, s.outChannels, 3, 3, 1);
    } else {
        x = conv(e, "head", "conv_out", x, s.outChannels, 1, 1, 1);
        pointwise(e, "Sigmoid", "head", "sigmoid", x, 4);
    }
}

} // namespace

void emitUnet(Emitter &e, Rng &rng, int64_t target)
{
    static const int levels[] = { 4, 5 };
    static const int64_t batches[] = { 1, 2, 4 };
    static const int64_t resolutions[] = { 128, 256, 512 };
    static const int64_t bases[] = { 32, 64, 128 };
    static const int64_t outs[] = { 1, 3, 4 };
    UnetShape shape;
    shape.levels = rng.pick(levels);
    shape.block = rng.chance(0.6) ? UnetBlock::Residual : UnetBlock::DoubleConv;
    shape.batch = rng.pick(batches);
    shape.resolution = rng.pick(resolutions);
    shape.base = rng.pick(bases);
    shape.outChannels = rng.pick(outs);
    shape.attention = rng.chance(0.7);
    std::vector<Construction> candidates;
    auto add = [&](int levelCount, UnetBlock block) {
        UnetShape s = shape;
        s.levels = levelCount;
        s.block = block;
        candidates.push_back(
            [s](Emitter &out, int64_t repeats, int64_t extra, int64_t pad) { buildUnet(out, s, repeats, extra, pad); });
    };
    add(shape.levels, shape.block);
    add(3, shape.block);
    add(3, UnetBlock::Conv);
    add(2, UnetBlock::Conv);
    emitFitted(e, candidates, target, 1);
}

} // namespace pipecut::gen
