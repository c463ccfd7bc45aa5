#pragma once
// The window's menus and toolbar: every QAction, with its shortcut and the
// command it runs, and the toolbar's solve inputs (k, method, time limit) and
// progress bar.

#include <QString>

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QMenu;
class QProgressBar;
class QSpinBox;

namespace pipecut::ui {

class FileActions;
class MainWindow;

struct Actions {
    QAction *open, *savePartition, *openPartition, *importProfile, *saveGraph;
    QAction *exportView, *exportVisible, *exportCharts, *exportReport;
    QAction *undo, *redo, *run, *cancel, *bound;
    QAction *prevStage, *nextStage, *prevForced, *nextForced;
    QAction *fit, *zoomSelection, *zoomIn, *zoomOut, *direction;
    QAction *collapseAll, *expandAll, *minimap;
    QMenu *recentMenu, *viewMenu;

    // The toolbar's inputs of the next run, and its progress.
    QSpinBox *kSpin = nullptr;
    QComboBox *method = nullptr;
    QDoubleSpinBox *timeLimit = nullptr;
    QProgressBar *progress = nullptr;

    // Enables what needs a model, and Run / Cancel by whether a run is going on.
    void update(bool hasGraph, bool solving) const;
    // The progress bar of a run: busy, its reports (`fraction` < 0: unknown), idle.
    void showSolveStarted(const QString &method) const;
    void showSolveProgress(double fraction, const QString &text) const;
    void showSolveIdle() const;
};

// Fills the menu bar of `window`; file commands go to `files`.
Actions createActions(MainWindow *window, FileActions *files);
// Adds the main toolbar and fills the solve inputs and progress of `actions`.
void createToolBar(MainWindow *window, Actions &actions);

} // namespace pipecut::ui
