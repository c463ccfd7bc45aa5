// Every export parses back: JSON through QJsonDocument (an independent parser),
// the dnn-partitioning placement through pipecut's own partition reader, the
// CSV through a small RFC 4180 reader here. Hand-made cases pin exact outputs;
// random graphs and partitions check the round trips.
#include "core/cli/cli.h"
#include "core/cost/evaluate.h"
#include "core/io/exports.h"
#include "core/io/graph_io.h"
#include "tests/support/test_graphs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

using namespace pipecut;

namespace {

QJsonObject parseObject(const std::string &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("JSON error at %d: %s", error.offset, qPrintable(error.errorString()));
    return doc.object();
}

std::vector<std::string> strings(const QJsonArray &array)
{
    std::vector<std::string> out;
    for (const QJsonValue &v : array)
        out.push_back(v.toString().toStdString());
    return out;
}

// A random topological order: Kahn's algorithm taking a random ready node.
std::vector<NodeId> randomTopologicalOrder(const Graph &g, std::mt19937_64 &rng)
{
    std::vector<int32_t> indegree(g.nodeCount());
    std::vector<NodeId> ready, order;
    for (int32_t i = 0; i < g.nodeCount(); ++i)
        if ((indegree[i] = g.inDegree(nodeId(i))) == 0)
            ready.push_back(nodeId(i));
    while (!ready.empty()) {
        std::uniform_int_distribution<size_t> pick(0, ready.size() - 1);
        std::swap(ready[pick(rng)], ready.back());
        const NodeId v = ready.back();
        ready.pop_back();
        order.push_back(v);
        for (NodeId w : g.successors(v))
            if (--indegree[index(w)] == 0)
                ready.push_back(w);
    }
    return order;
}

// Cuts `order` into k contiguous, possibly empty segments at random.
Partition randomCut(const Graph &g, const std::vector<NodeId> &order, int k, std::mt19937_64 &rng)
{
    std::vector<int32_t> cuts;
    std::uniform_int_distribution<int32_t> position(0, g.nodeCount());
    for (int b = 1; b < k; ++b)
        cuts.push_back(position(rng));
    std::sort(cuts.begin(), cuts.end());
    Partition p(g.nodeCount(), k);
    int stage = 0;
    for (int32_t i = 0; i < g.nodeCount(); ++i) {
        while (stage < k - 1 && cuts[stage] <= i)
            ++stage;
        p.setStage(order[i], stageId(stage));
    }
    return p;
}

std::vector<NodeId> defaultOrder(const Graph &g)
{
    const auto order = g.topologicalOrder();
    return { order.begin(), order.end() };
}

// Node i: work i + 1, out 0.5 (i mod 3), param i.
Graph buildGraph(const std::vector<std::string> &ids, const test::IndexEdges &edges)
{
    std::vector<NodeSpec> nodes;
    for (size_t i = 0; i < ids.size(); ++i)
        nodes.push_back({ .id = ids[i], .work = double(i + 1), .out = 0.5 * double(i % 3), .param = double(i) });
    return test::graphFromEdges("test", nodes, edges);
}

// RFC 4180 reader: records of fields; quoted fields may hold commas, quotes
// (doubled) and line breaks. Returns false on a malformed quote.
bool readCsv(const std::string &text, std::vector<std::vector<std::string>> &records)
{
    records.clear();
    std::vector<std::string> record;
    std::string field;
    size_t i = 0;
    bool fieldStarted = false;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"' && !fieldStarted) {
            ++i;
            while (true) {
                if (i >= text.size())
                    return false;
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            fieldStarted = true;
        } else if (c == ',') {
            record.push_back(field);
            field.clear();
            fieldStarted = false;
            ++i;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            record.push_back(field);
            records.push_back(record);
            record.clear();
            field.clear();
            fieldStarted = false;
            i += 2;
        } else {
            if (c == '"' || c == '\n' || c == '\r')
                return false; // bare quote inside an unquoted field, or a bare line break
            field += c;
            fieldStarted = true;
            ++i;
        }
    }
    return record.empty() && field.empty(); // the last record ends with CRLF
}

int runCliCapture(const std::vector<std::string> &args, std::string &out, std::string &err)
{
    std::ostringstream o, e;
    const int code = runCli(args, { o, e });
    out = o.str();
    err = e.str();
    return code;
}

} // namespace

class TestExports : public QObject {
    Q_OBJECT

private slots:
    void formatNames();
    void pytorchSpecExample();
    void pytorchRandom();
    void layerBoundariesSpecExample();
    void layerBoundariesRandom();
    void placementRoundTripsThroughExpertFile();
    void placementNumbers();
    void placementRandomRoundTrip();
    void csvSpecExample();
    void csvQuotingAndRandom();
    void modelExplorerOverlay();
    void stageColoursDistinct();
    void cliExport();
};

void TestExports::formatNames()
{
    for (ExportFormat f : { ExportFormat::PyTorch, ExportFormat::DeepSpeed, ExportFormat::DnnPartitioning,
             ExportFormat::Csv, ExportFormat::ModelExplorer })
        QCOMPARE(parseExportFormat(exportFormatName(f)), std::optional(f));
    QVERIFY(!parseExportFormat("onnx"));
    for (OverlayMetric m : { OverlayMetric::Stage, OverlayMetric::StageCost, OverlayMetric::Work })
        QCOMPARE(parseOverlayMetric(overlayMetricName(m)), std::optional(m));
    QVERIFY(!parseOverlayMetric("cost"));
}

void TestExports::pytorchSpecExample()
{
    const Graph g = test::specExample(); // a b c d, default order a, b, c, d
    // {a, b} | {c, d}: one split point, at c.
    Partition p(std::vector<int32_t> { 0, 0, 1, 1 }, 2);
    QJsonObject o = parseObject(exportPyTorchSplitPoints(g, p));
    QCOMPARE(o["format"].toString(), QString("pipecut-pytorch-split-points"));
    QCOMPARE(o["num_stages"].toInt(), 2);
    QCOMPARE(strings(o["split_points"].toArray()), std::vector<std::string> { "c" });
    QCOMPARE(o["split_spec"].toObject().size(), 1);
    QCOMPARE(o["split_spec"].toObject()["c"].toString(), QString("BEGINNING"));

    // {a} | {} | {c} | {b, d}: the empty stage is dropped; split points come in
    // stage order (c, then b) although b precedes c in the default order.
    p = Partition(std::vector<int32_t> { 0, 3, 2, 3 }, 4);
    o = parseObject(exportPyTorchSplitPoints(g, p));
    QCOMPARE(o["k"].toInt(), 4);
    QCOMPARE(o["num_stages"].toInt(), 3);
    QCOMPARE(strings(o["split_points"].toArray()), (std::vector<std::string> { "c", "b" }));

    // One stage: no split point.
    o = parseObject(exportPyTorchSplitPoints(g, Partition(4, 1)));
    QCOMPARE(o["num_stages"].toInt(), 1);
    QVERIFY(o["split_points"].toArray().isEmpty());
    QVERIFY(o["split_spec"].toObject().isEmpty());
}

void TestExports::pytorchRandom()
{
    std::mt19937_64 rng(7);
    for (int round = 0; round < 300; ++round) {
        const Graph g = test::randomGraph(rng, { .minNodes = 1, .maxNodes = 12 });
        const int k = 1 + int(rng() % 5);
        const bool contiguous = round % 2 == 0;
        const Partition p = randomCut(g, contiguous ? defaultOrder(g) : randomTopologicalOrder(g, rng), k, rng);
        const QJsonObject o = parseObject(exportPyTorchSplitPoints(g, p));
        const auto splits = strings(o["split_points"].toArray());
        const auto spec = o["split_spec"].toObject();
        QCOMPARE(spec.size(), qsizetype(splits.size()));
        // Each split point starts its stage: the stage's first node in the default order.
        std::set<int> nonEmpty(p.stages().begin(), p.stages().end());
        QCOMPARE(o["num_stages"].toInt(), int(nonEmpty.size()));
        QCOMPARE(splits.size(), nonEmpty.size() - 1);
        for (size_t j = 0; j < splits.size(); ++j) {
            QCOMPARE(spec[QString::fromStdString(splits[j])].toString(), QString("BEGINNING"));
            const auto v = g.find(splits[j]);
            QVERIFY(v);
            const int s = index(p.stage(*v));
            QCOMPARE(s, *std::next(nonEmpty.begin(), j + 1));
            for (int32_t u = 0; u < g.nodeCount(); ++u)
                if (index(p.stage(nodeId(u))) == s)
                    QVERIFY(g.topoPosition(nodeId(u)) >= g.topoPosition(*v));
        }
        if (!contiguous)
            continue;
        // Contiguous in the default order: cutting that order at the split
        // points gives back the partition (empty stages aside).
        std::vector<int32_t> rebuilt(g.nodeCount());
        size_t next = 0;
        int segment = 0;
        for (NodeId v : g.topologicalOrder()) {
            if (next < splits.size() && g.id(v) == splits[next]) {
                ++segment;
                ++next;
            }
            rebuilt[index(v)] = segment;
        }
        QCOMPARE(next, splits.size());
        std::vector<int> compact(k, -1);
        int c = 0;
        for (int s : nonEmpty)
            compact[s] = c++;
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            QCOMPARE(rebuilt[v], compact[p.stages()[v]]);
    }
}

void TestExports::layerBoundariesSpecExample()
{
    const Graph g = test::specExample();
    auto text = exportLayerBoundaries(g, Partition(std::vector<int32_t> { 0, 0, 1, 1 }, 2));
    QVERIFY2(text.ok(), text.ok() ? "" : text.error().c_str());
    QJsonObject o = parseObject(*text);
    QCOMPARE(o["format"].toString(), QString("pipecut-layer-boundaries"));
    QCOMPARE(o["num_layers"].toInt(), 4);
    QCOMPARE(o["parts"].toArray(), (QJsonArray { 0, 2, 4 }));
    QCOMPARE(o["layers_per_stage"].toArray(), (QJsonArray { 2, 2 }));
    QCOMPARE(strings(o["order"].toArray()), (std::vector<std::string> { "a", "b", "c", "d" }));

    // Empty stages give equal neighbouring boundaries.
    text = exportLayerBoundaries(g, Partition(std::vector<int32_t> { 0, 2, 2, 3 }, 4));
    QVERIFY(text.ok());
    QCOMPARE(parseObject(*text)["parts"].toArray(), (QJsonArray { 0, 1, 1, 3, 4 }));

    // {a, c} | {b, d} is valid but not contiguous in a, b, c, d: refused, naming the place.
    text = exportLayerBoundaries(g, Partition(std::vector<int32_t> { 0, 1, 0, 1 }, 2));
    QVERIFY(!text.ok());
    QVERIFY2(text.error().find("not contiguous") != std::string::npos, text.error().c_str());
    QVERIFY2(text.error().find("'b' is in stage 2 but the next layer 2 'c' is in stage 1") != std::string::npos,
        text.error().c_str());
}

void TestExports::layerBoundariesRandom()
{
    std::mt19937_64 rng(11);
    for (int round = 0; round < 300; ++round) {
        const Graph g = test::randomGraph(rng, { .minNodes = 1, .maxNodes = 12 });
        const int k = 1 + int(rng() % 5);
        const Partition p = randomCut(g, round % 2 ? randomTopologicalOrder(g, rng) : defaultOrder(g), k, rng);
        bool contiguous = true;
        const auto order = g.topologicalOrder();
        for (size_t i = 1; i < order.size(); ++i)
            contiguous = contiguous && p.stage(order[i - 1]) <= p.stage(order[i]);
        const auto text = exportLayerBoundaries(g, p);
        QCOMPARE(text.ok(), contiguous);
        if (!contiguous)
            continue;
        const QJsonObject o = parseObject(*text);
        const QJsonArray parts = o["parts"].toArray();
        const auto ids = strings(o["order"].toArray());
        QCOMPARE(parts.size(), qsizetype(k + 1));
        QCOMPARE(parts.first().toInt(), 0);
        QCOMPARE(parts.last().toInt(), g.nodeCount());
        // Rebuild: layer i of "order" is in stage s when parts[s] <= i < parts[s+1].
        for (int s = 0; s < k; ++s)
            for (int i = parts[s].toInt(); i < parts[s + 1].toInt(); ++i) {
                const auto v = g.find(ids[i]);
                QVERIFY(v);
                QCOMPARE(index(p.stage(*v)), s);
            }
    }
}

void TestExports::placementRoundTripsThroughExpertFile()
{
    // A real placement: the human expert's BERT-24 split, read, exported, read again.
    auto g = loadGraph(test::corpusPath("dnn-partitioning/throughput-inputs/LayerGraphs/bert24_inference.json"));
    QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
    const std::string expertPath = test::corpusPath("dnn-partitioning/human-experts/bert24_inference_expert.json");
    auto expert = loadPartition(expertPath, *g);
    QVERIFY2(expert.ok(), expert.ok() ? "" : expert.error().c_str());
    const CostParams params = CostParams::fromGraph(*g);
    QCOMPARE(placementNumbering(*g), PlacementNumbering::SourceNumber);
    const std::string text = exportDnnPartitioningPlacement(*g, params, *expert);
    auto back = parsePartition(text, "exported", *g);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
    QCOMPARE(*back, *expert);

    // Same shape and node numbers as the expert's file; "load" is the stage cost.
    const QJsonObject mine = parseObject(text);
    auto original = readFile(expertPath);
    QVERIFY(original.ok());
    const QJsonObject theirs = parseObject(*original);
    QCOMPARE(mine.keys(), theirs.keys());
    QCOMPARE(mine["cpus"].toArray(), (QJsonArray { QJsonObject { { "load", 0 }, { "nodes", QJsonArray {} } } }));
    const QJsonArray fpgas = mine["fpgas"].toArray();
    QCOMPARE(fpgas.size(), theirs["fpgas"].toArray().size());
    const Evaluation ev = evaluate(*g, params, *expert);
    QCOMPARE(mine["maxLoad"].toDouble(), ev.bottleneck);
    for (qsizetype s = 0; s < fpgas.size(); ++s) {
        const QJsonObject fpga = fpgas[s].toObject();
        QCOMPARE(fpga["load"].toDouble(), ev.stages[s].cost);
        QVariantList a = fpga["nodes"].toArray().toVariantList();
        QVariantList b = theirs["fpgas"].toArray()[s].toObject()["nodes"].toArray().toVariantList();
        auto less = [](const QVariant &x, const QVariant &y) { return x.toLongLong() < y.toLongLong(); };
        std::sort(a.begin(), a.end(), less);
        std::sort(b.begin(), b.end(), less);
        QCOMPARE(a, b);
    }
}

void TestExports::placementNumbers()
{
    // String ids: node indices, in file order.
    const Graph named = test::specExample();
    QCOMPARE(placementNumbering(named), PlacementNumbering::NodeIndex);
    const Partition p(std::vector<int32_t> { 0, 0, 1, 1 }, 2);
    const QJsonObject o = parseObject(exportDnnPartitioningPlacement(named, CostParams {}, p));
    const QJsonArray fpgas = o["fpgas"].toArray();
    QCOMPARE(fpgas[0].toObject()["nodes"].toArray(), (QJsonArray { 0, 1 }));
    QCOMPARE(fpgas[1].toObject()["nodes"].toArray(), (QJsonArray { 2, 3 }));
    QCOMPARE(fpgas[0].toObject()["load"].toDouble(), 8.0); // docs/model.md §1.5: both stages cost 8
    QCOMPARE(fpgas[1].toObject()["load"].toDouble(), 8.0);

    // Integer ids are used as they are (not the index), and read back through the ids.
    const Graph numbered = buildGraph({ "10", "3", "7" }, { { 0, 1 }, { 1, 2 } });
    QCOMPARE(placementNumbering(numbered), PlacementNumbering::IntegerId);
    const Partition q(std::vector<int32_t> { 0, 1, 1 }, 3);
    const std::string text = exportDnnPartitioningPlacement(numbered, CostParams {}, q);
    const QJsonArray f = parseObject(text)["fpgas"].toArray();
    QCOMPARE(f.size(), 3);
    QCOMPARE(f[0].toObject()["nodes"].toArray(), (QJsonArray { 10 }));
    QCOMPARE(f[1].toObject()["nodes"].toArray(), (QJsonArray { 3, 7 }));
    QCOMPARE(f[2].toObject()["nodes"].toArray(), QJsonArray {});
    auto back = parsePartition(text, "exported", numbered);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
    QCOMPARE(*back, q);

    // Not canonical ("07") or negative: indices, so that reading by id cannot pick the wrong node.
    QCOMPARE(placementNumbering(buildGraph({ "1", "07" }, {})), PlacementNumbering::NodeIndex);
    QCOMPARE(placementNumbering(buildGraph({ "1", "-2" }, {})), PlacementNumbering::NodeIndex);
}

void TestExports::placementRandomRoundTrip()
{
    std::mt19937_64 rng(5);
    for (int round = 0; round < 200; ++round) {
        const Graph g = test::randomGraph(rng, { .minNodes = 1, .maxNodes = 10 });
        const int k = 1 + int(rng() % 4);
        const Partition p = randomCut(g, randomTopologicalOrder(g, rng), k, rng);
        const std::string text = exportDnnPartitioningPlacement(g, CostParams::fromGraph(g), p);
        const QJsonArray fpgas = parseObject(text)["fpgas"].toArray();
        QCOMPARE(fpgas.size(), qsizetype(k));
        // Random graphs have string ids: numbers are node indices.
        std::vector<int32_t> rebuilt(g.nodeCount(), -1);
        for (int s = 0; s < k; ++s)
            for (const QJsonValue &n : fpgas[s].toObject()["nodes"].toArray()) {
                const int i = n.toInt(-1);
                QVERIFY(i >= 0 && i < g.nodeCount());
                QCOMPARE(rebuilt[i], -1);
                rebuilt[i] = s;
            }
        QCOMPARE(Partition(rebuilt, k), p);
    }
}

void TestExports::csvSpecExample()
{
    const Graph g = test::specExample();
    const std::string csv = exportStageCsv(g, CostParams {}, Partition(std::vector<int32_t> { 0, 0, 1, 1 }, 2));
    QCOMPARE(csv,
        std::string("stage,nodes,work,comm_in,comm_out,param,cost,node_ids\r\n"
                    "1,2,5,0,3,0,8,a b\r\n"
                    "2,2,5,3,0,0,8,c d\r\n"));
}

void TestExports::csvQuotingAndRandom()
{
    // Ids with a comma and quotes are quoted and read back.
    const Graph odd = buildGraph({ "x,1", "say \"hi\"", "plain" }, { { 0, 1 }, { 1, 2 } });
    const Partition p(std::vector<int32_t> { 0, 0, 1 }, 2);
    const std::string csv = exportStageCsv(odd, CostParams {}, p);
    QVERIFY2(csv.find("\"x,1 say \"\"hi\"\"\"") != std::string::npos, csv.c_str());
    std::vector<std::vector<std::string>> rows;
    QVERIFY(readCsv(csv, rows));
    QCOMPARE(rows.size(), size_t(3));
    QCOMPARE(rows[1][7], std::string("x,1 say \"hi\""));

    std::mt19937_64 rng(3);
    for (int round = 0; round < 200; ++round) {
        const Graph g = test::randomGraph(rng, { .minNodes = 1, .maxNodes = 10 });
        const CostParams params = CostParams::fromGraph(g);
        const int k = 1 + int(rng() % 4);
        const Partition q = randomCut(g, randomTopologicalOrder(g, rng), k, rng);
        QVERIFY(readCsv(exportStageCsv(g, params, q), rows));
        QCOMPARE(rows.size(), size_t(k + 1));
        QCOMPARE(rows[0],
            (std::vector<std::string> {
                "stage", "nodes", "work", "comm_in", "comm_out", "param", "cost", "node_ids" }));
        const Evaluation ev = evaluate(g, params, q);
        const auto members = q.members();
        for (int s = 0; s < k; ++s) {
            const auto &r = rows[s + 1];
            QCOMPARE(r.size(), size_t(8));
            QCOMPARE(std::stoi(r[0]), s + 1);
            QCOMPARE(std::stoi(r[1]), ev.stages[s].nodes);
            // Numbers read back exactly.
            QCOMPARE(std::strtod(r[2].c_str(), nullptr), ev.stages[s].work);
            QCOMPARE(std::strtod(r[3].c_str(), nullptr), ev.stages[s].commIn);
            QCOMPARE(std::strtod(r[4].c_str(), nullptr), ev.stages[s].commOut);
            QCOMPARE(std::strtod(r[5].c_str(), nullptr), ev.stages[s].param);
            QCOMPARE(std::strtod(r[6].c_str(), nullptr), ev.stages[s].cost);
            std::vector<std::string> ids;
            std::istringstream in(r[7]);
            for (std::string id; in >> id;)
                ids.push_back(id);
            std::vector<std::string> expected;
            for (NodeId v : members[s])
                expected.push_back(g.id(v));
            QCOMPARE(ids, expected);
        }
    }
}

void TestExports::modelExplorerOverlay()
{
    const Graph g = test::specExample();
    const Partition p(std::vector<int32_t> { 0, 2, 1, 2 }, 3); // {a} | {c} | {b, d}: docs/model.md §1.5's k = 3 optimum
    const CostParams params;

    QJsonObject o = parseObject(exportModelExplorerOverlay(g, params, p, OverlayMetric::Stage));
    QVERIFY(o["name"].toString().contains("k=3"));
    QVERIFY(o["name"].toString().contains("bottleneck 7"));
    QJsonObject results = o["results"].toObject();
    QCOMPARE(results.keys(), (QStringList { "a", "b", "c", "d" }));
    QCOMPARE(results["a"].toObject()["value"].toInt(), 1);
    QCOMPARE(results["b"].toObject()["value"].toInt(), 3);
    QCOMPARE(results["c"].toObject()["value"].toInt(), 2);
    QCOMPARE(results["b"].toObject()["bgColor"], results["d"].toObject()["bgColor"]);
    QVERIFY(results["a"].toObject()["bgColor"] != results["c"].toObject()["bgColor"]);
    QCOMPARE(results["a"].toObject()["bgColor"].toString().toStdString(), overlayStageColour(0));
    QVERIFY(!o.contains("gradient"));

    o = parseObject(exportModelExplorerOverlay(g, params, p, OverlayMetric::StageCost));
    results = o["results"].toObject();
    QCOMPARE(results["a"].toObject()["value"].toDouble(), 3.0);
    QCOMPARE(results["c"].toObject()["value"].toDouble(), 7.0);
    QCOMPARE(results["d"].toObject()["value"].toDouble(), 7.0);
    QVERIFY(!results["a"].toObject().contains("bgColor")); // the gradient colours it
    const QJsonArray gradient = o["gradient"].toArray();
    QCOMPARE(gradient.first().toObject()["stop"].toDouble(), 0.0); // Model Explorer needs stops 0 and 1
    QCOMPARE(gradient.last().toObject()["stop"].toDouble(), 1.0);

    o = parseObject(exportModelExplorerOverlay(g, params, p, OverlayMetric::Work));
    results = o["results"].toObject();
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        QCOMPARE(results[QString::fromStdString(g.id(nodeId(v)))].toObject()["value"].toDouble(), g.work(nodeId(v)));
}

void TestExports::stageColoursDistinct()
{
    std::set<std::string> seen;
    for (int s = 0; s < 64; ++s) {
        const std::string c = overlayStageColour(s);
        QCOMPARE(c.size(), size_t(7));
        QCOMPARE(c[0], '#');
        QVERIFY(c.find_first_not_of("0123456789abcdef", 1) == std::string::npos);
        seen.insert(c);
    }
    QCOMPARE(seen.size(), size_t(64));
}

void TestExports::cliExport()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string base = dir.path().toStdString() + "/";
    const Graph g = test::specExample();
    QVERIFY(writeFileAtomically(base + "g.json", graphToJson(g)).ok());
    QVERIFY(writeFileAtomically(base + "p.json", partitionToJson(g, Partition(std::vector<int32_t> { 0, 0, 1, 1 }, 2)))
                .ok());
    QVERIFY(writeFileAtomically(base + "q.json", partitionToJson(g, Partition(std::vector<int32_t> { 0, 1, 0, 1 }, 2)))
                .ok());
    QVERIFY(
        writeFileAtomically(base + "bad.json", partitionToJson(g, Partition(std::vector<int32_t> { 1, 0, 1, 1 }, 2)))
            .ok());
    std::string out, err;

    // Every format, to a file and to standard output, equal to the library's text.
    const CostParams params = CostParams::fromGraph(g);
    for (const char *to : { "pytorch", "deepspeed", "dnn-partitioning", "csv", "model-explorer" }) {
        const std::string file = base + "out." + to;
        QCOMPARE(
            runCliCapture({ "export", base + "g.json", "-p", base + "p.json", "--to", to, "-o", file }, out, err), 0);
        auto written = readFile(file);
        QVERIFY(written.ok());
        auto expected
            = exportPartition(*parseExportFormat(to), g, params, Partition(std::vector<int32_t> { 0, 0, 1, 1 }, 2));
        QVERIFY(expected.ok());
        QCOMPARE(*written, *expected);
        QCOMPARE(runCliCapture({ "export", base + "g.json", "-p", base + "p.json", "--to", to }, out, err), 0);
        QCOMPARE(out, *expected);
    }
    QCOMPARE(runCliCapture({ "export", base + "g.json", "-p", base + "p.json", "--to", "model-explorer", "--metric",
                               "stage-cost" },
                 out, err),
        0);
    QVERIFY(out.find("\"gradient\"") != std::string::npos);

    // Usage errors: exit 2.
    QCOMPARE(runCliCapture({ "export", base + "g.json", "--to", "csv" }, out, err), 2);
    QCOMPARE(runCliCapture({ "export", base + "g.json", "-p", base + "p.json" }, out, err), 2);
    QCOMPARE(runCliCapture({ "export", base + "g.json", "-p", base + "p.json", "--to", "onnx" }, out, err), 2);
    QVERIFY(err.find("unknown export format 'onnx'") != std::string::npos);
    QCOMPARE(runCliCapture(
                 { "export", base + "g.json", "-p", base + "p.json", "--to", "csv", "--metric", "work" }, out, err),
        2);

    // Bad input: exit 3 with one line naming the file.
    QCOMPARE(runCliCapture({ "export", base + "g.json", "-p", base + "q.json", "--to", "deepspeed" }, out, err), 3);
    QVERIFY2(err.rfind("error: " + base + "q.json: the partition is not contiguous", 0) == 0, err.c_str());
    QCOMPARE(runCliCapture({ "export", base + "g.json", "-p", base + "bad.json", "--to", "csv" }, out, err), 3);
    QVERIFY2(err.find("runs backwards") != std::string::npos, err.c_str());
    QCOMPARE(runCliCapture({ "export", base + "missing.json", "-p", base + "p.json", "--to", "csv" }, out, err), 3);

    QCOMPARE(runCliCapture({ "export", "--help" }, out, err), 0);
    QVERIFY(out.find("model-explorer") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestExports)
#include "tst_exports.moc"
