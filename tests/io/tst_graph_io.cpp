// Graph readers and writers: every corpus file loads with the node and edge
// counts counted independently (python/jq over the JSON arrays; node lines and
// tab-indented edge lines for PipeDream), format detection, and round trips.
#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "core/io/json_support.h"
#include "core/io/readers.h"
#include "tests/support/test_graphs.h"

#include <QCoreApplication>
#include <QDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <random>

using namespace pipecut;

namespace {

Graph mustParse(const std::string &text, const std::string &name, const LoadOptions &options = {})
{
    auto r = parseGraph(text, name, options);
    if (!r.ok())
        qFatal("%s", r.error().c_str());
    return std::move(r).value();
}

// Every field of two graphs, exactly.
void compareGraphs(const Graph &a, const Graph &b, bool compareNumbers = true)
{
    QCOMPARE(a.nodeCount(), b.nodeCount());
    QCOMPARE(a.edgeCount(), b.edgeCount());
    QCOMPARE(a.name(), b.name());
    QCOMPARE(a.bandwidth(), b.bandwidth());
    QCOMPARE(a.memoryLimit().has_value(), b.memoryLimit().has_value());
    if (a.memoryLimit())
        QCOMPARE(*a.memoryLimit(), *b.memoryLimit());
    QCOMPARE(a.units().time, b.units().time);
    QCOMPARE(a.units().size, b.units().size);
    QCOMPARE(a.units().param, b.units().param);
    QCOMPARE(a.suggestedK(), b.suggestedK());
    for (int32_t i = 0; i < a.nodeCount(); ++i) {
        const NodeId v = nodeId(i);
        QCOMPARE(a.id(v), b.id(v));
        QCOMPARE(a.op(v), b.op(v));
        QCOMPARE(a.scope(v), b.scope(v));
        QCOMPARE(a.work(v), b.work(v)); // exact: numbers are written in round-trip form
        QCOMPARE(a.out(v), b.out(v));
        QCOMPARE(a.param(v), b.param(v));
        QCOMPARE(a.group(v) == kNoGroup, b.group(v) == kNoGroup);
        if (a.group(v) != kNoGroup)
            QCOMPARE(a.groupName(a.group(v)), b.groupName(b.group(v)));
        if (compareNumbers)
            QCOMPARE(a.number(v), b.number(v));
    }
    QVERIFY(a.edges() == b.edges());
}

// A graph with every field set and awkward numbers and strings.
Graph awkwardGraph()
{
    GraphBuilder b("awkward");
    b.setName("awk \"ward\" \\ name");
    b.setBandwidth(0.1);
    b.setMemoryLimit(1e300);
    b.setUnits(Units { "s", "MiB" });
    b.setSuggestedK(7);
    b.addNode({ .id = "a",
        .op = "MatMul",
        .scope = "enc/layer_0/attn\nline two",
        .group = "g1",
        .work = 0.7,
        .out = 2048,
        .param = 1.0 / 3 });
    b.addNode({ .id = "b \"q\"", .op = "", .work = 5e-324, .out = 1.7976931348623157e308, .param = 0 });
    b.addNode({ .id = "ünï\tcode", .scope = "enc", .group = "g1", .work = 123456789.123456789, .out = 0.1 + 0.2 });
    b.addNode({ .id = "d", .work = 2, .out = 1e-7, .param = 4 });
    b.addEdge("a", "b \"q\"");
    b.addEdge("a", "ünï\tcode");
    b.addEdge("ünï\tcode", "d");
    b.addEdge("b \"q\"", "d");
    auto r = b.build();
    if (!r.ok())
        qFatal("%s", r.error().c_str());
    return std::move(r).value();
}

} // namespace

class TestGraphIo : public QObject {
    Q_OBJECT
private slots:
    void corpusLoads_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("nodes");
        QTest::addColumn<int>("edges");
        // Counts from python: len(nodes), len(set of (source, dest)) for JSON;
        // node lines and tab-indented edge lines for PipeDream.
        const struct {
            const char *file, *format;
            int nodes, edges;
        } rows[] = {
            { "dnn-partitioning/latency-inputs/LayerGraphs/bert24_inference.json", "dnn-partitioning", 32, 55 },
            { "dnn-partitioning/latency-inputs/LayerGraphs/gnmt_inference.json", "dnn-partitioning", 96, 122 },
            { "dnn-partitioning/latency-inputs/LayerGraphs/inceptionv3_inference.json", "dnn-partitioning", 326, 363 },
            { "dnn-partitioning/latency-inputs/LayerGraphs/resnet50_inference.json", "dnn-partitioning", 177, 193 },
            { "dnn-partitioning/latency-inputs/OperatorGraphs/bert_l-12_inference.json", "dnn-partitioning", 783, 843 },
            { "dnn-partitioning/latency-inputs/OperatorGraphs/bert_l-3_inference.json", "dnn-partitioning", 235, 250 },
            { "dnn-partitioning/latency-inputs/OperatorGraphs/bert_l-6_inference.json", "dnn-partitioning", 418, 448 },
            { "dnn-partitioning/latency-inputs/OperatorGraphs/resnet50_inference.json", "dnn-partitioning", 604, 619 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/bert24_inference.json", "dnn-partitioning", 32, 55 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/bert24_training.json", "dnn-partitioning", 64, 110 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/gnmt_inference.json", "dnn-partitioning", 96, 122 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/gnmt_training.json", "dnn-partitioning", 192, 244 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/inceptionv3_inference.json", "dnn-partitioning", 326,
                363 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/inceptionv3_training.json", "dnn-partitioning", 652,
                726 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/resnet50_inference.json", "dnn-partitioning", 177, 193 },
            { "dnn-partitioning/throughput-inputs/LayerGraphs/resnet50_training.json", "dnn-partitioning", 354, 386 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/bert_L-12_training.json", "dnn-partitioning", 2012,
                2751 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/bert_l-12_inference.json", "dnn-partitioning", 783,
                843 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/bert_l-3_inference.json", "dnn-partitioning", 235,
                250 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/bert_l-3_training.json", "dnn-partitioning", 600,
                817 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/bert_l-6_inference.json", "dnn-partitioning", 418,
                448 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/bert_l-6_training.json", "dnn-partitioning", 1071,
                1462 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/resnet50_inference.json", "dnn-partitioning", 604,
                619 },
            { "dnn-partitioning/throughput-inputs/OperatorGraphs/resnet50_training.json", "dnn-partitioning", 1243,
                1806 },
            { "piper/inputs/bert32a100.json", "piper", 37, 67 },
            { "piper/inputs/gnmt.json", "piper", 78, 104 },
            { "piper/inputs/resnet.json", "piper", 177, 193 },
            { "pipedream/graph/test_graphs/resnet50_partitioned.txt", "pipedream", 177, 193 },
            { "pipedream/graph/test_graphs/resnext50_generated.txt", "pipedream", 177, 193 },
            { "pipedream/graph/test_graphs/test.txt", "pipedream", 6, 6 },
            { "pipedream/graph/test_graphs/test2.txt", "pipedream", 5, 6 },
            { "pipedream/graph/test_graphs/vgg16_partitioned.txt", "pipedream", 41, 41 },
            { "pipedream/profiler/image_classification/profiles/alexnet/graph.txt", "pipedream", 23, 23 },
            { "pipedream/profiler/image_classification/profiles/densenet121/graph.txt", "pipedream", 429, 487 },
            { "pipedream/profiler/image_classification/profiles/inception_v3/graph.txt", "pipedream", 326, 362 },
            { "pipedream/profiler/image_classification/profiles/nasnetalarge/graph.txt", "pipedream", 1251, 1468 },
            { "pipedream/profiler/image_classification/profiles/nasnetamobile/graph.txt", "pipedream", 921, 1078 },
            { "pipedream/profiler/image_classification/profiles/resnet101/graph.txt", "pipedream", 347, 380 },
            { "pipedream/profiler/image_classification/profiles/resnet18/graph.txt", "pipedream", 71, 79 },
            { "pipedream/profiler/image_classification/profiles/resnet50/graph.txt", "pipedream", 177, 193 },
            { "pipedream/profiler/image_classification/profiles/resnext101/graph.txt", "pipedream", 347, 380 },
            { "pipedream/profiler/image_classification/profiles/resnext50/graph.txt", "pipedream", 177, 193 },
            { "pipedream/profiler/image_classification/profiles/squeezenet1_0/graph.txt", "pipedream", 68, 76 },
            { "pipedream/profiler/image_classification/profiles/vgg16/graph.txt", "pipedream", 41, 41 },
            { "pipedream/profiler/translation/profiles/gnmt/graph.txt", "pipedream", 48, 58 },
            { "pipedream/profiler/translation/profiles/gnmt_large/graph.txt", "pipedream", 96, 122 },
        };
        for (const auto &row : rows)
            QTest::newRow(row.file) << row.file << row.format << row.nodes << row.edges;
    }

    void corpusLoads()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(int, nodes);
        QFETCH(int, edges);
        auto r = loadGraph(test::corpusPath(file.toStdString()));
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        QCOMPARE(QString::fromStdString(r->format()), format);
        QCOMPARE(r->nodeCount(), nodes);
        QCOMPARE(r->edgeCount(), int64_t(edges));
        QVERIFY(r->totalWork() > 0 || file.contains("test"));
        QVERIFY(r->bandwidth() > 0);
        QVERIFY(!r->notes().empty() || format == "pipecut-json");
        // Every corpus graph survives conversion to pipecut JSON and to DOT.
        Graph viaJson = mustParse(graphToJson(*r), "converted.json");
        compareGraphs(*r, viaJson);
        Graph viaDot = mustParse(graphToDot(*r), "converted.dot");
        compareGraphs(*r, viaDot);
    }

    // The corpus directory holds exactly the graph files listed above, so a new
    // file cannot be added without a row.
    void corpusIsFullyListed()
    {
        int graphs = 0;
        for (const char *dir : { "dnn-partitioning/latency-inputs", "dnn-partitioning/throughput-inputs",
                 "piper/inputs", "pipedream/graph", "pipedream/profiler" }) {
            std::error_code ec;
            for (auto &entry : std::filesystem::recursive_directory_iterator(test::corpusPath(dir), ec))
                if (entry.is_regular_file())
                    ++graphs;
        }
        QCOMPARE(graphs, 46);
    }

    void dnnPartitioningMapping()
    {
        const std::string text = R"({"maxSizePerFPGA": 100.0, "maxFPGAs": 3, "maxCPUs": 1, "nodes": [
            {"name": "a", "id": 10, "supportedOnFpga": 1, "cpuLatency": 9, "fpgaLatency": 2.5, "isBackwardNode": 0, "colorClass": 1, "size": 7},
            {"name": "b", "id": 11, "supportedOnFpga": true, "cpuLatency": 9, "fpgaLatency": 1, "isBackwardNode": false, "colorClass": 2, "size": 0},
            {"name": "c", "id": 12, "supportedOnFpga": 1, "cpuLatency": 9, "fpgaLatency": 3, "isBackwardNode": 1, "colorClass": 1, "size": 1}],
            "edges": [{"sourceId": 10, "destId": 11, "cost": 0.5, "size": 64}, {"sourceId": 10, "destId": 12, "cost": 0.5, "size": 64},
                      {"sourceId": 11, "destId": 12, "cost": 0.25, "size": 32}]})";
        Graph g = mustParse(text, "m.json");
        QCOMPARE(g.format(), std::string("dnn-partitioning"));
        QCOMPARE(g.nodeCount(), 3);
        const NodeId a = *g.find("a"), b = *g.find("b"), c = *g.find("c");
        QCOMPARE(g.work(a), 2.5);
        QCOMPARE(g.param(a), 7.0);
        QCOMPARE(g.out(a), 0.5);
        QCOMPARE(g.out(b), 0.25);
        QCOMPARE(g.out(c), 0.0);
        QCOMPARE(g.group(a), g.group(c)); // colorClass 1 is shared
        QVERIFY(g.group(a) != kNoGroup);
        QCOMPARE(g.group(b), kNoGroup); // colorClass 2 is unique
        QCOMPARE(*g.memoryLimit(), 100.0);
        QCOMPARE(g.suggestedK(), 3);
        QCOMPARE(g.bandwidth(), 1.0);
        // Tensors are times, parameters bytes: the two units differ, and both survive
        // a round trip through pipecut JSON and DOT.
        QCOMPARE(g.units().size, std::string("ms"));
        QCOMPARE(g.units().paramUnit(), std::string("bytes"));
        QCOMPARE(mustParse(graphToJson(g), "m2.json").units().paramUnit(), std::string("bytes"));
        QCOMPARE(mustParse(graphToDot(g), "m2.dot").units().paramUnit(), std::string("bytes"));
        QCOMPARE(g.number(c), int64_t(12));
        QCOMPARE(index(*g.findNumber(11)), index(b));
        bool backwardNoted = false;
        for (const auto &note : g.notes())
            backwardNoted |= note.find("1 backward node") != std::string::npos;
        QVERIFY(backwardNoted);
    }

    void dnnPartitioningDuplicateNamesUseNumbers()
    {
        const std::string text = R"({"maxFPGAs": 2, "nodes": [
            {"name": "x", "id": 1, "fpgaLatency": 1, "size": 0},
            {"name": "x", "id": 2, "fpgaLatency": 1, "size": 0}],
            "edges": [{"sourceId": 1, "destId": 2, "cost": 1}]})";
        Graph g = mustParse(text, "dup.json");
        QVERIFY(g.find("1") && g.find("2"));
        QCOMPARE(g.op(*g.find("1")), std::string("x"));
    }

    void detectFormat_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("format");
        QTest::newRow("native") << QByteArray("{\"format\": \"pipecut-graph\"") << "x.txt"
                                << int(GraphFormat::PipecutJson);
        QTest::newRow("native no format key")
            << QByteArray("{\"nodes\": [{\"id\": \"a\"") << "x" << int(GraphFormat::PipecutJson);
        QTest::newRow("ms named .json") << QByteArray("{\"maxSizePerFPGA\": 1, \"nodes\"") << "model.json"
                                        << int(GraphFormat::DnnPartitioning);
        QTest::newRow("ms bom") << QByteArray("\xEF\xBB\xBF  {\"nodes\": [{\"fpgaLatency\": 1") << "m"
                                << int(GraphFormat::DnnPartitioning);
        QTest::newRow("piper") << QByteArray("{\"maxDevices\": 10, ") << "model.json" << int(GraphFormat::Piper);
        QTest::newRow("dot") << QByteArray("// c\ndigraph G {") << "g.json" << int(GraphFormat::Dot);
        QTest::newRow("strict dot") << QByteArray("strict digraph {") << "" << int(GraphFormat::Dot);
        QTest::newRow("pipedream") << QByteArray("node1 -- Input -- forward_compute_time=1.0, backward") << "g.json"
                                   << int(GraphFormat::PipeDream);
        QTest::newRow("onnx by bytes") << QByteArray("\x08\x07\x12\x07pytorch\x00", 12) << "model.bin"
                                       << int(GraphFormat::Onnx);
        QTest::newRow("onnx by extension") << QByteArray("\x08\x07\x12", 3) << "model.onnx" << int(GraphFormat::Onnx);
        QTest::newRow("extension tie-break dot") << QByteArray("") << "a.gv" << int(GraphFormat::Dot);
        QTest::newRow("garbage") << QByteArray("\x01\x02\x00\xff", 4) << "a.bin" << int(GraphFormat::Auto);
    }

    void detectFormat()
    {
        QFETCH(QByteArray, head);
        QFETCH(QString, path);
        QFETCH(int, format);
        QCOMPARE(
            int(pipecut::detectFormat(std::string_view(head.constData(), head.size()), path.toStdString())), format);
    }

    void formatNames()
    {
        for (GraphFormat f : { GraphFormat::PipecutJson, GraphFormat::DnnPartitioning, GraphFormat::PipeDream,
                 GraphFormat::Piper, GraphFormat::Dot, GraphFormat::Onnx })
            QCOMPARE(int(*parseFormatName(formatName(f))), int(f));
        QVERIFY(!parseFormatName("xml"));
    }

    void jsonRoundTripIsIdentical()
    {
        const Graph g = awkwardGraph();
        const std::string first = graphToJson(g);
        const Graph back = mustParse(first, "awkward.json");
        compareGraphs(g, back);
        QCOMPARE(graphToJson(back), first);
    }

    void jsonRoundTripRandomGraphs()
    {
        std::mt19937_64 rng(11);
        for (int t = 0; t < 100; ++t) {
            test::RandomGraphOptions o;
            o.maxNodes = 40;
            const Graph g = test::randomGraph(rng, o);
            const std::string text = graphToJson(g);
            const Graph back = mustParse(text, "random.json");
            compareGraphs(g, back);
            QCOMPARE(graphToJson(back), text);
        }
    }

    // pipecut JSON is read by a fast On-Demand pass that falls back to the
    // checking DOM pass on anything unexpected: both must build the same graph.
    void fastAndCheckedPassesAgree()
    {
        std::mt19937_64 rng(17);
        std::vector<std::string> texts = { graphToJson(awkwardGraph()) };
        for (int t = 0; t < 50; ++t) {
            test::RandomGraphOptions o;
            o.maxNodes = 30;
            texts.push_back(graphToJson(test::randomGraph(rng, o)));
        }
        // Key order, integers written as doubles, escapes, edges before nodes.
        texts.push_back(
            R"({"edges": [["a\u00e9", "b"]], "version": 1.0, "name": "k", "nodes": [{"out": 1, "work": 2, "id": "a\u00e9"},
                           {"id": "b", "work": 1e0, "out": 0, "op": null}], "format": "pipecut-graph"})");
        for (const std::string &text : texts) {
            auto fast = parseGraph(text, "t.json");
            auto checked = io::readPipecutJsonChecked(io::paddedCopy(text), "t.json", {});
            QVERIFY2(fast.ok() && checked.ok(), text.c_str());
            QCOMPARE(fast->format(), std::string("pipecut-json"));
            compareGraphs(*fast, *checked);
            QVERIFY(fast->notes() == checked->notes());
        }
    }

    void handWrittenJsonReadsAsSpecified()
    {
        // The pipecut JSON example of docs/model.md §5, with only the required fields on the second node.
        const std::string text = R"({"format": "pipecut-graph", "version": 1, "name": "tiny", "bandwidth": 2.0,
            "memory_limit": null, "units": {"time": "ms", "size": "bytes"},
            "nodes": [{"id": "n1", "op": "MatMul", "work": 0.7, "out": 2048, "param": 0,
                       "group": "g1", "scope": "encoder/layer_0/attention"},
                      {"id": "n2", "work": 1, "out": 0}],
            "edges": [["n1", "n2"]]})";
        const Graph g = mustParse(text, "tiny.json");
        QCOMPARE(g.name(), std::string("tiny"));
        QCOMPARE(g.bandwidth(), 2.0);
        QVERIFY(!g.memoryLimit());
        QCOMPARE(g.op(nodeId(0)), std::string("MatMul"));
        QCOMPARE(g.scope(nodeId(0)), std::string("encoder/layer_0/attention"));
        QCOMPARE(g.groupName(g.group(nodeId(0))), std::string("g1"));
        QCOMPARE(g.param(nodeId(1)), 0.0);
        QCOMPARE(g.edgeCount(), int64_t(1));
        QVERIFY(g.notes().empty());
    }

    void dotRoundTrip()
    {
        const Graph g = awkwardGraph();
        const Graph back = mustParse(graphToDot(g), "awkward.dot");
        compareGraphs(g, back);
        QCOMPARE(graphToJson(back), graphToJson(g));
    }

    void dotWithPartitionHasStagesAndColours()
    {
        const Graph g = test::specExample();
        Partition p(g.nodeCount(), 2);
        p.setStage(*g.find("c"), stageId(1));
        p.setStage(*g.find("d"), stageId(1));
        const std::string dot = graphToDot(g, &p);
        QVERIFY(dot.find("stage=2") != std::string::npos);
        QVERIFY(dot.find("#332288") != std::string::npos); // stage 1 colour
        QVERIFY(dot.find("#88CCEE") != std::string::npos); // stage 2 colour
        const Graph back = mustParse(dot, "staged.dot");
        compareGraphs(g, back);
    }

    void dotReaderAttributes()
    {
        const std::string text = R"(digraph "m" {
            graph [bandwidth=4, memory_limit=10];
            node [param=1];
            a [work=1.5, out=8, op=Conv, group=g, scope="x/y"];
            b [work=2, out=0, group=g];
            subgraph cluster_0 { c [work=0.25, out=1]; }
            a -> b -> c;
            a -> c;
        })";
        const Graph g = mustParse(text, "m.dot");
        QCOMPARE(g.format(), std::string("dot"));
        QCOMPARE(g.name(), std::string("m"));
        QCOMPARE(g.nodeCount(), 3);
        QCOMPARE(g.edgeCount(), int64_t(3));
        QCOMPARE(g.bandwidth(), 4.0);
        QCOMPARE(*g.memoryLimit(), 10.0);
        const NodeId a = *g.find("a");
        QCOMPARE(g.work(a), 1.5);
        QCOMPARE(g.out(a), 8.0);
        QCOMPARE(g.param(a), 1.0);
        QCOMPARE(g.op(a), std::string("Conv"));
        QCOMPARE(g.scope(a), std::string("x/y"));
        QCOMPARE(g.group(a), g.group(*g.find("b")));
        QCOMPARE(g.work(*g.find("c")), 0.25);
    }

    void pipeDreamMapping()
    {
        const std::string text
            = "node1 -- Input -- forward_compute_time=635.902, backward_compute_time=0.000, activation_size=100.0, "
              "parameter_size=0.000\n"
              "node2 -- Conv2d(3, 64, kernel_size=(11, 11)) -- forward_compute_time=22.316, "
              "backward_compute_time=6.405, activation_size=[6.0; 4.0], parameter_size=93184.000 -- stage_id=0\n"
              "node3 -- ReLU(inplace) -- forward_compute_time=0.5, backward_compute_time=0.1, activation_size=2.0, "
              "parameter_size=0.0\n"
              "\tnode1 -- node2\n"
              "\tnode2 -- node3\n";
        LoadOptions options;
        options.device = "v100-fp16";
        const Graph g = mustParse(text, "graph.txt", options);
        QCOMPARE(g.format(), std::string("pipedream"));
        const NodeId input = *g.find("node1"), conv = *g.find("node2");
        QCOMPARE(g.work(input), 0.0);
        QCOMPARE(g.out(input), 100.0);
        QCOMPARE(g.work(conv), 22.316);
        QCOMPARE(g.out(conv), 10.0); // a list of activations is summed
        QCOMPARE(g.param(conv), 93184.0);
        QCOMPARE(g.op(conv), std::string("Conv2d"));
        QCOMPARE(g.units().time, std::string("ms"));
        QCOMPARE(g.bandwidth(), 150e9 / 1000); // V100 NVLink, bytes per ms
        bool inputNoted = false, deviceNoted = false;
        for (const auto &note : g.notes()) {
            inputNoted |= note.find("635.902") != std::string::npos;
            deviceNoted |= note.find("v100-fp16") != std::string::npos;
        }
        QVERIFY(inputNoted);
        QVERIFY(deviceNoted);
    }

    void piperMapping()
    {
        const std::string text
            = R"({"maxDevices": 4, "maxMemoryPerDevice": 1000.0, "bandwidth": 2000.0, "mbsInBatch": 8,
            "nodes": [{"id": 0, "name": "emb", "TMPCs": {"1": [{"id": "vanilla", "timePerSample": 2.5, "parameterSize": 40.0},
                                                             {"id": "activation recomp", "timePerSample": 9, "parameterSize": 1}]}},
                      {"id": 1, "name": "layer", "TMPCs": {"1": [{"id": "vanilla", "timePerSample": 1.0, "parameterSize": 0}]}},
                      {"id": 2, "name": "head", "TMPCs": {"1": [{"id": "vanilla", "timePerSample": 0.5, "parameterSize": 3}]}}],
            "edges": [{"sourceId": 0, "destId": 1, "communicationCost": 100.0}, {"sourceId": 0, "destId": 2, "communicationCost": 300.0},
                      {"sourceId": 1, "destId": 2, "communicationCost": 50.0}]})";
        const Graph g = mustParse(text, "p.json");
        QCOMPARE(g.format(), std::string("piper"));
        const NodeId emb = *g.find("emb");
        QCOMPARE(g.work(emb), 2.5);
        QCOMPARE(g.param(emb), 40.0);
        QCOMPARE(g.out(emb), 300.0); // largest over out-edges
        QCOMPARE(g.out(*g.find("head")), 0.0);
        QCOMPARE(g.bandwidth(), 2.0); // 2000 B/s = 2 B/ms: times are milliseconds
        QCOMPARE(*g.memoryLimit(), 1000.0);
        QCOMPARE(g.suggestedK(), 4);
        QCOMPARE(g.units().time, std::string("ms"));
    }

    void loadFromDiskAndWriteAtomically()
    {
        const QString dir
            = QDir::tempPath() + "/pipecut_io_test_" + QString::number(QCoreApplication::applicationPid());
        QDir().mkpath(dir);
        const std::string path = (dir + "/g.json").toStdString();
        const Graph g = test::specExample();
        QVERIFY(writeFileAtomically(path, graphToJson(g)).ok());
        QVERIFY(writeFileAtomically(path, graphToJson(g)).ok()); // replacing works too
        auto back = loadGraph(path);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
        compareGraphs(g, *back);
        QCOMPARE(back->sourcePath(), path);
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temporary left behind
        auto text = readFile(path);
        QVERIFY(text.ok());
        QCOMPARE(*text, graphToJson(g));
        QVERIFY(!writeFileAtomically(dir.toStdString() + "/missing/dir/x.json", "x").ok());
        QDir(dir).removeRecursively();
    }

    // Files of a MiB and more are mapped, with the parser's padding after the
    // end: whatever the size modulo the page, they load as when parsed from
    // memory (the padding falls in the file's last page or the page after it).
    void largeFilesAreMappedAtEverySizeModuloThePage()
    {
        GeneratorOptions go;
        go.family = "transformer";
        go.nodes = 20000;
        auto g = generateGraph(go);
        QVERIFY(g.ok());
        const std::string text = graphToJson(*g);
        QVERIFY(text.size() > (2u << 20));
        const QString dir
            = QDir::tempPath() + "/pipecut_map_test_" + QString::number(QCoreApplication::applicationPid());
        QDir().mkpath(dir);
        const std::string path = (dir + "/big.json").toStdString();
        const size_t page = 4096;
        for (const size_t remainder : { size_t(0), size_t(1), page - 64, page - 1 }) {
            const std::string padded = text + std::string((remainder + page - text.size() % page) % page, ' ');
            QCOMPARE(padded.size() % page, remainder);
            QVERIFY(writeFileAtomically(path, padded).ok());
            auto back = loadGraph(path);
            QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
            compareGraphs(*g, *back);
        }
        QDir(dir).removeRecursively();
    }
};

QTEST_GUILESS_MAIN(TestGraphIo)
#include "tst_graph_io.moc"
