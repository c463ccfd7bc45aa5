#pragma once
// The window's docks: the selection panel (stages, search, inspector) with the
// solver panel as a tab on the left, the metrics on the right with the time
// limit of the background bound they show.

class QDoubleSpinBox;
class QMainWindow;
class QMenu;

namespace pipecut::ui {

class MetricsPanel;
class SelectionPanel;
class SolvePanel;

// Adds the docks and their toggles to `viewMenu`; returns the bound time-limit box.
QDoubleSpinBox *addDocks(
    QMainWindow *window, SelectionPanel *selection, MetricsPanel *metrics, SolvePanel *solve, QMenu *viewMenu);

} // namespace pipecut::ui
