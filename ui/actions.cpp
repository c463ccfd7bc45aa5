#include "ui/actions.h"
#include "ui/help.h"

#include "core/partition/partitioner.h"
#include "ui/document/document.h"
#include "ui/file_actions.h"
#include "ui/main_window.h"
#include "ui/stages_export.h"
#include "ui/views/graph_view.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>

namespace pipecut::ui {

namespace {
QString tr(const char *text)
{
    return MainWindow::tr(text);
}

void addFileMenu(MainWindow *w, FileActions *files, Actions &a)
{
    QStyle *s = w->style();
    QMenu *file = w->menuBar()->addMenu(tr("&File"));
    a.open = file->addAction(
        s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Model\u2026"), files, &FileActions::openModel);
    a.open->setShortcut(QKeySequence::Open);
    a.recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Example"), w, &MainWindow::openBundledExample);
    file->addSeparator();
    a.openPartition = file->addAction(tr("Open &Partition\u2026"), files, &FileActions::openPartition);
    a.importProfile = file->addAction(tr("&Import Profile\u2026"), files, &FileActions::importProfile);
    file->addAction(tr("Open &Cluster\u2026"), w, [w] {
        const QString path = QFileDialog::getOpenFileName(
            w, tr("Open Cluster"), QString(), tr("pipecut cluster (*.json);;All files (*)"));
        if (!path.isEmpty())
            w->openCluster(path);
    });
    file->addAction(tr("C&lear Cluster"), w, &MainWindow::clearCluster);
    a.savePartition = file->addAction(
        s->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Partition\u2026"), files, &FileActions::savePartition);
    a.savePartition->setShortcut(QKeySequence::Save);
    a.saveGraph = file->addAction(tr("Save &Graph as pipecut JSON\u2026"), files, &FileActions::saveGraph);
    file->addSeparator();
    a.exportView = file->addAction(tr("&Export Whole Graph\u2026"), files, [files] { files->exportViewDialog(false); });
    a.exportView->setShortcut(QKeySequence(tr("Ctrl+E")));
    a.exportVisible
        = file->addAction(tr("Export &Visible Part\u2026"), files, [files] { files->exportViewDialog(true); });
    a.exportCharts = file->addAction(tr("Export &Charts\u2026"), files, &FileActions::exportCharts);
    // The same report as `pipecut-cli report` (ui/report_export.h).
    a.exportReport = file->addAction(tr("Export &Report\u2026"), files, &FileActions::exportReport);
    a.exportReport->setEnabled(false);
    QAction *exportReport = a.exportReport;
    QObject::connect(w->document(), &Document::changed, exportReport,
        [w, exportReport] { exportReport->setEnabled(w->document()->hasGraph()); });
    // One ONNX model per stage (ui/stages_export.h); refused, saying why, for other formats.
    QAction *exportStages = file->addAction(
        tr("Export &Stages (ONNX)…"), w, [w] { exportStagesDialog(w, *w->document(), w->loadOptions()); });
    exportStages->setEnabled(false);
    QObject::connect(w->document(), &Document::changed, exportStages,
        [w, exportStages] { exportStages->setEnabled(w->document()->hasGraph()); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, w, &QWidget::close);
}

void addEditMenu(MainWindow *w, Actions &a)
{
    QStyle *s = w->style();
    QMenu *edit = w->menuBar()->addMenu(tr("&Edit"));
    a.undo = w->document()->undoStack()->createUndoAction(w, tr("&Undo"));
    a.undo->setShortcuts({ QKeySequence(tr("Ctrl+Z")) });
    a.undo->setIcon(s->standardIcon(QStyle::SP_ArrowBack));
    // The toolbar buttons keep a short name (the menu and the tooltips name
    // the command): one that grew with every command's text moved the
    // toolbar and had the window laid out again at every edit.
    a.undo->setIconText(tr("Undo"));
    a.redo = w->document()->undoStack()->createRedoAction(w, tr("&Redo"));
    a.redo->setShortcuts({ QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y")) });
    a.redo->setIcon(s->standardIcon(QStyle::SP_ArrowForward));
    a.redo->setIconText(tr("Redo"));
    edit->addAction(a.undo);
    edit->addAction(a.redo);
    edit->addSeparator();
    a.prevStage = edit->addAction(tr("Move Selection to &Previous Stage"), w, [w] { w->moveSelectionBy(-1); });
    a.prevStage->setShortcuts({ QKeySequence(Qt::Key_BracketLeft), QKeySequence(tr("Alt+Left")) });
    a.nextStage = edit->addAction(tr("Move Selection to &Next Stage"), w, [w] { w->moveSelectionBy(+1); });
    a.nextStage->setShortcuts({ QKeySequence(Qt::Key_BracketRight), QKeySequence(tr("Alt+Right")) });
    a.prevForced
        = edit->addAction(tr("Move to Previous Stage with Forced Nodes"), w, [w] { w->moveSelectionBy(-1, true); });
    a.prevForced->setShortcuts({ QKeySequence(Qt::Key_BraceLeft), QKeySequence(tr("Shift+Alt+Left")) });
    a.nextForced
        = edit->addAction(tr("Move to Next Stage with Forced Nodes"), w, [w] { w->moveSelectionBy(+1, true); });
    a.nextForced->setShortcuts({ QKeySequence(Qt::Key_BraceRight), QKeySequence(tr("Shift+Alt+Right")) });
    edit->addSeparator();
    edit->addAction(tr("&Find Nodes\u2026"), QKeySequence::Find, w, &MainWindow::focusSearch);
    edit->addAction(tr("&Cluster\u2026"), w, &MainWindow::showClusterEditor)
        ->setToolTip(tr("The devices the stages run on (one per stage), editable; Apply is undoable"));
}

void addViewMenu(MainWindow *w, Actions &a)
{
    QMenu *view = w->menuBar()->addMenu(tr("&View"));
    a.fit = view->addAction(tr("&Fit to Window"), w, [w] { w->graphView()->fitAll(); });
    a.fit->setShortcuts({ QKeySequence(tr("Ctrl+0")), QKeySequence(Qt::Key_F) });
    a.zoomSelection = view->addAction(tr("Zoom to &Selection"), w, [w] { w->graphView()->zoomToSelection(); });
    a.zoomSelection->setShortcut(QKeySequence(tr("Ctrl+Shift+F")));
    a.zoomIn = view->addAction(tr("Zoom &In"), w, [w] { w->graphView()->zoomBy(1.25); });
    a.zoomIn->setShortcuts({ QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus) });
    a.zoomOut = view->addAction(tr("Zoom &Out"), w, [w] { w->graphView()->zoomBy(0.8); });
    a.zoomOut->setShortcuts({ QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus) });
    a.direction = view->addAction(tr("&Left to Right"));
    a.direction->setCheckable(true);
    QObject::connect(a.direction, &QAction::toggled, w, &MainWindow::setLeftToRight);
    view->addSeparator();
    a.collapseAll = view->addAction(tr("&Collapse by Scope"), w, &MainWindow::collapseAllByScope);
    a.collapseAll->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    a.collapseAll->setToolTip(tr("Draw each module (scope) as one box showing its stage mix; "
                                 "double-click a box to expand it"));
    a.expandAll = view->addAction(tr("&Expand All"), w, [w] { w->setCollapsedScopes({}); });
    a.expandAll->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    a.minimap = view->addAction(tr("&Minimap"));
    a.minimap->setCheckable(true);
    a.minimap->setChecked(QSettings().value("view/minimap", true).toBool());
    QObject::connect(a.minimap, &QAction::toggled, w, [w](bool on) {
        QSettings().setValue("view/minimap", on);
        w->graphView()->setMinimapEnabled(on);
    });
    view->addSeparator();
    a.viewMenu = view;
}

void addSolveAndHelpMenus(MainWindow *w, Actions &a)
{
    QStyle *s = w->style();
    QMenu *solve = w->menuBar()->addMenu(tr("&Solve"));
    a.run = solve->addAction(s->standardIcon(QStyle::SP_MediaPlay), tr("&Run Partitioner"), w, &MainWindow::runSolve);
    a.run->setShortcut(QKeySequence(tr("Ctrl+R")));
    a.cancel = solve->addAction(s->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), w, &MainWindow::cancelSolve);
    a.cancel->setShortcut(QKeySequence(tr("Ctrl+.")));
    a.bound = solve->addAction(tr("Recompute &Lower Bound"), w, &MainWindow::recomputeBound);

    addHelpMenu(w);
}

void addSolveInputs(QToolBar *bar, Actions &a)
{
    bar->addWidget(new QLabel(tr(" k ")));
    a.kSpin = new QSpinBox;
    a.kSpin->setRange(1, 512);
    a.kSpin->setValue(4);
    a.kSpin->setToolTip(tr("Number of pipeline stages for the next run"));
    bar->addWidget(a.kSpin);
    bar->addWidget(new QLabel(tr("  Method ")));
    a.method = new QComboBox;
    for (const std::string &m : partitionMethods())
        a.method->addItem(QString::fromStdString(m));
    a.method->setCurrentText(QStringLiteral("auto"));
    a.method->setToolTip(tr("Partitioning method (refine starts from the current partition)"));
    bar->addWidget(a.method);
    bar->addWidget(new QLabel(tr("  Time ")));
    a.timeLimit = new QDoubleSpinBox;
    a.timeLimit->setRange(0.1, 3600);
    a.timeLimit->setDecimals(1);
    a.timeLimit->setSuffix(tr(" s"));
    a.timeLimit->setToolTip(tr("Wall-time limit of the partitioner"));
    bar->addWidget(a.timeLimit);
}
} // namespace

void Actions::update(bool hasGraph, bool solving) const
{
    for (QAction *action : { savePartition, openPartition, importProfile, saveGraph, exportView, exportVisible,
             exportCharts, prevStage, nextStage, prevForced, nextForced, bound, collapseAll, expandAll })
        action->setEnabled(hasGraph);
    run->setEnabled(hasGraph && !solving);
    cancel->setEnabled(solving);
}

void Actions::showSolveStarted(const QString &method) const
{
    progress->setRange(0, 0);
    progress->setFormat(tr("%1\u2026").arg(method));
}

void Actions::showSolveProgress(double fraction, const QString &text) const
{
    if (fraction >= 0) {
        progress->setRange(0, 100);
        progress->setValue(int(fraction * 100));
    }
    progress->setFormat(text);
}

void Actions::showSolveIdle() const
{
    progress->setRange(0, 100);
    progress->setValue(0);
    progress->setFormat(tr("idle"));
}

Actions createActions(MainWindow *window, FileActions *files)
{
    Actions a;
    addFileMenu(window, files, a);
    addEditMenu(window, a);
    addViewMenu(window, a);
    addSolveAndHelpMenus(window, a);
    return a;
}

void createToolBar(MainWindow *window, Actions &a)
{
    QToolBar *bar = window->addToolBar(tr("Main"));
    bar->setObjectName("mainToolBar");
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(a.open);
    bar->addAction(a.savePartition);
    bar->addSeparator();
    addSolveInputs(bar, a);
    bar->addSeparator();
    bar->addAction(a.run);
    bar->addAction(a.cancel);
    a.progress = new QProgressBar;
    a.progress->setMaximumWidth(220);
    a.progress->setMinimumWidth(160);
    a.progress->setRange(0, 100);
    a.progress->setValue(0);
    a.progress->setTextVisible(true);
    a.progress->setFormat(tr("idle"));
    bar->addWidget(a.progress);
    bar->addSeparator();
    // Undo and redo change at every edit (command text, enabled): a toolbar
    // lays itself and the window out again whenever one of its actions
    // changes, so these are buttons of fixed size it holds as widgets; a
    // change repaints the button and nothing else.
    for (QAction *action : { a.undo, a.redo }) {
        auto *button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(bar->toolButtonStyle());
        button->setIconSize(bar->iconSize());
        button->setAutoRaise(true);
        button->setFocusPolicy(Qt::NoFocus);
        button->ensurePolished();
        button->setFixedSize(button->sizeHint());
        bar->addWidget(button);
    }
}

} // namespace pipecut::ui
