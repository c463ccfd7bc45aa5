#include "ui/report_export.h"

#include "ui/document/document.h"
#include "ui/jobs/modal_job.h"

#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QThread>

#include <optional>

namespace pipecut::ui {

namespace {

Result<report::ReportData> build(
    const Document &document, const report::ReportOptions &options, const StopToken &stop = {})
{
    if (!document.hasGraph())
        return makeError("no model is open");
    return report::buildReport(document.graph(), document.params(), { document.partition() }, options, stop);
}

} // namespace

Result<report::WrittenReport> exportReport(
    const Document &document, const QString &path, const report::ReportOptions &options)
{
    auto data = build(document, options);
    if (!data)
        return data.failure();
    return report::writeReport(*data, path.toStdString());
}

namespace {

// Asks for the file, builds the report of `partitions` off the GUI thread
// (cancellable), writes it. Returns the path written or "".
QString reportDialog(QWidget *parent, const Document &document, const std::vector<Partition> &partitions,
    const report::ReportOptions &options, const QString &title, const QString &suffix)
{
    const QString suggested = QFileInfo(document.filePath()).completeBaseName() + suffix;
    const QString path = QFileDialog::getSaveFileName(
        parent, title, suggested, QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty())
        return {};
    // The lower bound can take seconds: compute off the GUI thread on copies.
    const auto graph = document.sharedGraph();
    const CostParams params = document.params();
    const auto data = runModalJob<Result<report::ReportData>>(parent,
        QObject::tr("Computing the lower bound for the report\u2026"), [&](const StopToken &stop, const ProgressFn &) {
            return report::buildReport(*graph, params, partitions, options, stop);
        });
    if (!data) // cancelled
        return {};
    if (!data->ok()) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), QString::fromStdString(data->error()));
        return {};
    }
    auto written = report::writeReport(**data, path.toStdString());
    if (!written) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), QString::fromStdString(written.error()));
        return {};
    }
    return path;
}

report::ReportOptions comparisonOptions(report::ReportOptions options, const QString &bLabel)
{
    if (options.labels.empty())
        options.labels = { "A (current)", bLabel.isEmpty() ? "B" : "B (" + bLabel.toStdString() + ")" };
    return options;
}

} // namespace

QString exportReportDialog(QWidget *parent, const Document &document)
{
    if (!document.hasGraph())
        return {};
    return reportDialog(parent, document, { document.partition() }, report::ReportOptions {},
        QObject::tr("Export Report"), QStringLiteral(".report.png"));
}

QString exportComparisonDialog(QWidget *parent, const Document &document, const Partition &b, const QString &bLabel)
{
    if (!document.hasGraph())
        return {};
    if (b.k() != document.k()) {
        QMessageBox::warning(parent, QObject::tr("Export failed"),
            QObject::tr("A has %1 stages and B %2: the comparison report shows partitions with the same k")
                .arg(document.k())
                .arg(b.k()));
        return {};
    }
    return reportDialog(parent, document, { document.partition(), b }, comparisonOptions({}, bLabel),
        QObject::tr("Export Comparison Report"), QStringLiteral(".compare.png"));
}

Result<report::WrittenReport> exportComparison(
    const Document &document, const Partition &b, const QString &path, report::ReportOptions options)
{
    if (!document.hasGraph())
        return makeError("no model is open");
    auto data = report::buildReport(document.graph(), document.params(), { document.partition(), b },
        comparisonOptions(std::move(options), QString()));
    if (!data)
        return data.failure();
    return report::writeReport(*data, path.toStdString());
}

} // namespace pipecut::ui
