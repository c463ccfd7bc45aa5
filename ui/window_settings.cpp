#include "ui/window_settings.h"

#include <QMainWindow>
#include <QScreen>
#include <QSettings>
#include <QToolBar>

#include <algorithm>

namespace pipecut::ui {

WindowSettings WindowSettings::load()
{
    QSettings settings;
    WindowSettings s;
    s.geometry = settings.value("window/geometry").toByteArray();
    s.state = settings.value("window/state").toByteArray();
    s.leftToRight = settings.value("view/leftToRight", false).toBool();
    s.timeLimit = settings.value("solve/timeLimit", 10.0).toDouble();
    s.boundTimeLimit = settings.value("solve/boundTimeLimit", 20.0).toDouble();
    return s;
}

void WindowSettings::save() const
{
    QSettings settings;
    settings.setValue("window/geometry", geometry);
    settings.setValue("window/state", state);
    settings.setValue("solve/timeLimit", timeLimit);
    settings.setValue("solve/boundTimeLimit", boundTimeLimit);
}

QSize WindowSettings::defaultSize(const QMainWindow *window)
{
    int width = 1280;
    for (const QToolBar *bar : window->findChildren<QToolBar *>())
        width = std::max(width, bar->sizeHint().width() + 48);
    QSize size(width, 820);
    if (const QScreen *screen = window->screen())
        size = size.boundedTo(screen->availableSize());
    return size;
}

void WindowSettings::saveLeftToRight(bool leftToRight)
{
    QSettings().setValue("view/leftToRight", leftToRight);
}

} // namespace pipecut::ui
