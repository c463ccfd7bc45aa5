// core/util/max_flow.h: on random small networks the flow equals the
// cheapest s-t cut found by enumerating every cut, the source side it reports
// is such a cut, and warm starts (the flow scaled down, capacities raised)
// give the same value as a cold start.
#include "core/util/max_flow.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace pipecut;

namespace {

struct Network {
    int32_t nodes = 0;
    struct Arc {
        int32_t from, to;
        double capacity;
    };
    std::vector<Arc> arcs;
};

// Cheapest cut over every set holding the source (0) and not the sink (1).
double bruteForceCut(const Network &net)
{
    double best = std::numeric_limits<double>::infinity();
    for (uint32_t side = 0; side < (1u << (net.nodes - 2)); ++side) {
        auto inside = [&](int32_t v) { return v == 0 || (v >= 2 && ((side >> (v - 2)) & 1)); };
        double cut = 0;
        for (const auto &a : net.arcs)
            if (inside(a.from) && !inside(a.to))
                cut += a.capacity;
        best = std::min(best, cut);
    }
    return best;
}

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

} // namespace

class TestMaxFlow : public QObject {
    Q_OBJECT
private slots:
    void example()
    {
        MaxFlow f(3);
        f.addArc(0, 2, 2);
        f.addArc(2, 1, 1);
        f.addArc(0, 1, 1);
        QCOMPARE(f.run(0, 1), 2.0);
        QVERIFY(f.sourceSide(0) && f.sourceSide(2) && !f.sourceSide(1));
    }

    void randomNetworksMatchTheCheapestCut()
    {
        std::mt19937_64 rng(20261129);
        std::uniform_real_distribution<double> unit(0, 1);
        for (int trial = 0; trial < 500; ++trial) {
            Network net;
            net.nodes = 2 + static_cast<int32_t>(rng() % 9);
            for (int32_t u = 0; u < net.nodes; ++u)
                for (int32_t v = 0; v < net.nodes; ++v)
                    if (u != v && u != 1 && v != 0 && unit(rng) < 0.35)
                        net.arcs.push_back({ u, v,
                            unit(rng) < 0.1 ? std::numeric_limits<double>::infinity()
                                            : std::floor(unit(rng) * 10) / 2 });
            MaxFlow f(net.nodes);
            std::vector<int32_t> index;
            for (const auto &a : net.arcs)
                index.push_back(f.addArc(a.from, a.to, a.capacity));
            const double expected = bruteForceCut(net);
            const double flow = f.run(0, 1);
            if (!std::isfinite(expected)) {
                QVERIFY(!std::isfinite(flow));
                continue;
            }
            QVERIFY2(close(flow, expected),
                qPrintable(QString("trial %1: flow %2, cut %3").arg(trial).arg(flow).arg(expected)));
            double reported = 0;
            for (const auto &a : net.arcs)
                if (f.sourceSide(a.from) && !f.sourceSide(a.to))
                    reported += a.capacity;
            QVERIFY(close(reported, expected));
            // Warm: scale the flow down with every capacity, then raise one arc.
            for (size_t i = 0; i < net.arcs.size(); ++i)
                if (std::isfinite(net.arcs[i].capacity))
                    f.setCapacity(index[i], net.arcs[i].capacity * 0.5);
            f.scaleFlow(0.5);
            QVERIFY(close(f.run(0, 1, true), expected * 0.5));
            if (!net.arcs.empty()) {
                const size_t raised = rng() % net.arcs.size();
                if (std::isfinite(net.arcs[raised].capacity))
                    net.arcs[raised].capacity += 3;
                for (size_t i = 0; i < net.arcs.size(); ++i)
                    f.setCapacity(index[i], net.arcs[i].capacity);
                const double again = bruteForceCut(net);
                QVERIFY(close(f.run(0, 1, true), again));
                QVERIFY(close(f.run(0, 1), again));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestMaxFlow)
#include "tst_max_flow.moc"
