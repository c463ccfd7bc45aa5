// The window re-solve and the timed search of core/partition/lns.h: on small
// random graphs a window covering every stage (k <= 3) reaches the
// brute-force optimum from any feasible start; wider k never worsens, stays
// valid, and reports evaluate()'s bottleneck; the timed search returns a
// valid partition no worse than its start and at least as good as slicegraph
// alone, and auto uses it under a time limit.
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "core/partition/lns.h"
#include "core/partition/partitioner.h"
#include "tests/support/brute_force_trials.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

using namespace pipecut;
using namespace pipecut::test;

namespace {

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max({ 1.0, std::abs(a), std::abs(b) });
}

} // namespace

class TestLns : public QObject {
    Q_OBJECT
private slots:
    // docs/model.md §1.5, k = 3: from the default order's cut (T = 8) to the optimum 7.
    void specExample()
    {
        const Graph g = pipecut::test::specExample();
        const CostParams params = CostParams::fromGraph(g);
        auto units = contractGroups(g);
        QVERIFY(units.ok());
        PartitionOptions po;
        po.k = 3;
        po.method = "slice";
        auto start = runPartitioner(g, params, po);
        QVERIFY(start.ok());
        QVERIFY(close(start->bottleneck, 8.0));
        const WindowOutcome w = windowDescent(g, params, *units, start->partition, StopToken(), Deadline());
        QVERIFY(close(w.bottleneck, 7.0));
        QVERIFY(w.improvements >= 1);
    }

    void againstBruteForce()
    {
        int exact = 0;
        forEachSearchStart(4242, 200, [&](const SearchStart &s) {
            const auto &[g, params, k] = s.instance;
            const BruteForce opt = bruteForceOptimum(g, params, k);
            const WindowOutcome w = windowDescent(g, params, s.units, *s.start, StopToken(), Deadline());
            const std::string problem = searchResultProblem(s, w.partition, w.bottleneck, opt.optimum);
            QVERIFY2(problem.empty(), problem.c_str());
            if (k <= 3) { // one window holds every stage: exact
                QVERIFY2(close(w.bottleneck, opt.optimum), s.where.c_str());
                ++exact;
            }
        });
        if (QTest::currentTestFailed())
            return;
        QVERIFY(exact > 50);
    }

    void timedSearchOnRandWire()
    {
        const auto &[g, params, units] = generatedSearchGraph({ "randwire-ws", 80, 5 });
        PartitionOptions po;
        po.k = 4;
        po.method = "uniform";
        auto start = runPartitioner(g, params, po);
        QVERIFY(start.ok());
        const TimedSearchOutcome s
            = timedSearch(g, params, units, start->partition, StopToken(), Deadline(1.5), { 3, 2 });
        QVERIFY(validatePartition(g, params, s.partition).ok());
        QVERIFY(close(s.bottleneck, bottleneckOf(g, params, s.partition.stages(), 4)));
        QVERIFY(s.bottleneck < start->bottleneck);
        QVERIFY(s.rounds >= 1);
        // A stop request ends it at once with the start's quality or better.
        StopToken stop;
        stop.requestStop();
        const TimedSearchOutcome stopped = timedSearch(g, params, units, start->partition, stop, Deadline(30), {});
        QVERIFY(stopped.bottleneck <= start->bottleneck);
        QCOMPARE(stopped.rounds, 0);
    }

    void autoSearchesUnderATimeLimit()
    {
        const auto g = generateGraph({ "randwire-ws", 100, 6 });
        QVERIFY(g.ok());
        const CostParams params = CostParams::fromGraph(*g);
        PartitionOptions po;
        po.k = 4;
        po.timeLimit = 1.5;
        po.searchToLimit = true;
        po.threads = 1;
        auto r = runPartitioner(*g, params, po);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        QCOMPARE(r->method, std::string("auto(slicegraph+refine)"));
        bool noted = false;
        for (const std::string &note : r->notes)
            noted = noted || note.find("time limit searched on") != std::string::npos;
        QVERIFY(noted);
    }
};

QTEST_GUILESS_MAIN(TestLns)
#include "tst_lns.moc"
