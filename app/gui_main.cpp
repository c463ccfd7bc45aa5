// pipecut: the desktop explorer.
#include "ui/application.h"

int main(int argc, char **argv)
{
    return pipecut::ui::runApplication(argc, argv);
}
