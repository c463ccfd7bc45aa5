// pipecut-cli with a cluster beyond one speed per device (docs/model.md §1.7,
// §6): per-device work from a dnn-partitioning file ("costs"), the device order
// recorded by partition -o and read back by evaluate and bound -p, and sweep
// forwarding --cluster and --device-order to its tasks.

#include "tests/support/cli_run.h"
#include "tests/support/cluster_runs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

using namespace pipecut::test;

namespace {

std::string slurp(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// a -> b: cpu latencies 4 and 6, fpga latencies 1 and 3, no tensors.
std::string dnnGraph(const std::string &secondCpu = R"("cpuLatency": 6, )")
{
    return R"({"maxSizePerFPGA": 1e9, "maxFPGAs": 2, "maxCPUs": 1, "nodes": [
        {"name": "a", "id": 1, "supportedOnFpga": 1, "cpuLatency": 4, "fpgaLatency": 1, "isBackwardNode": 0, "colorClass": 1, "size": 1},
        {"name": "b", "id": 2, "supportedOnFpga": 1, )"
        + secondCpu + R"("fpgaLatency": 3, "isBackwardNode": 0, "colorClass": 2, "size": 1}],
        "edges": [{"sourceId": 1, "destId": 2, "cost": 0, "size": 0}]})";
}

// kFastSlowGraph and its cluster written to a temporary folder.
struct FastSlow {
    QTemporaryDir dir;
    std::string graph = writeIn(dir, "g.json", kFastSlowGraph);
    std::string cluster = writeIn(dir, "c.json", clusterJson(kFastSlowDevices));
};

} // namespace

class TestCliDeviceWork : public QObject {
    Q_OBJECT

private slots:
    void perDeviceWork()
    {
        QTemporaryDir dir;
        const std::string g = writeIn(dir, "g.json", dnnGraph());
        const std::string c = writeIn(
            dir, "c.json", clusterJson(R"({"name": "cpu-0", "costs": "cpu"}, {"name": "fpga-0", "costs": "fpga"})"));
        CliRun r = cli({ "partition", g, "--cluster", c, "--json" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json()["bottleneck"].toDouble(), 4.0); // {a} on the cpu (4) | {b} on the fpga (3)
        QVERIFY(r.json()["optimal"].toBool());
        r = cli({ "bound", g, "--cluster", c, "--json" });
        QCOMPARE(r.code, 0);
        QVERIFY(r.json()["lower_bound"].toDouble() <= 4.0 + 1e-9);
        r = cli({ "partition", g, "--cluster", c, "--method", "slice", "--json" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json()["bottleneck"].toDouble(), 4.0);
        r = cli({ "partition", g, "--cluster", c, "--method", "ideal-bb" });
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("method 'ideal-bb' does not support per-device work") != std::string::npos, r.err.c_str());
    }

    void perDeviceWorkBadInput()
    {
        QTemporaryDir dir;
        const std::string g = writeIn(dir, "g.json", dnnGraph());
        const std::string gpu = writeIn(dir, "gpu.json", clusterJson(R"({"costs": "gpu"}, {"costs": "fpga"})"));
        CliRun r = cli({ "partition", g, "--cluster", gpu });
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find("gpu.json: device 1") != std::string::npos && r.err.find("'costs'") != std::string::npos,
            r.err.c_str());
        const std::string gap = writeIn(dir, "gap.json", dnnGraph(""));
        const std::string cpu = writeIn(dir, "cpu.json", clusterJson(R"({"costs": "cpu"}, {"costs": "fpga"})"));
        r = cli({ "partition", gap, "--cluster", cpu });
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find("gap.json: node 'b' has no \"cpuLatency\"") != std::string::npos, r.err.c_str());
        QCOMPARE(std::count(r.err.begin(), r.err.end(), '\n'), 1);
    }

    void partitionFileRecordsTheDeviceOrder()
    {
        const FastSlow f;
        const std::string &g = f.graph, &c = f.cluster;
        const QTemporaryDir &dir = f.dir;
        const std::string p = dir.filePath("p.json").toStdString();
        CliRun r = cli({ "partition", g, "--cluster", c, "--device-order", "free", "-o", p });
        QCOMPARE(r.code, 0);
        const QJsonObject file = QJsonDocument::fromJson(QByteArray::fromStdString(slurp(p))).object();
        QCOMPARE(file["devices"].toArray().size(), 2);
        QCOMPARE(file["devices"].toArray()[0].toString(), QStringLiteral("slow"));
        // Read back: evaluated in the recorded order (4), not the file's (8).
        r = cli({ "evaluate", g, p, "--cluster", c, "--json" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json()["bottleneck"].toDouble(), 4.0);
        QCOMPARE(r.json()["stages"].toArray()[0].toObject()["device"].toString(), QStringLiteral("slow"));
        r = cli({ "bound", g, "--cluster", c, "-p", p, "--json" });
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json()["upper_bound"].toDouble(), 4.0);
        QVERIFY(r.json()["lower_bound"].toDouble() <= 4.0 + 1e-9);
        // Without a cluster the devices are not used; a cluster without them is refused.
        QCOMPARE(cli({ "evaluate", g, p }).code, 0);
        const std::string other
            = writeIn(dir, "other.json", clusterJson(R"({"name": "fast", "speed": 1}, {"name": "l4", "speed": 0.5})"));
        r = cli({ "evaluate", g, p, "--cluster", other });
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find("p.json") != std::string::npos && r.err.find("'slow' for stage 1") != std::string::npos,
            r.err.c_str());
        QCOMPARE(std::count(r.err.begin(), r.err.end(), '\n'), 1);
        const std::string bad = writeIn(dir, "bad.json",
            R"({"format": "pipecut-partition", "version": 1, "k": 2, "devices": ["fast"], "stages": [["a"], ["b"]]})");
        r = cli({ "evaluate", g, bad, "--cluster", c });
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.find("bad.json: \"devices\" names 1 devices") != std::string::npos, r.err.c_str());
    }

    void sweepForwardsTheCluster()
    {
        const FastSlow f;
        const std::string &g = f.graph, &c = f.cluster;
        const QTemporaryDir &dir = f.dir;
        const std::string plan = dir.filePath("plan.jsonl").toStdString();
        const std::string out = dir.filePath("out.jsonl").toStdString();
        CliRun r = cli({ "sweep", "plan", g, "--methods", "ideal-dp", "--cluster", c, "--device-order", "free",
            "--bound", "best", "-o", plan });
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(slurp(plan).find("--device-order") != std::string::npos, slurp(plan).c_str());
        r = cli({ "sweep", "run", plan, "--shard", "0/1", "-o", out });
        QVERIFY2(r.code == 0, r.err.c_str());
        const QJsonObject line
            = QJsonDocument::fromJson(QByteArray::fromStdString(slurp(out).substr(0, slurp(out).find('\n')))).object();
        QCOMPARE(line["status"].toString(), QStringLiteral("ok"));
        QCOMPARE(line["k"].toInt(), 2);
        QCOMPARE(line["bottleneck"].toDouble(), 4.0); // the free order; the file's order gives 6
        QVERIFY(line["lower_bound"].toDouble() <= 4.0 + 1e-9);
        // Fixed order: 6.
        r = cli({ "sweep", "plan", g, "--methods", "ideal-dp", "--cluster", c, "-o", plan });
        QCOMPARE(r.code, 0);
        QCOMPARE(cli({ "sweep", "run", plan, "--shard", "0/1", "-o", out + "2" }).code, 0);
        const std::string fixed = slurp(out + "2");
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(fixed.substr(0, fixed.find('\n'))))
                     .object()["bottleneck"]
                     .toDouble(),
            6.0);
        // Another k is refused at planning.
        r = cli({ "sweep", "plan", g, "-k", "2,4", "--cluster", c, "-o", plan });
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.find("c.json: the cluster has 2 devices") != std::string::npos, r.err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCliDeviceWork)
#include "tst_cli_device_work.moc"
