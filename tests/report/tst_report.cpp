// The rendered report: the figures of a known small graph read back from the
// SVG text and the JSON sidecar, byte-identical output for the same inputs,
// a vector PDF, the pixel limit on a huge graph, every format parsing back,
// the comparison report, and `pipecut-cli report` run as a process.
#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "tests/support/test_graphs.h"
#include "ui/report/report.h"

#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace pipecut;
using namespace pipecut::report;

namespace {

constexpr int64_t kEpoch = 1798416000; // 2026-12-28 UTC

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// Every <text> element's content, in document order.
QStringList svgTexts(const QByteArray &svg)
{
    QStringList texts;
    QXmlStreamReader xml(svg);
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("text"))
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    return texts;
}

// The example of docs/model.md §1.5 at k = 2 with {a, b} | {c, d}: both stages cost 8.
Partition specSplit()
{
    return Partition({ 0, 0, 1, 1 }, 2);
}

ReportOptions fixedOptions()
{
    ReportOptions o;
    o.dateEpoch = kEpoch;
    return o;
}

ReportData build(const Graph &g, const std::vector<Partition> &parts, ReportOptions o = fixedOptions())
{
    auto d = buildReport(g, CostParams::fromGraph(g), parts, o);
    if (!d)
        qFatal("buildReport: %s", d.error().c_str());
    return std::move(d).value();
}

} // namespace

class TestReport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void knownSmallGraphFigures()
    {
        const Graph g = test::specExample();
        const ReportData d = build(g, { specSplit() });
        QCOMPARE(d.sides.front().evaluation.bottleneck, 8.0);
        QCOMPARE(d.lowerBound, 8.0); // the optimum at k = 2 (docs/model.md §1.5)
        QVERIFY(d.boundOptimal);
        QCOMPARE(d.date, std::string("2026-12-28"));
        const QString svgPath = m_dir.filePath("small.svg");
        auto w = writeReport(d, svgPath.toStdString());
        QVERIFY2(w.ok(), w.ok() ? "" : w.error().c_str());
        const QStringList texts = svgTexts(readAll(svgPath));
        QVERIFY2(!texts.isEmpty(), "no text in the SVG");
        auto has = [&](const QString &s) { return texts.contains(s); };
        // Cards: bottleneck, bound, gap, throughput, latency.
        QVERIFY2(has("8 ms"), qPrintable(texts.join(" | ")));
        QVERIFY(has("stage 1"));
        QVERIFY(has("0 %"));
        QVERIFY(has("proven optimal"));
        QVERIFY(has("125 /s")); // 1 / 8 ms
        QVERIFY(has("16 ms"));
        QVERIFY(has(QStringLiteral("proven by ") + QString::fromStdString(d.provenBy)));
        // The stage table: stage 1 (bottleneck, first) nodes 2, work 5, comm in 0, comm out 3, param 0, cost 8.
        const qsizetype row1 = texts.indexOf("1*");
        QVERIFY2(row1 >= 0, qPrintable(texts.join(" | ")));
        QCOMPARE(texts.mid(row1, 7), (QStringList { "1*", "2", "5", "0 B", "3 B", "0 B", "8" }));
        // Stage 2: nodes 2, work 5, comm in 3, comm out 0, param 0, cost 8.
        QCOMPARE(texts.mid(row1 + 7, 7), (QStringList { "2", "2", "5", "3 B", "0 B", "0 B", "8" }));
        // Header: name and size, cost parameters, version and date.
        const QString all = texts.join("\n");
        QVERIFY(all.contains("4 nodes, 4 edges"));
        QVERIFY(all.contains("k = 2"));
        QVERIFY(all.contains("bandwidth 1 kB/s")); // 1 byte per ms
        QVERIFY(all.contains("memory limit none"));
        QVERIFY(all.contains(QStringLiteral("pipecut %1 \u00b7 2026-12-28").arg(PIPECUT_VERSION)));
        QVERIFY(all.contains(QStringLiteral("lower bound 8 (%1)").arg(QString::fromStdString(d.provenBy))));

        // The JSON sidecar has the same figures, exactly.
        const QJsonObject j = QJsonDocument::fromJson(QByteArray::fromStdString(reportJson(d))).object();
        QCOMPARE(j["format"].toString(), QString("pipecut-report"));
        QCOMPARE(j["k"].toInt(), 2);
        QCOMPARE(j["lower_bound"].toDouble(), 8.0);
        const QJsonObject p = j["partitions"].toArray()[0].toObject();
        QCOMPARE(p["bottleneck"].toDouble(), 8.0);
        QCOMPARE(p["gap"].toDouble(), 0.0);
        QCOMPARE(p["latency"].toDouble(), 16.0);
        const QJsonArray stages = p["stages"].toArray();
        QCOMPARE(stages.size(), 2);
        QCOMPARE(stages[0].toObject()["comm_out"].toDouble(), 3.0);
        QCOMPARE(stages[1].toObject()["comm_in"].toDouble(), 3.0);
        QCOMPARE(stages[1].toObject()["cost"].toDouble(), 8.0);
    }

    // A worse partition shows its gap: {a} | {b, c, d} costs 3 and 9.
    void gapOfAWorsePartition()
    {
        const Graph g = test::specExample();
        const ReportData d = build(g, { Partition({ 0, 1, 1, 1 }, 2) });
        const QString svgPath = m_dir.filePath("gap.svg");
        QVERIFY(writeReport(d, svgPath.toStdString()).ok());
        const QStringList texts = svgTexts(readAll(svgPath));
        QVERIFY(texts.contains("9 ms"));
        QVERIFY(texts.contains("stage 2"));
        // (9 - 8) / 9 = 11.111 %
        QVERIFY2(texts.contains("11.111 %"), qPrintable(texts.join(" | ")));
    }

    void sameInputsSameBytes_data()
    {
        QTest::addColumn<QString>("suffix");
        QTest::newRow("png") << "png";
        QTest::newRow("svg") << "svg";
        QTest::newRow("pdf") << "pdf";
    }
    void sameInputsSameBytes()
    {
        QFETCH(QString, suffix);
        auto g = loadGraph(PIPECUT_SOURCE_DIR "/resources/examples/bert_l-3_inference.json");
        QVERIFY(g.ok());
        PartitionOptions po; // keeps the file's groups together, within its memory limit
        po.k = 4;
        po.method = "auto";
        auto p = runPartitioner(*g, CostParams::fromGraph(*g), po);
        QVERIFY(p.ok());
        const std::vector<Partition> parts { p->partition };
        const QString a = m_dir.filePath("same1." + suffix), b = m_dir.filePath("same2." + suffix);
        QVERIFY(writeReport(build(*g, parts), a.toStdString()).ok());
        QTest::qWait(1100); // a different second: the PDF's own clock must not leak in
        QVERIFY(writeReport(build(*g, parts), b.toStdString()).ok());
        const QByteArray x = readAll(a), y = readAll(b);
        QVERIFY(x.size() > 1000);
        QVERIFY2(x == y, qPrintable(QStringLiteral("%1 and %2 differ").arg(a, b)));
    }

    void pdfIsVector()
    {
        const ReportData d = build(test::specExample(), { specSplit() });
        const QString path = m_dir.filePath("small.pdf");
        auto w = writeReport(d, path.toStdString());
        QVERIFY(w.ok());
        const QByteArray pdf = readAll(path);
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        QVERIFY(pdf.size() > 2000);
        QVERIFY(pdf.contains("/Font")); // text stays text
        QVERIFY(!pdf.contains("/Subtype /Image")); // no raster anywhere
        QVERIFY(!pdf.contains("/Subtype/Image"));
        // The page is the report's size in points.
        const QRegularExpression box(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"));
        const auto m = box.match(QString::fromLatin1(pdf));
        QVERIFY2(m.hasMatch(), "no MediaBox");
        QVERIFY(std::abs(m.captured(1).toDouble() - w->width) < 1.5);
        QVERIFY(std::abs(m.captured(2).toDouble() - w->height) < 1.5);
        // The creation date is the report's date, not the clock's.
        QVERIFY(pdf.contains("(D:20261228000000"));
    }

    void hugeGraphStaysWithinPixelLimit()
    {
        GeneratorOptions go;
        go.family = "transformer";
        go.nodes = 20000;
        auto g = generateGraph(go);
        QVERIFY(g.ok());
        const int k = 8;
        std::vector<int32_t> stage(static_cast<size_t>(g->nodeCount()));
        for (NodeId v : g->topologicalOrder())
            stage[index(v)] = g->topoPosition(v) * k / g->nodeCount();
        ReportOptions o = fixedOptions();
        o.boundMethod = "combinatorial"; // the bound is not under test here
        const ReportData d = build(*g, { Partition(std::move(stage), k) }, o);
        QVERIFY(d.drawing.collapsed);
        QVERIFY(d.drawing.graph.nodeCount() <= o.maxBoxes);
        const QString path = m_dir.filePath("huge.png");
        WriteOptions wo;
        wo.scale = 40; // asks for ~48,000 x 100,000 pixels
        auto w = writeReport(d, path.toStdString(), wo);
        QVERIFY2(w.ok(), w.ok() ? "" : w.error().c_str());
        QVERIFY(w->scale < 40);
        QImageReader reader(path);
        const QSize size = reader.size();
        QVERIFY(size.width() <= kMaxImageSide && size.height() <= kMaxImageSide);
        QVERIFY(double(size.width()) * size.height() <= kMaxImagePixels);
        QCOMPARE(size, QSize(w->pixelWidth, w->pixelHeight));
        // Requests within the limits are kept exactly.
        QCOMPARE(fittingScale(1000, 2000, 2.0), 2.0);
        QVERIFY(fittingScale(1000, 40000, 1.0) * 40000 <= kMaxImageSide);
    }

    void everyFormatParsesBack()
    {
        const ReportData d = build(test::specExample(), { specSplit() });
        const QString png = m_dir.filePath("back.png"), svg = m_dir.filePath("back.svg"),
                      pdf = m_dir.filePath("back.pdf");
        for (const QString &p : { png, svg, pdf })
            QVERIFY(writeReport(d, p.toStdString()).ok());
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 1000);
        QVERIFY(image.pixelColor(5, 5) == QColor(Qt::white));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QVERIFY(renderer.viewBoxF().width() > 1000);
        const QByteArray bytes = readAll(pdf);
        QVERIFY(bytes.contains("xref") && bytes.contains("trailer"));
        QJsonParseError error;
        QJsonDocument::fromJson(QByteArray::fromStdString(reportJson(d)), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(!writeReport(d, m_dir.filePath("x.bmp").toStdString()).ok());
    }

    void comparisonShowsDifferences()
    {
        const Graph g = test::specExample();
        ReportOptions o = fixedOptions();
        o.labels = { "solver", "mine" };
        const ReportData d = build(g, { specSplit(), Partition({ 0, 1, 1, 1 }, 2) }, o);
        QVERIFY(d.isComparison());
        const QString svg = m_dir.filePath("compare.svg");
        QVERIFY(writeReport(d, svg.toStdString()).ok());
        const QStringList texts = svgTexts(readAll(svg));
        const QString all = texts.join("\n");
        QVERIFY(all.contains("A: solver"));
        QVERIFY(all.contains("B: mine"));
        QVERIFY(all.contains("Differences per stage"));
        // Stage 1: A costs 8, B costs 3 (delta -5); stage 2: 8 against 9 (+1).
        QVERIFY2(texts.join(" ").contains("1 2 1 -1 8 3 -5"), qPrintable(texts.join(" | ")));
        QVERIFY(texts.join(" ").contains("2 2 3 +1 8 9 +1"));
        QVERIFY(all.contains("1 of 4 nodes are in a different stage"));
        QVERIFY(all.contains("bottleneck A 8 ms, B 9 ms"));
        QVERIFY(!buildReport(g, CostParams::fromGraph(g), { specSplit(), Partition({ 0, 0, 1, 2 }, 3) }, o).ok());
    }

    // Empty stages in a row share one table line; the chart still has every bar.
    void emptyStagesShareARow()
    {
        const Graph g = test::specExample();
        const ReportData d = build(g, { Partition({ 0, 0, 1, 1 }, 10) });
        const QString svgPath = m_dir.filePath("empty.svg");
        QVERIFY(writeReport(d, svgPath.toStdString()).ok());
        const QStringList texts = svgTexts(readAll(svgPath));
        const qsizetype range = texts.indexOf(QStringLiteral("3\u201310"));
        QVERIFY2(range >= 0, qPrintable(texts.join(" | ")));
        QCOMPARE(
            texts.mid(range, 7), (QStringList { QStringLiteral("3\u201310"), "0", "0", "0 B", "0 B", "0 B", "0" }));
    }

    void invalidPartitionIsRefused()
    {
        const Graph g = test::specExample();
        auto d = buildReport(g, CostParams::fromGraph(g), { Partition({ 1, 0, 1, 1 }, 2) }, fixedOptions());
        QVERIFY(!d.ok());
    }

    // pipecut-cli report as a process, headless.
    void cliReport()
    {
        const QString cli = qEnvironmentVariable("PIPECUT_CLI");
        if (cli.isEmpty())
            QSKIP("PIPECUT_CLI is not set (run through ctest)");
        const QString graph = m_dir.filePath("spec.json");
        const Graph g = test::specExample();
        QVERIFY(writeFileAtomically(graph.toStdString(), graphToJson(g)).ok());
        const QString part = m_dir.filePath("spec.partition.json");
        QVERIFY(writeFileAtomically(part.toStdString(), partitionToJson(g, specSplit())).ok());
        QString platform; // empty: unset, so the command must choose offscreen itself
        auto run = [&](const QStringList &args, QByteArray *out = nullptr) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("SOURCE_DATE_EPOCH", QString::number(kEpoch));
            env.remove("QT_QPA_PLATFORM");
            if (!platform.isEmpty()) {
                env.insert("QT_QPA_PLATFORM", platform);
                env.remove("DISPLAY");
                env.remove("WAYLAND_DISPLAY");
            }
            p.setProcessEnvironment(env);
            p.start(cli, args);
            p.waitForFinished(120000);
            if (out)
                *out = p.readAllStandardOutput() + p.readAllStandardError();
            return p.exitCode();
        };
        const QString svg = m_dir.filePath("cli.svg"), data = m_dir.filePath("cli.json");
        QByteArray out;
        QCOMPARE(run({ "report", graph, "-p", part, "-o", svg, "--data", data }, &out), 0);
        QVERIFY2(out.contains("bottleneck 8 ms, lower bound 8 ms"), out.constData());
        // The same report in-process: the same SVG and sidecar (the graph's
        // file name is part of both, so build from the written file).
        auto loaded = loadGraph(graph.toStdString());
        QVERIFY(loaded.ok());
        ReportOptions o = fixedOptions();
        o.labels = { "spec.partition.json" };
        const ReportData d = build(*loaded, { specSplit() }, o);
        const QString mine = m_dir.filePath("inproc.svg");
        QVERIFY(writeReport(d, mine.toStdString()).ok());
        QCOMPARE(readAll(svg), readAll(mine));
        QCOMPARE(readAll(data), QByteArray::fromStdString(reportJson(d)));
        // Usage errors and bad input.
        QCOMPARE(run({ "report", graph, "-p", part }), 2);
        QCOMPARE(run({ "report", graph, "-p", part, "-o", m_dir.filePath("x.gif") }), 2);
        QCOMPARE(run({ "report", graph, "-p", part, "-k", "3", "-o", svg }), 3);
        QCOMPARE(run({ "report", m_dir.filePath("missing.json"), "-o", svg }), 3);
        QCOMPARE(run({ "report", graph, "-p", part, "-o", svg, "--bound-method", "magic" }), 2);
        QCOMPARE(run({ "report", graph, "-p", part, "-o", m_dir.filePath("comb.svg"), "--bound-method", "combinatorial",
                     "--data", data }),
            0);
        QCOMPARE(QJsonDocument::fromJson(readAll(data)).object()["proven_by"].toString(), QString("combinatorial"));
        // Without -p it partitions with auto; --compare adds the second column.
        const QString png = m_dir.filePath("cli.png");
        QCOMPARE(run({ "report", graph, "-k", "2", "-o", png, "--compare", part, "--json" }, &out), 0);
        const QJsonObject j = QJsonDocument::fromJson(out).object();
        QCOMPARE(j["partitions"].toArray().size(), 2);
        QCOMPARE(j["partitions"].toArray()[0].toObject()["bottleneck"].toDouble(), 8.0);
        QVERIFY(!QImage(png).isNull());
        // An X11 platform asked for without a display falls back to offscreen instead of aborting.
        platform = "xcb";
        QCOMPARE(run({ "report", graph, "-p", part, "-o", m_dir.filePath("xcb.svg") }), 0);
        QCOMPARE(readAll(m_dir.filePath("xcb.svg")), readAll(svg));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
