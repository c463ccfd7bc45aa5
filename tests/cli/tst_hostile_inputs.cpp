// Hostile inputs through pipecut-cli: for each, the exit status and
// the one error line. Exit 3 is bad input (docs/model.md §7), 2 bad usage, 0 success.
// The parsers' messages in detail are in tests/io/tst_io_errors.cpp; here every
// format gets the same abuse at the command line, where users meet it.
#include "core/cli/cli.h"
#include "core/io/graph_io.h"
#include "tests/onnx/model_builder.h"
#include "tests/support/cli_run.h"
#include "tests/support/test_graphs.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace pipecut;

namespace {

using Run = test::CliRun;
using test::cli;

const char *kNode = "forward_compute_time=1.0, backward_compute_time=0.0, activation_size=4.0, parameter_size=0.0";

QByteArray dreamNode(int i, const char *costs = kNode)
{
    return QByteArray("node") + QByteArray::number(i) + " -- Op -- " + costs + "\n";
}

QByteArray piperNode(int id, double time)
{
    return QByteArray(R"({"id": )") + QByteArray::number(id) + R"(, "name": "n)" + QByteArray::number(id)
        + R"(", "TMPCs": {"1": [{"id": "vanilla", "timePerSample": )" + QByteArray::number(time)
        + R"(, "parameterSize": 0}]}})";
}

QByteArray piper(const QByteArray &nodes, const QByteArray &edges)
{
    return R"({"maxDevices": 2, "bandwidth": 1e9, "nodes": [)" + nodes + R"(], "edges": [)" + edges + "]}";
}

QByteArray dnn(const QByteArray &nodes, const QByteArray &edges)
{
    return R"({"maxFPGAs": 2, "nodes": [)" + nodes + R"(], "edges": [)" + edges + "]}";
}

const char *kGraph = R"({"format": "pipecut-graph", "version": 1, "name": "g",)"
                     R"("nodes": [{"id": "a", "work": 2, "out": 1}, {"id": "b", "work": 3, "out": 2},)"
                     R"({"id": "c", "work": 4, "out": 2}, {"id": "d", "work": 1, "out": 0}],)"
                     R"("edges": [["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"]]})";

} // namespace

class TestHostileInputs : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string write(const QString &name, const QByteArray &bytes) const
    {
        const std::string path = (m_dir.path() + "/" + name).toStdString();
        if (!writeFileAtomically(path, std::string_view(bytes.constData(), size_t(bytes.size()))).ok())
            qFatal("cannot write %s", path.c_str());
        return path;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Graph files: `pipecut-cli info FILE`.
    void graphs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const auto row
            = [](const char *name, const char *file, const QByteArray &content, int code, const char *message) {
                  QTest::newRow(name) << QString(file) << content << code << QString(message);
              };
        QByteArray garbage(4096, '\0');
        for (int i = 0; i < garbage.size(); ++i)
            garbage[i] = char((i * 7919 + 13) % 251);
        const QByteArray json = graphToJson(test::specExample()).c_str();
        const QByteArray dot = graphToDot(test::specExample()).c_str();

        // Empty files and binary garbage, by extension.
        for (const char *file : { "e.json", "graph.txt", "e.dot", "e" })
            row(qPrintable(QString("empty ") + file), file, "", 3, "empty");
        row("empty e.onnx", "e.onnx", "", 3, "not an ONNX model");
        row("garbage json", "x.json", garbage, 3, "cannot tell the format of this file (binary content)");
        row("garbage txt", "graph.txt", garbage, 3, "cannot tell the format of this file (binary content)");
        row("garbage dot", "x.dot", garbage, 3, "binary data (a NUL byte) in a DOT file");
        row("garbage onnx", "x.onnx", garbage, 3, "x.onnx");
        row("garbage forced dot", "x.dot", QByteArray("digraph {") + garbage, 3, "binary data");

        // Truncated files of the text formats (ONNX: tests/onnx badFiles).
        row("truncated pipecut json", "t.json", json.left(json.size() / 2), 3, "unexpected end of file");
        row("truncated dot", "t.dot", dot.left(dot.size() / 2), 3, "t.dot: line ");
        row("truncated dnn", "t.json", dnn("{\"id\": 1, \"fpgaLatency\": 1}, {\"id\": 2, \"fpg", "").left(70), 3,
            "unterminated string");
        row("truncated piper", "t.json", piper(piperNode(0, 1), "").left(60), 3, "unexpected end of file");
        row("truncated pipedream line", "graph.txt", dreamNode(1).left(40), 3, "graph.txt:1");

        // Deep nesting in every JSON format.
        const QByteArray deep = QByteArray(3000, '[') + QByteArray(3000, ']');
        row("deep dnn", "d.json", R"({"maxFPGAs": 2, "nodes": )" + deep + "}", 3, "nesting deeper than 256 levels");
        row("deep piper", "d.json", R"({"bandwidth": 1, "nodes": )" + deep + "}", 3, "nesting deeper than 256 levels");

        // Ten-million-node claims in small files read as what they hold.
        row("pipedream node10000000", "graph.txt", dreamNode(10000000), 0, "");
        row("dnn id 10000000", "c.json",
            dnn(R"({"id": 10000000, "fpgaLatency": 1}, {"id": 1, "fpgaLatency": 1})",
                R"({"sourceId": 10000000, "destId": 1, "cost": 1})"),
            0, "");
        row("number 10000000", "c.json",
            R"({"format": "pipecut-graph", "version": 1,)"
            R"("nodes": [{"id": "a", "work": 1, "out": 1, "number": 10000000}]})",
            0, "");

        // Odd ids: a NUL cannot be one (C strings, DOT); the rest are fine.
        row("NUL in id", "o.json", R"({"nodes": [{"id": "a\u0000b", "work": 1, "out": 1}]})", 3,
            "node #1 has a NUL character in its id");
        // (built from plain literals: moc misreads raw strings holding backslash-quote)
        const QByteArray oddId = "\"a\\\"\\n;->{}[]\\\\\"", wideId = "\"\\u00e9 \\u6f22 \\t\"";
        row("odd ids", "o.json",
            "{\"nodes\": [{\"id\": " + oddId + ", \"work\": 1, \"out\": 1}, {\"id\": " + wideId
                + ", \"work\": 1, \"out\": 1}], \"edges\": [[" + oddId + ", " + wideId + "]]}",
            0, "");

        // Duplicate nodes.
        row("duplicate pipedream", "graph.txt", dreamNode(1) + dreamNode(1), 3, "duplicate node id 'node1'");
        row("duplicate piper", "p.json", piper(piperNode(0, 1) + "," + piperNode(0, 1), ""), 3, "duplicate node id 0");
        row("duplicate dot statement", "d.dot", "digraph { a [work=1, out=1]; a [work=2]; }", 0, "");

        // Huge, tiny, NaN, infinite and negative costs.
        row("sum overflows", "h.json",
            R"({"nodes": [{"id": "a", "work": 1e308, "out": 1},)"
            R"({"id": "b", "work": 1e308, "out": 1}]})",
            3, "work values add up to more than the largest double");
        row("tiny", "h.json", R"({"nodes": [{"id": "a", "work": 4.9e-324, "out": 1e-310}]})", 0, "");
        row("pipedream nan", "graph.txt",
            dreamNode(1,
                "forward_compute_time=nan, backward_compute_time=0, "
                "activation_size=1, parameter_size=0"),
            3, "invalid work");
        row("pipedream inf", "graph.txt",
            dreamNode(1,
                "forward_compute_time=1, backward_compute_time=0, "
                "activation_size=inf, parameter_size=0"),
            3, "invalid out");
        row("pipedream negative", "graph.txt",
            dreamNode(1,
                "forward_compute_time=1, backward_compute_time=0, "
                "activation_size=1, parameter_size=-5"),
            3, "invalid param");
        row("piper negative", "p.json", piper(piperNode(0, -1), ""), 3, "invalid work -1");
        row("dnn negative size", "n.json", dnn(R"({"id": 1, "fpgaLatency": 1, "size": -2})", ""), 3,
            "invalid param -2");
        row("dot infinite", "i.dot", "digraph { a [work=inf, out=1]; }", 3, "invalid work");
        row("dot negative", "i.dot", "digraph { a [work=1, out=-1]; }", 3, "invalid out -1");
        row("json 1e999", "i.json", R"({"nodes": [{"id": "a", "work": 1e999, "out": 1}]})", 3,
            "too large for a double");

        // Cycles and self-loops.
        row("pipedream cycle", "graph.txt", dreamNode(1) + dreamNode(2) + "\tnode1 -- node2\n\tnode2 -- node1\n", 3,
            "the graph has a cycle");
        row("pipedream self-loop", "graph.txt", dreamNode(1) + "\tnode1 -- node1\n", 3, "self-loop on node 'node1'");
        row("dnn cycle", "c.json",
            dnn(R"({"id": 1, "fpgaLatency": 1}, {"id": 2, "fpgaLatency": 1})",
                R"({"sourceId": 1, "destId": 2, "cost": 1}, {"sourceId": 2, "destId": 1, "cost": 1})"),
            3, "the graph has a cycle");
        row("piper self-loop", "p.json",
            piper(piperNode(0, 1), R"({"sourceId": 0, "destId": 0, "communicationCost": 1})"), 3, "self-loop");
        row("dot self-loop", "s.dot", "digraph { a [work=1, out=1]; a -> a; }", 3, "self-loop on node 'a'");
    }

    void graphs()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(int, code);
        QFETCH(QString, message);
        const std::string path = write(file, content);
        const Run r = cli({ "info", path, "--json" });
        QVERIFY2(r.code == code, qPrintable(QString("exit %1, stderr: %2").arg(r.code).arg(r.err.c_str())));
        if (code == 0)
            return;
        QVERIFY2(r.err.rfind("error: " + path, 0) == 0, r.err.c_str()); // one line naming the file first
        QCOMPARE(std::count(r.err.begin(), r.err.end(), '\n'), 1);
        QVERIFY2(QString::fromStdString(r.err).contains(message), r.err.c_str());
    }

    // Odd ids survive both writers: JSON and DOT back to the same graph.
    void oddIdsRoundTrip()
    {
        GraphBuilder b("odd");
        // (DOT cannot express a backslash just before the closing quote: not tried.)
        const char *ids[] = { "a\"b", "back\\slash", "new\nline", "\xc3\xa9 \xe6\xbc\xa2", "->", "{}[];,=", " " };
        for (const char *id : ids)
            b.addNode({ .id = id, .work = 1, .out = 1 });
        for (int i = 0; i + 1 < int(std::size(ids)); ++i)
            b.addEdge(ids[i], ids[i + 1]);
        const Graph g = b.build().value();
        for (const std::string &text : { graphToJson(g), graphToDot(g) }) {
            const bool isDot = text.rfind("digraph", 0) == 0;
            auto back = parseGraph(text, isDot ? "odd.dot" : "odd.json");
            QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
            QCOMPARE(back->nodeCount(), g.nodeCount());
            for (const char *id : ids)
                QVERIFY2(back->find(id).has_value(), (std::string(isDot ? "dot" : "json") + " lost id " + id).c_str());
        }
    }

    // Partitions: unknown nodes, the wrong k, truncated, deep, huge k claims.
    void partitions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("partition");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QByteArray head = R"({"format": "pipecut-partition", "version": 1, "graph": "g", )";
        const QByteArray good = head + R"("k": 2, "stages": [["a", "b"], ["c", "d"]]})";
        const QStringList evaluate { "evaluate", "GRAPH", "PARTITION" };
        QTest::newRow("good") << evaluate << good << 0 << "";
        QTest::newRow("unknown node") << evaluate << head + R"("k": 2, "stages": [["a", "b", "x"], ["c", "d"]]})" << 3
                                      << "stage 1 names unknown node 'x'";
        QTest::newRow("k 10000000") << evaluate << head + R"("k": 10000000, "stages": [["a", "b", "c", "d"]]})" << 3
                                    << "k = 10000000 but \"stages\" has 1 lists";
        QTest::newRow("k huge") << evaluate << head + R"("k": 1e300, "stages": [["a", "b", "c", "d"]]})" << 3 << "k";
        QTest::newRow("k negative") << evaluate << head + R"("k": -1, "stages": [["a", "b", "c", "d"]]})" << 3 << "k";
        QTest::newRow("truncated") << evaluate << good.left(good.size() - 9) << 3 << "unexpected end of file";
        QTest::newRow("deep") << evaluate << head + R"("stages": )" + QByteArray(5000, '[') << 3
                              << "nesting deeper than 256 levels";
        QTest::newRow("empty") << evaluate << QByteArray() << 3 << "empty";
        QTest::newRow("garbage") << evaluate << QByteArray("\x01\x02\xff\xfe", 4) << 3 << "line 1, column 1";
        QTest::newRow("start with the wrong k")
            << QStringList { "partition", "GRAPH", "-k", "3", "--start", "PARTITION" } << good << 3 << "k";
        QTest::newRow("report wrong k") << QStringList { "bound", "GRAPH", "-k", "3", "-p", "PARTITION" } << good << 3
                                        << "k";
    }

    void partitions()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, partition);
        QFETCH(int, code);
        QFETCH(QString, message);
        const std::string graph = write("g.json", kGraph), part = write("p.json", partition);
        std::vector<std::string> a;
        for (const QString &s : args)
            a.push_back(s == "GRAPH" ? graph : s == "PARTITION" ? part : s.toStdString());
        const Run r = cli(a);
        QVERIFY2(r.code == code, qPrintable(QString("exit %1, stderr: %2").arg(r.code).arg(r.err.c_str())));
        if (code == 0)
            return;
        QVERIFY2(r.err.rfind("error: ", 0) == 0, r.err.c_str());
        QVERIFY2(QString::fromStdString(r.err).contains(QString::fromStdString(part)), r.err.c_str());
        QVERIFY2(QString::fromStdString(r.err).contains(message), r.err.c_str());
    }

    // ONNX: a graph cycle and shapes whose element counts overflow 64 bits.
    void onnx_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("cycle") << 0 << 3 << "cycle";
        QTest::newRow("10^7 x 10^7 x 10^7 input") << 1 << 0 << "";
        QTest::newRow("10^18-element initializer") << 2 << 0 << "";
    }

    void onnx()
    {
        QFETCH(int, kind);
        QFETCH(int, code);
        QFETCH(QString, message);
        test::OnnxModelBuilder m;
        if (kind == 0) {
            m.input("x", { "2" });
            m.node("Add", { "x", "c" }, { "b" }, "first");
            m.node("Relu", { "b" }, { "c" }, "second");
            m.output("c");
        } else if (kind == 1) {
            m.input("x", { "10000000", "10000000", "10000000" });
            m.node("Relu", { "x" }, { "h" });
            m.node("MatMul", { "h", "h" }, { "y" });
            m.output("y");
        } else {
            m.input("x", { "2", "3" });
            m.init("w", { 1000000, 1000000, 1000000 }); // 10^18 elements, declared only
            m.node("MatMul", { "x", "w" }, { "y" });
            m.output("y");
        }
        const std::string path = write("m.onnx", QByteArray::fromStdString(m.bytes()));
        const Run r = cli({ "info", path, "--json" });
        QVERIFY2(r.code == code, qPrintable(QString("exit %1, stderr: %2").arg(r.code).arg(r.err.c_str())));
        if (code != 0)
            QVERIFY2(r.err.rfind("error: " + path, 0) == 0 && QString::fromStdString(r.err).contains(message),
                r.err.c_str());
    }

    // The real binary, for what only a process shows: the exit status and that
    // nothing but one error line reaches stderr.
    void realProcess()
    {
        const QString exe = qEnvironmentVariable("PIPECUT_CLI");
        if (exe.isEmpty())
            QSKIP("PIPECUT_CLI not set (run through ctest)");
        const std::string path = write("garbage.json", QByteArray("\xff\xfe\x00\x01", 4));
        QProcess p;
        p.start(exe, { "partition", QString::fromStdString(path), "-k", "2" });
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 3);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.startsWith("error: ") && err.count('\n') == 1, err.constData());
        QVERIFY(p.readAllStandardOutput().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHostileInputs)
#include "tst_hostile_inputs.moc"
