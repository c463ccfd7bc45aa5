#pragma once
// Draws a ReportData with QPainter in report units (one unit = one PNG pixel at
// scale 1 = one PDF point). The page height follows from the data alone (row
// counts and the layout's size, never from measured text), so every output
// format gets the same page.

#include "ui/report/report.h"

#include <QSizeF>

class QPainter;

namespace pipecut::report {

QSizeF reportPageSize(const ReportData &data);
// The painter's font family must be the bundled one (see report_writer.cpp).
void paintReport(QPainter &painter, const ReportData &data);

} // namespace pipecut::report
