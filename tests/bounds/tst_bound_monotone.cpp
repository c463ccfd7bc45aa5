// Monotonicity in k (docs/model.md §4.13): with identical devices and empty
// stages allowed the optimum never rises when stages are added, so "best"
// takes a proof cached for more stages as one for k. On random graphs: the
// brute-force optimum at k' > k is at most the one at k; a bound proven at k'
// and read by "best" at k (whose own methods are cut down to the
// combinatorial bound) stays at or below the brute-force optimum at k and
// raises it above the combinatorial bound on some graphs. With a cluster a
// proof for another k is never read.
#include "core/bounds/bound.h"
#include "core/bounds/bound_cache.h"
#include "core/bounds/combinatorial.h"
#include "tests/support/sanitizer.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <random>

using namespace pipecut;

namespace {

bool atMost(double value, double optimum)
{
    return value <= optimum + 1e-6 * optimum + 1e-9;
}

// "best" without its solver methods, and ideal-dp (not excluded, so that its
// proofs cached for other k are read) refusing past one ideal: at k itself it
// proves the combinatorial bound.
BoundOptions combinatorialOnly(int k)
{
    BoundOptions o;
    o.k = k;
    o.timeLimit = 20;
    o.exclude = { "anchor", "bottleneck", "guess", "mip", "cover", "boundary", "relaxed-chain" };
    o.idealCap = 1;
    return o;
}

double lowerBound(const Graph &g, const CostParams &p, const BoundOptions &o)
{
    Result<BoundResult> r = runBound(g, p, o);
    QTest::qVerify(r.ok(), "runBound", r.ok() ? "" : r.error().c_str(), __FILE__, __LINE__);
    return r.ok() ? r->lowerBound : 0.0;
}

// A proof of `value` for (g, p) at k stages, as runBound would cache it.
void cacheProof(const Graph &g, const CostParams &p, int k, double value)
{
    BoundKey key;
    key.graph = graphFingerprint(g);
    key.k = k;
    key.params = p;
    key.method = "best";
    BoundResult r;
    r.lowerBound = value;
    r.provenBy = "ideal-dp"; // a method combinatorialOnly() does not exclude
    BoundCache::global().store(key, r, 20, true);
}

} // namespace

class TestBoundMonotone : public QObject {
    Q_OBJECT
private slots:
    void init() { BoundCache::global().clear(); }

    void optimumNeverRises()
    {
        std::mt19937_64 rng(20261207);
        const int trials = test::kUnderSanitizer ? 40 : 150;
        int checked = 0, lower = 0;
        for (int trial = 0; trial < trials; ++trial) {
            const auto [g, p, k] = test::randomBoundInstance(rng, trial);
            const test::BruteForce at = test::bruteForceOptimum(g, p, k);
            const test::BruteForce more = test::bruteForceOptimum(g, p, k + 1 + trial % 3);
            if (!at.feasible)
                continue;
            QVERIFY2(more.feasible && atMost(more.optimum, at.optimum), test::describe(g, p, k).c_str());
            lower += more.optimum < at.optimum * (1 - 1e-9) ? 1 : 0;
            ++checked;
        }
        QVERIFY(checked > trials / 2);
        QVERIFY(lower > 0); // more stages do help on some graphs
    }

    void proofsForMoreStagesHold()
    {
        std::mt19937_64 rng(20261208);
        const int trials = test::kUnderSanitizer ? 25 : 100;
        int checked = 0, raised = 0;
        for (int trial = 0; trial < trials; ++trial) {
            BoundCache::global().clear();
            const auto [g, p, k] = test::randomBoundInstance(rng, trial);
            const int more = k + 1 + trial % 3;
            const test::BruteForce brute = test::bruteForceOptimum(g, p, k);
            if (!brute.feasible)
                continue;
            // ideal-dp's optimum at k' (cached), read at k where ideal-dp refuses.
            BoundOptions exact = combinatorialOnly(more);
            exact.idealCap = 0;
            const double atMore = lowerBound(g, p, exact);
            const double combinatorial = lowerBound(g, p, combinatorialOnly(k));
            const std::string instance = test::describe(g, p, k);
            QVERIFY2(atMost(combinatorial, brute.optimum), instance.c_str());
            QVERIFY2(combinatorial >= atMore * (1 - 1e-12), instance.c_str()); // the k' proof is read
            BoundCache::global().clear();
            const double own = lowerBound(g, p, combinatorialOnly(k));
            raised += combinatorial > own * (1 + 1e-6) + 1e-9 ? 1 : 0;
            ++checked;
        }
        qInfo("checked %d instances; a proof for more stages raised the bound on %d", checked, raised);
        QVERIFY(checked > trials / 2);
        QVERIFY(raised > 0);
    }

    void clusterReadsOnlyItsOwnK()
    {
        std::mt19937_64 rng(20261209);
        const auto [g, base, k] = test::randomBoundInstance(rng, 1);
        CostParams p = base;
        for (int j = 0; j < 2; ++j)
            p.devices.push_back(StageDevice { "d", 1.0, std::nullopt, p.bandwidth, p.bandwidth });
        const test::BruteForce brute = test::bruteForceOptimum(g, p, 2);
        QVERIFY(brute.feasible);
        cacheProof(g, p, 3, 1e9); // a bogus proof for three stages with the same cost parameters
        QVERIFY(atMost(lowerBound(g, p, combinatorialOnly(2)), brute.optimum));
        BoundCache::global().clear();
        cacheProof(g, base, 3, 1e9); // without the cluster it is read (so the test above can fail)
        QCOMPARE(lowerBound(g, base, combinatorialOnly(2)), 1e9);
    }
};

QTEST_GUILESS_MAIN(TestBoundMonotone)
#include "tst_bound_monotone.moc"
