#pragma once
// The explorer window (UI.md): toolbar, stage list / search / inspector on the
// left, the graph view in the centre, metrics and charts on the right, and a
// status bar for background work and move previews. It wires the Document to
// the views, the panels and the background jobs of ui/jobs/ (loading, layout,
// partitioning and bounds), and shows what they report.

#include "core/cost/cost_params.h"
#include "ui/actions.h"
#include "ui/file_actions.h"
#include "ui/jobs/bound_job.h"
#include "ui/jobs/cluster_job.h"
#include "ui/jobs/layout_job.h"
#include "ui/jobs/model_loader.h"
#include "ui/jobs/solve_job.h"
#include "ui/panels/selection_panel.h"
#include "ui/panels/status_line.h"
#include "ui/solve_results.h"

#include <QMainWindow>
#include <QStringList>

#include <optional>
#include <set>
#include <string>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace pipecut {
class Graph;
}

namespace pipecut::ui {

class Autosave;
class ClusterEditor;
class ComparePanel;
class Document;
class GraphView;
class JobRunner;
class MetricsPanel;
class MoveController;
class RecentFiles;
class SolvePanel;
class StageList;
class TimelineView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Errors go to dialogs when interactive (default), else only to lastError().
    void setInteractive(bool interactive);
    QString lastError() const { return m_lastError; }

    // Opens a model file in the background; `autoK` > 0 partitions it with
    // the auto method at that k once loaded (-1: the file's suggested k or 4).
    void openFile(const QString &path, int autoK = 0) { m_loader->openFile(path, autoK); }
    void openBundledExample() { m_loader->openExample(); }
    void runSolve();
    void cancelSolve();
    bool isSolving() const { return m_solve->isRunning(); }
    // The background lower bound: recompute it (with the current time limit),
    // or stop it (the figures keep the best bound proven so far, if any).
    void recomputeBound() { m_bound->recompute(); }
    void cancelBound() { m_bound->cancel(); }
    bool isBounding() const { return m_bound->isRunning(); }
    bool isLayingOut() const { return m_layout->isRunning(); }
    // Loading, laying out, solving or bounding.
    bool isBusy() const
    {
        return m_loader->isLoading() || isLayingOut() || isSolving() || isBounding() || isApplyingCluster();
    }
    void moveSelectionBy(int delta, bool withForced = false);
    // Selects and centres the matches; returns their count.
    int search(const QString &pattern) { return m_selection->search(pattern); }
    bool exportView(const QString &path, bool visibleOnly, QString *error)
    {
        return m_files->exportView(path, visibleOnly, error);
    }
    // Collapse by scope: the collapsed scope prefixes (ui/views/scope_collapse.h);
    // setting them lays the drawing out again.
    const std::set<std::string> &collapsedScopes() const { return m_layout->collapsed(); }
    void setCollapsedScopes(std::set<std::string> scopes) { m_layout->setCollapsed(std::move(scopes)); }
    void collapseAllByScope(); // the deepest depth that keeps the drawing readable
    // The drawing's direction (remembered).
    void setLeftToRight(bool leftToRight) { m_layout->setLeftToRight(leftToRight); }
    void focusSearch() { m_selection->focusSearch(); }

    Document *document() const { return m_document; }
    GraphView *graphView() const { return m_view; }
    StageList *stageList() const { return m_selection->stageList(); }
    MetricsPanel *metrics() const { return m_metrics; }
    MoveController *moveController() const { return m_moves; }
    QSpinBox *kSpinBox() const { return m_actions.kSpin; }
    QComboBox *methodBox() const { return m_actions.method; }
    QDoubleSpinBox *timeLimitBox() const { return m_actions.timeLimit; }
    SolvePanel *solvePanel() const { return m_solvePanel; }
    TimelineView *timeline() const { return m_timeline; }
    ComparePanel *comparePanel() const { return m_compare; }
    // Compare A/B: a partition file as B (false, with lastError(), when it is refused).
    bool openPartitionAsB(const QString &path);
    // The proposed run result ("Compare before applying") kept as B; false when none.
    bool keepPendingResultAsB();
    // File > Import Profile without the dialog (false, with lastError(), when refused).
    bool importProfile(const QString &path) { return m_files->importProfileFile(path); }
    Autosave *autosave() const { return m_autosave; }
    QString previewText() const { return m_status->message(); }
    QString stateText() const { return m_status->stateText(); } // k, T and the partition's state

    // A finished run waiting next to the current partition ("Compare before
    // applying"): apply it as one undoable command, or drop it.
    bool hasPendingResult() const { return m_results->hasPending(); }
    void applyPendingResult() { m_results->applyPending(); }
    void discardPendingResult() { m_results->discardPending(); }
    // Cost parameters edited in the window: re-cost the partition and
    // recompute the bound in the background. False (and a message) when invalid.
    bool applyParams(const CostParams &params);
    // File > Open Cluster, Edit > Cluster (the editor's Apply) and Clear
    // Cluster: one device per stage (docs/model.md §1.7). The device count
    // sets k (the partition is kept when it has as many stages, else re-split,
    // ui/jobs/cluster_job.h). The partition is re-costed off the GUI thread and
    // installed as one undoable step; clusterApplied(ok) says when. False
    // (and lastError()) when refused at once, with nothing changed.
    bool openCluster(const QString &path);
    bool applyClusterDescription(const Cluster &cluster, const QString &what);
    void clearCluster(); // back to the parameters from before the first cluster
    bool cancelCluster() { return m_clusterJob->cancel(); }
    bool isApplyingCluster() const { return m_clusterJob->isRunning(); }
    ClusterEditor *clusterEditor(); // Edit > Cluster (created on first use)
    void showClusterEditor();
    // ONNX and PipeDream models: reload the costs under another device
    // profile (a built-in name or a JSON path) off the GUI thread.
    void chooseDevice(const QString &device);
    QString device() const { return m_loader->device(); }
    // Hugging Face configs: re-cost under another serving workload off the GUI
    // thread (the partition stays); cancelRecost() drops a running re-cost.
    void chooseWorkload(const LlmWorkload &workload) { m_loader->chooseWorkload(workload); }
    bool cancelRecost() { return m_loader->cancelRecost(); }
    bool isRecosting() const { return m_loader->isRecosting(); }
    LoadOptions loadOptions() const { return m_loader->options(); } // the device and dimensions chosen
    QString inspectorText() const { return m_selection->inspectorText(); }

signals:
    void modelLoaded();
    void layoutReady();
    void solveFinished(bool ok);
    void boundFinished();
    void recosted(bool ok);
    void clusterApplied(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void connectJobs();
    void connectFiles();
    void connectViews();
    void connectCompare();
    void connectWorkload();
    void connectCluster();
    void updateActions();
    void updateTitle();
    void showError(const QString &title, const QString &message);
    void note(const QString &text); // neutral message in the status bar

    void adoptGraph(Graph graph, const QString &path, int autoK);
    void partitionReplaced(); // k follows the document, and its bound is computed
    void requestBound() { m_bound->request(); }
    void startSolve(int k, const QString &method, double timeLimit, bool firstPartition);

    Document *m_document;
    MoveController *m_moves;
    JobRunner *m_jobs;
    Autosave *m_autosave;
    ModelLoader *m_loader;
    GraphView *m_view;
    MetricsPanel *m_metrics;
    SolvePanel *m_solvePanel;
    TimelineView *m_timeline;
    ComparePanel *m_compare;
    SelectionPanel *m_selection;
    FileActions *m_files;
    Actions m_actions;
    QDoubleSpinBox *m_boundTime;
    StatusLine *m_status;
    RecentFiles *m_recent;
    LayoutJob *m_layout;
    BoundJob *m_bound;
    SolveJob *m_solve;
    SolveResults *m_results;
    ClusterJob *m_clusterJob;
    ClusterEditor *m_clusterEditor = nullptr;
    int m_shownK = 0; // the document's k last shown in the toolbar
    bool m_interactive = true;
    QString m_lastError;
};

} // namespace pipecut::ui
