// pipecut-cli with --cluster (docs/model.md §1.7, docs/formats.md): k from the
// device count, the device of each stage in the tables, --device-order free,
// and bad input (exit 3, one line naming the file, the device and the key).

#include "tests/support/cli_run.h"
#include "tests/support/cluster_runs.h"
#include "tests/support/test_graphs.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

using namespace pipecut::test;

class TestCliCluster : public QObject {
    Q_OBJECT

private slots:
    void partitionsOnTheCluster()
    {
        QTemporaryDir dir;
        const std::string g = writeIn(dir, "g.json", kFastSlowGraph);
        const std::string c = writeIn(dir, "c.json", clusterJson(kFastSlowDevices));
        CliRun r = cli({ "partition", g, "--cluster", c, "--json" });
        QCOMPARE(r.code, 0);
        QJsonObject j = r.json();
        QCOMPARE(j["k"].toInt(), 2);
        QCOMPARE(j["bottleneck"].toDouble(), 6.0);
        QCOMPARE(j["stages"].toArray()[1].toObject()["device"].toString(), QStringLiteral("slow"));
        r = cli({ "partition", g, "--cluster", c, "--device-order", "free", "--json" });
        QCOMPARE(r.code, 0);
        j = r.json();
        QCOMPARE(j["bottleneck"].toDouble(), 4.0);
        QCOMPARE(j["stages"].toArray()[0].toObject()["device"].toString(), QStringLiteral("slow"));
        r = cli({ "partition", g, "--cluster", c });
        QVERIFY2(r.out.find("fast") != std::string::npos && r.out.find("speed") != std::string::npos, r.out.c_str());
        r = cli({ "bound", g, "--cluster", c, "--json" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.json()["lower_bound"].toDouble() <= 6.0 + 1e-9);
        r = cli({ "info", g, "--cluster", c });
        QVERIFY2(r.out.find("device 2") != std::string::npos, r.out.c_str());
    }

    void badInputExitsThree_data()
    {
        QTest::addColumn<QString>("devices");
        QTest::addColumn<QString>("k");
        QTest::addColumn<QString>("expected");
        QTest::newRow("count") << R"({"speed": 1}, {"speed": 1}, {"speed": 1})"
                               << "2"
                               << "3 devices but -k is 2";
        QTest::newRow("speed") << R"({"speed": 1}, {"speed": -1})"
                               << ""
                               << "device 2: 'speed' must be positive";
        QTest::newRow("bandwidth") << R"({"bandwidth": 0}, {"speed": 1})"
                                   << ""
                                   << "device 1: 'bandwidth' must be";
        QTest::newRow("memory") << R"({"memory": -5}, {"speed": 1})"
                                << ""
                                << "device 1: 'memory' must be";
        QTest::newRow("profile") << R"({"profile": "h900"}, {"speed": 1})"
                                 << ""
                                 << "'profile': unknown device profile";
        QTest::newRow("infeasible") << R"({"memory": 0.5}, {"memory": 0.5})"
                                    << ""
                                    << "no partition";
    }
    void badInputExitsThree()
    {
        QFETCH(QString, devices);
        QFETCH(QString, k);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string g = writeIn(dir, "g.json", kFastSlowGraph);
        const std::string c = writeIn(dir, "c.json", clusterJson(devices.toStdString()));
        std::vector<std::string> args = { "partition", g, "--cluster", c };
        if (!k.isEmpty())
            args.insert(args.end(), { "-k", k.toStdString() });
        const CliRun r = cli(args);
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find(expected.toStdString()) != std::string::npos, r.err.c_str());
        QCOMPARE(std::count(r.err.begin(), r.err.end(), '\n'), 1);
        if (expected != QStringLiteral("no partition"))
            QVERIFY2(r.err.find("c.json") != std::string::npos, r.err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCliCluster)
#include "tst_cli_cluster.moc"
