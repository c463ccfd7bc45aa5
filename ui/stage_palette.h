#pragma once
// Stage colours: Paul Tol's "light" scheme (designed for coloured cells behind
// black text and distinguishable under the common colour-vision deficiencies),
// extended past nine stages by alternately darkened and lightened repeats.

#include <QColor>

namespace pipecut::ui {

QColor stageColor(int stage);
// Black or white, whichever reads better on the stage colour.
QColor stageTextColor(int stage);

} // namespace pipecut::ui
