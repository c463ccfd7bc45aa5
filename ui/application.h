#pragma once

namespace pipecut::ui {

// Parses the command line (a model file, --screenshot FILE) and runs the explorer.
int runApplication(int argc, char **argv);

} // namespace pipecut::ui
