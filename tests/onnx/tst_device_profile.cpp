// Device profiles: built-ins, user JSON profiles and their error messages.
#include "core/cost/device_profile.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace pipecut;

class TestDeviceProfile : public QObject {
    Q_OBJECT

private slots:
    void builtinsArePositiveAndFound()
    {
        QVERIFY(builtinDeviceProfiles().size() >= 4);
        for (const DeviceProfile &p : builtinDeviceProfiles()) {
            QVERIFY(p.flopsPerSecond > 0 && p.memoryBytesPerSecond > 0 && p.linkBytesPerSecond > 0);
            QVERIFY(!p.description.empty());
            Result<DeviceProfile> found = findDeviceProfile(p.name);
            QVERIFY(found);
            QCOMPARE(found->flopsPerSecond, p.flopsPerSecond);
        }
        QCOMPARE(defaultDeviceProfile().name, std::string("a100-fp16"));
        QCOMPARE(findDeviceProfile("a100-fp16")->flopsPerSecond, 312e12); // dense FP16, data sheet
        QCOMPARE(findDeviceProfile("h100-fp16")->memoryBytesPerSecond, 3350e9);
    }

    void unknownNameListsBuiltins()
    {
        Result<DeviceProfile> p = findDeviceProfile("tpu-v9");
        QVERIFY(!p);
        QVERIFY2(p.error().find("a100-fp16") != std::string::npos, p.error().c_str());
        QVERIFY(p.error().find("JSON") != std::string::npos);
    }

    void jsonRoundTripAndFile()
    {
        DeviceProfile d { "my-npu", "a \"quoted\" test", 1.5e14, 8e11, 2.5e10, 3.2e10 };
        Result<DeviceProfile> back = parseDeviceProfile(deviceProfileToJson(d), "mem");
        QVERIFY2(back, back ? "" : back.error().c_str());
        QCOMPARE(back->name, d.name);
        QCOMPARE(back->description, d.description);
        QCOMPARE(back->flopsPerSecond, d.flopsPerSecond);
        QCOMPARE(back->memoryBytesPerSecond, d.memoryBytesPerSecond);
        QCOMPARE(back->linkBytesPerSecond, d.linkBytesPerSecond);
        QCOMPARE(back->memoryBytes, d.memoryBytes);

        QTemporaryDir dir;
        const std::string path = (dir.path() + "/npu.json").toStdString();
        std::ofstream(path) << R"({"name": "npu", "flops_per_second": 100, "memory_bytes_per_second": 10,
                                   "link_bytes_per_second": 1})";
        Result<DeviceProfile> loaded = findDeviceProfile(path);
        QVERIFY2(loaded, loaded ? "" : loaded.error().c_str());
        QCOMPARE(loaded->flopsPerSecond, 100.0); // integers are accepted
        QCOMPARE(loaded->memoryBytes, 0.0); // optional
    }

    void badProfiles_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{name"
                                  << "p.json: not valid JSON";
        QTest::newRow("array") << "[1]"
                               << "must be a JSON object";
        QTest::newRow("no name") << R"({"flops_per_second": 1})"
                                 << "field 'name'";
        QTest::newRow("wrong format") << R"({"format": "pipecut-graph", "name": "x"})"
                                      << "expected 'pipecut-device'";
        QTest::newRow("missing rate") << R"({"name": "x", "flops_per_second": 1, "memory_bytes_per_second": 1})"
                                      << "field 'link_bytes_per_second'";
        QTest::newRow("zero rate") << R"({"name": "x", "flops_per_second": 0, "memory_bytes_per_second": 1,
                                          "link_bytes_per_second": 1})"
                                   << "'flops_per_second' must be positive";
        QTest::newRow("string rate") << R"({"name": "x", "flops_per_second": "fast", "memory_bytes_per_second": 1,
                                            "link_bytes_per_second": 1})"
                                     << "'flops_per_second' must be a number";
        QTest::newRow("negative memory") << R"({"name": "x", "flops_per_second": 1, "memory_bytes_per_second": 1,
                                                "link_bytes_per_second": 1, "memory_bytes": -5})"
                                         << "'memory_bytes' must be non-negative";
    }
    void badProfiles()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        Result<DeviceProfile> p = parseDeviceProfile(json.toStdString(), "p.json");
        QVERIFY(!p);
        QVERIFY2(p.error().rfind("p.json: ", 0) == 0, p.error().c_str());
        QVERIFY2(p.error().find(expected.toStdString()) != std::string::npos, p.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestDeviceProfile)
#include "tst_device_profile.moc"
