// On small corpus graphs, the exact MIP (CBC) and ideal-dp (the partitioner's
// exact DP) must agree wherever both finish, and every relaxation must stay at
// or below that optimum.
#include "core/bounds/bound.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <cmath>

using namespace pipecut;

class TestCorpusBounds : public QObject {
    Q_OBJECT
private slots:
    void mipAgreesWithIdealDp_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("k");
        for (const char *f : { "pipedream/profiler/image_classification/profiles/alexnet/graph.txt",
                 "piper/inputs/bert32a100.json", "pipedream/profiler/image_classification/profiles/vgg16/graph.txt",
                 "dnn-partitioning/latency-inputs/LayerGraphs/bert24_inference.json" })
            for (int k : { 2, 3, 4 })
                QTest::newRow((std::string(f) + " k=" + std::to_string(k)).c_str()) << QString(f) << k;
    }
    void mipAgreesWithIdealDp()
    {
        QFETCH(QString, file);
        QFETCH(int, k);
        auto g = loadGraph(test::corpusPath(file.toStdString()));
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        const CostParams params = CostParams::fromGraph(*g);

        PartitionOptions po;
        po.k = k;
        po.method = "ideal-dp";
        po.timeLimit = 20;
        po.threads = 1;
        auto dp = runPartitioner(*g, params, po);
        BoundOptions bo;
        bo.k = k;
        bo.method = "mip";
        bo.timeLimit = 20;
        bo.useCache = false;
        auto mip = runBound(*g, params, bo);
        QVERIFY2(mip.ok(), mip.ok() ? "" : mip.error().c_str());
        if (mip->infeasible) { // e.g. the memory limit needs more stages: ideal-dp must agree
            QVERIFY2(!dp.ok(), mip->reason.c_str());
            return;
        }
        if (!dp.ok() || !dp->optimal)
            QSKIP("ideal-dp did not finish");
        const double optimum = dp->bottleneck;
        QVERIFY2(mip->lowerBound <= optimum * (1 + 1e-6),
            (std::to_string(mip->lowerBound) + " > " + std::to_string(optimum)).c_str());
        if (mip->optimal)
            QVERIFY2(std::abs(mip->upperBound - optimum) <= 1e-6 * optimum,
                (std::to_string(mip->upperBound) + " != " + std::to_string(optimum)).c_str());
        for (const char *m : { "anchor", "bottleneck", "guess" }) {
            bo.method = m;
            auto r = runBound(*g, params, bo);
            QVERIFY(r.ok());
            QVERIFY2(r->lowerBound <= optimum * (1 + 1e-6), m);
        }
    }
};

QTEST_GUILESS_MAIN(TestCorpusBounds)
#include "tst_corpus_bounds.moc"
