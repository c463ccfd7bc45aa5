#include "ui/panels/docks.h"

#include "ui/panels/metrics_panel.h"
#include "ui/panels/selection_panel.h"
#include "ui/panels/solve_panel.h"

#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QMainWindow>
#include <QMenu>
#include <QVBoxLayout>

namespace pipecut::ui {

QDoubleSpinBox *addDocks(
    QMainWindow *window, SelectionPanel *selection, MetricsPanel *metrics, SolvePanel *solve, QMenu *viewMenu)
{
    auto *leftDock = new QDockWidget(QObject::tr("Stages, Search, Inspector"), window);
    leftDock->setObjectName("leftDock");
    leftDock->setWidget(selection);
    window->addDockWidget(Qt::LeftDockWidgetArea, leftDock);

    metrics->setObjectName("metricsPanel");
    auto *rightDock = new QDockWidget(QObject::tr("Bottleneck against the bound"), window);
    rightDock->setObjectName("rightDock");
    rightDock->setWidget(metrics);
    window->addDockWidget(Qt::RightDockWidgetArea, rightDock);

    // Bound time limit lives with the metrics it feeds.
    auto *boundTime = new QDoubleSpinBox;
    boundTime->setRange(1, 3600);
    boundTime->setDecimals(0);
    boundTime->setSuffix(QObject::tr(" s"));
    boundTime->setPrefix(QObject::tr("bound time limit "));
    boundTime->setToolTip(QObject::tr("Time limit of the background lower-bound computation"));
    static_cast<QVBoxLayout *>(metrics->layout())->insertWidget(1, boundTime);

    // Solver settings, run comparison and cost model: a tab next to the stages.
    solve->setObjectName("solvePanel");
    auto *solveDock = new QDockWidget(QObject::tr("Solver and Costs"), window);
    solveDock->setObjectName("solveDock");
    solveDock->setWidget(solve);
    window->addDockWidget(Qt::LeftDockWidgetArea, solveDock);
    window->tabifyDockWidget(leftDock, solveDock);
    leftDock->raise();

    viewMenu->addAction(leftDock->toggleViewAction());
    viewMenu->addAction(solveDock->toggleViewAction());
    viewMenu->addAction(rightDock->toggleViewAction());
    window->resizeDocks({ leftDock, rightDock }, { 300, 380 }, Qt::Horizontal);
    return boundTime;
}

} // namespace pipecut::ui
