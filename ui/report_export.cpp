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

QString exportReportDialog(QWidget *parent, const Document &document)
{
    if (!document.hasGraph())
        return {};
    const QString suggested = QFileInfo(document.filePath()).completeBaseName() + QStringLiteral(".report.png");
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export Report"), suggested,
        QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty())
        return {};
    // The lower bound can take seconds: compute off the GUI thread on copies.
    const auto graph = document.sharedGraph();
    const CostParams params = document.params();
    const Partition partition = document.partition();
    const auto data = runModalJob<Result<report::ReportData>>(parent,
        QObject::tr("Computing the lower bound for the report\u2026"), [&](const StopToken &stop, const ProgressFn &) {
            return report::buildReport(*graph, params, { partition }, report::ReportOptions {}, stop);
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

} // namespace pipecut::ui
