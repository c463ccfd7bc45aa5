// Estimated node costs (core/cost/estimates.h): the count and work share of
// nodes marked estimated, and the wording of "optimal" that every view uses.
#include "core/cost/estimates.h"

#include <QTest>

using namespace pipecut;

namespace {

Graph chain(const std::vector<std::pair<double, std::string>> &nodes)
{
    GraphBuilder b("test");
    for (size_t i = 0; i < nodes.size(); ++i) {
        NodeSpec spec;
        spec.id = "n" + std::to_string(i);
        spec.work = nodes[i].first;
        spec.op = nodes[i].second;
        b.addNode(std::move(spec));
        if (i > 0)
            b.addEdge(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
    }
    Result<Graph> g = b.build();
    if (!g)
        qFatal("%s", g.error().c_str());
    return std::move(g).value();
}

} // namespace

class TestEstimates : public QObject {
    Q_OBJECT
private slots:
    void share()
    {
        const Graph g = chain({ { 1, "Conv" }, { 1, "Relu (estimated)" }, { 2, "MatMul (estimated)" } });
        const EstimateShare e = estimateShare(g);
        QCOMPARE(e.nodes, int64_t(2));
        QCOMPARE(e.work, 3.0);
        QCOMPARE(e.share, 0.75);
        QVERIFY(e.qualifies());
        QCOMPARE(optimalWording(e), std::string("optimal for these costs (75 % of the work estimated)"));
        QCOMPARE(estimateSummary(g, e), std::string("2 of 3 nodes have estimated costs, carrying 75 % of the work"));
    }

    void noEstimates()
    {
        const Graph g = chain({ { 1, "Conv" }, { 3, "estimated" }, { 2, "" } });
        const EstimateShare e = estimateShare(g);
        QCOMPARE(e.nodes, int64_t(0));
        QVERIFY(!e.qualifies());
        QCOMPARE(optimalWording(e), std::string("proven optimal"));
        QCOMPARE(estimateSummary(g, e), std::string("no estimated node costs"));
    }

    // At most 1 % of the work estimated: "optimal" stands unqualified.
    void threshold()
    {
        const Graph small = chain({ { 99, "Conv" }, { 1, "Relu (estimated)" } });
        QVERIFY(!estimateShare(small).qualifies());
        QCOMPARE(optimalWording(estimateShare(small)), std::string("proven optimal"));
        const Graph over = chain({ { 98, "Conv" }, { 2, "Relu (estimated)" } });
        QVERIFY(estimateShare(over).qualifies());
        QCOMPARE(formatShare(0.004), std::string("< 1 %"));
        QCOMPARE(formatShare(0.123), std::string("12 %"));
    }
};

QTEST_APPLESS_MAIN(TestEstimates)
#include "tst_estimates.moc"
