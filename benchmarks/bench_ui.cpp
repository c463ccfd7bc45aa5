// Figures of the explorer window (run offscreen: QT_QPA_PLATFORM=offscreen):
//  1. picture: time to a usable picture of the 2,012-node BERT-L12 training
//     operator graph, from File > Open to the first painted frame of the
//     laid-out graph (and to the end of the first partitioning);
//  2. collapsed: the same for a generated 20,000-node transformer, which opens
//     collapsed by scope;
//  3. move: view update after a move on a generated 10,000-node transformer,
//     drawn node by node (every scope expanded): pushing the MoveNodesCommand
//     (evaluator, item invalidation, stage list, metrics), then the event loop
//     until the view has painted its changed region and the charts replotted
//     (the path an edit takes in the window), at a readable zoom and fitted
//     (every item visible). A forced repaint of the whole viewport is printed
//     too, as the worst case (scrolling to a new place costs that).
//  4. cancel: cancel latency of a running solve on a generated 20,000-node
//     transformer: Run (slicegraph, no useful time limit), Cancel after
//     ~300 ms, then the time until the window shows the job stopped (the
//     solve's result handled: solveFinished emitted, Cancel disabled, status
//     "idle"), and until the next event-loop pass has painted.
// Prints medians (and 90th percentiles) over several runs. With
// PIPECUT_BENCH_BREAKDOWN=1 the move figures are followed by where the GUI
// thread's CPU time went: per receiver class and event type, exclusive of
// the events handled inside (a paint event of the top-level window paints
// every dirty widget, each of which gets its own paint event).
// Usage: bench_ui [picture|collapsed|move [readable|fitted [ROUNDS]]|cancel [RUNS [METHOD]]]
#include "core/cost/evaluate.h"
#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "ui/document/commands.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/views/graph_view.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QMetaEnum>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <vector>

using namespace pipecut;
using namespace pipecut::ui;

namespace {

// CPU time of the calling thread, in ms: on a loaded machine the wall time of
// a move includes waiting for a core, which this does not.
double threadCpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// The application, timing the events it delivers while `recording`.
class ProfilingApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool recording = false;
    std::map<QString, double> selfMs; // "receiver class: event type" -> CPU ms

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!recording)
            return QApplication::notify(receiver, event);
        const QString what = key(receiver, event); // the receiver may be gone afterwards
        const double start = threadCpuMs();
        const double outerNested = m_nested;
        m_nested = 0;
        const bool result = QApplication::notify(receiver, event);
        const double total = threadCpuMs() - start;
        selfMs[what] += total - m_nested;
        m_nested = outerNested + total;
        return result;
    }

    // The costliest entries, per move.
    void print(int moves) const
    {
        std::vector<std::pair<double, QString>> rows;
        double sum = 0;
        for (const auto &[what, ms] : selfMs) {
            rows.emplace_back(ms / moves, what);
            sum += ms / moves;
        }
        std::sort(rows.rbegin(), rows.rend());
        std::printf("  GUI thread CPU per move in events: %.3f ms, of which\n", sum);
        for (size_t i = 0; i < rows.size() && i < 16; ++i)
            std::printf("    %7.3f ms  %s\n", rows[i].first, qPrintable(rows[i].second));
    }

private:
    static QString key(QObject *receiver, QEvent *event)
    {
        QString name = QString::fromLatin1(receiver->metaObject()->className());
        if ((qobject_cast<QTimer *>(receiver) || name == QLatin1String("QWidget"))
            && receiver->parent()) // whose timer or viewport
            name += QStringLiteral(" in ") + QString::fromLatin1(receiver->parent()->metaObject()->className());
        const char *type = QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type());
        return name + QStringLiteral(": ") + (type ? QString::fromLatin1(type) : QString::number(event->type()));
    }
    double m_nested = 0; // time of the events handled inside the current one
};

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

// Counts the paint events every widget of the application receives.
class PaintCounter : public QObject {
public:
    int paints = 0;
    bool eventFilter(QObject *object, QEvent *event) override
    {
        paints += event->type() == QEvent::Paint && object->isWidgetType();
        return false;
    }
};

QString generatedFile(const QTemporaryDir &dir, int nodes)
{
    GeneratorOptions gen;
    gen.family = "transformer";
    gen.nodes = nodes;
    gen.seed = 3;
    auto graph = generateGraph(gen);
    const QString path = dir.filePath(QStringLiteral("transformer_%1.json").arg(nodes));
    if (!graph.ok() || !writeFileAtomically(path.toStdString(), graphToJson(*graph)).ok()) {
        std::printf("cannot generate %d nodes\n", nodes);
        return {};
    }
    return path;
}

// A shown, non-interactive window that has opened `path`, partitioned it at
// k and drawn it (the layout and the lower bound may still run).
std::unique_ptr<MainWindow> openedWindow(const QString &path, int k)
{
    auto w = std::make_unique<MainWindow>();
    w->setInteractive(false);
    w->resize(1600, 1000);
    w->show();
    QElapsedTimer clock;
    clock.start();
    w->openFile(path, k);
    while (clock.elapsed() < 300000 && !(w->graphView()->hasPicture() && !w->isSolving()))
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    return w;
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
                tPartition = clock.nsecsElapsed() / 1e9;
                break;
            }
        }
        picture.push_back(tPicture);
        partitioned.push_back(tPartition);
        const ScopeView *c = w.graphView()->scopeView();
        std::printf("  run %d: picture %.3f s, first partitioning done %.3f s (%d nodes drawn as %d boxes, %d of them "
                    "scope groups; k=%d)\n",
            r + 1, tPicture, tPartition, w.document()->graph().nodeCount(), c ? c->elementCount() : 0,
            c ? c->groupCount() : 0, w.document()->k());
    }
    std::printf(
        "time to usable picture (open -> first painted frame): median %.3f s over %d runs\n", median(picture), runs);
    std::printf("time to the end of the first partitioning:           median %.3f s\n", median(partitioned));
}

void moveUpdate(int nodes, int k, int moves, const QString &zoomFilter, int rounds)
{
    QTemporaryDir dir;
    const QString path = generatedFile(dir, nodes);
    if (path.isEmpty())
        return;
    const auto window = openedWindow(path, k);
    MainWindow &w = *window;
    QElapsedTimer openClock;
    openClock.start();
    // Draw every node (the graph opened collapsed by scope).
    w.setCollapsedScopes({});
    // Let the layout and the background lower bound finish too, so that the
    // figures below measure the window and not CBC competing for the cores.
    while ((w.isBusy() || !w.graphView()->hasPicture()) && openClock.elapsed() < 300000)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    Document &doc = *w.document();
    GraphView &view = *w.graphView();
    const int32_t n = doc.graph().nodeCount();
    std::printf("%d-node generated transformer (%lld edges), k=%d, drawn as %d boxes\n", n,
        static_cast<long long>(doc.graph().edgeCount()), doc.k(), view.scopeView()->elementCount());

    // Nodes that can move to a neighbouring stage alone (spread over the graph).
    std::vector<std::pair<NodeId, StageId>> candidates;
    for (int32_t i = 0; i < n && int(candidates.size()) < moves; i += 7) {
        const NodeId v = nodeId(i);
        const int s = index(doc.partition().stage(v));
        for (int to : { s + 1, s - 1 })
            if (to >= 0 && to < doc.k() && doc.planMove({ v }, stageId(to), false).valid) {
                candidates.emplace_back(v, stageId(to));
                break;
            }
    }
    auto *app = static_cast<ProfilingApplication *>(QApplication::instance());
    const bool breakdown = qEnvironmentVariableIsSet("PIPECUT_BENCH_BREAKDOWN");
    PaintCounter windowPaints, viewPaints;
    QApplication::instance()->installEventFilter(&windowPaints);
    view.viewport()->installEventFilter(&viewPaints);
    for (const char *zoom : { "readable (1:1)", "fitted (all visible)" }) {
        if (!zoomFilter.isEmpty() && !QString::fromLatin1(zoom).startsWith(zoomFilter))
            continue;
        if (zoom[0] == 'r')
            view.setTransform(QTransform());
        else
            view.fitInView(view.sceneRect(), Qt::KeepAspectRatio);
        if (zoom[0] == 'r') {
            // What a repaint at this zoom has to draw around the moved nodes:
            // near a node feeding many layers, a fan of long edges.
            std::vector<double> nodesShown, edgesShown, longShown;
            for (auto [v, to] : candidates) {
                view.centerOn(view.nodeItem(v));
                int counts[3] = { 0, 0, 0 };
                for (QGraphicsItem *item : view.items(view.viewport()->rect())) {
                    const QRectF r = item->boundingRect();
                    counts[item->type() == NodeItem::Type ? 0 : std::max(r.width(), r.height()) > 1500 ? 2 : 1]++;
                }
                nodesShown.push_back(counts[0]);
                edgesShown.push_back(counts[1] + counts[2]);
                longShown.push_back(counts[2]);
            }
            std::printf("at 1:1 the view around a moved node shows a median of %.0f nodes and %.0f edges (%.0f of "
                        "them longer than 1500 units; at most %.0f edges)\n",
                median(nodesShown), median(edgesShown), median(longShown),
                *std::max_element(edgesShown.begin(), edgesShown.end()));
        }
        std::vector<double> model, update, updateCpu, full;
        app->selfMs.clear();
        int bottleneckChanges = 0, unpainted = 0;
        for (int round = 0; round < rounds; ++round)
            for (auto [v, to] : candidates) {
                if (zoom[0] == 'r')
                    view.centerOn(view.nodeItem(v));
                for (int i = 0; i < 3; ++i)
                    QApplication::processEvents();
                const int bottleneckBefore = doc.bottleneckStage();
                QElapsedTimer clock;
                clock.start();
                const double cpuStart = threadCpuMs();
                double cpuLast = cpuStart;
                doc.undoStack()->push(new MoveNodesCommand(&doc, { v }, to, "move"));
                model.push_back(clock.nsecsElapsed() / 1e6);
                if (breakdown)
                    app->selfMs[QStringLiteral("(push: model and direct slots)")] += threadCpuMs() - cpuStart;
                app->recording = breakdown;
                // The event loop until the window is idle again: the view
                // repaints the region marked dirty, the charts replot in a
                // queued call, the stage list repaints. The
                // figure is the end of the last event-loop pass that painted
                // any widget (so all of that is in it), stopping after five
                // passes that painted nothing.
                const int viewBefore = viewPaints.paints;
                double last = model.back();
                for (int idle = 0; idle < 5 && clock.elapsed() < 2000;) {
                    const int before = windowPaints.paints;
                    QApplication::processEvents();
                    if (windowPaints.paints != before) {
                        last = clock.nsecsElapsed() / 1e6;
                        cpuLast = threadCpuMs();
                        idle = 0;
                    } else {
                        ++idle;
                    }
                }
                app->recording = false;
                unpainted += viewPaints.paints == viewBefore;
                update.push_back(last);
                updateCpu.push_back(cpuLast - cpuStart);
                bottleneckChanges += doc.bottleneckStage() != bottleneckBefore;
                clock.restart();
                view.viewport()->repaint();
                full.push_back(clock.nsecsElapsed() / 1e6);
                doc.undoStack()->undo();
                for (int i = 0; i < 3; ++i)
                    QApplication::processEvents();
            }
        std::printf("move update, %s: model + signals median %.3f ms; until the window has painted (graph view, "
                    "stage list, charts) median %.2f ms, p90 %.2f ms (GUI thread CPU time median %.2f ms); forced full "
                    "viewport repaint median %.2f ms "
                    "(%zu moves, %d changed the bottleneck stage, %d did not repaint the view; scale %.3f)\n",
            zoom, median(model), median(update), percentile90(update), median(updateCpu), median(full), update.size(),
            bottleneckChanges, unpainted, view.transform().m11());
        if (breakdown)
            app->print(int(update.size()));
    }
}

void cancelLatency(int runs, const QString &method)
{
    QTemporaryDir dir;
    const QString path = generatedFile(dir, 20000);
    if (path.isEmpty())
        return;
    const auto window = openedWindow(path, 8);
    MainWindow &w = *window;
    // Start from a quiet window: no background bound competing for the cores.
    auto settle = [&] {
        QElapsedTimer t;
        t.start();
        while (w.isBusy() && t.elapsed() < 120000) {
            if (w.isBounding())
                w.cancelBound();
            QApplication::processEvents(QEventLoop::AllEvents, 5);
        }
    };
    settle();
    std::printf("%d-node generated transformer, k=%d, method %s, cancel ~300 ms after Run\n",
        w.document()->graph().nodeCount(), w.document()->k(), qPrintable(method));
    w.methodBox()->setCurrentText(method);
    w.timeLimitBox()->setValue(3600);
    QAction *cancel = nullptr;
    for (QAction *a : w.findChildren<QAction *>())
        if (a->text() == QStringLiteral("&Cancel"))
            cancel = a;
    std::vector<double> disabled, shown, painted;
    for (int r = 0; r < runs; ++r) {
        bool finished = false;
        double tFinished = -1, tDisabled = -1;
        QElapsedTimer clock;
        auto connection = QObject::connect(&w, &MainWindow::solveFinished, [&] {
            finished = true;
            tFinished = clock.nsecsElapsed() / 1e9;
        });
        auto cancelChanged = QObject::connect(cancel, &QAction::changed, [&] {
            if (clock.isValid() && tDisabled < 0 && !cancel->isEnabled())
                tDisabled = clock.nsecsElapsed() / 1e9;
        });
        w.runSolve();
        QElapsedTimer running;
        running.start();
        while (running.elapsed() < 300)
            QApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!w.isSolving()) {
            std::printf("  run %d: finished before Cancel (instance too small)\n", r + 1);
            QObject::disconnect(connection);
            continue;
        }
        clock.start();
        w.cancelSolve();
        while (!finished && clock.elapsed() < 60000)
            QApplication::processEvents(QEventLoop::AllEvents, 5);
        QApplication::processEvents(); // the frame that shows it
        const double tPainted = clock.nsecsElapsed() / 1e9;
        QObject::disconnect(connection);
        QObject::disconnect(cancelChanged);
        disabled.push_back(tDisabled);
        shown.push_back(tFinished);
        painted.push_back(tPainted);
        std::printf("  run %d: Cancel disabled %.3f s after Cancel, result handled %.3f s, painted %.3f s (%s)\n",
            r + 1, tDisabled, tFinished, tPainted, w.isSolving() ? "STILL SOLVING" : "idle");
        settle();
    }
    std::printf("cancel latency: job thread gone (Cancel action disabled) median %.3f s, worst %.3f s; result handled "
                "(solveFinished) median %.3f s, worst %.3f s over %zu runs; to the painted frame: median %.3f s, worst "
                "%.3f s\n",
        median(disabled), disabled.empty() ? 0.0 : *std::max_element(disabled.begin(), disabled.end()), median(shown),
        shown.empty() ? 0.0 : *std::max_element(shown.begin(), shown.end()), shown.size(), median(painted),
        painted.empty() ? 0.0 : *std::max_element(painted.begin(), painted.end()));
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    ProfilingApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setApplicationName("pipecut-bench");
    const QString bert = QStringLiteral(PIPECUT_CORPUS_DIR)
        + "/dnn-partitioning/throughput-inputs/OperatorGraphs/bert_L-12_training.json";
    const QString only = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    if (only.isEmpty() || only == "picture") {
        std::printf("== BERT-L12 training (%s)\n", qPrintable(bert));
        timeToPicture(bert, 5);
    }
    if (only.isEmpty() || only == "collapsed") {
        QTemporaryDir dir;
        const QString path = generatedFile(dir, 20000);
        std::printf("== generated 20,000-node transformer\n");
        if (!path.isEmpty())
            timeToPicture(path, 5);
    }
    if (only.isEmpty() || only == "move") {
        std::printf("== move update\n");
        moveUpdate(10000, 8, 40, argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString(),
            argc > 3 ? std::max(1, atoi(argv[3])) : 1);
    }
    if (only == "cancel")
        cancelLatency(argc > 2 ? std::max(1, atoi(argv[2])) : 7,
            argc > 3 ? QString::fromLocal8Bit(argv[3]) : QStringLiteral("slicegraph"));
    return 0;
}
