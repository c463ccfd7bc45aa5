#pragma once
// The explorer window (UI.md): toolbar, stage list / search / inspector on the
// left, the graph view in the centre, metrics and charts on the right, and a
// status bar for background work and move previews. It wires the Document to
// the views and runs loading, layout, partitioning and bounds off the GUI thread.

#include "core/cost/cost_params.h"
#include "core/cost/partition.h"
#include "core/io/graph_io.h"
#include "core/layout/layout.h"
#include "core/util/progress.h"

#include <QMainWindow>
#include <QStringList>

#include <map>
#include <optional>
#include <set>
#include <string>

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSpinBox;
class QTextBrowser;

namespace pipecut {
class Graph;
}

namespace pipecut::ui {

class Autosave;
class Document;
class GraphView;
class JobRunner;
class MetricsPanel;
class MoveController;
class SolvePanel;
class StageList;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Errors go to dialogs when interactive (default), else only to lastError().
    void setInteractive(bool interactive) { m_interactive = interactive; }
    QString lastError() const { return m_lastError; }

    // Opens a model file in the background; `autoK` > 0 partitions it with
    // the auto method at that k once loaded (-1: the file's suggested k or 4).
    void openFile(const QString &path, int autoK = 0);
    void openBundledExample();
    void runSolve();
    void cancelSolve();
    bool isSolving() const { return m_solving; }
    // The background lower bound: recompute it (with the current time limit),
    // or stop it (the figures keep the best bound proven so far, if any).
    void recomputeBound();
    void cancelBound();
    bool isBounding() const { return m_bounding; }
    bool isLayingOut() const { return m_layingOut; }
    bool isBusy() const; // loading, laying out, solving or bounding
    void moveSelectionBy(int delta, bool withForced = false);
    int search(const QString &pattern); // selects and centres the matches; returns their count
    bool exportView(const QString &path, bool visibleOnly, QString *error);
    // Collapse by scope: the collapsed scope prefixes (ui/scope_collapse.h);
    // setting them lays the drawing out again.
    const std::set<std::string> &collapsedScopes() const { return m_collapsed; }
    void setCollapsedScopes(std::set<std::string> scopes);
    void collapseAllByScope(); // the deepest depth that keeps the drawing readable

    Document *document() const { return m_document; }
    GraphView *graphView() const { return m_view; }
    StageList *stageList() const { return m_stages; }
    MetricsPanel *metrics() const { return m_metrics; }
    MoveController *moveController() const { return m_moves; }
    QSpinBox *kSpinBox() const { return m_kSpin; }
    QComboBox *methodBox() const { return m_method; }
    QDoubleSpinBox *timeLimitBox() const { return m_timeLimit; }
    SolvePanel *solvePanel() const { return m_solvePanel; }
    Autosave *autosave() const { return m_autosave; }
    QString previewText() const;

    // A finished run waiting next to the current partition ("Compare before
    // applying"): apply it as one undoable command, or drop it.
    bool hasPendingResult() const { return m_pending.has_value(); }
    void applyPendingResult();
    void discardPendingResult();
    // Cost parameters edited in the window: re-cost the partition and
    // recompute the bound in the background. False (and a message) when invalid.
    bool applyParams(const CostParams &params);
    // ONNX and PipeDream models: reload the costs under another device
    // profile (a built-in name or a JSON path) off the GUI thread.
    void chooseDevice(const QString &device);
    QString device() const { return m_device; }
    QString inspectorText() const;

signals:
    void modelLoaded();
    void layoutReady();
    void solveFinished(bool ok);
    void boundFinished();
    void recosted(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createToolBar();
    void createDocks();
    void createStatusBar();
    void updateActions();
    void updateInspector();
    void updateSelectionStatus();
    void updateTitle();
    void showError(const QString &title, const QString &message);
    void note(const QString &text); // neutral message in the status bar

    void adoptGraph(Graph graph, const QString &path, int autoK);
    bool offerRecovery(); // restores autosaved edits of the model just adopted
    void startLayout();
    void requestBound();
    void startSolve(int k, const QString &method, double timeLimit, bool firstPartition);
    QString comparison(const Partition &result, const QString &method) const;
    bool modelUsesDevice() const;
    LoadOptions loadOptions() const; // the device and symbolic dimensions chosen in the window

    void openDialog();
    void savePartitionDialog();
    void openPartitionDialog();
    void saveGraphDialog();
    void exportDialog(bool visibleOnly);
    void exportChartsDialog();
    void addRecent(const QString &path);
    void rebuildRecentMenu();

    Document *m_document;
    MoveController *m_moves;
    JobRunner *m_jobs;
    Autosave *m_autosave;
    GraphView *m_view;
    StageList *m_stages;
    MetricsPanel *m_metrics;
    SolvePanel *m_solvePanel;
    QLineEdit *m_search;
    QLabel *m_searchInfo;
    QTextBrowser *m_inspector;
    QString m_inspectorHtml; // what m_inspector shows

    QSpinBox *m_kSpin;
    QComboBox *m_method;
    QDoubleSpinBox *m_timeLimit;
    QDoubleSpinBox *m_boundTime;
    QProgressBar *m_progress;
    QLabel *m_layoutInfo, *m_countInfo, *m_previewInfo;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;

    QAction *m_openAction, *m_savePartitionAction, *m_openPartitionAction, *m_saveGraphAction;
    QAction *m_exportAction, *m_exportVisibleAction, *m_exportChartsAction;
    QAction *m_undoAction, *m_redoAction, *m_runAction, *m_cancelAction, *m_boundAction;
    QAction *m_prevStageAction, *m_nextStageAction, *m_prevForcedAction, *m_nextForcedAction;
    QAction *m_fitAction, *m_zoomInAction, *m_zoomOutAction, *m_directionAction;
    QAction *m_collapseAllAction, *m_expandAllAction, *m_minimapAction;

    LayoutOptions m_layoutOptions;
    std::set<std::string> m_collapsed;
    QString m_device; // device profile for ONNX / PipeDream costs ("" = the default)
    std::map<std::string, int64_t> m_dims; // ONNX symbolic dimensions (remembered, DimsDialog)
    bool m_dimsConfirmed = false;          // the reload after the dialog does not ask again
    struct PendingResult {
        Partition partition;
        QString method;
    };
    std::optional<PendingResult> m_pending;
    int m_layoutGeneration = 0, m_boundGeneration = 0;
    bool m_loading = false, m_layingOut = false, m_solving = false, m_bounding = false;
    bool m_boundCancelled = false;
    std::optional<StopToken> m_solveStop, m_boundStop, m_layoutStop;
    QString m_boundKeyRunning;
    QString m_layoutDoneText; // the status of the layout being drawn
    double m_lastIncumbent = 0;
    bool m_interactive = true;
    QString m_lastError;
    QString m_pendingPreview;
};

} // namespace pipecut::ui
