#include "ui/main_window.h"

#include "core/bounds/bound.h"
#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/io/onnx_reader.h"
#include "core/partition/partitioner.h"
#include "ui/autosave.h"
#include "ui/background.h"
#include "ui/commands.h"
#include "ui/dims_dialog.h"
#include "ui/document.h"
#include "ui/format.h"
#include "ui/graph_view.h"
#include "ui/metrics_panel.h"
#include "ui/move_controller.h"
#include "ui/scope_collapse.h"
#include "ui/solve_panel.h"
#include "ui/report_export.h"
#include "ui/stage_list.h"
#include "ui/stage_palette.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <QPointer>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

// The resources are compiled into the static pipecut_ui library, whose
// registration object the linker may drop: register them explicitly.
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace pipecut::ui {

namespace {
constexpr int kMaxRecent = 8;
// Graphs larger than this open collapsed by scope (when they have scopes), at
// the deepest level that draws at most kCollapsedElements boxes.
constexpr int kAutoCollapseNodes = 4000;
constexpr int kCollapsedElements = 1500;
const char *kExampleResource = ":/examples/bert_l-3_inference.json";

QString fileFilter()
{
    return QObject::tr("Models (*.json *.txt *.dot *.gv *.onnx);;pipecut or Microsoft JSON (*.json);;"
                       "PipeDream profile (*.txt);;Graphviz (*.dot *.gv);;ONNX (*.onnx);;All files (*)");
}

QString escape(const std::string &s) { return QString::fromStdString(s).toHtmlEscaped(); }
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_document(new Document(this)), m_moves(new MoveController(m_document, this)),
      m_jobs(new JobRunner(this)), m_autosave(new Autosave(m_document, this))
{
    initResources();
    setWindowTitle(tr("pipecut"));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    m_view = new GraphView(m_document, m_moves, this);
    m_view->clearPicture(tr("Open a model (File \u203A Open, or drop a file here)"));
    setCentralWidget(m_view);
    createActions();
    createToolBar();
    createDocks();
    createStatusBar();

    connect(m_document, &Document::changed, this, [this](const DocumentChange &c) {
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Partition))
            updateInspector();
        if (c.has(DocumentChange::Graph))
            updateTitle();
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Params))
            m_solvePanel->showParams(m_document->params(), modelUsesDevice(), m_device, m_document->timeUnit(),
                                     m_document->sizeUnit());
        updateActions();
    });
    connect(m_autosave, &Autosave::failed, this, [this](const QString &message) {
        note(message);
        m_autosave->setInterval(60000); // keep trying, quietly
    });
    connect(m_solvePanel, &SolvePanel::applyResultClicked, this, &MainWindow::applyPendingResult);
    connect(m_solvePanel, &SolvePanel::discardResultClicked, this, &MainWindow::discardPendingResult);
    connect(m_solvePanel, &SolvePanel::paramsApplied, this, &MainWindow::applyParams);
    connect(m_solvePanel, &SolvePanel::deviceChosen, this, &MainWindow::chooseDevice);
    connect(m_solvePanel, &SolvePanel::failed, this,
            [this](const QString &message) { showError(tr("Invalid value"), message); });
    connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    m_view->setMinimapEnabled(m_minimapAction->isChecked());
    connect(m_view, &GraphView::expandRequested, this, [this](const QString &scope) {
        if (m_document->hasGraph())
            setCollapsedScopes(expandScope(m_document->graph(), m_collapsed, scope.toStdString()));
    });
    connect(m_view, &GraphView::collapseRequested, this,
            [this](const QString &scope) { setCollapsedScopes(collapseScope(m_collapsed, scope.toStdString())); });
    connect(m_view, &GraphView::pictureReady, this, [this] {
        m_layingOut = false;
        m_layoutInfo->setText(m_layoutDoneText);
        updateSelectionStatus();
        updateInspector();
        updateActions();
        emit layoutReady();
    });
    connect(m_view, &GraphView::nodeSelectionChanged, this, [this] {
        updateInspector();
        updateSelectionStatus();
    });
    connect(m_moves, &MoveController::previewChanged, this, [this](const QString &text, bool valid) {
        m_previewInfo->setStyleSheet(valid ? QString() : QStringLiteral("color: #B2182B;"));
        m_previewInfo->setText(text);
    });
    connect(m_moves, &MoveController::refused, this, [this](const QString &reason) {
        m_previewInfo->setStyleSheet(QStringLiteral("color: #B2182B; font-weight: bold;"));
        m_previewInfo->setText(reason);
        m_lastError = reason;
    });
    connect(m_stages, &StageList::stageActivated, this, [this](int stage) {
        m_view->selectNodes(m_document->partition().members()[stage], true);
    });
    connect(m_metrics, &MetricsPanel::stageClicked, this, [this](int stage) {
        if (m_document->hasGraph() && stage >= 0 && stage < m_document->k())
            m_view->selectNodes(m_document->partition().members()[stage], false);
    });

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    m_layoutOptions.direction = settings.value("view/leftToRight", false).toBool() ? LayoutDirection::LeftToRight
                                                                                    : LayoutDirection::TopToBottom;
    m_directionAction->setChecked(m_layoutOptions.direction == LayoutDirection::LeftToRight);
    m_timeLimit->setValue(settings.value("solve/timeLimit", 10.0).toDouble());
    m_device = settings.value("model/device").toString();
    m_dims = DimsDialog::remembered();
    m_boundTime->setValue(settings.value("solve/boundTimeLimit", 20.0).toDouble());
    rebuildRecentMenu();
    updateActions();
}

MainWindow::~MainWindow()
{
    // Background jobs first (their results would arrive at a dying window),
    // then every connection from the document to this window: QObject's
    // destructor deletes the children after ~MainWindow has run, and a signal
    // they emit on the way must not reach a MainWindow slot.
    m_jobs->stopAll();
    m_document->undoStack()->disconnect(this);
    m_document->disconnect(this);
}

// ---------------------------------------------------------------------------
// Construction

void MainWindow::createActions()
{
    QStyle *s = style();
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Model\u2026"), this,
                                   &MainWindow::openDialog);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Example"), this, &MainWindow::openBundledExample);
    file->addSeparator();
    m_openPartitionAction = file->addAction(tr("Open &Partition\u2026"), this, &MainWindow::openPartitionDialog);
    m_savePartitionAction = file->addAction(s->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Partition\u2026"),
                                            this, &MainWindow::savePartitionDialog);
    m_savePartitionAction->setShortcut(QKeySequence::Save);
    m_saveGraphAction = file->addAction(tr("Save &Graph as pipecut JSON\u2026"), this, &MainWindow::saveGraphDialog);
    file->addSeparator();
    m_exportAction = file->addAction(tr("&Export Whole Graph\u2026"), this, [this] { exportDialog(false); });
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportVisibleAction = file->addAction(tr("Export &Visible Part\u2026"), this, [this] { exportDialog(true); });
    m_exportChartsAction = file->addAction(tr("Export &Charts\u2026"), this, &MainWindow::exportChartsDialog);
    // The same report as `pipecut-cli report` (ui/report_export.h).
    QAction *exportReportAction = file->addAction(tr("Export &Report\u2026"), this, [this] {
        const QString path = exportReportDialog(this, *m_document);
        if (!path.isEmpty())
            note(tr("exported report %1").arg(path));
    });
    exportReportAction->setEnabled(false);
    connect(m_document, &Document::changed, exportReportAction,
            [this, exportReportAction] { exportReportAction->setEnabled(m_document->hasGraph()); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undoAction = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcuts({QKeySequence(tr("Ctrl+Z"))});
    m_undoAction->setIcon(s->standardIcon(QStyle::SP_ArrowBack));
    // The toolbar buttons keep a short name (the menu and the tooltips name
    // the command): one that grew with every command's text moved the
    // toolbar and had the window laid out again at every edit.
    m_undoAction->setIconText(tr("Undo"));
    m_redoAction = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
    m_redoAction->setIcon(s->standardIcon(QStyle::SP_ArrowForward));
    m_redoAction->setIconText(tr("Redo"));
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);
    edit->addSeparator();
    m_prevStageAction = edit->addAction(tr("Move Selection to &Previous Stage"), this, [this] { moveSelectionBy(-1); });
    m_prevStageAction->setShortcuts({QKeySequence(Qt::Key_BracketLeft), QKeySequence(tr("Alt+Left"))});
    m_nextStageAction = edit->addAction(tr("Move Selection to &Next Stage"), this, [this] { moveSelectionBy(+1); });
    m_nextStageAction->setShortcuts({QKeySequence(Qt::Key_BracketRight), QKeySequence(tr("Alt+Right"))});
    m_prevForcedAction = edit->addAction(tr("Move to Previous Stage with Forced Nodes"), this,
                                         [this] { moveSelectionBy(-1, true); });
    m_prevForcedAction->setShortcuts({QKeySequence(Qt::Key_BraceLeft), QKeySequence(tr("Shift+Alt+Left"))});
    m_nextForcedAction = edit->addAction(tr("Move to Next Stage with Forced Nodes"), this,
                                         [this] { moveSelectionBy(+1, true); });
    m_nextForcedAction->setShortcuts({QKeySequence(Qt::Key_BraceRight), QKeySequence(tr("Shift+Alt+Right"))});
    edit->addSeparator();
    edit->addAction(tr("&Find Nodes\u2026"), QKeySequence::Find, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_fitAction = view->addAction(tr("&Fit to Window"), this, [this] { m_view->fitAll(); });
    m_fitAction->setShortcuts({QKeySequence(tr("Ctrl+0")), QKeySequence(Qt::Key_F)});
    m_zoomInAction = view->addAction(tr("Zoom &In"), this, [this] { m_view->zoomBy(1.25); });
    m_zoomInAction->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus)});
    m_zoomOutAction = view->addAction(tr("Zoom &Out"), this, [this] { m_view->zoomBy(0.8); });
    m_zoomOutAction->setShortcuts({QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)});
    m_directionAction = view->addAction(tr("&Left to Right"));
    m_directionAction->setCheckable(true);
    connect(m_directionAction, &QAction::toggled, this, [this](bool lr) {
        const auto direction = lr ? LayoutDirection::LeftToRight : LayoutDirection::TopToBottom;
        if (direction == m_layoutOptions.direction)
            return;
        m_layoutOptions.direction = direction;
        QSettings().setValue("view/leftToRight", lr);
        startLayout();
    });
    view->addSeparator();
    m_collapseAllAction = view->addAction(tr("&Collapse by Scope"), this, &MainWindow::collapseAllByScope);
    m_collapseAllAction->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    m_collapseAllAction->setToolTip(tr("Draw each module (scope) as one box showing its stage mix; "
                                       "double-click a box to expand it"));
    m_expandAllAction = view->addAction(tr("&Expand All"), this, [this] { setCollapsedScopes({}); });
    m_expandAllAction->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    m_minimapAction = view->addAction(tr("&Minimap"));
    m_minimapAction->setCheckable(true);
    m_minimapAction->setChecked(QSettings().value("view/minimap", true).toBool());
    connect(m_minimapAction, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue("view/minimap", on);
        m_view->setMinimapEnabled(on);
    });
    view->addSeparator();

    QMenu *solve = menuBar()->addMenu(tr("&Solve"));
    m_runAction = solve->addAction(s->standardIcon(QStyle::SP_MediaPlay), tr("&Run Partitioner"), this,
                                   &MainWindow::runSolve);
    m_runAction->setShortcut(QKeySequence(tr("Ctrl+R")));
    m_cancelAction = solve->addAction(s->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this,
                                      &MainWindow::cancelSolve);
    m_cancelAction->setShortcut(QKeySequence(tr("Ctrl+.")));
    m_boundAction = solve->addAction(tr("Recompute &Lower Bound"), this, &MainWindow::recomputeBound);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About pipecut"), this, [this] {
        QMessageBox::about(this, tr("About pipecut"),
                           tr("<b>pipecut %1</b><p>Cut a DNN operator graph into pipeline stages, edit the "
                              "partition by drag and drop, and compare its bottleneck with a proven lower "
                              "bound.</p><p>Method: Archer, Fahrbach, Liu, Prabhu, arXiv 2311.03703.</p>")
                               .arg(QStringLiteral(PIPECUT_VERSION)));
    });
    m_viewMenu = view;
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName("mainToolBar");
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_openAction);
    bar->addAction(m_savePartitionAction);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" k ")));
    m_kSpin = new QSpinBox;
    m_kSpin->setRange(1, 512);
    m_kSpin->setValue(4);
    m_kSpin->setToolTip(tr("Number of pipeline stages for the next run"));
    bar->addWidget(m_kSpin);
    bar->addWidget(new QLabel(tr("  Method ")));
    m_method = new QComboBox;
    for (const std::string &m : partitionMethods())
        m_method->addItem(QString::fromStdString(m));
    m_method->setCurrentText(QStringLiteral("auto"));
    m_method->setToolTip(tr("Partitioning method (refine starts from the current partition)"));
    bar->addWidget(m_method);
    bar->addWidget(new QLabel(tr("  Time ")));
    m_timeLimit = new QDoubleSpinBox;
    m_timeLimit->setRange(0.1, 3600);
    m_timeLimit->setDecimals(1);
    m_timeLimit->setSuffix(tr(" s"));
    m_timeLimit->setToolTip(tr("Wall-time limit of the partitioner"));
    bar->addWidget(m_timeLimit);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_cancelAction);
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(220);
    m_progress->setMinimumWidth(160);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("idle"));
    bar->addWidget(m_progress);
    bar->addSeparator();
    // Undo and redo change at every edit (command text, enabled): a toolbar
    // lays itself and the window out again whenever one of its actions
    // changes, so these are buttons of fixed size it holds as widgets; a
    // change repaints the button and nothing else.
    for (QAction *action : {m_undoAction, m_redoAction}) {
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

void MainWindow::createDocks()
{
    // Left: stages (legend and drop targets), search, inspector.
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(4, 4, 4, 4);
    auto *stagesTitle = new QLabel(tr("<b>Stages</b> \u2014 drop nodes here"));
    leftLayout->addWidget(stagesTitle);
    m_stages = new StageList(m_document, m_moves);
    m_stages->setObjectName("stageList");
    leftLayout->addWidget(m_stages, 3);
    leftLayout->addWidget(new QLabel(tr("<b>Search</b> (regular expression on name, op, scope)")));
    m_search = new QLineEdit;
    m_search->setObjectName("searchEdit");
    m_search->setPlaceholderText(tr("e.g. attention|layer\\.2\\."));
    m_search->setClearButtonEnabled(true);
    leftLayout->addWidget(m_search);
    m_searchInfo = new QLabel;
    leftLayout->addWidget(m_searchInfo);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { search(m_search->text()); });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (m_document->hasGraph() && m_document->graph().nodeCount() <= 20000)
            search(text); // live while typing on graphs where it stays instant
    });
    leftLayout->addWidget(new QLabel(tr("<b>Inspector</b>")));
    m_inspector = new QTextBrowser;
    m_inspector->setObjectName("inspector");
    m_inspector->setOpenLinks(false);
    leftLayout->addWidget(m_inspector, 2);
    auto *leftDock = new QDockWidget(tr("Stages, Search, Inspector"), this);
    leftDock->setObjectName("leftDock");
    leftDock->setWidget(left);
    addDockWidget(Qt::LeftDockWidgetArea, leftDock);

    // Right: metrics and charts.
    m_metrics = new MetricsPanel(m_document);
    m_metrics->setObjectName("metricsPanel");
    auto *rightDock = new QDockWidget(tr("Bottleneck against the bound"), this);
    rightDock->setObjectName("rightDock");
    rightDock->setWidget(m_metrics);
    addDockWidget(Qt::RightDockWidgetArea, rightDock);

    // Bound time limit lives with the metrics it feeds.
    m_boundTime = new QDoubleSpinBox;
    m_boundTime->setRange(1, 3600);
    m_boundTime->setDecimals(0);
    m_boundTime->setSuffix(tr(" s"));
    m_boundTime->setPrefix(tr("bound time limit "));
    m_boundTime->setToolTip(tr("Time limit of the background lower-bound computation"));
    static_cast<QVBoxLayout *>(m_metrics->layout())->insertWidget(1, m_boundTime);

    // Solver settings, run comparison and cost model: a tab next to the stages.
    m_solvePanel = new SolvePanel;
    m_solvePanel->setObjectName("solvePanel");
    auto *solveDock = new QDockWidget(tr("Solver and Costs"), this);
    solveDock->setObjectName("solveDock");
    solveDock->setWidget(m_solvePanel);
    addDockWidget(Qt::LeftDockWidgetArea, solveDock);
    tabifyDockWidget(leftDock, solveDock);
    leftDock->raise();

    m_viewMenu->addAction(leftDock->toggleViewAction());
    m_viewMenu->addAction(solveDock->toggleViewAction());
    m_viewMenu->addAction(rightDock->toggleViewAction());
    resizeDocks({leftDock, rightDock}, {300, 380}, Qt::Horizontal);
}

void MainWindow::createStatusBar()
{
    m_layoutInfo = new QLabel(tr("no model"));
    m_countInfo = new QLabel;
    m_previewInfo = new QLabel;
    m_previewInfo->setObjectName("previewInfo");
    m_previewInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_layoutInfo);
    statusBar()->addWidget(m_countInfo);
    statusBar()->addWidget(m_previewInfo, 1);
}

// ---------------------------------------------------------------------------
// State shown around the view

void MainWindow::updateActions()
{
    const bool has = m_document->hasGraph();
    for (QAction *a : {m_savePartitionAction, m_openPartitionAction, m_saveGraphAction, m_exportAction,
                       m_exportVisibleAction, m_exportChartsAction, m_prevStageAction, m_nextStageAction,
                       m_prevForcedAction, m_nextForcedAction, m_boundAction, m_collapseAllAction,
                       m_expandAllAction})
        a->setEnabled(has);
    m_runAction->setEnabled(has && !m_solving);
    m_cancelAction->setEnabled(m_solving);
}

void MainWindow::updateTitle()
{
    QString name = m_document->hasGraph() ? QFileInfo(m_document->filePath()).fileName() : tr("no model");
    setWindowTitle(tr("%1%2 \u2014 pipecut").arg(name, m_document->undoStack()->isClean() ? "" : " *"));
}

void MainWindow::updateSelectionStatus()
{
    if (!m_document->hasGraph()) {
        m_countInfo->clear();
        return;
    }
    const Graph &g = m_document->graph();
    m_countInfo->setText(tr("%L1 nodes, %L2 edges, %L3 selected")
                             .arg(g.nodeCount())
                             .arg(g.edgeCount())
                             .arg(m_view->selectedNodes().size()));
}

QString MainWindow::previewText() const { return m_previewInfo->text(); }

QString MainWindow::inspectorText() const { return m_inspector->toPlainText(); }

void MainWindow::updateInspector()
{
    if (!m_document->hasGraph() || !m_view->hasPicture()) {
        m_inspector->clear();
        m_inspectorHtml.clear();
        return;
    }
    const Graph &g = m_document->graph();
    const Partition &p = m_document->partition();
    const auto nodes = m_view->selectedNodes();
    const QString unit = m_document->timeUnit();
    const QString sizeUnit = m_document->sizeUnit();
    QString html;
    auto row = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td style='color:#555;padding-right:8px'>%1</td><td>%2</td></tr>").arg(k, v);
    };
    if (nodes.empty()) {
        html = tr("<p style='color:#777'>Select nodes to inspect them: click, drag a rubber band, search, or "
                  "double-click a stage.</p><p style='color:#777'>Drag a selection onto a stage, or onto a node "
                  "of another stage, to move it; hold Shift to bring along the nodes that must follow.</p>");
    } else if (nodes.size() == 1) {
        const NodeId v = nodes.front();
        const int s = index(p.stage(v));
        html = "<table>";
        row(tr("node"), QStringLiteral("<b>%1</b>").arg(escape(g.id(v))));
        row(tr("op"), g.op(v).empty() ? QStringLiteral("\u2014") : escape(g.op(v)));
        row(tr("scope"), g.scope(v).empty() ? QStringLiteral("\u2014") : escape(g.scope(v)));
        row(tr("stage"), QStringLiteral("<span style='background:%1'>&nbsp;&nbsp;&nbsp;</span> %2")
                             .arg(stageColor(s).name())
                             .arg(s + 1));
        row(tr("work"), formatCost(g.work(v), unit));
        row(tr("out"), formatSize(g.out(v), sizeUnit));
        row(tr("param"), formatSize(g.param(v), sizeUnit));
        if (g.group(v) != kNoGroup)
            row(tr("group"), escape(g.groupName(g.group(v))));
        row(tr("in / out edges"), QStringLiteral("%1 / %2").arg(g.inDegree(v)).arg(g.outDegree(v)));
        html += "</table>";
    } else {
        double work = 0, out = 0, param = 0;
        std::map<int, int> perStage;
        for (NodeId v : nodes) {
            work += g.work(v);
            out += g.out(v);
            param += g.param(v);
            ++perStage[index(p.stage(v))];
        }
        QStringList stages;
        for (auto [s, c] : perStage)
            stages << tr("%1\u00D7 stage %2").arg(c).arg(s + 1);
        html = "<table>";
        row(tr("nodes"), QString::number(nodes.size()));
        row(tr("work"), formatCost(work, unit));
        row(tr("out"), formatSize(out, sizeUnit));
        row(tr("param"), formatSize(param, sizeUnit));
        row(tr("stages"), stages.join(", "));
        html += "</table>";
    }
    // Laying out the same text again is most of what an edit costs here.
    if (html != m_inspectorHtml) {
        m_inspectorHtml = html;
        m_inspector->setHtml(html);
    }
}

void MainWindow::note(const QString &text)
{
    m_previewInfo->setStyleSheet(QString());
    m_previewInfo->setText(text);
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    note(message);
    m_previewInfo->setStyleSheet(QStringLiteral("color: #B2182B;"));
    if (m_interactive)
        QMessageBox::warning(this, title, message);
}

bool MainWindow::isBusy() const
{
    return m_loading || m_layingOut || m_solving || m_bounding;
}

// ---------------------------------------------------------------------------
// Opening models

void MainWindow::openFile(const QString &path, int autoK)
{
    m_loading = true;
    note(tr("Loading %1\u2026").arg(path));
    const std::string file = path.toStdString();
    const bool onnx = QFileInfo(path).suffix().compare(QLatin1String("onnx"), Qt::CaseInsensitive) == 0;
    // ONNX: the analysis also says which dimensions are symbolic (for the dialog).
    struct Loaded {
        Result<Graph> graph;
        std::map<std::string, std::optional<int64_t>> dims;
    };
    m_jobs->start<Loaded>(
        this,
        [file, onnx, options = loadOptions()](const StopToken &) -> Loaded {
            if (!onnx)
                return {loadGraph(file, options), {}};
            auto analysis = analyzeOnnxModel(file, options);
            if (!analysis.ok())
                return {makeError(analysis.error()), {}};
            auto device = options.device.empty() ? Result<DeviceProfile>(defaultDeviceProfile())
                                                 : findDeviceProfile(options.device);
            if (!device.ok())
                return {makeError(device.error()), {}};
            return {onnxGraphFor(*analysis, *device), analysis->symbolicDims};
        },
        [this, path, autoK](Loaded loaded) {
            m_loading = false;
            if (!loaded.graph.ok()) {
                showError(tr("Cannot open model"), QString::fromStdString(loaded.graph.error()));
                return;
            }
            if (!loaded.dims.empty() && m_interactive && !m_dimsConfirmed) {
                DimsDialog dialog(path, loaded.dims, this);
                if (dialog.exec() == QDialog::Accepted) {
                    const auto values = dialog.values();
                    DimsDialog::remember(values);
                    bool changed = false;
                    for (const auto &[name, value] : values) {
                        const auto &used = loaded.dims[name];
                        changed = changed || !used || *used != value;
                        m_dims[name] = value;
                    }
                    if (changed) { // load again with the values given
                        m_dimsConfirmed = true;
                        openFile(path, autoK);
                        return;
                    }
                }
            }
            m_dimsConfirmed = false;
            addRecent(QFileInfo(path).absoluteFilePath());
            adoptGraph(std::move(loaded.graph).value(), QFileInfo(path).absoluteFilePath(), autoK);
        });
}

void MainWindow::openBundledExample()
{
    QFile file(QString::fromLatin1(kExampleResource));
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot open example"), tr("the bundled example %1 is missing").arg(kExampleResource));
        return;
    }
    const std::string content = file.readAll().toStdString();
    m_loading = true;
    m_jobs->start<Result<Graph>>(
        this,
        [content](const StopToken &) { return parseGraph(content, "bert_l-3_inference.json (bundled example)"); },
        [this](Result<Graph> graph) {
            m_loading = false;
            if (!graph.ok()) {
                showError(tr("Cannot open example"), QString::fromStdString(graph.error()));
                return;
            }
            adoptGraph(std::move(graph).value(), QStringLiteral("bert_l-3_inference.json"), -1);
        });
}

void MainWindow::adoptGraph(Graph graph, const QString &path, int autoK)
{
    int k = autoK > 0 ? autoK : (graph.suggestedK() > 0 ? graph.suggestedK() : m_kSpin->value());
    if (m_solveStop)
        m_solveStop->requestStop();
    if (m_boundStop)
        m_boundStop->requestStop();
    m_search->clear();
    m_previewInfo->clear();
    discardPendingResult();
    for (const std::string &text : graph.notes())
        note(QString::fromStdString(text));
    m_collapsed.clear();
    if (graph.nodeCount() > kAutoCollapseNodes)
        if (const int depth = collapseDepthFor(graph, kCollapsedElements); depth > 0)
            m_collapsed = scopesAtDepth(graph, depth);
    m_document->setGraph(std::move(graph), path, 1);
    m_kSpin->setValue(k);
    const bool recovered = offerRecovery();
    updateSelectionStatus();
    emit modelLoaded();
    startLayout();
    if (recovered)
        requestBound();
    else
        startSolve(k, QStringLiteral("auto"), m_timeLimit->value(), true);
}

bool MainWindow::offerRecovery()
{
    auto recovered = Autosave::find(m_document->filePath(), m_document->graph());
    if (!recovered)
        return false;
    const QString when = QLocale().toString(recovered->saved.toLocalTime(), QLocale::ShortFormat);
    if (m_interactive &&
        QMessageBox::question(this, tr("Restore unsaved edits?"),
                              tr("pipecut did not close normally while the partition of %1 had unsaved edits "
                                 "(autosaved %2). Restore them?")
                                  .arg(QFileInfo(m_document->filePath()).fileName(), when),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) != QMessageBox::Yes) {
        QFile::remove(recovered->file);
        return false;
    }
    // One undoable command, left unsaved: the user decides whether to keep it.
    m_document->undoStack()->push(
        new SetPartitionCommand(m_document, recovered->partition, tr("restore autosaved edits")));
    m_kSpin->setValue(m_document->k());
    note(tr("restored the edits autosaved %1").arg(when));
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            openFile(url.toLocalFile());
            event->acceptProposedAction();
            return;
        }
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::openDialog()
{
    const QString dir = QSettings().value("lastDir").toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), dir, fileFilter());
    if (path.isEmpty())
        return;
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
    openFile(path);
}

// ---------------------------------------------------------------------------
// Layout, bounds, solving

void MainWindow::setCollapsedScopes(std::set<std::string> scopes)
{
    if (scopes == m_collapsed)
        return;
    m_collapsed = std::move(scopes);
    startLayout();
}

void MainWindow::collapseAllByScope()
{
    if (!m_document->hasGraph())
        return;
    const int depth = collapseDepthFor(m_document->graph(), kCollapsedElements);
    if (depth == 0) {
        note(tr("the graph has no scopes to collapse"));
        return;
    }
    setCollapsedScopes(scopesAtDepth(m_document->graph(), depth));
}

void MainWindow::startLayout()
{
    if (!m_document->hasGraph())
        return;
    if (m_layoutStop)
        m_layoutStop->requestStop();
    const int generation = ++m_layoutGeneration;
    const auto graph = m_document->sharedGraph();
    const LayoutOptions options = m_layoutOptions;
    const std::set<std::string> collapsed = m_collapsed;
    m_layingOut = true;
    m_layoutInfo->setText(tr("laying out %L1 nodes\u2026").arg(graph->nodeCount()));
    m_view->clearPicture(tr("Laying out\u2026"));
    struct Drawing {
        std::shared_ptr<const ScopeView> collapsed;
        Layout layout;
    };
    m_layoutStop = m_jobs->start<Drawing>(
        this,
        [graph, options, collapsed](const StopToken &stop) {
            auto view = std::make_shared<ScopeView>(collapseByScope(*graph, collapsed));
            Layout layout = computeLayout(view->layoutGraph, options, stop);
            return Drawing{std::move(view), std::move(layout)};
        },
        [this, generation, graph, options](Drawing drawing) {
            if (generation != m_layoutGeneration || graph != m_document->sharedGraph())
                return; // a newer layout or another graph replaced this one
            const Layout &layout = drawing.layout;
            const int32_t groups = drawing.collapsed->groupCount();
            QString info = tr("%1 layout %2 s").arg(QString::fromStdString(layout.engine)).arg(layout.seconds, 0, 'f', 2);
            if (groups > 0)
                info += tr(", %n scope(s) collapsed", nullptr, groups);
            if (!layout.notes.empty()) {
                m_layoutInfo->setToolTip(QString::fromStdString(layout.notes.front()));
                info += tr(" (%1)").arg(QString::fromStdString(layout.notes.front()));
            }
            m_layoutInfo->setText(tr("drawing %L1 items\u2026").arg(layout.centres.size()));
            m_layoutDoneText = info;
            // The view makes its items a slice at a time: the layout is done
            // (layoutReady) when it says the picture is complete.
            m_view->showLayout(layout, options, std::move(drawing.collapsed));
        });
}

void MainWindow::recomputeBound()
{
    if (m_boundStop)
        m_boundStop->requestStop();
    m_bounding = false;
    m_document->forgetBound(); // with the (possibly raised) time limit
    requestBound();
}

void MainWindow::cancelBound()
{
    if (m_boundStop && m_bounding) {
        m_boundCancelled = true; // keep what it proved, do not start it again
        m_boundStop->requestStop();
    }
}

void MainWindow::requestBound()
{
    if (!m_document->hasGraph() || m_document->bound())
        return;
    const int k = m_document->k();
    const CostParams params = m_document->params();
    const QString key = Document::boundKey(k, params);
    if (m_bounding && m_boundKeyRunning == key)
        return;
    if (m_boundStop)
        m_boundStop->requestStop();
    const auto graph = m_document->sharedGraph();
    BoundOptions options;
    options.k = k;
    options.method = "best";
    options.timeLimit = m_boundTime->value();
    options.incumbent = m_document->partition();
    m_bounding = true;
    m_boundCancelled = false;
    m_boundKeyRunning = key;
    m_document->setBoundRunning(true);
    const int generation = ++m_boundGeneration;
    m_boundStop = m_jobs->start<Result<BoundResult>>(
        this,
        [graph, params, options](const StopToken &stop) { return runBound(*graph, params, options, stop); },
        [this, graph, k, params, generation](Result<BoundResult> result) {
            if (graph != m_document->sharedGraph())
                return;
            // A bound replaced by a newer request still proved something for
            // its own key; only the current one speaks for the window.
            const bool current = generation == m_boundGeneration;
            if (current) {
                m_bounding = false;
                m_document->setBoundRunning(false);
            }
            if (!result.ok()) {
                if (current)
                    note(tr("lower bound: %1").arg(QString::fromStdString(result.error())));
            } else if (result->infeasible) {
                if (current)
                    showError(tr("No valid partition"), QString::fromStdString(result->reason));
            } else {
                m_document->setBound(k, params, result->lowerBound, QString::fromStdString(result->provenBy),
                                     result->seconds);
            }
            if (!current)
                return;
            emit boundFinished();
            if (!m_boundCancelled)
                requestBound(); // k may have changed meanwhile
        });
}

void MainWindow::runSolve()
{
    if (!m_document->hasGraph())
        return;
    startSolve(m_kSpin->value(), m_method->currentText(), m_timeLimit->value(), false);
}

void MainWindow::cancelSolve()
{
    if (m_solveStop && m_solving) {
        m_solveStop->requestStop();
        m_progress->setFormat(tr("cancelling\u2026"));
    }
}

void MainWindow::startSolve(int k, const QString &method, double timeLimit, bool firstPartition)
{
    if (m_solving || !m_document->hasGraph())
        return;
    PartitionOptions options;
    options.k = k;
    options.method = method.toStdString();
    options.timeLimit = timeLimit;
    options.seed = m_solvePanel->seed();
    if (const QString budget = m_solvePanel->budget(); !budget.isEmpty()) {
        auto parsed = parseBudget(budget.toStdString());
        if (!parsed.ok()) {
            showError(tr("Invalid budget"), QString::fromStdString(parsed.error()));
            return;
        }
        options.population = parsed->first;
        options.generations = parsed->second;
    }
    if (!firstPartition && k == m_document->k())
        options.start = m_document->partition();
    const auto graph = m_document->sharedGraph();
    const CostParams params = m_document->params();
    m_solving = true;
    m_lastIncumbent = std::numeric_limits<double>::infinity();
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("%1\u2026").arg(method));
    updateActions();

    // Progress comes from solver threads: keep the latest report, post at most ~10 per second.
    struct Throttle {
        std::mutex mutex;
        std::chrono::steady_clock::time_point last{};
    };
    auto throttle = std::make_shared<Throttle>();
    QPointer<MainWindow> self(this);
    ProgressFn progress = [self, throttle](const Progress &p) {
        {
            std::lock_guard lock(throttle->mutex);
            const auto now = std::chrono::steady_clock::now();
            if (now - throttle->last < std::chrono::milliseconds(100))
                return;
            throttle->last = now;
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, p] {
                if (!self || !self->m_solving)
                    return;
                if (p.fraction >= 0) {
                    self->m_progress->setRange(0, 100);
                    self->m_progress->setValue(int(p.fraction * 100));
                }
                QString text = QString::fromStdString(p.stage);
                if (std::isfinite(p.incumbent)) {
                    text += tr(" T=%1").arg(formatCost(p.incumbent));
                    if (p.incumbent < self->m_lastIncumbent - 1e-12) {
                        self->m_lastIncumbent = p.incumbent;
                        const BoundInfo *b = self->m_document->bound();
                        self->m_document->addHistory(p.incumbent, std::max(p.bound, b ? b->lowerBound : 0.0),
                                                     tr("solver incumbent"));
                    }
                }
                self->m_progress->setFormat(text);
            },
            Qt::QueuedConnection);
    };
    m_solveStop = m_jobs->start<Result<PartitionResult>>(
        this,
        [graph, params, options, progress](const StopToken &stop) {
            return runPartitioner(*graph, params, options, stop, progress);
        },
        [this, graph, params, k, firstPartition](Result<PartitionResult> result) {
            m_solving = false;
            m_progress->setRange(0, 100);
            m_progress->setValue(0);
            m_progress->setFormat(tr("idle"));
            updateActions();
            if (graph != m_document->sharedGraph())
                return;
            const bool cancelled = m_solveStop && m_solveStop->stopRequested();
            if (!result.ok()) {
                if (cancelled)
                    note(tr("partitioning cancelled"));
                else
                    showError(tr("Partitioning failed"), QString::fromStdString(result.error()));
                emit solveFinished(false);
                return;
            }
            const PartitionResult &r = *result;
            const double before = m_document->bottleneck();
            const bool better = r.partition.k() != m_document->k() || r.bottleneck < before - 1e-12;
            if (firstPartition) {
                m_document->applyPartition(r.partition);
                m_document->recordPoint(tr("%1 (k=%2)").arg(QString::fromStdString(r.method)).arg(k));
            } else if (m_solvePanel->compareFirst()) {
                const QString method = QString::fromStdString(r.method);
                m_solvePanel->showComparison(comparison(r.partition, method));
                m_pending = PendingResult{r.partition, method};
            } else if (!cancelled || better) {
                m_document->undoStack()->push(new SetPartitionCommand(
                    m_document, r.partition, tr("apply %1 (k=%2)").arg(QString::fromStdString(r.method)).arg(k)));
            }
            if (r.optimal)
                m_document->setBound(k, params, r.bottleneck, QString::fromStdString(r.method), r.seconds);
            else if (r.lowerBound > 0)
                m_document->setBound(k, params, r.lowerBound, QString::fromStdString(r.method), r.seconds);
            QString message = tr("%1: T = %2 in %3 s%4")
                                  .arg(QString::fromStdString(r.method), formatCost(r.bottleneck, m_document->timeUnit()))
                                  .arg(r.seconds, 0, 'f', 2)
                                  .arg(r.optimal ? tr(", proven optimal") : QString());
            if (!firstPartition)
                message += tr(" (was %1)").arg(formatCost(before));
            if (cancelled)
                message += tr(" \u2014 stopped early");
            for (const std::string &note : r.notes)
                message += QStringLiteral("; ") + QString::fromStdString(note);
            note(message);
            emit solveFinished(true);
            requestBound();
        });
}

QString MainWindow::comparison(const Partition &result, const QString &method) const
{
    const Graph &g = m_document->graph();
    const Evaluation now = evaluate(g, m_document->params(), m_document->partition());
    const Evaluation next = evaluate(g, m_document->params(), result);
    const QString unit = m_document->timeUnit();
    int moved = 0;
    if (result.k() == m_document->k())
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            moved += result.stage(nodeId(v)) != m_document->partition().stage(nodeId(v));
    const double change = now.bottleneck > 0 ? (next.bottleneck - now.bottleneck) / now.bottleneck * 100 : 0.0;
    const QString colour = change < -1e-9 ? "#117733" : change > 1e-9 ? "#B2182B" : "#555";
    QString text = tr("<b>%1</b>, k = %2: T = <b>%3</b><br>current (k = %4): T = %5<br>"
                      "<span style='color:%6'>%7%8 %</span>")
                       .arg(method.toHtmlEscaped())
                       .arg(result.k())
                       .arg(formatCost(next.bottleneck, unit))
                       .arg(m_document->k())
                       .arg(formatCost(now.bottleneck, unit))
                       .arg(colour)
                       .arg(change > 0 ? "+" : "")
                       .arg(change, 0, 'f', 2);
    if (result.k() == m_document->k())
        text += tr("<br>%n node(s) change stage", nullptr, moved);
    QStringList stages;
    for (const auto &s : next.stages)
        stages << formatCost(s.cost);
    text += tr("<br>stage costs: %1").arg(stages.join(QStringLiteral(" | ")));
    return text;
}

void MainWindow::applyPendingResult()
{
    if (!m_pending)
        return;
    const PendingResult pending = std::move(*m_pending);
    discardPendingResult();
    m_document->undoStack()->push(new SetPartitionCommand(
        m_document, pending.partition, tr("apply %1 (k=%2)").arg(pending.method).arg(pending.partition.k())));
    m_kSpin->setValue(m_document->k());
    requestBound();
}

void MainWindow::discardPendingResult()
{
    m_pending.reset();
    m_solvePanel->showComparison(QString());
}

bool MainWindow::applyParams(const CostParams &params)
{
    if (!m_document->hasGraph())
        return false;
    const Status valid = params.validate();
    if (!valid.ok()) {
        showError(tr("Invalid cost parameters"), QString::fromStdString(valid.error()));
        return false;
    }
    if (params == m_document->params())
        return true;
    m_document->setParams(params);
    m_document->recordPoint(tr("cost parameters"));
    const auto violations = checkFeasibility(m_document->graph(), params, m_document->partition(), 1);
    if (!violations.empty())
        showError(tr("Partition over the limits"),
                  tr("With these parameters the current partition is invalid (%1); Run to find a valid one.")
                      .arg(QString::fromStdString(violations.front().message)));
    else
        note(tr("cost parameters applied; the lower bound is being recomputed"));
    requestBound();
    return true;
}

LoadOptions MainWindow::loadOptions() const
{
    LoadOptions options;
    options.device = m_device.toStdString();
    options.dims = m_dims;
    return options;
}

bool MainWindow::modelUsesDevice() const
{
    if (!m_document->hasGraph())
        return false;
    const std::string &format = m_document->graph().format();
    return format == "onnx" || format == "pipedream";
}

void MainWindow::chooseDevice(const QString &device)
{
    m_device = device;
    QSettings().setValue("model/device", device);
    if (!modelUsesDevice())
        return;
    const LoadOptions options = loadOptions();
    const std::string file = m_document->filePath().toStdString();
    const auto before = m_document->sharedGraph();
    m_loading = true;
    note(tr("re-costing the model for %1\u2026").arg(device));
    m_jobs->start<Result<Graph>>(
        this, [file, options](const StopToken &) { return loadGraph(file, options); },
        [this, before, device](Result<Graph> graph) {
            m_loading = false;
            if (before != m_document->sharedGraph())
                return; // another model was opened meanwhile
            if (!graph.ok()) {
                showError(tr("Cannot re-cost the model"), QString::fromStdString(graph.error()));
                emit recosted(false);
                return;
            }
            if (!m_document->recost(std::move(graph).value())) {
                showError(tr("Cannot re-cost the model"),
                          tr("%1 changed on disk: its nodes are not the ones drawn").arg(m_document->filePath()));
                emit recosted(false);
                return;
            }
            m_document->recordPoint(tr("device %1").arg(device));
            note(tr("re-costed for device %1").arg(device));
            requestBound();
            emit recosted(true);
        });
}

// ---------------------------------------------------------------------------
// Editing

void MainWindow::moveSelectionBy(int delta, bool withForced)
{
    if (!m_document->hasGraph())
        return;
    const auto nodes = m_view->selectedNodes();
    if (nodes.empty()) {
        emit m_moves->refused(tr("select nodes first"));
        return;
    }
    int lo = m_document->k(), hi = -1;
    for (NodeId v : nodes) {
        const int s = index(m_document->partition().stage(v));
        lo = std::min(lo, s);
        hi = std::max(hi, s);
    }
    const int target = delta < 0 ? lo - 1 : hi + 1;
    if (target < 0 || target >= m_document->k()) {
        emit m_moves->refused(tr("there is no stage %1 (k = %2)").arg(target + 1).arg(m_document->k()));
        return;
    }
    m_moves->commit(nodes, stageId(target), withForced);
}

int MainWindow::search(const QString &pattern)
{
    if (!m_document->hasGraph() || !m_view->hasPicture())
        return 0;
    if (pattern.isEmpty()) {
        m_searchInfo->clear();
        return 0;
    }
    const QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
    if (!re.isValid()) {
        m_searchInfo->setText(tr("<span style='color:#B2182B'>invalid: %1</span>").arg(re.errorString()));
        return -1;
    }
    const Graph &g = m_document->graph();
    std::vector<NodeId> matches;
    for (int32_t v = 0; v < g.nodeCount(); ++v) {
        const NodeId id = nodeId(v);
        if (re.match(QString::fromStdString(g.id(id))).hasMatch() || re.match(QString::fromStdString(g.op(id))).hasMatch() ||
            re.match(QString::fromStdString(g.scope(id))).hasMatch())
            matches.push_back(id);
    }
    m_view->selectNodes(matches, true);
    m_searchInfo->setText(tr("%n match(es)", nullptr, int(matches.size())));
    return int(matches.size());
}

// ---------------------------------------------------------------------------
// Files

void MainWindow::savePartitionDialog()
{
    if (!m_document->hasGraph())
        return;
    const QString suggested = QFileInfo(m_document->filePath()).completeBaseName() + ".partition.json";
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Partition"), suggested, tr("Partition (*.json)"));
    if (path.isEmpty())
        return;
    const Status st = writeFileAtomically(path.toStdString(), partitionToJson(m_document->graph(), m_document->partition()));
    if (!st.ok())
        showError(tr("Cannot save partition"), QString::fromStdString(st.error()));
    else
        m_document->undoStack()->setClean();
}

void MainWindow::openPartitionDialog()
{
    if (!m_document->hasGraph())
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Partition"), QString(), tr("Partition (*.json)"));
    if (path.isEmpty())
        return;
    auto partition = loadPartition(path.toStdString(), m_document->graph());
    if (!partition.ok()) {
        showError(tr("Cannot open partition"), QString::fromStdString(partition.error()));
        return;
    }
    const Status valid = validatePartition(m_document->graph(), m_document->params(), *partition);
    if (!valid.ok()) {
        showError(tr("Invalid partition"), tr("%1: %2").arg(path, QString::fromStdString(valid.error())));
        return;
    }
    m_document->undoStack()->push(
        new SetPartitionCommand(m_document, *partition, tr("open partition %1").arg(QFileInfo(path).fileName())));
    m_kSpin->setValue(m_document->k());
    requestBound();
}

void MainWindow::saveGraphDialog()
{
    if (!m_document->hasGraph())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Graph"), QFileInfo(m_document->filePath()).completeBaseName() + ".pipecut.json",
                                                      tr("pipecut JSON (*.json)"));
    if (path.isEmpty())
        return;
    const Status st = writeFileAtomically(path.toStdString(), graphToJson(m_document->graph()));
    if (!st.ok())
        showError(tr("Cannot save graph"), QString::fromStdString(st.error()));
}

bool MainWindow::exportView(const QString &path, bool visibleOnly, QString *error)
{
    return m_view->exportPicture(path, visibleOnly, error);
}

void MainWindow::exportDialog(bool visibleOnly)
{
    const QString path = QFileDialog::getSaveFileName(this, visibleOnly ? tr("Export Visible Part") : tr("Export Graph"),
                                                      QString(), tr("PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportView(path, visibleOnly, &error))
        showError(tr("Export failed"), error);
    else
        note(tr("exported %1").arg(path));
}

void MainWindow::exportChartsDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Charts"), QString(),
                                                      tr("PNG image (*.png);;PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_metrics->exportCharts(path, &error))
        showError(tr("Export failed"), error);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_interactive && m_document->hasGraph() && !m_document->undoStack()->isClean()) {
        const auto answer = QMessageBox::question(this, tr("Unsaved partition"),
                                                  tr("The partition has unsaved edits. Save it before closing?"),
                                                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save)
            savePartitionDialog();
    }
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("solve/timeLimit", m_timeLimit->value());
    settings.setValue("solve/boundTimeLimit", m_boundTime->value());
    m_jobs->stopAll();
    m_autosave->remove(); // a normal end: saved, or discarded on purpose
    event->accept();
}

} // namespace pipecut::ui
