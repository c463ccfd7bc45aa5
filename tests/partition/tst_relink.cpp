// Path relinking between elite partitions (core/partition/relink.h): on small
// random graphs every walk reaches its target through valid partitions, the
// search never returns anything invalid or worse than its better endpoint and
// never beats the brute-force optimum, it reaches that optimum on instances
// where the two slicegraph runs it relinks do not, and it is deterministic.
#include "core/cost/evaluate.h"
#include "core/graph/topology.h"
#include "core/partition/lns.h"
#include "core/partition/refine.h"
#include "core/partition/relink.h"
#include "core/partition/slicegraph.h"
#include "tests/support/brute_force_trials.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace pipecut;
using namespace pipecut::test;

namespace {

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max({ 1.0, std::abs(a), std::abs(b) });
}

// A plain slicegraph run of one chromosome and one generation, without local
// search: a weak elite, different for each seed.
std::optional<Partition> weakSlicegraph(
    const Graph &g, const CostParams &params, const Contraction &units, int k, uint64_t seed)
{
    SliceGraphOptions o;
    o.k = k;
    o.population = 2;
    o.generations = 1;
    o.seed = seed;
    o.threads = 1;
    o.memetic = 0;
    o.structuredSeeds = false;
    o.polishIterations = 0;
    auto r = runBrkga(g, params, units, o, StopToken(), Deadline());
    if (!r || !std::isfinite(r->bottleneck))
        return std::nullopt;
    return r->partition;
}

// What the polish of relinkSearch (refine, then the window re-solve) makes of one elite alone.
double polished(const Graph &g, const CostParams &params, const Contraction &units, const Partition &p)
{
    const RefineOutcome r = refinePartition(g, params, p, StopToken(), Deadline(), &units);
    return windowDescent(g, params, units, r.partition, StopToken(), Deadline()).bottleneck;
}

int32_t differingUnits(const Contraction &units, const Partition &a, const Partition &b)
{
    int32_t d = 0;
    for (int32_t c = 0; c < units.graph.nodeCount(); ++c)
        d += a.stage(units.members(c)[0]) != b.stage(units.members(c)[0]);
    return d;
}

} // namespace

class TestRelink : public QObject {
    Q_OBJECT
private slots:
    // The example of relink.h (docs/model.md §1.5, k = 3).
    void specExample()
    {
        const auto &[g, params, units] = searchGraph(pipecut::test::specExample());
        const Partition from(std::vector<int32_t> { 0, 1, 2, 2 }, 3), to(std::vector<int32_t> { 0, 0, 0, 2 }, 3);
        const RelinkWalk w = relinkWalk(g, params, units, from, to, StopToken(), Deadline());
        QCOMPARE(w.steps, int64_t(2));
        QVERIFY(close(w.bottleneck, 8.0));
        QVERIFY(std::ranges::equal(w.partition.stages(), std::vector<int32_t> { 0, 0, 2, 2 }));
    }

    void walksAndSearchAgainstBruteForce()
    {
        int reachedWhereSlicegraphDidNot = 0, walkBeatBothEnds = 0, reachedWherePolishDidNot = 0;
        forEachSearchStart(2611, 240, [&](const SearchStart &s) {
            const auto &[g, params, k] = s.instance;
            const auto other = weakSlicegraph(g, params, s.units, k, 7 + uint64_t(s.units.graph.nodeCount()));
            if (!other)
                return;
            const double tOther = bottleneckOf(g, params, other->stages(), k);
            const BruteForce opt = bruteForceOptimum(g, params, k);
            // The walk reaches its target and keeps a valid inner partition.
            const RelinkWalk w = relinkWalk(g, params, s.units, *s.start, *other, StopToken(), Deadline());
            QCOMPARE(w.steps, int64_t(differingUnits(s.units, *s.start, *other)));
            if (std::isfinite(w.bottleneck)) {
                QVERIFY2(validatePartition(g, params, w.partition).ok(), s.where.c_str());
                QVERIFY2(close(w.bottleneck, bottleneckOf(g, params, w.partition.stages(), k)), s.where.c_str());
                QVERIFY2(w.bottleneck >= opt.optimum * (1 - 1e-9), s.where.c_str());
                walkBeatBothEnds += w.bottleneck < std::min(s.bottleneck, tOther) * (1 - 1e-9);
            }
            const RelinkOutcome r = relinkSearch(g, params, s.units, *s.start, *other, StopToken(), Deadline());
            const std::string problem = searchResultProblem(s, r.partition, r.bottleneck, opt.optimum);
            QVERIFY2(problem.empty(), problem.c_str());
            QVERIFY2(r.bottleneck <= tOther * (1 + 1e-12), s.where.c_str());
            if (s.bottleneck > opt.optimum * (1 + 1e-9) && tOther > opt.optimum * (1 + 1e-9)
                && close(r.bottleneck, opt.optimum)) {
                ++reachedWhereSlicegraphDidNot;
                reachedWherePolishDidNot += polished(g, params, s.units, *s.start) > opt.optimum * (1 + 1e-9)
                    && polished(g, params, s.units, *other) > opt.optimum * (1 + 1e-9);
            }
        });
        if (QTest::currentTestFailed())
            return;
        qInfo("optimum reached where both elites missed it: %d (%d where polishing either alone does not); walks "
              "better than both ends: %d",
            reachedWhereSlicegraphDidNot, reachedWherePolishDidNot, walkBeatBothEnds);
        QVERIFY(reachedWhereSlicegraphDidNot >= 10);
        QVERIFY(walkBeatBothEnds >= 2);
    }

    void deterministic()
    {
        const auto &[g, params, units] = generatedSearchGraph({ "randwire-er", 90, 17 });
        const int k = 6;
        const auto a = weakSlicegraph(g, params, units, k, 1);
        const auto b = weakSlicegraph(g, params, units, k, 2);
        QVERIFY(a && b);
        const RelinkOutcome first = relinkSearch(g, params, units, *a, *b, StopToken(), Deadline());
        const RelinkOutcome second = relinkSearch(g, params, units, *a, *b, StopToken(), Deadline());
        QVERIFY(validatePartition(g, params, first.partition).ok());
        QVERIFY(std::ranges::equal(first.partition.stages(), second.partition.stages()));
        QCOMPARE(first.steps, second.steps);
        QVERIFY(first.bottleneck
            <= std::min(bottleneckOf(g, params, a->stages(), k), bottleneckOf(g, params, b->stages(), k)));
    }

    // A stop request returns the better endpoint at once.
    void stops()
    {
        const auto &[g, params, units] = generatedSearchGraph({ "randwire-ws", 80, 4 });
        const auto a = weakSlicegraph(g, params, units, 4, 1);
        const auto b = weakSlicegraph(g, params, units, 4, 2);
        QVERIFY(a && b);
        StopToken stop;
        stop.requestStop();
        const RelinkOutcome r = relinkSearch(g, params, units, *a, *b, stop, Deadline());
        QCOMPARE(r.steps, int64_t(0));
        QVERIFY(close(
            r.bottleneck, std::min(bottleneckOf(g, params, a->stages(), 4), bottleneckOf(g, params, b->stages(), 4))));
    }
};

QTEST_GUILESS_MAIN(TestRelink)
#include "tst_relink.moc"
