#pragma once
// Draws a ReportData with QPainter in report units (one unit = one PNG pixel at
// scale 1 = one PDF point). The page height follows from the data alone (row
// counts and the layout's size, never from measured text), so every output
// format gets the same page.

#include "ui/report/report.h"

#include <QSizeF>
#include <QString>

#include <functional>

class QPainter;

namespace pipecut::report {

QSizeF reportPageSize(const ReportData &data);
// The painter's font family must be the bundled one (see report_writer.cpp).
void paintReport(QPainter &painter, const ReportData &data);

// One page drawn in report units, written as PNG, SVG or PDF by the path's
// suffix with the bundled font (report_writer.cpp); the report and the sweep
// study (study_painter.cpp) are both written through it.
struct Page {
    QSizeF size;
    QString title;
    std::string version, date; // SVG description and PDF creator; the PDF's fixed date
    std::function<void(QPainter &)> paint;
};
Result<WrittenReport> writePage(const Page &page, const std::string &path, const WriteOptions &options = {});

} // namespace pipecut::report
