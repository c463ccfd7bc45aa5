// The band chain search of core/partition/band_chain.h: on small random
// graphs it returns a valid partition, never worse than its start, whose
// bottleneck is evaluate()'s and at least the brute-force optimum; on a long
// generated graph it improves a work-balanced start; a stop returns the start.
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "core/partition/band_chain.h"
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

Partition startOf(const Graph &g, const CostParams &params, int k, const char *method)
{
    PartitionOptions po { .k = k, .method = method };
    auto r = runPartitioner(g, params, po);
    return r.ok() ? r->partition : Partition();
}

} // namespace

class TestBandChain : public QObject {
    Q_OBJECT
private slots:
    void againstBruteForce()
    {
        int improved = 0;
        const int checked = forEachSearchStart(5151, 200, [&](const SearchStart &s) {
            const auto &[g, params, k] = s.instance;
            const BandChainOutcome b = bandChainSearch(
                g, params, s.units, *s.start, StopToken(), Deadline(), { .bandLength = 4, .step = 1 });
            const std::string problem
                = searchResultProblem(s, b.partition, b.bottleneck, bruteForceOptimum(g, params, k).optimum);
            QVERIFY2(problem.empty(), problem.c_str());
            improved += b.bottleneck < s.bottleneck ? 1 : 0;
        });
        if (QTest::currentTestFailed())
            return;
        qInfo("checked %d, improved %d", checked, improved);
        QVERIFY(checked > 100);
        QVERIFY(improved > 0);
    }

    void improvesLongGraph()
    {
        const auto &[g, params, units] = generatedSearchGraph({ "random", 1500, 3 });
        const Partition start = startOf(g, params, 8, "balanced-work");
        QCOMPARE(start.nodeCount(), g.nodeCount());
        const double before = bottleneckOf(g, params, start.stages(), 8);
        const BandChainOutcome b = bandChainSearch(g, params, units, start, StopToken(), Deadline());
        QVERIFY(validatePartition(g, params, b.partition).ok());
        QVERIFY(b.bottleneck < before);
        QVERIFY(b.rounds >= 1);
        StopToken stop;
        stop.requestStop();
        const BandChainOutcome stopped = bandChainSearch(g, params, units, start, stop, Deadline());
        QVERIFY(close(stopped.bottleneck, before));
        QCOMPARE(stopped.rounds, 0);
    }
};

QTEST_GUILESS_MAIN(TestBandChain)
#include "tst_band_chain.moc"
