#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/gen/generator.h"

namespace pipecut::cli {

int runGenerate(const std::vector<std::string> &argv, CliStreams s)
{
    std::string families;
    for (const std::string &f : generatorFamilies())
        families += (families.empty() ? "" : "|") + f;
    Args args("generate", "generate --family FAMILY --nodes N [--seed S] -o OUT.json",
              "Synthetic model-shaped graphs with realistic costs, for scale tests.");
    args.option("--family", "FAMILY", families + " (default transformer)");
    args.option("--nodes", "N", "approximate node count, 10 .. 1000000 (default 1000)");
    args.option("--seed", "S", "random seed (default 1)");
    args.option("-o", "OUT.json", "output file (pipecut JSON)");
    int code = 0;
    if (!parseOrExit(args, argv, s, code))
        return code;
    if (!args.has("-o"))
        return usageError(s, "generate needs -o OUT.json");
    GeneratorOptions o;
    o.family = args.get("--family", "transformer");
    auto n = args.getInt("--nodes", 1000);
    auto seed = args.getInt("--seed", 1);
    if (!n)
        return usageError(s, n.error());
    if (!seed)
        return usageError(s, seed.error());
    o.nodes = *n;
    o.seed = static_cast<uint64_t>(*seed);
    auto g = generateGraph(o);
    if (!g)
        return usageError(s, g.error());
    if (Status st = writeFileAtomically(args.get("-o"), graphToJson(*g)); !st)
        return failure(s, st.error());
    return kExitOk;
}

} // namespace pipecut::cli
