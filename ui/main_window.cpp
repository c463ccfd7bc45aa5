#include "ui/main_window.h"

namespace pipecut::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle("pipecut");
    resize(1400, 900);
}

} // namespace pipecut::ui
