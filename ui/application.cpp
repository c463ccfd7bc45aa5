#include "ui/application.h"

#include "ui/main_window.h"

#include <QApplication>

namespace pipecut::ui {

int runApplication(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("pipecut");
    QApplication::setOrganizationName("pipecut");
    MainWindow window;
    window.show();
    return app.exec();
}

} // namespace pipecut::ui
