#include "ui/application.h"
#include "ui/atomic_image.h"

#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/solve_panel.h"
#include "ui/views/graph_view.h"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstddef>
#include <cstdio>

namespace pipecut::ui {

namespace {

// Waits (processing events) until the window has a model, a picture and no
// background work, or `seconds` pass. Returns whether it became idle.
bool waitUntilIdle(MainWindow &window, double seconds)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < seconds * 1000) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        if (window.document()->hasGraph() && window.graphView()->hasPicture() && !window.isBusy())
            return true;
        if (!window.document()->hasGraph() && !window.isBusy())
            return false; // the model could not be opened
        QThread::msleep(20);
    }
    return false;
}

struct ScreenshotOptions {
    QString output, model;
    bool timeline = false;
    QString compareMethod; // B: a partition file, or this method's result at the same k (Compare A/B shown)
    QString profile; // a runtime profile imported before the picture
    QString select; // a node id selected (the inspector shows it)
};

// Runs `method` at the current k, proposed under "Compare before applying",
// and keeps its result as B. False when the run failed.
bool keepMethodAsB(MainWindow &window, const QString &method)
{
    window.solvePanel()->resultModeBox()->setCurrentIndex(1);
    window.methodBox()->setCurrentText(method);
    window.runSolve();
    waitUntilIdle(window, 180);
    const bool kept = window.keepPendingResultAsB();
    window.discardPendingResult();
    window.solvePanel()->resultModeBox()->setCurrentIndex(0);
    return kept;
}

// What the picture shows besides the first view; false after a message when
// something asked for could not be done.
bool prepareScreenshot(MainWindow &window, const ScreenshotOptions &o)
{
    if (!o.profile.isEmpty() && !window.importProfile(o.profile)) {
        std::fprintf(stderr, "error: %s\n", qPrintable(window.lastError()));
        return false;
    }
    if (!o.compareMethod.isEmpty() && QFileInfo::exists(o.compareMethod)) {
        if (!window.openPartitionAsB(o.compareMethod)) {
            std::fprintf(stderr, "error: %s\n", qPrintable(window.lastError()));
            return false;
        }
    } else if (!o.compareMethod.isEmpty() && !keepMethodAsB(window, o.compareMethod)) {
        std::fprintf(stderr, "error: %s gave no result to compare\n", qPrintable(o.compareMethod));
        return false;
    }
    waitUntilIdle(window, 60);
    if (const auto &differing = window.comparePanel()->comparison().differing; !differing.empty()) {
        // The first nodes B places elsewhere, outlined, in view.
        const size_t shown = std::min<size_t>(differing.size(), 8);
        window.graphView()->zoomToNodes({ differing.begin(), differing.begin() + std::ptrdiff_t(shown) });
    }
    if (!o.select.isEmpty()) {
        const auto node = window.document()->graph().find(o.select.toStdString());
        if (!node) {
            std::fprintf(stderr, "error: no node '%s'\n", qPrintable(o.select));
            return false;
        }
        window.graphView()->selectNodes({ *node }, false);
    }
    if (o.timeline)
        if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("timelineDock")))
            dock->show();
    return true;
}

int takeScreenshot(const ScreenshotOptions &o)
{
    MainWindow window;
    window.setInteractive(false);
    window.resize(1720, 1020);
    window.show();
    if (o.model.isEmpty())
        window.openBundledExample();
    else
        window.openFile(o.model);
    const bool idle = waitUntilIdle(window, 180);
    if (!window.document()->hasGraph()) {
        std::fprintf(stderr, "error: %s\n", qPrintable(window.lastError()));
        return 3;
    }
    if (!idle)
        std::fprintf(stderr, "warning: background work still running; capturing anyway\n");
    // The window's first view: all of it when readable, else the bottleneck stage.
    if (!prepareScreenshot(window, o))
        return 3;
    for (int i = 0; i < 10; ++i) {
        QApplication::processEvents();
        QThread::msleep(30);
    }
    if (!saveImageAtomically(window.grab(), o.output)) {
        std::fprintf(stderr, "error: cannot write %s\n", qPrintable(o.output));
        return 1;
    }
    std::printf("wrote %s\n", qPrintable(o.output));
    return 0;
}

} // namespace

int runApplication(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("pipecut"));
    QApplication::setOrganizationName(QStringLiteral("pipecut"));
    QApplication::setApplicationVersion(QStringLiteral(PIPECUT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Explore pipeline partitions of a DNN operator graph."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QApplication::translate("main", "Render the window to FILE (PNG) and exit."), QStringLiteral("FILE"));
    parser.addOption(screenshot);
    QCommandLineOption timeline(
        QStringLiteral("timeline"), QApplication::translate("main", "With --screenshot: show the pipeline timeline."));
    parser.addOption(timeline);
    QCommandLineOption compare(QStringLiteral("compare"),
        QApplication::translate(
            "main", "With --screenshot: keep B (Compare A/B): a partition file, or a method's result at the same k."),
        QStringLiteral("PARTITION|METHOD"));
    parser.addOption(compare);
    QCommandLineOption profile(QStringLiteral("profile"),
        QApplication::translate("main", "With --screenshot: import a runtime profile (ONNX Runtime JSON or CSV)."),
        QStringLiteral("FILE"));
    parser.addOption(profile);
    QCommandLineOption select(QStringLiteral("select"),
        QApplication::translate("main", "With --screenshot: select the node NODE (the inspector shows it)."),
        QStringLiteral("NODE"));
    parser.addOption(select);
    parser.addPositionalArgument(
        QStringLiteral("model"), QApplication::translate("main", "Model file to open."), QStringLiteral("[MODEL]"));
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    const QString model = args.isEmpty() ? QString() : args.front();

    if (parser.isSet(screenshot)) {
        // A fixed look, independent of the user's saved window state.
        QApplication::setApplicationName(QStringLiteral("pipecut-screenshot"));
        return takeScreenshot({ parser.value(screenshot), model, parser.isSet(timeline), parser.value(compare),
            parser.value(profile), parser.value(select) });
    }

    MainWindow window;
    window.show();
    QSettings settings;
    const QStringList recent = settings.value("recentFiles").toStringList();
    if (!model.isEmpty())
        window.openFile(model);
    else if (settings.value("started").toBool() && !recent.isEmpty() && QFileInfo::exists(recent.front()))
        window.openFile(recent.front());
    else
        window.openBundledExample();
    settings.setValue("started", true);
    return app.exec();
}

} // namespace pipecut::ui
