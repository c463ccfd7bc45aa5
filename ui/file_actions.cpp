#include "ui/file_actions.h"

#include "core/cost/evaluate.h"
#include "core/io/graph_io.h"
#include "core/io/onnx_profile.h"
#include "ui/document/commands.h"
#include "ui/document/document.h"
#include "ui/panels/metrics_panel.h"
#include "ui/report_export.h"
#include "ui/views/graph_view.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QWidget>

namespace pipecut::ui {

namespace {
QString fileFilter()
{
    return QObject::tr("Models (*.json *.txt *.dot *.gv *.onnx);;pipecut or Microsoft JSON (*.json);;"
                       "PipeDream profile (*.txt);;Graphviz (*.dot *.gv);;ONNX (*.onnx);;All files (*)");
}
} // namespace

FileActions::FileActions(Document *document, GraphView *view, MetricsPanel *metrics, QWidget *parent)
    : QObject(parent)
    , m_document(document)
    , m_view(view)
    , m_metrics(metrics)
    , m_parent(parent)
{
}

void FileActions::openModel()
{
    const QString dir = QSettings().value("lastDir").toString();
    const QString path = QFileDialog::getOpenFileName(m_parent, tr("Open Model"), dir, fileFilter());
    if (path.isEmpty())
        return;
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
    emit openRequested(path);
}

void FileActions::savePartition()
{
    if (!m_document->hasGraph())
        return;
    const QString suggested = QFileInfo(m_document->filePath()).completeBaseName() + QStringLiteral(".partition.json");
    const QString path
        = QFileDialog::getSaveFileName(m_parent, tr("Save Partition"), suggested, tr("Partition (*.json)"));
    if (path.isEmpty())
        return;
    const Status st
        = writeFileAtomically(path.toStdString(), partitionToJson(m_document->graph(), m_document->partition()));
    if (!st.ok())
        emit failed(tr("Cannot save partition"), QString::fromStdString(st.error()));
    else
        m_document->undoStack()->setClean();
}

QString FileActions::askPartitionFile(const QString &title) const
{
    if (!m_document->hasGraph())
        return {};
    return QFileDialog::getOpenFileName(m_parent, title, QString(), tr("Partition (*.json)"));
}

Result<Partition> FileActions::readPartition(const QString &path) const
{
    if (!m_document->hasGraph())
        return makeError("no model is open");
    auto partition = loadPartition(path.toStdString(), m_document->graph());
    if (!partition.ok())
        return partition;
    const Status valid = validatePartition(m_document->graph(), m_document->params(), *partition);
    if (!valid.ok())
        return makeError(path.toStdString() + ": " + valid.error());
    return partition;
}

std::optional<Partition> FileActions::askAndReadPartition(const QString &title, QString &path)
{
    path = askPartitionFile(title);
    if (path.isEmpty())
        return std::nullopt;
    auto partition = readPartition(path);
    if (!partition.ok()) {
        emit failed(tr("Cannot open partition"), QString::fromStdString(partition.error()));
        return std::nullopt;
    }
    return std::move(partition).value();
}

void FileActions::openPartition()
{
    QString path;
    const auto partition = askAndReadPartition(tr("Open Partition"), path);
    if (!partition)
        return;
    m_document->undoStack()->push(
        new SetPartitionCommand(m_document, *partition, tr("open partition %1").arg(QFileInfo(path).fileName())));
    emit partitionOpened();
}

void FileActions::openPartitionAsB()
{
    QString path;
    if (const auto partition = askAndReadPartition(tr("Open Partition as B"), path))
        emit partitionForB(*partition, QFileInfo(path).fileName());
}

void FileActions::importProfile()
{
    if (!m_document->hasGraph())
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_parent, tr("Import Profile"), QString(), tr("Runtime profiles (*.json *.csv);;All files (*)"));
    if (!path.isEmpty())
        importProfileFile(path);
}

bool FileActions::importProfileFile(const QString &path)
{
    if (!m_document->hasGraph())
        return false;
    // A profile is a few MB at most: read and matched here in well under a second.
    Result<RuntimeProfile> profile = readRuntimeProfile(path.toStdString());
    ProfileMatch match;
    Result<Graph> measured
        = profile ? applyRuntimeProfile(m_document->graph(), *profile, match) : Result<Graph>(profile.failure());
    if (!measured.ok()) {
        emit failed(tr("Cannot import profile"), QString::fromStdString(measured.error()));
        return false;
    }
    const std::span<const double> before = m_document->graph().works();
    std::vector<double> estimates(before.begin(), before.end());
    if (!m_document->recost(std::move(measured).value(), std::move(estimates))) {
        emit failed(tr("Cannot import profile"), tr("%1: the model changed while it was read").arg(path));
        return false;
    }
    CostOrigin origin = m_document->costOrigin();
    origin.times = CostOrigin::Times::Measured; // a cluster's profiles keep the speed rule
    m_document->setCostOrigin(std::move(origin));
    for (const std::string &line : match.notes())
        emit noted(QString::fromStdString(line));
    m_document->recordPoint(tr("profile %1").arg(QFileInfo(path).fileName()));
    emit profileImported();
    return true;
}

void FileActions::saveGraph()
{
    if (!m_document->hasGraph())
        return;
    const QString path = QFileDialog::getSaveFileName(m_parent, tr("Save Graph"),
        QFileInfo(m_document->filePath()).completeBaseName() + QStringLiteral(".pipecut.json"),
        tr("pipecut JSON (*.json)"));
    if (path.isEmpty())
        return;
    const Status st = writeFileAtomically(path.toStdString(), graphToJson(m_document->graph()));
    if (!st.ok())
        emit failed(tr("Cannot save graph"), QString::fromStdString(st.error()));
}

bool FileActions::exportView(const QString &path, bool visibleOnly, QString *error)
{
    return m_view->exportPicture(path, visibleOnly, error);
}

void FileActions::exportViewDialog(bool visibleOnly)
{
    const QString path
        = QFileDialog::getSaveFileName(m_parent, visibleOnly ? tr("Export Visible Part") : tr("Export Graph"),
            QString(), tr("PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportView(path, visibleOnly, &error))
        emit failed(tr("Export failed"), error);
    else
        emit noted(tr("exported %1").arg(path));
}

void FileActions::exportCharts()
{
    const QString path
        = QFileDialog::getSaveFileName(m_parent, tr("Export Charts"), QString(), tr("PNG image (*.png);;PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_metrics->exportCharts(path, &error))
        emit failed(tr("Export failed"), error);
}

void FileActions::exportReport()
{
    const QString path = exportReportDialog(m_parent, *m_document);
    if (!path.isEmpty())
        emit noted(tr("exported report %1").arg(path));
}

} // namespace pipecut::ui
