#include "core/cli/commands.h"
#include "core/cli/common.h"
#include "core/gen/generator.h"

namespace pipecut::cli {

int runGenerate(const std::vector<std::string> &argv, CliStreams s)
{
    Command c(s, "generate", "generate --family FAMILY --nodes N [--seed S] -o OUT.json",
        "Synthetic model-shaped graphs with realistic costs, for scale tests.");
    c.args.option("--family", "FAMILY", joinChoices(generatorFamilies()) + " (default transformer)");
    c.args.option("--nodes", "N", "approximate node count, 10 .. 1000000 (default 1000)");
    c.args.option("--seed", "S", "random seed (default 1)");
    c.args.option("-o", "OUT.json", "output file (pipecut JSON)");
    return c.run(argv, [&]() -> Status {
        if (!c.args.has("-o"))
            return usageError("generate needs -o OUT.json");
        GeneratorOptions o;
        o.family = c.args.get("--family", "transformer");
        auto n = c.args.getInt("--nodes", 1000);
        auto seed = c.args.getInt("--seed", 1);
        if (Status st = firstError(n, seed); !st)
            return st;
        o.nodes = *n;
        o.seed = static_cast<uint64_t>(*seed);
        auto g = generateGraph(o);
        if (!g)
            return g.failure();
        return writeFileAtomically(c.args.get("-o"), graphToJson(*g));
    });
}

} // namespace pipecut::cli
