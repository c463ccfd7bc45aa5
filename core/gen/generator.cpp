#include "core/gen/generator.h"

#include "core/gen/families.h"

#include <algorithm>

namespace pipecut {

const std::vector<std::string> &generatorFamilies()
{
    static const std::vector<std::string> families { "transformer", "moe", "cnn", "unet", "inception", "random",
        "randwire-ws", "randwire-er", "randwire-ba", "nasnet", "fpn" };
    return families;
}

Result<Graph> generateGraph(const GeneratorOptions &options)
{
    const auto &families = generatorFamilies();
    if (std::find(families.begin(), families.end(), options.family) == families.end()) {
        std::string known;
        for (const auto &f : families)
            known += (known.empty() ? "" : ", ") + f;
        return makeError(ErrorKind::Usage, "generate: unknown family '" + options.family + "' (known: " + known + ")");
    }
    if (options.nodes < kMinGeneratedNodes || options.nodes > kMaxGeneratedNodes)
        return makeError(ErrorKind::Usage,
            "generate: --nodes must be between " + std::to_string(kMinGeneratedNodes) + " and "
                + std::to_string(kMaxGeneratedNodes) + ", not " + std::to_string(options.nodes));
    // The seed is mixed with the family so that one seed gives unrelated
    // streams to different families.
    uint64_t mix = options.seed;
    for (char c : options.family)
        mix = mix * 0x100000001b3ULL ^ static_cast<unsigned char>(c);
    Rng rng(mix);
    const std::string name
        = options.family + "-" + std::to_string(options.nodes) + "-seed" + std::to_string(options.seed);
    gen::Emitter emitter(&rng, name, options.nodes);
    if (options.family == "transformer")
        gen::emitTransformer(emitter, rng, options.nodes);
    else if (options.family == "moe")
        gen::emitMoe(emitter, rng, options.nodes);
    else if (options.family == "cnn")
        gen::emitCnn(emitter, rng, options.nodes);
    else if (options.family == "unet")
        gen::emitUnet(emitter, rng, options.nodes);
    else if (options.family == "inception")
        gen::emitInception(emitter, rng, options.nodes);
    else if (options.family.starts_with("randwire-"))
        gen::emitRandWire(emitter, rng, options.nodes, options.family.substr(9));
    else if (options.family == "nasnet")
        gen::emitNasnet(emitter, rng, options.nodes);
    else if (options.family == "fpn")
        gen::emitFpn(emitter, rng, options.nodes);
    else
        gen::emitRandom(emitter, rng, options.nodes);
    return emitter.build(
        { "synthetic " + options.family + " graph (seed " + std::to_string(options.seed) + ")", gen::costModelNote() });
}

} // namespace pipecut
