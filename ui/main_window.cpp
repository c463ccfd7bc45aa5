#include "ui/main_window.h"

#include "core/cost/evaluate.h"
#include "ui/document/autosave.h"
#include "ui/document/document.h"
#include "ui/document/move_controller.h"
#include "ui/jobs/job_runner.h"
#include "ui/panels/compare_panel.h"
#include "ui/panels/docks.h"
#include "ui/panels/metrics_panel.h"
#include "ui/panels/recovery_prompt.h"
#include "ui/panels/solve_panel.h"
#include "ui/panels/stage_list.h"
#include "ui/panels/workload_editor.h"
#include "ui/recent_files.h"
#include "ui/report_export.h"
#include "ui/views/graph_view.h"
#include "ui/views/timeline_view.h"
#include "ui/window_settings.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSpinBox>
#include <QStatusBar>

// The resources are compiled into the static pipecut_ui library, whose
// registration object the linker may drop: register them explicitly.
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace pipecut::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_document(new Document(this))
    , m_moves(new MoveController(m_document, this))
    , m_jobs(new JobRunner(this))
    , m_autosave(new Autosave(m_document, this))
    , m_loader(new ModelLoader(m_document, m_jobs, this))
{
    initResources();
    setWindowTitle(tr("pipecut"));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    m_view = new GraphView(m_document, m_moves, this);
    m_view->clearPicture(tr("Open a model (File \u203A Open, or drop a file here)"));
    setCentralWidget(m_view);
    m_metrics = new MetricsPanel(m_document);
    m_solvePanel = new SolvePanel;
    m_selection = new SelectionPanel(m_document, m_moves, m_view);
    m_files = new FileActions(m_document, m_view, m_metrics, this);
    m_actions = createActions(this, m_files);
    createToolBar(this, m_actions);
    m_boundTime = addDocks(this, m_selection, m_metrics, m_solvePanel, m_actions.viewMenu);
    m_timeline = new TimelineView(m_document);
    TimelineView::addDock(this, m_timeline, m_actions.viewMenu);
    m_compare = new ComparePanel(m_document);
    ComparePanel::addDock(this, m_compare, m_actions.viewMenu);
    m_status = new StatusLine(statusBar(), m_document, m_view);
    m_recent = new RecentFiles(m_actions.recentMenu, this);
    m_layout = new LayoutJob(m_document, m_view, m_jobs, this);
    m_bound = new BoundJob(
        m_document, m_jobs, [this] { return m_boundTime->value(); }, this);
    m_solve = new SolveJob(m_document, m_jobs, this);
    m_results = new SolveResults(m_document, m_solvePanel, this);
    m_clusterJob = new ClusterJob(m_document, m_jobs, this);
    connectJobs();
    connectFiles();
    connectViews();
    connectCompare();
    connectWorkload();
    connectCluster();

    const WindowSettings settings = WindowSettings::load();
    if (settings.geometry.isEmpty() || !restoreGeometry(settings.geometry))
        resize(WindowSettings::defaultSize(this));
    restoreState(settings.state);
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

void MainWindow::connectJobs()
{
    connect(m_loader, &ModelLoader::status, this, &MainWindow::note);
    connect(m_loader, &ModelLoader::failed, this, &MainWindow::showError);
    connect(m_loader, &ModelLoader::fileOpened, m_recent, &RecentFiles::add);
    connect(m_loader, &ModelLoader::loaded, this,
        [this](const std::shared_ptr<Graph> &graph, const QString &path, int autoK) {
            adoptGraph(std::move(*graph), path, autoK);
        });
    connect(m_loader, &ModelLoader::recosted, this, [this](bool ok) {
        if (ok)
            requestBound();
        emit recosted(ok);
    });
    connect(m_layout, &LayoutJob::status, m_status, &StatusLine::showLayout);
    connect(m_layout, &LayoutJob::finished, this, [this] {
        if (m_compare->hasB() && m_compare->highlightEnabled()) // the new items read the outline
            m_view->setHighlighted(m_compare->comparison().differing);
        m_status->updateCounts();
        m_selection->updateInspector();
        updateActions();
        emit layoutReady();
    });
    connect(m_bound, &BoundJob::failed, this, &MainWindow::note);
    connect(m_bound, &BoundJob::infeasible, this,
        [this](const QString &reason) { showError(tr("No valid partition"), reason); });
    connect(m_bound, &BoundJob::finished, this, &MainWindow::boundFinished);
    connect(m_solve, &SolveJob::progressed, this,
        [this](double fraction, const QString &text) { m_actions.showSolveProgress(fraction, text); });
    connect(m_solve, &SolveJob::stopped, this, [this] {
        m_actions.showSolveIdle();
        updateActions();
    });
    connect(m_solve, &SolveJob::failed, this, [this](const QString &message, bool cancelled) {
        m_actions.kSpin->setValue(m_document->k()); // what is shown, not what failed
        if (cancelled)
            note(tr("partitioning cancelled"));
        else
            showError(tr("Partitioning failed"), message);
        m_status->updateState();
        emit solveFinished(false);
    });
    connect(m_solve, &SolveJob::succeeded, this, [this](const PartitionResult &r, const SolveRun &run, bool cancelled) {
        m_results->adopt(r, run, cancelled);
        emit solveFinished(true);
        requestBound();
    });
    connect(m_results, &SolveResults::noted, this, &MainWindow::note);
    connect(m_results, &SolveResults::applied, this, &MainWindow::partitionReplaced);
}

void MainWindow::connectFiles()
{
    connect(m_recent, &RecentFiles::openRequested, this, [this](const QString &path) { openFile(path); });
    connect(m_files, &FileActions::openRequested, this, [this](const QString &path) { openFile(path); });
    connect(m_files, &FileActions::failed, this, &MainWindow::showError);
    connect(m_files, &FileActions::noted, this, &MainWindow::note);
    connect(m_files, &FileActions::partitionOpened, this, &MainWindow::partitionReplaced);
    connect(m_files, &FileActions::profileImported, this, &MainWindow::requestBound);
    connect(m_autosave, &Autosave::failed, this, [this](const QString &message) {
        note(message);
        m_autosave->setInterval(60000); // keep trying, quietly
    });
    connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
}

void MainWindow::connectViews()
{
    connect(m_document, &Document::changed, this, [this](const DocumentChange &c) {
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Partition))
            m_selection->updateInspector();
        if (m_document->hasGraph() && m_document->k() != m_shownK) // undo, redo, a new partition
            m_actions.kSpin->setValue(m_shownK = m_document->k());
        if (!c.has(DocumentChange::History))
            m_status->updateState();
        if (c.has(DocumentChange::Bound) && m_document->provenOptimal() && previewText().contains(tr("not proven")))
            note(tr("the lower bound proves T optimal for these costs"));
        if (c.has(DocumentChange::Graph))
            updateTitle();
        if (c.has(DocumentChange::Graph) || c.has(DocumentChange::Params))
            m_solvePanel->showParams(m_document->params(), m_loader->modelUsesDevice(), device(),
                m_document->timeUnit(), m_document->sizeUnit(), m_document->paramUnit());
        updateActions();
    });
    connect(m_solvePanel, &SolvePanel::applyResultClicked, this, &MainWindow::applyPendingResult);
    connect(m_solvePanel, &SolvePanel::discardResultClicked, this, &MainWindow::discardPendingResult);
    // After a run's outcome (applied, proposed, discarded) the toolbar says the k shown.
    connect(m_results, &SolveResults::noted, this, [this] { m_actions.kSpin->setValue(m_document->k()); });
    connect(m_solvePanel, &SolvePanel::paramsApplied, this, &MainWindow::applyParams);
    connect(m_solvePanel, &SolvePanel::deviceChosen, this, &MainWindow::chooseDevice);
    connect(m_solvePanel, &SolvePanel::failed, this,
        [this](const QString &message) { showError(tr("Invalid value"), message); });
    m_view->setMinimapEnabled(m_actions.minimap->isChecked());
    connect(m_view, &GraphView::expandRequested, this,
        [this](const QString &scope) { m_layout->expand(scope.toStdString()); });
    connect(m_view, &GraphView::collapseRequested, this,
        [this](const QString &scope) { m_layout->collapse(scope.toStdString()); });
    connect(m_view, &GraphView::nodeSelectionChanged, this, [this] {
        m_selection->updateInspector();
        m_status->updateCounts();
    });
    connect(m_moves, &MoveController::previewChanged, m_status, &StatusLine::preview);
    connect(m_moves, &MoveController::refused, this, [this](const QString &reason) {
        m_status->refused(reason);
        m_lastError = reason;
    });
    connect(stageList(), &StageList::stageActivated, this,
        [this](int stage) { m_view->selectNodes(m_document->partition().members()[stage], true); });
    connect(m_metrics, &MetricsPanel::stageClicked, this, [this](int stage) {
        if (m_document->hasGraph() && stage >= 0 && stage < m_document->k())
            m_view->selectNodes(m_document->partition().members()[stage], false);
    });
}

void MainWindow::connectCompare()
{
    connect(m_compare, &ComparePanel::highlightChanged, m_view, &GraphView::setHighlighted);
    connect(m_compare, &ComparePanel::selectRequested, this,
        [this](const std::vector<NodeId> &nodes) { m_view->selectNodes(nodes, true); });
    connect(m_compare, &ComparePanel::swapped, this, &MainWindow::partitionReplaced);
    connect(m_compare, &ComparePanel::openRequested, m_files, &FileActions::openPartitionAsB);
    connect(m_files, &FileActions::partitionForB, this,
        [this](const Partition &partition, const QString &name) { m_compare->setB(partition, name); });
    connect(m_compare, &ComparePanel::exportRequested, this, [this] {
        if (m_compare->hasB()) {
            const QString path = exportComparisonDialog(this, *m_document, m_compare->b(), m_compare->label());
            if (!path.isEmpty())
                note(tr("comparison report written to %1").arg(path));
        }
    });
    connect(m_compare, &ComparePanel::bChanged, this, [this](bool present) {
        if (present)
            findChild<QDockWidget *>(QStringLiteral("compareDock"))->show();
    });
    connect(m_solvePanel, &SolvePanel::keepResultAsBClicked, this, &MainWindow::keepPendingResultAsB);
}

void MainWindow::connectWorkload()
{
    WorkloadEditor *editor = m_solvePanel->workloadEditor();
    connect(m_document, &Document::changed, editor, [this, editor](const DocumentChange &c) {
        if (!c.has(DocumentChange::Graph))
            return;
        editor->setVisible(m_loader->modelIsLlmConfig());
        editor->setWorkload(m_loader->workload());
    });
    connect(editor, &WorkloadEditor::applied, this, &MainWindow::chooseWorkload);
    connect(editor, &WorkloadEditor::cancelled, this, &MainWindow::cancelRecost);
    connect(editor, &WorkloadEditor::failed, this,
        [this](const QString &message) { showError(tr("Invalid workload"), message); });
    connect(m_loader, &ModelLoader::recostStarted, editor, [editor] { editor->setRunning(true); });
    connect(m_loader, &ModelLoader::recosted, editor, [editor] { editor->setRunning(false); });
}

bool MainWindow::openPartitionAsB(const QString &path)
{
    auto partition = m_files->readPartition(path);
    if (!partition.ok()) {
        showError(tr("Cannot open partition"), QString::fromStdString(partition.error()));
        return false;
    }
    m_compare->setB(*partition, QFileInfo(path).fileName());
    return true;
}

bool MainWindow::keepPendingResultAsB()
{
    const Partition *pending = m_results->pendingPartition();
    if (!pending)
        return false;
    m_compare->setB(*pending, m_results->pendingMethod());
    note(tr("%1's result kept as B in Compare A/B").arg(m_results->pendingMethod()));
    return true;
}

void MainWindow::updateActions()
{
    m_actions.update(m_document->hasGraph(), isSolving());
}

void MainWindow::updateTitle()
{
    QString name = m_document->hasGraph() ? QFileInfo(m_document->filePath()).fileName() : tr("no model");
    setWindowTitle(
        tr("%1%2 \u2014 pipecut").arg(name, m_document->undoStack()->isClean() ? QString() : QStringLiteral(" *")));
}

void MainWindow::note(const QString &text)
{
    m_status->note(text);
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    m_status->error(message);
    if (m_interactive)
        QMessageBox::warning(this, title, message);
}

void MainWindow::setInteractive(bool interactive)
{
    m_interactive = interactive;
    m_loader->setInteractive(interactive);
}

void MainWindow::collapseAllByScope()
{
    if (m_document->hasGraph() && !m_layout->collapseAll())
        note(tr("the graph has no scopes to collapse"));
}

void MainWindow::moveSelectionBy(int delta, bool withForced)
{
    if (m_document->hasGraph())
        m_moves->moveBy(m_view->selectedNodes(), delta, withForced);
}

void MainWindow::partitionReplaced()
{
    m_actions.kSpin->setValue(m_document->k());
    m_layout->partitionReplaced();
    if (m_view->showsOverview())
        m_view->showOverview(); // the first view follows the bottleneck stage
    requestBound();
}

// ---------------------------------------------------------------------------
// Opening models

void MainWindow::adoptGraph(Graph graph, const QString &path, int autoK)
{
    int k = autoK > 0 ? autoK : (graph.suggestedK() > 0 ? graph.suggestedK() : m_actions.kSpin->value());
    m_solve->stop();
    m_bound->stop();
    m_clusterJob->stop();
    m_selection->clearSearch();
    m_status->clearMessage();
    m_results->dropPending();
    for (const std::string &text : graph.notes())
        note(QString::fromStdString(text));
    m_layout->collapseForLargeGraph(graph);
    m_document->setGraph(std::move(graph), path, k); // all in stage 1 until partitioned
    m_document->setNodeDetails(m_loader->takeDetails());
    m_document->setCostOrigin(m_loader->takeOrigin());
    m_actions.kSpin->setValue(k);
    const auto recovered = offerRecovery(this, m_document, m_interactive);
    if (recovered) {
        m_actions.kSpin->setValue(m_document->k());
        note(*recovered);
    }
    m_status->updateCounts();
    emit modelLoaded();
    m_layout->start();
    if (recovered)
        requestBound();
    else
        startSolve(k, QStringLiteral("auto"), m_actions.timeLimit->value(), true);
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
// Solving and costs

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
    m_actions.showSolveStarted(method);
    updateActions();
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

void MainWindow::chooseDevice(const QString &device)
{
    m_loader->chooseDevice(device);
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
    WindowSettings { saveGeometry(), saveState(), false, m_actions.timeLimit->value(), m_boundTime->value() }.save();
    m_jobs->stopAll();
    m_autosave->remove(); // a normal end: saved, or discarded on purpose
    event->accept();
}

} // namespace pipecut::ui
