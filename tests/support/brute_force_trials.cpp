#include "tests/support/brute_force_trials.h"

#include "core/cost/evaluate.h"
#include "core/partition/partitioner.h"

#include <QTest>

#include <algorithm>
#include <cmath>

namespace pipecut::test {

bool atMostOptimum(double value, double optimum)
{
    return value <= optimum * (1 + 1e-6) + 1e-9;
}

std::string aboveOptimum(const std::string &what, double value, double optimum, const std::string &instance)
{
    return what + " " + std::to_string(value) + " > optimum " + std::to_string(optimum) + "\n" + instance;
}

void addFamilyRows(std::initializer_list<const char *> names)
{
    QTest::addColumn<int>("family");
    int family = 0;
    for (const char *name : names)
        QTest::newRow(name) << family++;
}

int checkFeasibleTrials(uint64_t seed, int trials, const std::function<BoundInstance(std::mt19937_64 &, int)> &make,
    const std::function<void(const BoundInstance &, const BruteForce &)> &check)
{
    std::mt19937_64 rng(seed);
    int checked = 0;
    for (int trial = 0; trial < trials && !QTest::currentTestFailed(); ++trial) {
        const BoundInstance instance = make(rng, trial);
        const BruteForce brute = bruteForceOptimum(instance.graph, instance.params, instance.k);
        if (!brute.feasible)
            continue;
        check(instance, brute);
        ++checked;
    }
    if (!QTest::currentTestFailed())
        QTest::qVerify(checked > trials / 2, "checked > trials / 2",
            ("only " + std::to_string(checked) + " of " + std::to_string(trials) + " instances feasible").c_str(),
            __FILE__, __LINE__);
    return checked;
}

SearchStart randomSearchStart(std::mt19937_64 &rng, int trial)
{
    SearchStart s;
    s.instance.graph = randomGraph(rng, { .maxNodes = 9 }); // n <= 9: brute force stays cheap
    s.instance.params = CostParams::fromGraph(s.instance.graph);
    s.instance.k = 2 + trial % 4;
    s.where = describe(s.instance.graph, s.instance.params, s.instance.k);
    auto units = contractGroups(s.instance.graph);
    if (!units)
        qFatal("contractGroups: %s", units.error().c_str());
    s.units = std::move(*units);
    PartitionOptions po { .k = s.instance.k, .method = trial % 2 ? "uniform" : "slice" };
    auto r = runPartitioner(s.instance.graph, s.instance.params, po);
    if (r.ok() && r->partition.nodeCount() == s.instance.graph.nodeCount()) {
        s.start = r->partition;
        s.bottleneck = bottleneckOf(s.instance.graph, s.instance.params, r->partition.stages(), s.instance.k);
    }
    return s;
}

int forEachSearchStart(uint64_t seed, int trials, const std::function<void(const SearchStart &)> &search)
{
    std::mt19937_64 rng(seed);
    int ran = 0;
    for (int trial = 0; trial < trials && !QTest::currentTestFailed(); ++trial) {
        const SearchStart s = randomSearchStart(rng, trial);
        if (!s.start)
            continue;
        search(s);
        ++ran;
    }
    return ran;
}

std::string searchResultProblem(const SearchStart &s, const Partition &partition, double bottleneck, double optimum)
{
    const auto &[g, params, k] = s.instance;
    const auto close = [](double a, double b) {
        return std::abs(a - b) <= 1e-9 * std::max({ 1.0, std::abs(a), std::abs(b) });
    };
    if (Status valid = validatePartition(g, params, partition); !valid)
        return "not valid: " + valid.error() + "\n" + s.where;
    if (!close(bottleneck, bottleneckOf(g, params, partition.stages(), k)))
        return "bottleneck " + std::to_string(bottleneck) + " is not evaluate()'s\n" + s.where;
    if (bottleneck > s.bottleneck * (1 + 1e-12))
        return "bottleneck " + std::to_string(bottleneck) + " worse than the start's " + std::to_string(s.bottleneck)
            + "\n" + s.where;
    if (bottleneck < optimum * (1 - 1e-9))
        return "bottleneck " + std::to_string(bottleneck) + " below the optimum " + std::to_string(optimum) + "\n"
            + s.where;
    return {};
}

SearchGraph searchGraph(Graph g)
{
    auto units = contractGroups(g);
    if (!units)
        qFatal("contractGroups: %s", units.error().c_str());
    const CostParams params = CostParams::fromGraph(g);
    return SearchGraph { std::move(g), params, std::move(*units) };
}

SearchGraph generatedSearchGraph(const GeneratorOptions &options)
{
    auto g = generateGraph(options);
    if (!g)
        qFatal("generateGraph: %s", g.error().c_str());
    return searchGraph(std::move(*g));
}

} // namespace pipecut::test
