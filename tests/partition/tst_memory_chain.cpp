// The memory-only chain check of core/partition/memory_chain.h: on small
// random graphs with groups and memory limits it answers Infeasible exactly
// when brute force finds no valid partition, and Feasible otherwise; the
// header's example; a step cap gives Unknown.
#include "core/graph/topology.h"
#include "core/partition/memory_chain.h"
#include "tests/support/test_graphs.h"

#include <QtTest/QtTest>

#include <random>

using namespace pipecut;
using namespace pipecut::test;

class TestMemoryChain : public QObject {
    Q_OBJECT
private slots:
    // a -> b -> c, params 2, 1, 2, M = 2 (memory_chain.h).
    void headerExample()
    {
        const Graph g = graphFromEdges("abc",
            { { .id = "a", .work = 1, .param = 2 }, { .id = "b", .work = 1, .param = 1 },
                { .id = "c", .work = 1, .param = 2 } },
            { { 0, 1 }, { 1, 2 } });
        QCOMPARE(memoryChainCheck(g, 2, 2.0, {}), MemoryChain::Infeasible);
        QCOMPARE(memoryChainCheck(g, 3, 2.0, {}), MemoryChain::Feasible);
        QCOMPARE(memoryChainCheck(g, 3, 2.0, {}, 1), MemoryChain::Unknown);
    }

    void againstBruteForce()
    {
        std::mt19937_64 rng(777);
        int infeasible = 0, feasible = 0;
        for (int iter = 0; iter < 400; ++iter) {
            Graph g = randomGraph(rng, { .maxNodes = 9, .memoryLimitProbability = 1.0 });
            CostParams params = CostParams::fromGraph(g);
            if (!params.memoryLimit)
                continue;
            const int k = 2 + iter % 4;
            // Tighten the limit now and then so that both answers occur.
            if (iter % 2)
                params.memoryLimit = g.totalParam() / k * (1.0 + 0.3 * (iter % 3));
            auto units = contractGroups(g);
            QVERIFY(units.ok());
            const MemoryChain answer = memoryChainCheck(units->graph, k, *params.memoryLimit, {});
            const bool exists = bruteForceOptimum(g, params, k).feasible;
            const QString where = QString::fromStdString(describe(g, params, k));
            QVERIFY2(answer != MemoryChain::Unknown, qPrintable(where));
            QVERIFY2((answer == MemoryChain::Feasible) == exists, qPrintable(where));
            (exists ? feasible : infeasible) += 1;
        }
        qInfo("feasible %d, infeasible %d", feasible, infeasible);
        QVERIFY(feasible > 20 && infeasible > 20);
    }
};

QTEST_GUILESS_MAIN(TestMemoryChain)
#include "tst_memory_chain.moc"
