// The memetic slicegraph scheme (plateau descent written back as keys,
// depth-first seeds, restarts, final iterated descent) and the two stronger
// refine searches: valid partitions whose reported bottleneck is evaluate()'s,
// never below the brute-force optimum, never worse than the plain BRKGA on
// small graphs, and the same answer for the same seed with 1 or 2 threads.
// Every failure prints the instance.

#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/graph/topology.h"
#include "core/partition/partitioner.h"
#include "core/partition/refine.h"
#include "core/partition/slicegraph.h"
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

SliceGraphOptions memeticOptions(int k, int threads, uint64_t seed = 1)
{
    SliceGraphOptions o;
    o.k = k;
    o.population = 10;
    o.generations = 12;
    o.restartAfter = 4; // small budgets: let the restart happen in the tests
    o.threads = threads;
    o.seed = seed;
    return o;
}

SliceGraphOptions plainOptions(int k)
{
    SliceGraphOptions o = memeticOptions(k, 1);
    o.memetic = 0;
    o.structuredSeeds = false;
    o.restartAfter = 0;
    o.polishIterations = 0;
    return o;
}

} // namespace

class TestMemetic : public QObject {
    Q_OBJECT
private slots:
    void specExample();
    void smallGraphsAgainstBruteForceAndPlain();
    void refineSearchesNeverWorsen();
    void sameSeedSameAnswerAnyThreads();
    void wideGeneratedGraphsValid();
};

// docs/model.md §1.5, k = 3: the optimum 7 ({a} | {c} | {b, d}).
void TestMemetic::specExample()
{
    const Graph g = pipecut::test::specExample();
    const CostParams params = CostParams::fromGraph(g);
    auto units = contractGroups(g);
    QVERIFY(units.ok());
    auto r = runBrkga(g, params, *units, memeticOptions(3, 1), StopToken(), Deadline());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
    QVERIFY(close(r->bottleneck, 7.0));
    QVERIFY(close(bottleneckOf(g, params, r->partition.stages(), 3), 7.0));
}

void TestMemetic::smallGraphsAgainstBruteForceAndPlain()
{
    std::mt19937_64 rng(2024);
    int compared = 0;
    for (int iter = 0; iter < 150; ++iter) {
        RandomGraphOptions ro;
        ro.maxNodes = 9;
        const Graph g = randomGraph(rng, ro);
        const CostParams params = CostParams::fromGraph(g);
        const int k = 1 + iter % 4;
        const BruteForce opt = bruteForceOptimum(g, params, k);
        auto units = contractGroups(g);
        QVERIFY(units.ok());
        auto mem = runBrkga(g, params, *units, memeticOptions(k, 1, iter), StopToken(), Deadline());
        auto plain = runBrkga(g, params, *units, plainOptions(k), StopToken(), Deadline());
        const QString where = QString::fromStdString(describe(g, params, k));
        QVERIFY2(mem.ok() == plain.ok(), qPrintable(where));
        if (!mem.ok())
            continue;
        QVERIFY2(validatePartition(g, params, mem->partition).ok(), qPrintable(where));
        QVERIFY2(close(mem->bottleneck, bottleneckOf(g, params, mem->partition.stages(), k)), qPrintable(where));
        QVERIFY2(opt.feasible, qPrintable(where));
        QVERIFY2(mem->bottleneck >= opt.optimum * (1 - 1e-9), qPrintable(where));
        QVERIFY2(mem->bottleneck <= plain->bottleneck * (1 + 1e-9), qPrintable(where));
        ++compared;
    }
    QVERIFY(compared > 100);
}

void TestMemetic::refineSearchesNeverWorsen()
{
    std::mt19937_64 rng(77);
    for (int iter = 0; iter < 150; ++iter) {
        RandomGraphOptions ro;
        ro.maxNodes = 12;
        const Graph g = randomGraph(rng, ro);
        const CostParams params = CostParams::fromGraph(g);
        const int k = 2 + iter % 4;
        PartitionOptions po;
        po.k = k;
        po.method = "uniform";
        auto uni = runPartitioner(g, params, po);
        if (!uni.ok())
            continue;
        const QString where = QString::fromStdString(describe(g, params, k));
        const BruteForce opt = bruteForceOptimum(g, params, k);
        RefineOutcome plateau = refinePlateau(g, params, uni->partition, StopToken(), Deadline());
        IteratedOptions io;
        io.iterations = 50;
        io.seed = iter;
        RefineOutcome iterated = refineIterated(g, params, uni->partition, StopToken(), Deadline(), io);
        RefineOutcome again = refineIterated(g, params, uni->partition, StopToken(), Deadline(), io);
        for (const RefineOutcome *o : { &plateau, &iterated }) {
            QVERIFY2(validatePartition(g, params, o->partition).ok(), qPrintable(where));
            QVERIFY2(o->bottleneck <= uni->bottleneck * (1 + 1e-12), qPrintable(where));
            QVERIFY2(o->bottleneck >= opt.optimum * (1 - 1e-9), qPrintable(where));
            QVERIFY2(close(o->bottleneck, bottleneckOf(g, params, o->partition.stages(), k)), qPrintable(where));
        }
        QVERIFY2(iterated.bottleneck <= plateau.bottleneck * (1 + 1e-12), qPrintable(where));
        QVERIFY2(iterated.partition == again.partition, qPrintable(where));
    }
}

void TestMemetic::sameSeedSameAnswerAnyThreads()
{
    std::mt19937_64 rng(5);
    for (int iter = 0; iter < 30; ++iter) {
        RandomGraphOptions ro;
        ro.minNodes = 15;
        ro.maxNodes = 40;
        const Graph g = randomGraph(rng, ro);
        const CostParams params = CostParams::fromGraph(g);
        const int k = 2 + iter % 5;
        auto units = contractGroups(g);
        QVERIFY(units.ok());
        auto a = runBrkga(g, params, *units, memeticOptions(k, 1, iter), StopToken(), Deadline());
        auto b = runBrkga(g, params, *units, memeticOptions(k, 2, iter), StopToken(), Deadline());
        const QString where = QString::fromStdString(describe(g, params, k));
        QVERIFY2(a.ok() == b.ok(), qPrintable(where));
        if (!a.ok())
            continue;
        QVERIFY2(a->partition == b->partition, qPrintable(where));
        QCOMPARE(a->memeticImprovements, b->memeticImprovements);
    }
}

// Generated 300-node graphs where communication dominates: valid partitions,
// exact reported bottleneck, the same partition with 1 and 2 threads.
void TestMemetic::wideGeneratedGraphsValid()
{
    for (const char *family : { "random", "inception", "moe" }) {
        GeneratorOptions go;
        go.family = family;
        go.nodes = 300;
        go.seed = 1;
        auto g = generateGraph(go);
        QVERIFY(g.ok());
        const CostParams params = CostParams::fromGraph(*g);
        auto units = contractGroups(*g);
        QVERIFY(units.ok());
        for (int k : { 4, 16 }) {
            auto a = runBrkga(*g, params, *units, memeticOptions(k, 1), StopToken(), Deadline());
            auto b = runBrkga(*g, params, *units, memeticOptions(k, 2), StopToken(), Deadline());
            QVERIFY2(a.ok() && b.ok(), family);
            QVERIFY2(validatePartition(*g, params, a->partition).ok(), family);
            QVERIFY2(close(a->bottleneck, bottleneckOf(*g, params, a->partition.stages(), k)), family);
            QVERIFY2(a->partition == b->partition, family);
        }
    }
}

QTEST_GUILESS_MAIN(TestMemetic)
#include "tst_memetic.moc"
