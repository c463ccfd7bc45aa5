// Figures of the explorer window (run offscreen: QT_QPA_PLATFORM=offscreen):
//  1. time to a usable picture of the 2,012-node BERT-L12 training operator
//     graph: from File > Open to the first painted frame of the laid-out graph,
//     and to the partitioned picture (auto method at the file's suggested k);
//  2. view update time after a move on a generated 10,000-node graph: pushing
//     the MoveNodesCommand (evaluator update, item invalidation, stage list,
//     metrics) then a synchronous repaint of the view and the queued chart
//     replots, at a readable zoom and fitted (every item visible).
// Prints medians (and 90th percentiles) over several runs.
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "ui/commands.h"
#include "ui/document.h"
#include "ui/graph_view.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>

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
    QTemporaryDir dir;
    const QString path = dir.filePath("generated.json");
    if (!writeFileAtomically(path.toStdString(), graphToJson(*graph)).ok())
        return;
    MainWindow w;
    w.setInteractive(false);
    w.resize(1600, 1000);
    w.show();
    QElapsedTimer openClock;
    openClock.start();
    w.openFile(path, k);
    double tPicture = -1;
    while (openClock.elapsed() < 300000) {
        QApplication::processEvents(QEventLoop::AllEvents, 5);
        if (tPicture < 0 && w.graphView()->hasPicture())
            tPicture = openClock.nsecsElapsed() / 1e9;
        if (tPicture >= 0 && !w.isSolving())
            break;
    }
    const double tPartitioned = openClock.nsecsElapsed() / 1e9;
    // Let the background lower bound finish too, so that the figures below
    // measure the window and not a CBC run competing for the two cores.
    while (w.isBusy() && openClock.elapsed() < 300000)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    Document &doc = *w.document();
    GraphView &view = *w.graphView();
    const int32_t n = doc.graph().nodeCount();
    std::printf("%d-node generated transformer (%lld edges): picture after %.3f s, partitioned (k=%d) after %.3f s\n",
                n, static_cast<long long>(doc.graph().edgeCount()), tPicture, doc.k(), tPartitioned);

    // Nodes that can move to a neighbouring stage alone (spread over the graph).
    std::vector<std::pair<NodeId, StageId>> candidates;
    for (int32_t i = 0; i < n && int(candidates.size()) < moves; i += 7) {
        const NodeId v = nodeId(i);
        const int s = index(doc.partition().stage(v));
        for (int to : {s + 1, s - 1})
            if (to >= 0 && to < doc.k() && doc.planMove({v}, stageId(to), false).valid) {
                candidates.emplace_back(v, stageId(to));
                break;
            }
    }
    for (const char *zoom : {"readable (1:1)", "fitted (all visible)"}) {
        if (zoom[0] == 'r')
            view.setTransform(QTransform());
        else
            view.fitInView(view.sceneRect(), Qt::KeepAspectRatio);
        std::vector<double> model, paint, events, total;
        for (auto [v, to] : candidates) {
            if (zoom[0] == 'r')
                view.centerOn(view.nodeItem(v));
            QApplication::processEvents();
            QElapsedTimer clock;
            clock.start();
            doc.undoStack()->push(new MoveNodesCommand(&doc, {v}, to, "move"));
            const double tModel = clock.nsecsElapsed() / 1e6;
            view.viewport()->repaint();
            const double tPaint = clock.nsecsElapsed() / 1e6;
            QApplication::processEvents(); // stage list, metrics and queued chart replots
            total.push_back(clock.nsecsElapsed() / 1e6);
            model.push_back(tModel);
            paint.push_back(tPaint - tModel);
            events.push_back(total.back() - tPaint);
            doc.undoStack()->undo();
            QApplication::processEvents();
        }
        std::printf("move update, %s: model + signals median %.3f ms, view repaint %.3f ms, queued events "
                    "(chart replots) %.3f ms; whole window median %.2f ms, p90 %.2f ms (%zu moves)\n",
                    zoom, median(model), median(paint), median(events), median(total), percentile90(total),
                    total.size());
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
    const QString only = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString(); // "picture" or "move"
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    if (only.isEmpty() || only == "picture") {
        std::printf("== BERT-L12 training (%s)\n", qPrintable(bert));
        timeToPicture(bert, 5);
    }
    if (only.isEmpty() || only == "move") {
        std::printf("== move update\n");
        moveUpdate(10000, 8, 40);
    }
    return 0;
}
