// One test row per reader error message: malformed, truncated, wrong types,
// unknown endpoints, cycles, NaN, negative costs, empty files, garbage bytes,
// deep nesting, limits. Every message must name the file and the place.
#include "core/io/graph_io.h"
#include "tests/support/test_graphs.h"

#include <QTest>

#include <random>

using namespace pipecut;

namespace {

const char *kGood = R"({"format": "pipecut-graph", "version": 1, "name": "g",
"nodes": [{"id": "a", "work": 1, "out": 2},
          {"id": "b", "work": 3, "out": 4, "param": 5}],
"edges": [["a", "b"]]})";

QString node(const char *fields)
{
    return QString(R"({"nodes": [%1], "edges": []})").arg(fields);
}

} // namespace

class TestIoErrors : public QObject {
    Q_OBJECT
private slots:
    void goodBaseline()
    {
        auto g = parseGraph(kGood, "g.json");
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
    }

    void messages_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const QByteArray &content, const char *file, const char *expected) {
            QTest::newRow(name) << content << QString(file) << QString(expected);
        };
        // --- pipecut JSON
        row("empty", "", "g.json", "g.json: the file is empty");
        row("blank", " \n\t ", "g.json", "g.json: the file holds only white space");
        row("garbage bytes", QByteArray("\x00\x13\xfe\xff\x01garbage", 12), "g.json",
            "g.json: cannot tell the format of this file (binary content)");
        row("truncated object", R"({"format": "pipecut-graph", "nodes": [{"id": "a", "work": 1)", "g.json",
            "g.json: line 1, column 60: unexpected end of file (unclosed object)");
        row("truncated string", "{\"nodes\": [{\"id\": \"a", "g.json",
            "g.json: line 1, column 19: unterminated string");
        row("missing comma", "{\"nodes\": [{\"id\": \"a\"\n \"work\": 1}]}", "g.json",
            "g.json: line 2, column 2: expected ',' or '}', found '\"'");
        row("nan literal", node(R"({"id": "a", "work": NaN, "out": 1})").toUtf8(), "g.json",
            "g.json: line 1, column 32: invalid literal 'NaN'");
        row("infinity literal", node(R"({"id": "a", "work": -Infinity, "out": 1})").toUtf8(), "g.json",
            "g.json: line 1, column 32: invalid number");
        row("huge number", node(R"({"id": "a", "work": 1e999, "out": 1})").toUtf8(), "g.json",
            "g.json: line 1, column 32: number 1e999 is too large for a double");
        row("trailing content", QByteArray(kGood) + " x", "g.json",
            "g.json: line 4, column 24: unexpected content after the end");
        row("bad utf8", "{\"nodes\": [{\"id\": \"a\xff\", \"work\": 1, \"out\": 1}]}", "g.json",
            "g.json: line 1, column 21: invalid UTF-8 in a string");
        row("control char", "{\"nodes\": [{\"id\": \"a\x01\", \"work\": 1, \"out\": 1}]}", "g.json",
            "g.json: line 1, column 21: unescaped control character");
        row("deep nesting", QByteArray(100000, '[') + QByteArray(100000, ']'), "g.json",
            "g.json: line 1, column 257: nesting deeper than 256 levels");
        row("deep nesting objects", QByteArray("{\"nodes\": ") + QByteArray(5000, '[') + QByteArray(5000, ']') + "}",
            "g.json", "nesting deeper than 256 levels");
        row("top level array", "[1, 2]", "g.json", "g.json: the top level must be an object, not an array");
        row("unknown format", R"({"format": "pipecut-graph2", "nodes": []})", "g.json",
            "g.json: unknown format 'pipecut-graph2'");
        row("format type", R"({"format": 3, "nodes": []})", "g.json",
            "g.json: \"format\" must be a string, not a number");
        row("newer version", R"({"format": "pipecut-graph", "version": 2, "nodes": []})", "g.json",
            "g.json: version 2 is not supported");
        row("no nodes key", R"({"format": "pipecut-graph"})", "g.json", "g.json: missing \"nodes\"");
        row("nodes not array", R"({"nodes": {}})", "g.json", "g.json: \"nodes\" must be an array, not an object");
        row("no nodes", R"({"nodes": []})", "g.json", "g.json: the graph has no nodes");
        row("node not object", R"({"nodes": [3]})", "g.json", "g.json: node #1 must be an object, not a number");
        row("missing id", node(R"({"work": 1, "out": 1})").toUtf8(), "g.json", "g.json: node #1: missing \"id\"");
        row("id type", node(R"({"id": 7, "work": 1, "out": 1})").toUtf8(), "g.json",
            "g.json: node #1: \"id\" must be a string, not a number");
        row("missing work", node(R"({"id": "a", "out": 1}, {"id": "b", "out": 1})").toUtf8(), "g.json",
            "g.json: node #1 (id 'a'): missing \"work\"");
        row("missing out", node(R"({"id": "a", "work": 1, "out": 1}, {"id": "b", "work": 1})").toUtf8(), "g.json",
            "g.json: node #2 (id 'b'): missing \"out\"");
        row("work type names id given later", node(R"({"work": "1", "id": "a", "out": 1})").toUtf8(), "g.json",
            "g.json: node #1 (id 'a'): \"work\" must be a number, not a string");
        row("group type", node(R"({"id": "a", "work": 1, "out": 1, "group": 4})").toUtf8(), "g.json",
            "g.json: node #1 (id 'a'): \"group\" must be a string, not a number");
        row("negative", node(R"({"id": "a", "work": 1, "out": 1}, {"id": "b", "work": -1, "out": 1})").toUtf8(),
            "g.json", "g.json: node 'b' has invalid work -1 (costs must be finite and >= 0)");
        row("duplicate id", node(R"({"id": "a", "work": 1, "out": 1}, {"id": "a", "work": 1, "out": 1})").toUtf8(),
            "g.json", "g.json: duplicate node id 'a' (nodes #1 and #2)");
        row("unknown endpoint", R"({"nodes": [{"id": "a", "work": 1, "out": 1}], "edges": [["a", "q"]]})", "g.json",
            "g.json: edge a -> q names unknown node 'q'");
        row("edge not pair", R"({"nodes": [{"id": "a", "work": 1, "out": 1}], "edges": [["a"]]})", "g.json",
            "g.json: edge #1 must have exactly 2 entries");
        row("edge endpoint type", R"({"nodes": [{"id": "a", "work": 1, "out": 1}], "edges": [["a", 2]]})", "g.json",
            "g.json: edge #1: the target must be a node id string, not a number");
        row("self loop", R"({"nodes": [{"id": "a", "work": 1, "out": 1}], "edges": [["a", "a"]]})", "g.json",
            "g.json: self-loop on node 'a'");
        row("cycle", R"({"nodes": [{"id": "a", "work": 1, "out": 1}, {"id": "b", "work": 1, "out": 1}],
                        "edges": [["a", "b"], ["b", "a"]]})",
            "g.json", "g.json: the graph has a cycle: 'a' -> 'b' -> 'a'");
        row("zero bandwidth", R"({"bandwidth": 0, "nodes": [{"id": "a", "work": 1, "out": 1}]})", "g.json",
            "g.json: bandwidth must be a positive finite number, not 0");
        row("memory limit type", R"({"memory_limit": "big", "nodes": []})", "g.json",
            "g.json: \"memory_limit\" must be a number or null, not a string");
        // --- dnn-partitioning
        row("dnn latency type",
            R"({"maxFPGAs": 2, "nodes": [{"id": 1, "name": "a", "fpgaLatency": "x"}], "edges": []})", "m.json",
            "m.json: node #1 (id 1): \"fpgaLatency\" must be a number, not a string");
        row("dnn unknown endpoint", R"({"maxFPGAs": 2, "nodes": [{"id": 1, "fpgaLatency": 1}],
                                        "edges": [{"sourceId": 1, "destId": 9, "cost": 1}]})",
            "m.json", "m.json: edge #1: \"destId\" names unknown node id 9");
        row("dnn duplicate id",
            R"({"maxFPGAs": 2, "nodes": [{"id": 1, "fpgaLatency": 1}, {"id": 1, "fpgaLatency": 1}], "edges": []})",
            "m.json", "m.json: node #2 (id 1): duplicate node id 1");
        row("dnn negative cost",
            R"({"maxFPGAs": 2, "nodes": [{"id": 1, "name": "a", "fpgaLatency": 1}, {"id": 2, "name": "b", "fpgaLatency": 1}],
                                     "edges": [{"sourceId": 1, "destId": 2, "cost": -3}]})",
            "m.json", "m.json: node 'a' has invalid out -3");
        // --- Piper
        row("piper no vanilla", R"({"maxDevices": 2, "bandwidth": 1, "nodes": [{"id": 0, "name": "a",
                                     "TMPCs": {"1": [{"id": "recomp", "timePerSample": 1, "parameterSize": 1}]}}], "edges": []})",
            "p.json", "p.json: node #1 (id 0): TMPCs[\"1\"] has no configuration with id \"vanilla\"");
        row("piper no bandwidth", R"({"maxDevices": 2, "nodes": [], "edges": []})", "p.json",
            "p.json: missing \"bandwidth\"");
        // --- PipeDream
        row("pipedream bad number",
            "node1 -- Conv2d -- forward_compute_time=abc, backward_compute_time=0, "
            "activation_size=1, parameter_size=0\n",
            "graph.txt", "graph.txt:1: node 'node1': forward_compute_time is not a number: 'abc'");
        row("pipedream bad line",
            "node1 -- Conv2d -- forward_compute_time=1, backward_compute_time=0, "
            "activation_size=1, parameter_size=0\nhello world\n",
            "graph.txt", "graph.txt:2: expected 'nodeN -- Description -- forward_compute_time=...'");
        row("pipedream missing size", "node1 -- Conv2d -- forward_compute_time=1, backward_compute_time=0\n",
            "graph.txt", "graph.txt:1: node 'node1' lacks activation_size");
        row("pipedream unknown endpoint",
            "node1 -- Conv2d -- forward_compute_time=1, backward_compute_time=0, "
            "activation_size=1, parameter_size=0\n\tnode1 -- node7\n",
            "graph.txt", "graph.txt:2: edge node1 -> node7 names unknown node 'node7'");
        row("pipedream bad list",
            "node1 -- X -- forward_compute_time=1, backward_compute_time=0, "
            "activation_size=[1.0; x], parameter_size=0\n",
            "graph.txt", "graph.txt:1: node 'node1': activation_size is not a number: '[1.0; x]'");
        // --- DOT
        row("dot syntax", "digraph g {\n a [work=1, out=1];\n a -> ;\n}", "g.dot",
            "g.dot: Error: syntax error in line 3");
        row("dot missing work", "digraph g { a [out=1]; }", "g.dot", "g.dot: node 'a' has no work attribute");
        row("dot bad number", "digraph g { a [work=fast, out=1]; }", "g.dot",
            "g.dot: node 'a': work is not a number: 'fast'");
        row("dot undirected", "graph g { a [work=1, out=1]; }", "g.dot", "g.dot: the DOT graph is undirected");
        row("dot nan", "digraph g { a [work=nan, out=1]; }", "g.dot", "g.dot: node 'a' has invalid work nan");
        row("dot cycle", "digraph g { node [work=1, out=1]; a -> b -> a; }", "g.dot", "g.dot: the graph has a cycle");
        row("dot binary", QByteArray("digraph g { a [work=1, out=1]; }\0junk", 37), "g.dot", "g.dot: binary data");
    }

    void messages()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, file);
        QFETCH(QString, expected);
        auto g = parseGraph(std::string_view(content.constData(), content.size()), file.toStdString());
        QVERIFY2(!g.ok(), "parsed although it should not");
        QVERIFY2(QString::fromStdString(g.error()).contains(expected), g.error().c_str());
    }

    void dotWorksAfterASyntaxError()
    {
        QVERIFY(!parseGraph("digraph { a -> ; }", "bad.dot").ok());
        auto g = parseGraph("digraph { a [work=1, out=2]; }", "good.dot");
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        QCOMPARE(g->out(nodeId(0)), 2.0);
    }

    void limits()
    {
        LoadOptions options;
        options.maxNodes = 1;
        auto g = parseGraph(kGood, "g.json", options);
        QVERIFY(!g.ok());
        QVERIFY2(QString::fromStdString(g.error()).contains("g.json: 2 nodes exceed the limit of 1 nodes"),
            g.error().c_str());
        options = {};
        options.maxEdges = 0;
        g = parseGraph(kGood, "g.json", options);
        QVERIFY(!g.ok());
        QVERIFY2(QString::fromStdString(g.error()).contains("1 edges exceed the limit of 0 edges"), g.error().c_str());
        options = {};
        options.maxFileBytes = 10;
        g = loadGraph(test::corpusPath("piper/inputs/gnmt.json"), options);
        QVERIFY(!g.ok());
        QVERIFY2(QString::fromStdString(g.error()).contains("over the limit of 10 bytes"), g.error().c_str());
        options = {};
        options.maxNodes = 10;
        g = loadGraph(test::corpusPath("pipedream/profiler/image_classification/profiles/vgg16/graph.txt"), options);
        QVERIFY(!g.ok());
        QVERIFY2(
            QString::fromStdString(g.error()).contains("11 nodes exceed the limit of 10 nodes"), g.error().c_str());
    }

    void unknownDevice()
    {
        LoadOptions options;
        options.device = "abacus";
        auto g
            = loadGraph(test::corpusPath("pipedream/profiler/image_classification/profiles/vgg16/graph.txt"), options);
        QVERIFY(!g.ok());
        QVERIFY2(QString::fromStdString(g.error()).contains("unknown device profile 'abacus'"), g.error().c_str());
    }

    void missingFileAndDirectory()
    {
        auto g = loadGraph("/nonexistent/dir/g.json");
        QVERIFY(!g.ok());
        QVERIFY2(
            QString::fromStdString(g.error()).startsWith("/nonexistent/dir/g.json: cannot open"), g.error().c_str());
        g = loadGraph(test::corpusPath("piper"));
        QVERIFY(!g.ok());
        QVERIFY2(QString::fromStdString(g.error()).contains("is a directory"), g.error().c_str());
        auto p = loadPartition("/nonexistent/p.json", test::specExample());
        QVERIFY(!p.ok());
        QVERIFY2(QString::fromStdString(p.error()).contains("/nonexistent/p.json: cannot open"), p.error().c_str());
    }

    // Corpus files cut at many points: always an error naming the file and a
    // line, never a crash.
    void truncatedCorpusFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("dnn") << "dnn-partitioning/throughput-inputs/LayerGraphs/bert24_inference.json";
        QTest::newRow("piper") << "piper/inputs/gnmt.json";
        QTest::newRow("pipedream") << "pipedream/profiler/image_classification/profiles/alexnet/graph.txt";
    }

    void truncatedCorpusFiles()
    {
        QFETCH(QString, file);
        auto text = readFile(test::corpusPath(file.toStdString()));
        QVERIFY(text.ok());
        const std::string name = file.section('/', -1).toStdString();
        for (double fraction : { 0.01, 0.1, 0.33, 0.5, 0.77, 0.999 }) {
            const std::string cut = text->substr(0, size_t(double(text->size()) * fraction));
            auto g = parseGraph(cut, name);
            // A PipeDream file cut between lines is still a valid (smaller) graph
            // when no edge names a missing node; JSON never is.
            if (g.ok()) {
                QVERIFY2(file.startsWith("pipedream"), cut.c_str());
                continue;
            }
            QVERIFY2(
                QString::fromStdString(g.error()).startsWith(QString::fromStdString(name + ":")), g.error().c_str());
            if (!file.startsWith("pipedream"))
                QVERIFY2(QString::fromStdString(g.error()).contains("line "), g.error().c_str());
        }
    }

    // Random byte damage never crashes a reader or hangs it.
    void mutatedInputsNeverCrash()
    {
        std::mt19937_64 rng(3);
        const std::string dot = graphToDot(test::specExample());
        const std::string json = graphToJson(test::specExample());
        const std::string dream = "node1 -- Input -- forward_compute_time=1.0, backward_compute_time=0.0, "
                                  "activation_size=[1.0; 2.0], parameter_size=0.0\n"
                                  "node2 -- ReLU -- forward_compute_time=1.0, backward_compute_time=0.0, "
                                  "activation_size=1.0, parameter_size=0.0\n\tnode1 -- node2\n";
        int failures = 0;
        for (int t = 0; t < 3000; ++t) {
            const std::string &base = t % 3 == 0 ? dot : t % 3 == 1 ? json : dream;
            std::string s = base;
            const int edits = 1 + int(rng() % 4);
            for (int e = 0; e < edits; ++e) {
                const size_t at = rng() % s.size();
                switch (rng() % 3) {
                case 0:
                    s[at] = char(rng() % 256);
                    break;
                case 1:
                    s.erase(at, 1 + rng() % 8);
                    break;
                default:
                    s.insert(at, 1, "{}[]\",:-e0\n\\"[rng() % 13]);
                    break;
                }
                if (s.empty())
                    s = "x";
            }
            const char *names[] = { "m.dot", "m.json", "graph.txt" };
            auto g = parseGraph(s, names[t % 3]);
            if (!g.ok()) {
                ++failures;
                QVERIFY2(g.error().rfind(names[t % 3], 0) == 0, g.error().c_str());
            }
        }
        QVERIFY(failures > 0);
    }
};

QTEST_GUILESS_MAIN(TestIoErrors)
#include "tst_io_errors.moc"
