#include "ui/stages_export.h"

#include "core/io/export_onnx_stages.h"
#include "ui/document/document.h"
#include "ui/jobs/modal_job.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

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
    const auto summary = runModalJob<Result<OnnxStagesSummary>>(
        parent, QObject::tr("Writing the stage models\u2026"), [&](const StopToken &stop, const ProgressFn &progress) {
            return exportOnnxStages(model, *graph, params, partition, options, stop, progress);
        });
    if (!summary) // cancelled
        return {};
    if (!summary->ok()) {
        QMessageBox::warning(parent, QObject::tr("Export Stages failed"), QString::fromStdString(summary->error()));
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
