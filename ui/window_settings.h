#pragma once
// What the window keeps between sessions (QSettings): its geometry and docks,
// the drawing direction and the time limits of runs and bounds. The device,
// the ONNX dimensions, the minimap, the recent files and the last folder are
// kept by the parts that use them.

#include <QByteArray>
#include <QSize>

class QMainWindow;

namespace pipecut::ui {

struct WindowSettings {
    QByteArray geometry, state;
    bool leftToRight = false;
    double timeLimit = 10.0; // of the partitioner (s)
    double boundTimeLimit = 20.0; // of the background lower bound (s)

    static WindowSettings load();
    void save() const; // everything but the direction, saved when it changes
    static void saveLeftToRight(bool leftToRight);
    // The size of a window without saved geometry: wide enough for its
    // toolbar (no action in the overflow menu), within the screen.
    static QSize defaultSize(const QMainWindow *window);
};

} // namespace pipecut::ui
