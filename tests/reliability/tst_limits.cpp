// Resource limits: each is configurable from the CLI and the core
// option structs, and every refusal states the limit it hit. Refusals happen
// before the memory is allocated (ideal-dp counts ideals first; the MIP sizes
// are computed from the classes before any model is built).
#include "core/bounds/bound.h"
#include "core/cli/cli.h"
#include "core/io/graph_io.h"
#include "core/partition/partitioner.h"
#include "core/util/limits.h"
#include "tests/support/cli_run.h"
#include "tests/support/test_graphs.h"

#include <QTemporaryDir>
#include <QTest>

using namespace pipecut;

namespace {

using Run = test::CliRun;
using test::cli;

// Three parallel chains of 12 between a source and a sink: 13^3 + 2 ideals.
Graph chains()
{
    std::vector<NodeSpec> nodes = { { .id = "s", .work = 1, .out = 1 }, { .id = "t", .work = 1, .out = 1 } };
    test::IndexEdges edges;
    for (int c = 0; c < 3; ++c) {
        int32_t prev = 0; // the source
        for (int i = 0; i < 12; ++i) {
            const auto v = static_cast<int32_t>(nodes.size());
            nodes.push_back({ .id = "c" + std::to_string(c) + "_" + std::to_string(i),
                .work = 1.0 + (i + c) % 4,
                .out = 1.0 + i % 3 });
            edges.emplace_back(prev, v);
            prev = v;
        }
        edges.emplace_back(prev, 1); // the sink
    }
    return test::graphFromEdges("chains", nodes, edges);
}

} // namespace

class TestLimits : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_example, m_chains;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_example = (m_dir.path() + "/example.json").toStdString();
        m_chains = (m_dir.path() + "/chains.json").toStdString();
        QVERIFY(writeFileAtomically(m_example, graphToJson(test::specExample())).ok());
        QVERIFY(writeFileAtomically(m_chains, graphToJson(chains())).ok());
    }

    void cli_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *name, QStringList args, int code, const char *message) {
            QTest::newRow(name) << args << code << QString(message);
        };
        row("max nodes", { "info", "EXAMPLE", "--max-nodes", "3" }, 3,
            "4 nodes exceed the limit of 3 nodes (--max-nodes)");
        row("max edges", { "info", "EXAMPLE", "--max-edges", "2" }, 3,
            "4 edges exceed the limit of 2 edges (--max-edges)");
        row("max file size", { "info", "EXAMPLE", "--max-file-size", "100" }, 3,
            "over the limit of 100 bytes (--max-file-size)");
        row("file size suffix", { "info", "CHAINS", "--max-file-size", "2K" }, 3, "over the limit of 2048 bytes");
        row("file size fits", { "info", "EXAMPLE", "--max-file-size", "1M" }, 0, "");
        row("bad max nodes", { "info", "EXAMPLE", "--max-nodes", "lots" }, 2,
            "--max-nodes needs a positive whole number");
        row("zero max nodes", { "info", "EXAMPLE", "--max-nodes", "0" }, 2,
            "--max-nodes needs a positive whole number");
        row("bad suffix", { "info", "EXAMPLE", "--max-file-size", "3Q" }, 2, "--max-file-size needs");
        row("size overflow", { "partition", "EXAMPLE", "--memory-budget", "99999999999T" }, 2, "--memory-budget needs");
        row("ideal cap", { "partition", "CHAINS", "-k", "4", "--method", "ideal-dp", "--max-ideals", "100" }, 3,
            "more than 100 ideals (the cap)");
        row("ideal-dp memory", { "partition", "CHAINS", "-k", "4", "--method", "ideal-dp", "--memory-budget", "64K" },
            3, "of tables, over the memory budget of 64 KiB");
        row("ideal-dp fits", { "partition", "CHAINS", "-k", "4", "--method", "ideal-dp", "--memory-budget", "1M" }, 0,
            "");
        row("mip columns", { "partition", "CHAINS", "-k", "4", "--method", "mip", "--max-mip-columns", "50" }, 3,
            "mip refused: its MIP has");
        row("mip memory", { "partition", "CHAINS", "-k", "4", "--method", "mip", "--memory-budget", "10K" }, 3,
            ", over the memory budget of 10 KiB");
        row("bound mip memory", { "bound", "CHAINS", "-k", "4", "--method", "mip", "--memory-budget", "10K" }, 3,
            "mip refused: its MIP (");
        row("bound mip columns", { "bound", "CHAINS", "-k", "4", "--method", "mip", "--max-mip-columns", "50" }, 3,
            "over the limit of 50 columns");
        row("bound anchor memory", { "bound", "CHAINS", "-k", "4", "--method", "anchor", "--memory-budget", "10K" }, 3,
            "anchor refused: its MIP (");
        row("bound ideal-dp budget", { "bound", "CHAINS", "-k", "4", "--method", "ideal-dp", "--memory-budget", "10K" },
            0, "");
    }

    void cli()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        std::vector<std::string> a;
        for (const QString &s : args)
            a.push_back(s == "EXAMPLE" ? m_example : s == "CHAINS" ? m_chains : s.toStdString());
        const Run r = test::cli(a);
        QVERIFY2(r.code == code, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err.c_str())));
        QVERIFY2(QString::fromStdString(r.err).contains(message), r.err.c_str());
    }

    // "best" leaves out the MIP methods it may not build and still proves a bound.
    void bestRespectsLimits()
    {
        const Graph g = chains();
        BoundOptions o;
        o.k = 4;
        o.exclude = { "ideal-dp" };
        o.maxMipColumns = 50;
        o.useCache = false;
        o.timeLimit = 20;
        auto r = runBound(g, CostParams::fromGraph(g), o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        // Only the bounds that build no MIP remain.
        QVERIFY2(r->provenBy == "combinatorial" || r->provenBy == "boundary" || r->provenBy == "relaxed-chain",
            r->provenBy.c_str());
        QVERIFY(r->lowerBound > 0);
        o.maxMipColumns = 0;
        auto unlimited = runBound(g, CostParams::fromGraph(g), o);
        QVERIFY(unlimited.ok());
        QVERIFY(unlimited->lowerBound >= r->lowerBound);
    }

    void optionsValidate()
    {
        PartitionOptions p;
        p.memoryBudget = -1;
        QVERIFY(!p.validate().ok());
        BoundOptions b;
        b.maxMipColumns = -5;
        QVERIFY(!b.validate().ok());
    }

    void formatBytes()
    {
        QCOMPARE(pipecut::formatBytes(12), std::string("12 bytes"));
        QCOMPARE(pipecut::formatBytes(65536), std::string("64 KiB"));
        QCOMPARE(pipecut::formatBytes(1.5 * 1024 * 1024), std::string("1.5 MiB"));
        QCOMPARE(pipecut::formatBytes(double(kDefaultMemoryBudget)), std::string("6 GiB"));
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
