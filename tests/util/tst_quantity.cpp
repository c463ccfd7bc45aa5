// core/util/quantity.h: every way pipecut prints a quantity, with its unit.
#include "core/util/quantity.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace pipecut;

class TestQuantity : public QObject {
    Q_OBJECT
private slots:
    void number_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << "0";
        QTest::newRow("small") << 0.00039024 << "0.0003902";
        QTest::newRow("below one") << 0.5 << "0.5";
        QTest::newRow("units") << 12.3 << "12.3";
        QTest::newRow("three decimals") << 12.34567 << "12.346";
        QTest::newRow("whole") << 8.0 << "8";
        QTest::newRow("thousand") << 1000.0 << "1,000";
        QTest::newRow("thousands") << 1891.71 << "1,891.7";
        QTest::newRow("millions") << -1234567.84 << "-1,234,567.8";
        QTest::newRow("huge") << 3.5e18 << "3.5e+18";
        QTest::newRow("inf") << std::numeric_limits<double>::infinity() << "inf";
    }
    void number()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(quantity::number(value)), text);
    }

    void withUnits_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("size");
        QTest::addColumn<QString>("time");
        QTest::addColumn<QString>("text");
        QTest::newRow("time ms") << "time" << 1891.7 << "bytes"
                                 << "ms"
                                 << "1,891.7 ms";
        QTest::newRow("time no unit") << "time" << 2.0 << ""
                                      << ""
                                      << "2 time units";
        QTest::newRow("param bytes") << "size" << 3.75128e8 << "bytes"
                                     << "ms"
                                     << "375.1 MB";
        QTest::newRow("few bytes") << "size" << 512.0 << "bytes"
                                   << "ms"
                                   << "512 B";
        QTest::newRow("kB") << "size" << 1500.0 << "B"
                            << "ms"
                            << "1.5 kB";
        QTest::newRow("GB") << "size" << 2.5e10 << "bytes"
                            << "s"
                            << "25 GB";
        QTest::newRow("other size unit") << "size" << 12.0 << "units"
                                         << "ms"
                                         << "12 units";
        QTest::newRow("throughput per ms") << "rate" << 1 / 256.27 << "bytes"
                                           << "ms"
                                           << "3.902 /s";
        QTest::newRow("throughput per s") << "rate" << 0.25 << "bytes"
                                          << "s"
                                          << "0.25 /s";
        QTest::newRow("throughput per us") << "rate" << 0.002 << "bytes"
                                           << "us"
                                           << "2,000 /s";
        QTest::newRow("throughput other unit") << "rate" << 0.5 << "bytes"
                                               << "step"
                                               << "0.5 per step";
        QTest::newRow("bandwidth bytes/ms") << "bandwidth" << 25e6 << "bytes"
                                            << "ms"
                                            << "25 GB/s";
        QTest::newRow("bandwidth bytes/s") << "bandwidth" << 1.0 << "bytes"
                                           << "s"
                                           << "1 B/s";
        QTest::newRow("bandwidth other") << "bandwidth" << 1.0 << "time"
                                         << "ms"
                                         << "1 time/ms";
    }
    void withUnits()
    {
        QFETCH(QString, kind);
        QFETCH(double, value);
        QFETCH(QString, size);
        QFETCH(QString, time);
        QFETCH(QString, text);
        const std::string s = size.toStdString(), t = time.toStdString();
        std::string got;
        if (kind == "time")
            got = quantity::time(value, t);
        else if (kind == "size")
            got = quantity::size(value, s);
        else if (kind == "rate")
            got = quantity::rate(value, t);
        else
            got = quantity::bandwidth(value, s, t);
        QCOMPARE(QString::fromStdString(got), text);
    }

    void counts()
    {
        QCOMPARE(quantity::count(0), std::string("0"));
        QCOMPARE(quantity::count(999), std::string("999"));
        QCOMPARE(quantity::count(20000), std::string("20,000"));
        QCOMPARE(quantity::count(-1234567), std::string("-1,234,567"));
    }

    void knownTimeUnits()
    {
        QCOMPARE(quantity::secondsPerUnit("ms"), 1e-3);
        QCOMPARE(quantity::secondsPerUnit("\u00b5s"), 1e-6);
        QCOMPARE(quantity::secondsPerUnit("s"), 1.0);
        QCOMPARE(quantity::secondsPerUnit("cycles"), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestQuantity)
#include "tst_quantity.moc"
