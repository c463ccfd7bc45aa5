#include "ui/stages_export.h"

#include "core/io/export_onnx_stages.h"
#include "core/util/thread_priority.h"
#include "ui/document/document.h"

#include <QDir>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QThread>

#include <optional>

namespace pipecut::ui {

QString exportStagesDialog(QWidget *parent, const Document &document, const LoadOptions &load)
{
    if (!document.hasGraph())
        return {};
    const std::string model = document.filePath().toStdString();
    if (Status st = checkOnnxStagesSource(model); !st) {
        QMessageBox::warning(parent, QObject::tr("Export Stages"), QString::fromStdString(st.error()));
        return {};
    }
    const QFileInfo source(document.filePath());
    const QString dir = QFileDialog::getSaveFileName(parent, QObject::tr("Export Stages to Folder"),
        source.dir().filePath(source.completeBaseName() + QStringLiteral("_stages")), QString(), nullptr,
        QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
    if (dir.isEmpty())
        return {};
    OnnxStagesOptions options;
    options.outDir = dir.toStdString();
    options.load = load;
    const QDir existing(dir);
    if (existing.exists() && !existing.isEmpty()) {
        const auto answer = QMessageBox::question(parent, QObject::tr("Export Stages"),
            QObject::tr("%1 is not empty. Replace it with the stage models?").arg(dir));
        if (answer != QMessageBox::Yes)
            return {};
        options.force = true;
    }
    // Copies for the worker: the document may change while it runs.
    const auto graph = document.sharedGraph();
    const CostParams params = document.params();
    const Partition partition = document.partition();
    StopToken stop;
    std::optional<Result<OnnxStagesSummary>> summary;
    QProgressDialog progress(QObject::tr("Writing the stage models\u2026"), QObject::tr("Cancel"), 0, 100, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QEventLoop loop;
    QThread *worker = QThread::create([&] {
        lowerCurrentThreadPriority();
        summary = exportOnnxStages(model, *graph, params, partition, options, stop, [&](const Progress &p) {
            const int percent = static_cast<int>(100 * p.fraction);
            QMetaObject::invokeMethod(&progress, [&progress, percent] { progress.setValue(percent); });
        });
    });
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    QObject::connect(&progress, &QProgressDialog::canceled, &loop, [stop] { stop.requestStop(); });
    worker->start();
    loop.exec();
    worker->wait();
    delete worker;
    progress.reset();
    if (!summary || !summary->ok()) {
        if (!stop.stopRequested())
            QMessageBox::warning(parent, QObject::tr("Export Stages failed"),
                summary ? QString::fromStdString(summary->error()) : QObject::tr("no stages written"));
        return {};
    }
    QString text = QObject::tr(
        "Wrote %n stage model(s) and pipeline.json to %1.", nullptr, static_cast<int>((*summary)->written.size()))
                       .arg(dir);
    if (!(*summary)->skipped.empty())
        text += QObject::tr("\n%n empty stage(s) skipped.", nullptr, static_cast<int>((*summary)->skipped.size()));
    QMessageBox::information(parent, QObject::tr("Export Stages"), text);
    return dir;
}

} // namespace pipecut::ui
