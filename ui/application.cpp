#include "ui/application.h"
#include "ui/atomic_image.h"

#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/views/graph_view.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <QThread>
#include <QTimer>

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

int takeScreenshot(const QString &output, const QString &model, bool timeline)
{
    MainWindow window;
    window.setInteractive(false);
    window.resize(1720, 1020);
    window.show();
    if (model.isEmpty())
        window.openBundledExample();
    else
        window.openFile(model);
    const bool idle = waitUntilIdle(window, 180);
    if (!window.document()->hasGraph()) {
        std::fprintf(stderr, "error: %s\n", qPrintable(window.lastError()));
        return 3;
    }
    if (!idle)
        std::fprintf(stderr, "warning: background work still running; capturing anyway\n");
    // The window's first view: all of it when readable, else the bottleneck stage.
    if (timeline)
        if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("timelineDock")))
            dock->show();
    for (int i = 0; i < 10; ++i) {
        QApplication::processEvents();
        QThread::msleep(30);
    }
    if (!saveImageAtomically(window.grab(), output)) {
        std::fprintf(stderr, "error: cannot write %s\n", qPrintable(output));
        return 1;
    }
    std::printf("wrote %s\n", qPrintable(output));
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
    parser.addPositionalArgument(
        QStringLiteral("model"), QApplication::translate("main", "Model file to open."), QStringLiteral("[MODEL]"));
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    const QString model = args.isEmpty() ? QString() : args.front();

    if (parser.isSet(screenshot)) {
        // A fixed look, independent of the user's saved window state.
        QApplication::setApplicationName(QStringLiteral("pipecut-screenshot"));
        return takeScreenshot(parser.value(screenshot), model, parser.isSet(timeline));
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
