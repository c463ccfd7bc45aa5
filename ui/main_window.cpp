#include "ui/main_window.h"

#include "core/cost/evaluate.h"
#include "ui/document/autosave.h"
#include "ui/document/commands.h"
#include "ui/document/document.h"
#include "ui/document/move_controller.h"
#include "ui/file_actions.h"
#include "ui/format.h"
#include "ui/jobs/bound_job.h"
#include "ui/jobs/job_runner.h"
#include "ui/jobs/layout_job.h"
#include "ui/jobs/model_loader.h"
#include "ui/jobs/solve_job.h"
#include "ui/panels/inspector.h"
#include "ui/panels/metrics_panel.h"
#include "ui/panels/selection_panel.h"
#include "ui/panels/solve_panel.h"
#include "ui/panels/stage_list.h"
#include "ui/recent_files.h"
#include "ui/views/graph_view.h"
#include "ui/views/scope_collapse.h"
#include "ui/window_settings.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QVBoxLayout>

// The resources are compiled into the static pipecut_ui library, whose
// registration object the linker may drop: register them explicitly.
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace pipecut::ui {

namespace {
// Graphs larger than this open collapsed by scope (when they have scopes), at
// the deepest level that draws at most kCollapsedElements boxes.
constexpr int kAutoCollapseNodes = 4000;
constexpr int kCollapsedElements = 1500;
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_document(new Document(this)), m_moves(new MoveController(m_document, this)),
      m_jobs(new JobRunner(this)), m_autosave(new Autosave(m_document, this)),
      m_loader(new ModelLoader(m_document, m_jobs, this))
{
    initResources();
    setWindowTitle(tr("pipecut"));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    m_view = new GraphView(m_document, m_moves, this);
    m_view->clearPicture(tr("Open a model (File \u203A Open, or drop a file here)"));
    setCentralWidget(m_view);
    m_metrics = new MetricsPanel(m_document);
    m_files = new FileActions(m_document, m_view, m_metrics, this);
    m_actions = createActions(this, m_files);
    createToolBar(this, m_actions);
    createDocks();
    createStatusBar();
    m_recent = new RecentFiles(m_actions.recentMenu, this);
    m_layout = new LayoutJob(m_document, m_view, m_jobs, this);
    m_bound = new BoundJob(m_document, m_jobs, [this] { return m_boundTime->value(); }, this);
    m_solve = new SolveJob(m_document, m_jobs, this);
    connectJobs();
    connectViews();

    const WindowSettings settings = WindowSettings::load();
    restoreGeometry(settings.geometry);
    restoreState(settings.state);
    m_layoutOptions.direction = settings.leftToRight ? LayoutDirection::LeftToRight : LayoutDirection::TopToBottom;
    m_actions.direction->setChecked(settings.leftToRight);
    m_actions.timeLimit->setValue(settings.timeLimit);
    m_boundTime->setValue(settings.boundTimeLimit);
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

void MainWindow::createDocks()
{
    // Left: stages (legend and drop targets), search, inspector.
    m_selection = new SelectionPanel(m_document, m_moves, m_view);
    auto *leftDock = new QDockWidget(tr("Stages, Search, Inspector"), this);
    leftDock->setObjectName("leftDock");
    leftDock->setWidget(m_selection);
    addDockWidget(Qt::LeftDockWidgetArea, leftDock);

    // Right: metrics and charts.
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

    m_actions.viewMenu->addAction(leftDock->toggleViewAction());
    m_actions.viewMenu->addAction(solveDock->toggleViewAction());
    m_actions.viewMenu->addAction(rightDock->toggleViewAction());
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

void MainWindow::connectJobs()
{
    connect(m_loader, &ModelLoader::status, this, &MainWindow::note);
    connect(m_loader, &ModelLoader::failed, this, &MainWindow::showError);
    connect(m_loader, &ModelLoader::fileOpened, m_recent, &RecentFiles::add);
    connect(m_loader, &ModelLoader::loaded, this,
            [this](const std::shared_ptr<Graph> &graph, const QString &path, int autoK) {
                adoptGraph(std::move(*graph), path, autoK);
            });
    connect(m_loader, &ModelLoader::recosted, this, [this](bool ok, const QString &device) {
        if (ok) {
            m_document->recordPoint(tr("device %1").arg(device));
            note(tr("re-costed for device %1").arg(device));
            requestBound();
        }
        emit recosted(ok);
    });
    connect(m_layout, &LayoutJob::status, this, [this](const QString &text, const QString &toolTip) {
        if (!toolTip.isEmpty())
            m_layoutInfo->setToolTip(toolTip);
        m_layoutInfo->setText(text);
    });
    connect(m_layout, &LayoutJob::finished, this, [this] {
        updateSelectionStatus();
        m_selection->updateInspector();
        updateActions();
        emit layoutReady();
    });
    connect(m_bound, &BoundJob::failed, this, &MainWindow::note);
    connect(m_bound, &BoundJob::infeasible, this,
            [this](const QString &reason) { showError(tr("No valid partition"), reason); });
    connect(m_bound, &BoundJob::finished, this, &MainWindow::boundFinished);
    connect(m_solve, &SolveJob::progressed, this, &MainWindow::showSolveProgress);
    connect(m_solve, &SolveJob::stopped, this, &MainWindow::solveStopped);
    connect(m_solve, &SolveJob::failed, this, [this](const QString &message, bool cancelled) {
        if (cancelled)
            note(tr("partitioning cancelled"));
        else
            showError(tr("Partitioning failed"), message);
        emit solveFinished(false);
    });
    connect(m_solve, &SolveJob::succeeded, this, &MainWindow::adoptSolveResult);
    connect(m_recent, &RecentFiles::openRequested, this, [this](const QString &path) { openFile(path); });
    connect(m_files, &FileActions::openRequested, this, [this](const QString &path) { openFile(path); });
    connect(m_files, &FileActions::failed, this, &MainWindow::showError);
    connect(m_files, &FileActions::noted, this, &MainWindow::note);
    connect(m_files, &FileActions::partitionOpened, this, [this] {
        m_actions.kSpin->setValue(m_document->k());
        requestBound();
    });
}

void MainWindow::connectViews()
{
    connect(m_document, &Document::changed, this, [this](const DocumentChange &c) {
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Partition))
            m_selection->updateInspector();
        if (c.has(DocumentChange::Graph))
            updateTitle();
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Params))
            m_solvePanel->showParams(m_document->params(), modelUsesDevice(), device(), m_document->timeUnit(),
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
    m_view->setMinimapEnabled(m_actions.minimap->isChecked());
    connect(m_view, &GraphView::expandRequested, this, [this](const QString &scope) {
        if (m_document->hasGraph())
            setCollapsedScopes(expandScope(m_document->graph(), m_collapsed, scope.toStdString()));
    });
    connect(m_view, &GraphView::collapseRequested, this,
            [this](const QString &scope) { setCollapsedScopes(collapseScope(m_collapsed, scope.toStdString())); });
    connect(m_view, &GraphView::nodeSelectionChanged, this, [this] {
        m_selection->updateInspector();
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
    connect(stageList(), &StageList::stageActivated, this, [this](int stage) {
        m_view->selectNodes(m_document->partition().members()[stage], true);
    });
    connect(m_metrics, &MetricsPanel::stageClicked, this, [this](int stage) {
        if (m_document->hasGraph() && stage >= 0 && stage < m_document->k())
            m_view->selectNodes(m_document->partition().members()[stage], false);
    });
}

// ---------------------------------------------------------------------------
// State shown around the view

void MainWindow::updateActions() { m_actions.update(m_document->hasGraph(), isSolving()); }

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
QString MainWindow::inspectorText() const { return m_selection->inspectorText(); }
StageList *MainWindow::stageList() const { return m_selection->stageList(); }
QString MainWindow::device() const { return m_loader->device(); }
int MainWindow::search(const QString &pattern) { return m_selection->search(pattern); }
void MainWindow::focusSearch() { m_selection->focusSearch(); }
bool MainWindow::exportView(const QString &path, bool visibleOnly, QString *error)
{
    return m_files->exportView(path, visibleOnly, error);
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

void MainWindow::setInteractive(bool interactive)
{
    m_interactive = interactive;
    m_loader->setInteractive(interactive);
}

bool MainWindow::isSolving() const { return m_solve->isRunning(); }
bool MainWindow::isBounding() const { return m_bound->isRunning(); }
bool MainWindow::isLayingOut() const { return m_layout->isRunning(); }
bool MainWindow::isBusy() const { return m_loader->isLoading() || isLayingOut() || isSolving() || isBounding(); }

// ---------------------------------------------------------------------------
// Opening models

void MainWindow::openFile(const QString &path, int autoK) { m_loader->openFile(path, autoK); }
void MainWindow::openBundledExample() { m_loader->openExample(); }

void MainWindow::adoptGraph(Graph graph, const QString &path, int autoK)
{
    int k = autoK > 0 ? autoK : (graph.suggestedK() > 0 ? graph.suggestedK() : m_actions.kSpin->value());
    m_solve->stop();
    m_bound->stop();
    m_selection->clearSearch();
    m_previewInfo->clear();
    discardPendingResult();
    for (const std::string &text : graph.notes())
        note(QString::fromStdString(text));
    m_collapsed.clear();
    if (graph.nodeCount() > kAutoCollapseNodes)
        if (const int depth = collapseDepthFor(graph, kCollapsedElements); depth > 0)
            m_collapsed = scopesAtDepth(graph, depth);
    m_document->setGraph(std::move(graph), path, 1);
    m_actions.kSpin->setValue(k);
    const bool recovered = offerRecovery();
    updateSelectionStatus();
    emit modelLoaded();
    startLayout();
    if (recovered)
        requestBound();
    else
        startSolve(k, QStringLiteral("auto"), m_actions.timeLimit->value(), true);
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
    m_actions.kSpin->setValue(m_document->k());
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

void MainWindow::setLeftToRight(bool leftToRight)
{
    const auto direction = leftToRight ? LayoutDirection::LeftToRight : LayoutDirection::TopToBottom;
    if (direction == m_layoutOptions.direction)
        return;
    m_layoutOptions.direction = direction;
    WindowSettings::saveLeftToRight(leftToRight);
    startLayout();
}

void MainWindow::startLayout() { m_layout->start(m_layoutOptions, m_collapsed); }
void MainWindow::requestBound() { m_bound->request(); }
void MainWindow::recomputeBound() { m_bound->recompute(); }
void MainWindow::cancelBound() { m_bound->cancel(); }

void MainWindow::runSolve()
{
    if (!m_document->hasGraph())
        return;
    startSolve(m_actions.kSpin->value(), m_actions.method->currentText(), m_actions.timeLimit->value(), false);
}

void MainWindow::cancelSolve()
{
    if (m_solve->cancel())
        m_actions.progress->setFormat(tr("cancelling\u2026"));
}

void MainWindow::startSolve(int k, const QString &method, double timeLimit, bool firstPartition)
{
    if (isSolving() || !m_document->hasGraph())
        return;
    auto options = solveOptions(k, method, timeLimit, m_solvePanel->seed(), m_solvePanel->budget());
    if (!options.ok()) {
        showError(tr("Invalid budget"), QString::fromStdString(options.error()));
        return;
    }
    if (!firstPartition && k == m_document->k())
        options->start = m_document->partition();
    if (!m_solve->start(*options, firstPartition))
        return;
    m_actions.progress->setRange(0, 0);
    m_actions.progress->setFormat(tr("%1\u2026").arg(method));
    updateActions();
}

void MainWindow::showSolveProgress(double fraction, const QString &text)
{
    if (fraction >= 0) {
        m_actions.progress->setRange(0, 100);
        m_actions.progress->setValue(int(fraction * 100));
    }
    m_actions.progress->setFormat(text);
}

void MainWindow::solveStopped()
{
    m_actions.progress->setRange(0, 100);
    m_actions.progress->setValue(0);
    m_actions.progress->setFormat(tr("idle"));
    updateActions();
}

void MainWindow::adoptSolveResult(const PartitionResult &r, const SolveRun &run, bool cancelled)
{
    const double before = m_document->bottleneck();
    const bool better = r.partition.k() != m_document->k() || r.bottleneck < before - 1e-12;
    const QString method = QString::fromStdString(r.method);
    if (run.firstPartition) {
        m_document->applyPartition(r.partition);
        m_document->recordPoint(tr("%1 (k=%2)").arg(method).arg(run.k));
    } else if (m_solvePanel->compareFirst()) {
        m_solvePanel->showComparison(comparisonHtml(*m_document, r.partition, method));
        m_pending = PendingResult{r.partition, method};
    } else if (!cancelled || better) {
        m_document->undoStack()->push(
            new SetPartitionCommand(m_document, r.partition, tr("apply %1 (k=%2)").arg(method).arg(run.k)));
    }
    if (r.optimal)
        m_document->setBound(run.k, run.params, r.bottleneck, method, r.seconds);
    else if (r.lowerBound > 0)
        m_document->setBound(run.k, run.params, r.lowerBound, method, r.seconds);
    note(solveSummary(r, m_document->timeUnit(), run.firstPartition, before, cancelled));
    emit solveFinished(true);
    requestBound();
}

void MainWindow::applyPendingResult()
{
    if (!m_pending)
        return;
    const PendingResult pending = std::move(*m_pending);
    discardPendingResult();
    m_document->undoStack()->push(new SetPartitionCommand(
        m_document, pending.partition, tr("apply %1 (k=%2)").arg(pending.method).arg(pending.partition.k())));
    m_actions.kSpin->setValue(m_document->k());
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

bool MainWindow::modelUsesDevice() const
{
    if (!m_document->hasGraph())
        return false;
    const std::string &format = m_document->graph().format();
    return format == "onnx" || format == "pipedream";
}

void MainWindow::chooseDevice(const QString &device)
{
    m_loader->setDevice(device);
    if (modelUsesDevice())
        m_loader->recost();
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
            m_files->savePartition();
    }
    WindowSettings{saveGeometry(), saveState(), false, m_actions.timeLimit->value(), m_boundTime->value()}.save();
    m_jobs->stopAll();
    m_autosave->remove(); // a normal end: saved, or discarded on purpose
    event->accept();
}

} // namespace pipecut::ui
