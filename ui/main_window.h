#pragma once

#include <QMainWindow>

namespace pipecut::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace pipecut::ui
