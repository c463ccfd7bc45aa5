// Regression tests of the hardening classes of docs/reliability.md, in
// process through runCli: one row per failure class, each failing without
// its fix (crashes, hangs, memory spent before a limit, lying error lines,
// accepting malformed input). The process-level checks (signals, standard
// output errors, address-space cap) are in tst_hostile_matrix.cpp.
#include "core/cli/cli.h"
#include "core/io/graph_io.h"
#include "core/util/text.h"
#include "tests/support/cli_run.h"
#include "tests/support/hostile_files.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

using namespace pipecut;
using namespace pipecut::test; // hostile::

class TestHardening : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string path(const std::string &name) const { return (m_dir.path() + "/").toStdString() + name; }
    std::string write(const std::string &name, const std::string &bytes) const
    {
        const std::string p = path(name);
        if (!writeFileAtomically(p, bytes).ok())
            qFatal("cannot write %s", p.c_str());
        return p;
    }
    // One "error: " line naming `file`, the exit status `code`.
    static void expectError(const test::CliRun &r, int code, const std::string &file, const char *contains = "")
    {
        QVERIFY2(r.code == code, (std::to_string(r.code) + ": " + r.err).c_str());
        QVERIFY2(r.err.rfind("error: ", 0) == 0, r.err.c_str());
        QVERIFY2(r.err.find('\n') == r.err.size() - 1, r.err.c_str());
        QVERIFY2(r.err.find(file) != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find(contains) != std::string::npos, r.err.c_str());
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // 1. Crashes.
    void recursiveOnnxFunctions()
    {
        for (const bool mutual : { false, true }) {
            const std::string p = write(mutual ? "mutual.onnx" : "self.onnx", hostile::onnxRecursiveFunction(mutual));
            expectError(test::cli({ "info", p }), 3, p, mutual ? "F -> G -> F" : "F -> F");
        }
    }
    void characterDevice() { expectError(test::cli({ "info", "/dev/zero" }), 3, "/dev/zero", "character device"); }
    void populationOverBudget()
    {
        std::string graph = R"({"format": "pipecut-graph", "version": 1, "nodes": [)";
        for (int i = 0; i < 1000; ++i)
            graph += (i ? ",{\"id\": \"n" : "{\"id\": \"n") + std::to_string(i) + "\", \"work\": 1, \"out\": 1}";
        graph += "]}";
        const std::string p = write("wide.json", graph);
        expectError(test::cli({ "partition", p, "-k", "4", "--method", "slicegraph", "--budget", "1000000x1",
                        "--memory-budget", "64M" }),
            3, p, "memory budget");
    }

    // 2. Hangs.
    void fifoWithoutWriter()
    {
        const std::string p = path("fifo.json");
        QCOMPARE(::mkfifo(p.c_str(), 0600), 0);
        expectError(test::cli({ "info", p }), 3, p, "empty");
        const std::string g = write("g.json", hostile::goodGraph());
        expectError(test::cli({ "evaluate", g, p }), 3, p, "empty");
    }
    void longDotTokens()
    {
        // Long tokens reach cgraph as placeholders and come back whole.
        const std::string id(10000, 'y');
        const std::string p = write("long.dot",
            "digraph g {\n  \"" + id + "\" [work=1, out=1, label=<" + std::string(9000, 'z')
                + ">];\n  b [work=1, out=1];\n  \"" + id + "\" -> b;\n  c [work=1, out=1, label=\"x\\\""
                + std::string(5000, 'q') + "\"];\n}\n");
        const auto r = test::cli({ "convert", p, "-o", path("long.json") });
        QVERIFY2(r.code == 0, r.err.c_str());
        auto g = loadGraph(path("long.json"));
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        QCOMPARE(g->nodeCount(), 3);
        QCOMPARE(g->edgeCount(), 1);
        QCOMPARE(g->id(NodeId(0)), id);
    }

    // 3. Memory spent before the limit.
    void fileSizeBeforeMapping()
    {
        // A sparse 64 GiB file: mapping it before the check would take minutes and the memory.
        const std::string p = path("sparse.json");
        {
            FILE *f = std::fopen(p.c_str(), "wb");
            QVERIFY(f);
            std::fclose(f);
        }
        QCOMPARE(::truncate(p.c_str(), int64_t(64) << 30), 0);
        expectError(test::cli({ "info", p, "--max-file-size", "1M" }), 3, p, "over the limit");
        ::unlink(p.c_str());
    }
    void dotEdgeProduct()
    {
        const std::string p = write("product.dot", hostile::dotEdgeProduct(3000));
        expectError(test::cli({ "info", p, "--max-edges", "1000" }), 3, p, "more than 1000 edges");
    }
    void partitionFromDevice()
    {
        const std::string g = write("g2.json", hostile::goodGraph());
        expectError(test::cli({ "evaluate", g, "/dev/zero" }), 3, "/dev/zero", "character device");
    }

    // 5. One honest line.
    void controlCharactersEscaped()
    {
        const std::string p = write("forged.json", hostile::forgedErrorLine());
        const auto r = test::cli({ "info", p });
        expectError(r, 3, p, "x\\nerror: forged");
        QCOMPARE(escapeControl("a\nb\r\x1b\x7f\xff"), std::string("a\\nb\\r\\x1b\\x7f\\xff"));
    }
    void lineDirectiveIgnored()
    {
        const std::string p = write("directive.dot", hostile::dotLineDirective());
        const auto r = test::cli({ "info", p });
        expectError(r, 3, p, "line 4");
        QVERIFY2(r.err.find("elsewhere") == std::string::npos, r.err.c_str());
    }
    void jsonPlaces()
    {
        const std::string big = write("big.json", hostile::hugeInteger());
        expectError(test::cli({ "info", big }), 3, big, "line 1, column");
        const std::string sur = write("surrogate.json", hostile::loneSurrogate());
        expectError(test::cli({ "info", sur }), 3, sur, "surrogate");
    }
    void protobufRecursionLimit()
    {
        const std::string p = write("deep.onnx", hostile::onnxNestedIf(40));
        expectError(test::cli({ "info", p }), 3, p, "recursion limit");
    }
    void evaluateOneLine()
    {
        const std::string g = write("g3.json", hostile::goodGraph());
        // a, b, c, d in stages 1, 0, 1, 0: three edges run backwards.
        const std::string p = write("bad-part.json",
            R"({"format": "pipecut-partition", "version": 1, "k": 2, "stages": [["b", "d"], ["a", "c"]]})");
        const auto r = test::cli({ "evaluate", g, p });
        QCOMPARE(r.code, 3);
        // The further violations are "note: also:" lines before the one error line, which is the last.
        const size_t error = r.err.find("error: ");
        QVERIFY2(error != std::string::npos && r.err.find('\n', error) == r.err.size() - 1, r.err.c_str());
        QVERIFY2(r.err.find("note: also: ") == 0, r.err.c_str());
    }

    // 6. Output integrity.
    void outputTargets()
    {
        const std::string g = write("g4.json", hostile::goodGraph());
        const std::string fifo = path("out-fifo.json");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        expectError(test::cli({ "convert", g, "-o", fifo }), 1, fifo, "not a regular file");
        struct stat st { };
        QVERIFY(::stat(fifo.c_str(), &st) == 0 && S_ISFIFO(st.st_mode));
        // A symbolic link is written through: the link stays, its target is replaced.
        const std::string target = write("target.json", "old");
        const std::string link = path("link.json");
        QCOMPARE(::symlink(target.c_str(), link.c_str()), 0);
        const auto r = test::cli({ "convert", g, "-o", link });
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(::lstat(link.c_str(), &st) == 0 && S_ISLNK(st.st_mode));
        QVERIFY(loadGraph(target).ok());
        const std::string dangling = path("dangling.json");
        QCOMPARE(::symlink(path("missing/none.json").c_str(), dangling.c_str()), 0);
        expectError(test::cli({ "convert", g, "-o", dangling }), 1, dangling, "missing");
    }
    void failingOutputStream()
    {
        std::ostringstream out, err;
        out.setstate(std::ios::badbit); // as a write to a full disk leaves std::cout
        const std::string g = write("g5.json", hostile::goodGraph());
        const int code = runCli({ "info", g }, { out, err });
        QCOMPARE(code, 1);
        QVERIFY2(err.str().find("error: standard output: write failed") == 0, err.str().c_str());
    }

    // 7. Malformed input refused.
    void duplicateKeys()
    {
        const std::string top = write("dup-top.json", hostile::duplicateTopKeys());
        expectError(test::cli({ "info", top }), 3, top, "duplicate key \"nodes\"");
        const std::string node = write("dup-node.json", hostile::duplicateNodeKeys());
        expectError(test::cli({ "info", node }), 3, node, "duplicate key \"work\" in the object at /nodes/0");
    }
    void trailingDot()
    {
        const std::string p = write("two.dot", hostile::dotTrailingGraph());
        expectError(test::cli({ "info", p }), 3, p, "line 4: content after the end of the graph");
    }
    void invalidUtf8Ids()
    {
        const std::string dot = write("utf.dot", hostile::dotBadUtf8Id());
        expectError(test::cli({ "info", dot }), 3, dot, "not valid UTF-8");
        const std::string dream = write("graph.txt", hostile::pipedreamBadUtf8Id());
        expectError(test::cli({ "info", dream, "--format", "pipedream" }), 3, dream, "not valid UTF-8");
    }
    void negativeOnnxDimension()
    {
        const std::string p = write("negative.onnx", hostile::onnxNegativeDimension());
        expectError(test::cli({ "info", p }), 3, p, "dimension -4");
    }
    void absurdOptions()
    {
        const std::string g = write("g6.json", hostile::goodGraph());
        for (const std::vector<std::string> &args :
            { std::vector<std::string> { "info", g, "--dim", "batch=99999999999999999999" },
                { "partition", g, "-k", "2", "--threads", "99999999999" }, { "info", g, "--device", "" } }) {
            const auto r = test::cli(args);
            QVERIFY2(r.code == 2 && r.err.rfind("error: --", 0) == 0, r.err.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestHardening)
#include "tst_hardening.moc"
