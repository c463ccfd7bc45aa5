#pragma once
// Helpers shared by the explorer's GUI tests (offscreen, real widgets).

#include "core/gen/generator.h"
#include "core/io/graph_io.h"
#include "ui/document/autosave.h"
#include "ui/document/document.h"
#include "ui/document/move_controller.h"
#include "ui/main_window.h"
#include "ui/views/graph_view.h"

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QMimeData>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <random>
#include <vector>

#include <csignal>
#include <sys/resource.h>

namespace pipecut::ui::testing {

// Settings and data (autosaves) of this test process alone: never the
// user's, nor those of another test process (two checkouts may run the
// suites at once, and QStandardPaths' test mode shares ~/.qttest among them).
// A private folder holds the XDG config, data and cache locations and the
// QSettings files; child processes inherit it (PIPECUT_TEST_HOME) and it is
// removed when the process that made it exits. Suites that leave autosaves
// behind on purpose also use their own application name.
inline void useTestSettings(const char *application = "pipecut-tests")
{
    static std::unique_ptr<QTemporaryDir> own;
    QString root = qEnvironmentVariable("PIPECUT_TEST_HOME");
    if (root.isEmpty()) {
        own = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/pipecut-ui-test-XXXXXX"));
        root = own->path();
        qputenv("PIPECUT_TEST_HOME", QFile::encodeName(root));
    }
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(root + QStringLiteral("/config")));
    qputenv("XDG_DATA_HOME", QFile::encodeName(root + QStringLiteral("/data")));
    qputenv("XDG_CACHE_HOME", QFile::encodeName(root + QStringLiteral("/cache")));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, root + QStringLiteral("/config"));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, root + QStringLiteral("/config"));
    QApplication::setApplicationName(QString::fromLatin1(application));
}

// While alive, no file of this process may grow past `bytes` (RLIMIT_FSIZE;
// the signal that would kill the process is ignored, so writes fail with
// EFBIG instead): a full disk during a save, even for root.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_saved);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limited = m_saved;
        limited.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limited);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_handler);
    }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;

private:
    rlimit m_saved {};
    void (*m_handler)(int) = nullptr;
};

// A shown, non-interactive window (errors go to lastError(), not dialogs);
// nullptr when it could not be exposed.
inline std::unique_ptr<MainWindow> makeWindow()
{
    auto w = std::make_unique<MainWindow>();
    w->setInteractive(false);
    // Windows of a test are destroyed without closing (as after a crash): no
    // autosave unless a test asks for one, so that no other test restores it.
    w->autosave()->setInterval(3600 * 1000);
    w->resize(1400, 900);
    w->show();
    return QTest::qWaitForWindowExposed(w.get()) ? std::move(w) : nullptr;
}

// Waits until the model is loaded, drawn and partitioned (bounds may still run).
inline bool waitForModel(MainWindow &w, int timeoutMs = 120000)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        QTest::qWait(20);
        if (w.document()->hasGraph() && w.graphView()->hasPicture() && !w.isSolving())
            return true;
    }
    return false;
}

// `graph` written as pipecut JSON into `dir`; empty when it could not be.
inline QString writeGraph(const QTemporaryDir &dir, const Result<Graph> &graph, const QString &name)
{
    const QString path = dir.filePath(name);
    if (!graph.ok() || !writeFileAtomically(path.toStdString(), graphToJson(*graph)).ok())
        return {};
    return path;
}

// A generated transformer of about `nodes` nodes, written into `dir`.
inline QString writeTransformer(const QTemporaryDir &dir, int nodes, uint64_t seed)
{
    GeneratorOptions gen;
    gen.family = "transformer";
    gen.nodes = nodes;
    gen.seed = seed;
    return writeGraph(dir, generateGraph(gen), QStringLiteral("t%1.json").arg(nodes));
}

// A random DAG of 3,000 nodes without scopes on which exact methods and
// slicegraph run for minutes (cancel tests), written into `dir`.
inline QString writeLongSolveGraph(const QTemporaryDir &dir)
{
    std::mt19937_64 rng(5);
    GraphBuilder b("big");
    const int n = 3000;
    std::uniform_real_distribution<double> u(0.1, 2.0);
    for (int i = 0; i < n; ++i)
        b.addNode({ .id = "n" + std::to_string(i), .work = u(rng), .out = u(rng) });
    for (int i = 1; i < n; ++i) {
        b.addEdge(i - 1, i);
        if (i > 5 && u(rng) < 0.6)
            b.addEdge(i - 1 - int(u(rng) * 2), i);
    }
    return writeGraph(dir, b.build(), QStringLiteral("big.json"));
}

// A window on the bundled example, partitioned; nullptr when that failed.
inline std::unique_ptr<MainWindow> openExampleWindow()
{
    auto w = makeWindow();
    if (!w)
        return nullptr;
    w->openBundledExample();
    return waitForModel(*w) ? std::move(w) : nullptr;
}

// Sends a complete drag-enter / drag-move / drop sequence to `target` at `pos`.
inline bool dropNodes(QWidget *target, QPoint pos, const std::vector<NodeId> &nodes, Qt::KeyboardModifiers mods)
{
    std::unique_ptr<QMimeData> mime(MoveController::makeMimeData(nodes));
    QDragEnterEvent enter(pos, Qt::MoveAction, mime.get(), Qt::LeftButton, mods);
    QApplication::sendEvent(target, &enter);
    QDragMoveEvent move(pos, Qt::MoveAction, mime.get(), Qt::LeftButton, mods);
    QApplication::sendEvent(target, &move);
    QDropEvent drop(QPointF(pos), Qt::MoveAction, mime.get(), Qt::LeftButton, mods);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

} // namespace pipecut::ui::testing
