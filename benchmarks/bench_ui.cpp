// Figures of the explorer window (run offscreen: QT_QPA_PLATFORM=offscreen):
//  1. time to a usable picture of the 2,012-node BERT-L12 training operator
//     graph: from File > Open to the first painted frame of the laid-out graph,
//     and to the partitioned picture (auto method at the file's suggested k);
//  2. view update time after a move on a generated 10,000-node graph: pushing
//     the MoveNodesCommand (evaluator update, stage list, metrics, charts,
//     item invalidation) plus a synchronous repaint of the view, at a
//     readable zoom and fitted (every item visible).
// Prints medians (and 90th percentiles) over several runs.
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/layout/layout.h"
#include "ui/commands.h"
#include "ui/document.h"
#include "ui/graph_view.h"
#include "ui/main_window.h"
#include "ui/move_controller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace pipecut;
using namespace pipecut::ui;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}
double percentile90(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 9 / 10)];
}

void timeToPicture(const QString &path, int runs)
{
    std::vector<double> picture, partitioned;
    for (int r = 0; r < runs; ++r) {
        MainWindow w;
        w.setInteractive(false);
        w.resize(1600, 1000);
        w.show();
        QApplication::processEvents();
        QElapsedTimer clock;
        clock.start();
        w.openFile(path);
        double tPicture = -1, tPartition = -1;
        while (clock.elapsed() < 300000) {
            QApplication::processEvents(QEventLoop::AllEvents, 5);
            if (tPicture < 0 && w.graphView()->hasPicture()) {
                w.graphView()->viewport()->repaint();
                tPicture = clock.nsecsElapsed() / 1e9;
            }
            if (tPicture >= 0 && w.document()->hasGraph() && !w.isSolving()) {
                w.graphView()->viewport()->repaint();
                tPartition = clock.nsecsElapsed() / 1e9;
                break;
            }
        }
        picture.push_back(tPicture);
        partitioned.push_back(tPartition);
        std::printf("  run %d: picture %.3f s, partitioned picture %.3f s (%d nodes, k=%d, T=%g)\n", r + 1, tPicture,
                    tPartition, w.document()->graph().nodeCount(), w.document()->k(), w.document()->bottleneck());
    }
    std::printf("time to usable picture (open -> first painted frame): median %.3f s over %d runs\n",
                median(picture), runs);
    std::printf("time to partitioned picture (auto partition applied):  median %.3f s\n", median(partitioned));
}

void moveUpdate(int nodes, int k, int moves)
{
    GeneratorOptions gen;
    gen.family = "transformer";
    gen.nodes = nodes;
    gen.seed = 3;
    auto graph = generateGraph(gen);
    if (!graph.ok()) {
        std::printf("generateGraph failed: %s\n", graph.error().c_str());
        return;
    }
    const int32_t n = graph->nodeCount();
    Document doc;
    MoveController controller(&doc);
    GraphView view(&doc, &controller);
    view.resize(1200, 850);
    view.show();
    doc.setGraph(std::move(graph).value(), "generated", k);
    // A valid starting partition: the topological order cut into k equal runs.
    std::vector<int32_t> stages(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i)
        stages[index(doc.graph().topologicalOrder()[i])] = int32_t(int64_t(i) * k / n);
    doc.applyPartition(Partition(stages, k));
    QElapsedTimer layoutClock;
    layoutClock.start();
    LayoutOptions options;
    Layout layout = computeLayout(doc.graph(), options);
    const double layoutSeconds = layoutClock.nsecsElapsed() / 1e9;
    QElapsedTimer itemsClock;
    itemsClock.start();
    view.showLayout(layout, options);
    const double itemsSeconds = itemsClock.nsecsElapsed() / 1e9;
    QApplication::processEvents();
    std::printf("%d-node graph (%lld edges): %s layout %.3f s, items %.3f s\n", n,
                static_cast<long long>(doc.graph().edgeCount()), layout.engine.c_str(), layoutSeconds, itemsSeconds);

    // Nodes at stage boundaries that can move to the neighbouring stage alone.
    std::vector<std::pair<NodeId, StageId>> candidates;
    for (int32_t i = 0; i < n && int(candidates.size()) < moves; ++i) {
        const NodeId v = doc.graph().topologicalOrder()[i];
        const int s = index(doc.partition().stage(v));
        if (s + 1 < k && doc.planMove({v}, stageId(s + 1), false).valid)
            candidates.emplace_back(v, stageId(s + 1));
    }
    for (const char *zoom : {"readable (1:1)", "fitted (all visible)"}) {
        if (zoom[0] == 'r')
            view.setTransform(QTransform());
        else
            view.fitInView(view.sceneRect(), Qt::KeepAspectRatio);
        std::vector<double> model, total;
        for (auto [v, to] : candidates) {
            if (zoom[0] == 'r')
                view.centerOn(view.nodeItem(v));
            QApplication::processEvents();
            QElapsedTimer clock;
            clock.start();
            doc.undoStack()->push(new MoveNodesCommand(&doc, {v}, to, "move"));
            const double tModel = clock.nsecsElapsed() / 1e6;
            view.viewport()->repaint();
            total.push_back(clock.nsecsElapsed() / 1e6);
            model.push_back(tModel);
            doc.undoStack()->undo();
            QApplication::processEvents();
        }
        std::printf("move update on %d nodes, %s: command + item invalidation median %.3f ms; "
                    "with synchronous repaint median %.2f ms, p90 %.2f ms (%zu moves)\n",
                    n, zoom, median(model), median(total), percentile90(total), total.size());
    }
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setApplicationName("pipecut-bench");
    const QString bert = QStringLiteral(PIPECUT_CORPUS_DIR) +
                         "/dnn-partitioning/throughput-inputs/OperatorGraphs/bert_L-12_training.json";
    std::printf("== BERT-L12 training (%s)\n", qPrintable(bert));
    timeToPicture(bert, 5);
    std::printf("== move update\n");
    moveUpdate(10000, 8, 40);
    return 0;
}
