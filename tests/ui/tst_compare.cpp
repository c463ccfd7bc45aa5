// Compare A/B, the serving workload editor, FLOPs and shapes in the inspector,
// and measured against estimated costs (offscreen, real widgets): a snapshot
// kept as B follows later edits (per-stage deltas, the nodes that moved,
// outlined in the view), Swap is one undoable command, a partition file or a
// proposed run becomes B, the comparison report is written; a Hugging Face
// config is re-costed under another workload (cancel keeps the costs); an
// ONNX node shows its FLOPs and shapes; an imported profile marks measured
// nodes and says so in the metrics and the inspector.
#include "tests/ui/ui_test_support.h"

#include "core/cost/estimates.h"
#include "ui/document/commands.h"
#include "ui/format.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/metrics_panel.h"
#include "ui/panels/solve_panel.h"
#include "ui/panels/workload_editor.h"
#include "ui/report_export.h"

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include <algorithm>
#include <set>

using namespace pipecut;
using namespace pipecut::ui;
using namespace pipecut::ui::testing;

namespace {

// A valid move of a node (with the nodes that must follow) to a neighbouring
// stage: the nodes that move and the target; false when none.
bool findMove(Document &doc, std::vector<NodeId> &nodes, StageId &target)
{
    for (int32_t v = 0; v < doc.graph().nodeCount(); ++v)
        for (int delta : { 1, -1 }) {
            const int t = index(doc.partition().stage(nodeId(v))) + delta;
            if (t < 0 || t >= doc.k())
                continue;
            const MovePlan plan = doc.planMove({ nodeId(v) }, stageId(t), true);
            if (plan.valid) {
                nodes = plan.nodes;
                std::sort(nodes.begin(), nodes.end());
                target = stageId(t);
                return true;
            }
        }
    return false;
}

QString sourceFile(const char *relative)
{
    return QStringLiteral(PIPECUT_SOURCE_DIR "/") + QLatin1String(relative);
}

// Opens a model of the repository in `w` (replacing the one shown) and waits
// until it is drawn and partitioned into k stages.
bool openModel(MainWindow &w, const char *relative, int k)
{
    QSignalSpy loaded(&w, &MainWindow::modelLoaded);
    w.openFile(sourceFile(relative), k);
    return (loaded.count() > 0 || loaded.wait(120000)) && waitForModel(w);
}

// A window on a model of the repository, loaded and partitioned into k stages.
std::unique_ptr<MainWindow> openModelWindow(const char *relative, int k)
{
    auto w = makeWindow();
    return w && openModel(*w, relative, k) ? std::move(w) : nullptr;
}

// `content` written to `name` in `dir`; its path ("" when it could not be written).
QString writeText(const QTemporaryDir &dir, const char *name, const QByteArray &content)
{
    const QString path = dir.filePath(QLatin1String(name));
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size() ? path : QString();
}

bool waitRecosted(QSignalSpy &spy)
{
    return spy.count() > 0 || spy.wait(60000);
}

} // namespace

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { useTestSettings(); }

    void snapshotFollowsEditsAndSwaps()
    {
        auto window = openExampleWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        Document &doc = *w.document();
        ComparePanel &compare = *w.comparePanel();
        QVERIFY(!compare.hasB());
        QVERIFY(compare.summaryText().contains("No partition B"));

        compare.keepCurrent();
        QVERIFY(compare.hasB());
        QVERIFY(w.findChild<QDockWidget *>("compareDock")->isVisible());
        QVERIFY(compare.comparison().differing.empty());
        QCOMPARE(compare.table()->rowCount(), doc.k());
        const Partition snapshot = doc.partition();
        const double before = doc.bottleneck();

        // A move: A differs from B in the moved nodes, outlined in the view.
        std::vector<NodeId> moved;
        StageId target = stageId(0);
        QVERIFY(findMove(doc, moved, target));
        const NodeId node = moved.front();
        std::set<int> involved { index(target) };
        for (NodeId v : moved)
            involved.insert(index(doc.partition().stage(v)));
        doc.undoStack()->push(new MoveNodesCommand(&doc, moved, target, QStringLiteral("test move")));
        QCOMPARE(compare.comparison().differing, moved);
        for (NodeId v : moved)
            QVERIFY(w.graphView()->isHighlighted(v));
        QVERIFY2(compare.summaryText().contains(QStringLiteral("%1 node(s) in another stage").arg(moved.size())),
            qPrintable(compare.summaryText()));
        // Per-stage deltas: B - A on the two stages involved, zero elsewhere.
        for (int s = 0; s < doc.k(); ++s) {
            const double a = compare.comparison().a.stages[size_t(s)].cost;
            const double b = compare.comparison().b.stages[size_t(s)].cost;
            QCOMPARE(compare.table()->item(s, 3)->text(),
                (b - a > 0 ? QStringLiteral("+") : QString()) + QString::fromStdString(quantity::number(b - a)));
            if (!involved.count(s))
                QCOMPARE(a, b);
        }
        QCOMPARE(compare.comparison().b.bottleneck, before);
        // Both bottlenecks against the bound, when one is proven for A's k.
        if (doc.bound())
            QVERIFY2(compare.summaryText().count("LB") == 2, qPrintable(compare.summaryText()));

        compare.setHighlightEnabled(false);
        QVERIFY(!w.graphView()->isHighlighted(node));
        compare.setHighlightEnabled(true);
        QVERIFY(w.graphView()->isHighlighted(node));

        // Swap: the snapshot is the partition again (one command), the edit is B.
        const Partition edited = doc.partition();
        const int commands = doc.undoStack()->count();
        compare.swap();
        QCOMPARE(doc.partition(), snapshot);
        QCOMPARE(compare.b(), edited);
        QCOMPARE(doc.undoStack()->count(), commands + 1);
        QVERIFY(w.graphView()->isHighlighted(node));
        doc.undoStack()->undo();
        QCOMPARE(doc.partition(), edited);

        // Selecting the differences selects the moved node.
        compare.keepCurrent();
        QVERIFY(compare.comparison().differing.empty());
        QVERIFY(!w.graphView()->isHighlighted(node));
        compare.clear();
        QVERIFY(!compare.hasB());
    }

    void partitionFileRunResultAndReport()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto window = openExampleWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        Document &doc = *w.document();
        ComparePanel &compare = *w.comparePanel();

        // A partition file as B.
        std::vector<NodeId> moved;
        StageId target = stageId(0);
        QVERIFY(findMove(doc, moved, target));
        Partition other = doc.partition();
        for (NodeId v : moved)
            other.setStage(v, target);
        const QString file = dir.filePath("other.json");
        QVERIFY(writeFileAtomically(file.toStdString(), partitionToJson(doc.graph(), other)).ok());
        QVERIFY(w.openPartitionAsB(file));
        QCOMPARE(compare.b(), other);
        QCOMPARE(compare.label(), QStringLiteral("other.json"));
        QCOMPARE(compare.comparison().differing, moved);

        // A garbage file is refused with its name; B stays.
        const QString bad = writeText(dir, "bad.json", "{ \"stages\": [");
        QVERIFY(!bad.isEmpty());
        QVERIFY(!w.openPartitionAsB(bad));
        QVERIFY2(w.lastError().contains("bad.json"), qPrintable(w.lastError()));
        QCOMPARE(compare.b(), other);

        // The comparison report, as pipecut-cli report --compare.
        report::ReportOptions options;
        options.boundTimeLimit = 2;
        const QString png = dir.filePath("compare.png");
        auto written = exportComparison(doc, other, png, options);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().c_str());
        QVERIFY(QFileInfo(png).size() > 1000);
        Partition otherK(doc.graph().nodeCount(), doc.k() + 1);
        QVERIFY(!exportComparison(doc, otherK, dir.filePath("k.png"), options).ok());

        // Another method's result, proposed under "Compare before applying", kept as B.
        QVERIFY(!w.keepPendingResultAsB());
        w.solvePanel()->resultModeBox()->setCurrentIndex(1);
        w.methodBox()->setCurrentText(QStringLiteral("ideal-dp"));
        QSignalSpy finished(&w, &MainWindow::solveFinished);
        w.runSolve();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.takeFirst().at(0).toBool(), qPrintable(w.lastError()));
        QVERIFY2(w.hasPendingResult(), qPrintable(w.previewText()));
        const Partition a = doc.partition();
        w.solvePanel()->keepResultAsBButton()->click();
        QVERIFY(compare.hasB());
        QCOMPARE(compare.label(), QStringLiteral("ideal-dp"));
        QCOMPARE(doc.partition(), a); // A is unchanged
        w.discardPendingResult();
        QVERIFY(compare.hasB());
        w.solvePanel()->resultModeBox()->setCurrentIndex(0);

        // Another model drops B.
        QVERIFY(openModel(w, "resources/llm/llama-3.1-8b.json", 4));
        QVERIFY(!compare.hasB());
    }

    void workloadEditorRecostsLlmConfig()
    {
        auto window = makeWindow();
        QVERIFY(window);
        MainWindow &w = *window;
        WorkloadEditor &editor = *w.solvePanel()->workloadEditor();
        w.openBundledExample();
        QVERIFY(waitForModel(w));
        QVERIFY(!editor.isVisibleTo(w.solvePanel())); // not an LLM config
        QVERIFY(openModel(w, "resources/llm/llama-3.1-8b.json", 4));
        Document &doc = *w.document();
        QCOMPARE(doc.graph().format(), std::string("hf-config"));
        QVERIFY(editor.isVisibleTo(w.solvePanel()));
        QCOMPARE(editor.batchBox()->value(), 1);
        const Partition partition = doc.partition();
        const double work = doc.graph().totalWork();
        const double param = doc.graph().totalParam();

        // Batch 64 at a 32k context: more KV cache and per-step work; the partition stays.
        QSignalSpy recosted(&w, &MainWindow::recosted);
        editor.batchBox()->setValue(64);
        editor.contextBox()->setValue(32768);
        editor.applyButton()->click();
        QVERIFY(w.isRecosting());
        QVERIFY(waitRecosted(recosted));
        QCOMPARE(recosted.takeFirst().at(0).toBool(), true);
        QCOMPARE(doc.partition(), partition);
        QVERIFY(doc.graph().totalWork() > work);
        QVERIFY(doc.graph().totalParam() > param); // the KV cache counts as stage memory
        QVERIFY(doc.history().back().what.contains("batch 64"));
        QCOMPARE(w.loadOptions().llm.batch, int64_t(64));
        QVERIFY(editor.applyButton()->isEnabled());

        // Cancel drops the result: the costs stay those of batch 64.
        const double work64 = doc.graph().totalWork();
        editor.batchBox()->setValue(1);
        editor.applyButton()->click();
        QVERIFY(editor.cancelButton()->isVisibleTo(&editor));
        editor.cancelButton()->click();
        QVERIFY(!w.isRecosting());
        QVERIFY(editor.applyButton()->isEnabled());
        QTest::qWait(500); // the dropped job finishes
        QCOMPARE(doc.graph().totalWork(), work64);

        // Prefill: a prompt longer than the context is refused, naming the field.
        editor.phaseBox()->setCurrentIndex(1);
        editor.contextBox()->setValue(1024);
        editor.promptBox()->setValue(2048);
        editor.applyButton()->click();
        QVERIFY2(w.lastError().contains("prompt"), qPrintable(w.lastError()));
        QVERIFY(!w.isRecosting());
        editor.promptBox()->setValue(512);
        recosted.clear();
        editor.applyButton()->click();
        QVERIFY(waitRecosted(recosted));
        QCOMPARE(recosted.takeFirst().at(0).toBool(), true);
        QCOMPARE(w.loadOptions().llm.kind, LlmWorkload::Kind::Prefill);
        QVERIFY(doc.history().back().what.contains("prefill"));
    }

    void estimatedNodesSayWhy()
    {
        auto window = openModelWindow("fuzz/seeds/onnx/mlp.onnx", 2);
        QVERIFY(window);
        MainWindow &w = *window;
        Document &doc = *w.document();
        int estimated = 0;
        for (int32_t v = 0; v < doc.graph().nodeCount(); ++v) {
            const NodeDetail *d = doc.nodeDetail(nodeId(v));
            QVERIFY(d);
            QCOMPARE(isEstimatedOp(doc.graph().op(nodeId(v))), !d->estimateReason.empty());
            if (d->estimateReason.empty())
                continue;
            ++estimated;
            w.graphView()->selectNodes({ nodeId(v) }, false);
            const QString text = w.inspectorText();
            QVERIFY2(text.contains("estimated because") && text.contains(QString::fromStdString(d->estimateReason)),
                qPrintable(text));
        }
        QVERIFY(estimated > 0);
        QVERIFY2(w.metrics()->costsText().contains(QStringLiteral("%1 estimated").arg(estimated)),
            qPrintable(w.metrics()->costsText()));
    }

    void inspectorShowsFlopsShapesAndMeasuredCosts()
    {
        auto window = openModelWindow("fuzz/seeds/onnx/conv.onnx", 2);
        QVERIFY(window);
        MainWindow &w = *window;
        Document &doc = *w.document();
        QCOMPARE(doc.graph().format(), std::string("onnx"));
        // The first operator with FLOPs: the inspector shows them with its shapes.
        NodeId op = nodeId(0);
        bool found = false;
        for (int32_t v = 0; v < doc.graph().nodeCount() && !found; ++v)
            if (const NodeDetail *d = doc.nodeDetail(nodeId(v)); d && d->flops > 0 && !d->outputs.empty()) {
                op = nodeId(v);
                found = true;
            }
        QVERIFY(found);
        const NodeDetail &detail = *doc.nodeDetail(op);
        w.graphView()->selectNodes({ op }, false);
        const QString text = w.inspectorText();
        QVERIFY2(text.contains("FLOPs") && text.contains(formatFlops(detail.flops)), qPrintable(text));
        QVERIFY2(text.contains("output shapes"), qPrintable(text));
        QStringList dims;
        for (int64_t d : detail.outputs.front().dims)
            dims << QString::number(d);
        QVERIFY2(text.contains(QStringLiteral("[%1]").arg(dims.join(QStringLiteral(", ")))), qPrintable(text));
        QVERIFY2(w.metrics()->costsText().contains("none estimated"), qPrintable(w.metrics()->costsText()));

        // A profile (CSV node,ms) measuring every operator: marked measured,
        // with the estimate it replaced; the metrics say how many.
        QTemporaryDir dir;
        const QString csv = dir.filePath("profile.csv");
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        int operators = 0;
        for (int32_t v = 0; v < doc.graph().nodeCount(); ++v)
            if (doc.graph().op(nodeId(v)) != "Input") {
                f.write(QStringLiteral("%1,%2\n")
                            .arg(QString::fromStdString(doc.graph().id(nodeId(v))))
                            .arg(0.25)
                            .toUtf8());
                ++operators;
            }
        f.close();
        const double estimate = doc.graph().work(op);
        QVERIFY(w.importProfile(csv));
        QVERIFY(isMeasuredOp(doc.graph().op(op)));
        QCOMPARE(doc.graph().work(op), 0.25);
        QVERIFY2(w.metrics()->costsText().contains(QStringLiteral("%1 measured").arg(operators)),
            qPrintable(w.metrics()->costsText()));
        w.graphView()->selectNodes({ op }, false);
        const QString measured = w.inspectorText();
        QVERIFY2(measured.contains("measured") && measured.contains(formatCost(estimate, doc.timeUnit())),
            qPrintable(measured));
        QVERIFY(doc.nodeDetail(op)); // the shapes stay
        w.graphView()->selectNodes({}, false);
        QVERIFY2(w.inspectorText().contains("Work by source, per stage"), qPrintable(w.inspectorText()));

        // A profile of another model is refused; the costs stay measured.
        const QString other = writeText(dir, "other.csv", "no_such_node,1\n");
        QVERIFY(!other.isEmpty());
        QVERIFY(!w.importProfile(other));
        QVERIFY(isMeasuredOp(doc.graph().op(op)));
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
