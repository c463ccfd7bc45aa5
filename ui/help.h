#pragma once
// The Help menu: Keyboard Shortcuts (every shortcut of the window's actions,
// read from the actions themselves, and the keys and gestures of the views),
// Getting Started (the five-minute tour) and About.

#include <QString>

class QMainWindow;
class QMenu;

namespace pipecut::ui {

void addHelpMenu(QMainWindow *window);
// The shortcuts table (HTML) of every action of `window` that has one.
QString shortcutsHtml(const QMainWindow *window);
QString gettingStartedHtml();

} // namespace pipecut::ui
