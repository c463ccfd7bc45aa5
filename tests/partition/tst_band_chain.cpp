// The band chain search of core/partition/band_chain.h: on small random
// graphs it returns a valid partition, never worse than its start, whose
// bottleneck is evaluate()'s and at least the brute-force optimum; on a long
// generated graph it improves a work-balanced start; a stop returns the start.
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "core/partition/band_chain.h"
#include "core/partition/partitioner.h"
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
        std::mt19937_64 rng(5151);
        int improved = 0, checked = 0;
        for (int iter = 0; iter < 200; ++iter) {
            const Graph g = randomGraph(rng, { .maxNodes = 9 });
            const CostParams params = CostParams::fromGraph(g);
            const int k = 2 + iter % 4;
            const Partition start = startOf(g, params, k, iter % 2 ? "uniform" : "slice");
            if (start.nodeCount() != g.nodeCount())
                continue;
            auto units = contractGroups(g);
            QVERIFY(units.ok());
            const QString where = QString::fromStdString(describe(g, params, k));
            const double before = bottleneckOf(g, params, start.stages(), k);
            const BandChainOutcome b
                = bandChainSearch(g, params, *units, start, StopToken(), Deadline(), { .bandLength = 4, .step = 1 });
            QVERIFY2(validatePartition(g, params, b.partition).ok(), qPrintable(where));
            QVERIFY2(close(b.bottleneck, bottleneckOf(g, params, b.partition.stages(), k)), qPrintable(where));
            QVERIFY2(b.bottleneck <= before, qPrintable(where));
            QVERIFY2(b.bottleneck >= bruteForceOptimum(g, params, k).optimum * (1 - 1e-9), qPrintable(where));
            improved += b.bottleneck < before ? 1 : 0;
            ++checked;
        }
        qInfo("checked %d, improved %d", checked, improved);
        QVERIFY(checked > 100);
        QVERIFY(improved > 0);
    }

    void improvesLongGraph()
    {
        const auto g = generateGraph({ "random", 1500, 3 });
        QVERIFY(g.ok());
        const CostParams params = CostParams::fromGraph(*g);
        auto units = contractGroups(*g);
        QVERIFY(units.ok());
        const Partition start = startOf(*g, params, 8, "balanced-work");
        QCOMPARE(start.nodeCount(), g->nodeCount());
        const double before = bottleneckOf(*g, params, start.stages(), 8);
        const BandChainOutcome b = bandChainSearch(*g, params, *units, start, StopToken(), Deadline());
        QVERIFY(validatePartition(*g, params, b.partition).ok());
        QVERIFY(b.bottleneck < before);
        QVERIFY(b.rounds >= 1);
        StopToken stop;
        stop.requestStop();
        const BandChainOutcome stopped = bandChainSearch(*g, params, *units, start, stop, Deadline());
        QVERIFY(close(stopped.bottleneck, before));
        QCOMPARE(stopped.rounds, 0);
    }
};

QTEST_GUILESS_MAIN(TestBandChain)
#include "tst_band_chain.moc"
