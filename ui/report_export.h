#pragma once
// File > Export Report: the report of the current partition (ui/report/report.h),
// identical to `pipecut-cli report GRAPH -p PARTITION -o OUT` for the same graph,
// cost parameters and partition (same defaults: bound time limit, layout).

#include "core/util/result.h"
#include "ui/report/report.h"

#include <QString>

class QWidget;

namespace pipecut::ui {

class Document;

// Asks for a file (PNG, SVG or PDF), computes the bound in the background with
// a cancellable progress dialog, then writes the report. Returns the path
// written, or an empty string (cancelled or failed; failures are shown).
QString exportReportDialog(QWidget *parent, const Document &document);

// The same without dialogs; blocks until the bound is done (tests, scripts).
Result<report::WrittenReport> exportReport(
    const Document &document, const QString &path, const report::ReportOptions &options = {});

// The comparison report of the current partition (A) and `b` side by side,
// as `pipecut-cli report --compare`: both must have the same k.
QString exportComparisonDialog(QWidget *parent, const Document &document, const Partition &b, const QString &bLabel);
Result<report::WrittenReport> exportComparison(
    const Document &document, const Partition &b, const QString &path, report::ReportOptions options = {});

} // namespace pipecut::ui
