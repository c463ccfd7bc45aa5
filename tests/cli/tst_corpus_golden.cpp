// Partitions and bounds on the whole public corpus, bit for bit: every graph at
// k = 4 and 16 through pipecut-cli (in-process), with the deterministic methods
// (slice, slicegraph 10x10 seed 1, ideal-dp under a small cap, the combinatorial
// and anchor bounds), compared with tests/data/corpus_golden.tsv. Costs are
// printed with 17 significant digits and stages as a hash of the node-to-stage
// map, so any change in what the engine computes shows here; a refusal is kept
// with its exit status and message. A change meant to alter results rewrites the
// file with PIPECUT_UPDATE_GOLDEN=1 and says why in its commit.
#include "tests/support/cli_run.h"
#include "tests/support/corpus_files.h"
#include "tests/support/test_graphs.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace pipecut;

namespace {

std::string g17(double x)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return buf;
}

// FNV-1a over the stage arrays of a partition's JSON ("stages": [{"nodes": [...]}]).
std::string stageHash(const QJsonObject &o)
{
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const QByteArray &bytes) {
        for (char c : bytes) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
    };
    for (const QJsonValue &stage : o["stages"].toArray()) {
        for (const QJsonValue &node : stage.toObject()["nodes"].toArray())
            mix(node.toString().toUtf8() + '\n');
        mix("|");
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// One line: the command's exit status, then its result or its error line.
std::string outcome(const test::CliRun &r, const char *valueKey, bool withStages)
{
    std::string line = std::to_string(r.code);
    if (r.code != 0) {
        std::string err = r.err;
        while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
            err.pop_back();
        // The corpus' place on this machine is not part of the result.
        const std::string root = PIPECUT_CORPUS_DIR;
        for (std::size_t at; (at = err.find(root)) != std::string::npos;)
            err.replace(at, root.size(), "CORPUS");
        return line + "\t" + err;
    }
    const QJsonObject o = r.json();
    line += "\t" + g17(o[valueKey].toDouble());
    if (withStages)
        line += "\t" + stageHash(o);
    if (o.contains("proven_by"))
        line += "\t" + o["proven_by"].toString().toStdString();
    if (o.contains("optimal"))
        line += o["optimal"].toBool() ? "\toptimal" : "\t-";
    return line;
}

} // namespace

class TestCorpusGolden : public QObject {
    Q_OBJECT
private slots:
    void corpusMatchesGolden()
    {
        const std::vector<std::string> files = test::corpusGraphFiles(PIPECUT_CORPUS_DIR);
        QVERIFY(files.size() >= 40);
        std::string text;
        for (const std::string &rel : files) {
            const std::string path = test::corpusPath(rel);
            const QJsonObject info = test::cli({ "info", path, "--json" }).json();
            text += rel + "\tinfo\t" + std::to_string(info["nodes"].toInt()) + "\t"
                + std::to_string(info["edges"].toInt()) + "\t" + g17(info["total_work"].toDouble()) + "\t"
                + std::to_string(info["width"].toInt()) + "\n";
            for (const char *k : { "4", "16" }) {
                const std::string head = rel + "\tk=" + k + "\t";
                auto partition = [&](const std::vector<std::string> &extra) {
                    std::vector<std::string> args = { "partition", path, "-k", k, "--json" };
                    args.insert(args.end(), extra.begin(), extra.end());
                    return outcome(test::cli(args), "bottleneck", true);
                };
                auto bound = [&](const std::vector<std::string> &extra) {
                    std::vector<std::string> args = { "bound", path, "-k", k, "--json" };
                    args.insert(args.end(), extra.begin(), extra.end());
                    return outcome(test::cli(args), "lower_bound", false);
                };
                text += head + "slice\t" + partition({ "--method", "slice" }) + "\n";
                text += head + "slicegraph\t"
                    + partition({ "--method", "slicegraph", "--budget", "10x10", "--seed", "1" }) + "\n";
                text += head + "ideal-dp\t" + partition({ "--method", "ideal-dp", "--max-ideals", "20000" }) + "\n";
                text += head + "combinatorial\t" + bound({ "--method", "combinatorial" }) + "\n";
                text += head + "anchor\t" + bound({ "--method", "anchor", "--time-limit", "600" }) + "\n";
            }
        }
        const QString golden = QStringLiteral(PIPECUT_SOURCE_DIR "/tests/data/corpus_golden.tsv");
        if (qEnvironmentVariableIsSet("PIPECUT_UPDATE_GOLDEN")) {
            QFile out(golden);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(QByteArray::fromStdString(text));
            qInfo("rewrote %s", qPrintable(golden));
            return;
        }
        QFile in(golden);
        QVERIFY2(in.open(QIODevice::ReadOnly), qPrintable("cannot open " + golden));
        const QList<QByteArray> want = in.readAll().split('\n');
        const QList<QByteArray> got = QByteArray::fromStdString(text).split('\n');
        for (qsizetype i = 0; i < std::min(want.size(), got.size()); ++i)
            QVERIFY2(want[i] == got[i],
                qPrintable(QStringLiteral("line %1 differs:\n  golden: %2\n  now:    %3")
                               .arg(i + 1)
                               .arg(QString::fromUtf8(want[i]), QString::fromUtf8(got[i]))));
        QCOMPARE(got.size(), want.size());
    }
};

QTEST_GUILESS_MAIN(TestCorpusGolden)
#include "tst_corpus_golden.moc"
