#include "ui/report_export.h"

#include "ui/document/document.h"
#include "ui/jobs/job_runner.h"

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
    StopToken stop;
    std::optional<Result<report::ReportData>> data;
    QProgressDialog progress(
        QObject::tr("Computing the lower bound for the report\u2026"), QObject::tr("Cancel"), 0, 0, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QEventLoop loop;
    QThread *worker = QThread::create([&] {
        lowerCurrentThreadPriority();
        data = report::buildReport(*graph, params, { partition }, report::ReportOptions {}, stop);
    });
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    QObject::connect(&progress, &QProgressDialog::canceled, &loop, [stop] { stop.requestStop(); });
    worker->start();
    loop.exec();
    worker->wait();
    delete worker;
    progress.reset();
    if (stop.stopRequested())
        return {};
    if (!data || !data->ok()) {
        QMessageBox::warning(parent, QObject::tr("Export failed"),
            data ? QString::fromStdString(data->error()) : QObject::tr("no report"));
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
