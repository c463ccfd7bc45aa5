// The cluster (docs/model.md §1.7): File > Open Cluster, Edit > Cluster and
// Clear Cluster. A cluster is resolved onto the parameters from before any
// cluster (applyCluster, on the GUI thread: a few devices), then ClusterJob
// costs the partition under it off the GUI thread (re-split when the device
// count changes k) and installs it as one undoable step; the bound is then
// recomputed in the background.
#include "core/cost/cluster.h"
#include "core/cost/device_work.h"
#include "ui/document/document.h"
#include "ui/main_window.h"
#include "ui/panels/cluster_editor.h"

#include <QFileInfo>

namespace pipecut::ui {

namespace {

// A profile's speed is its FLOP rate over the model's device profile's, as in
// the CLI (the default profile when the model has none).
DeviceProfile referenceProfile(const LoadOptions &options)
{
    if (!options.device.empty())
        if (auto p = findDeviceProfile(options.device))
            return *p;
    return defaultDeviceProfile();
}

} // namespace

void MainWindow::connectCluster()
{
    connect(m_clusterJob, &ClusterJob::started, this,
        [this](const QString &what) { note(tr("applying %1: re-costing the partition\u2026").arg(what)); });
    connect(m_clusterJob, &ClusterJob::finished, this, [this](bool ok, bool resplit, const QString &message) {
        note(message);
        if (resplit)
            m_layout->partitionReplaced(); // a layout that follows the stages
        if (ok)
            requestBound();
        if (m_clusterEditor)
            m_clusterEditor->showOutcome(ok, message);
        updateActions();
        emit clusterApplied(ok);
    });
}

ClusterEditor *MainWindow::clusterEditor()
{
    if (!m_clusterEditor) {
        m_clusterEditor = new ClusterEditor(m_document, this);
        connect(m_clusterEditor, &ClusterEditor::applyRequested, this, [this](const Cluster &cluster) {
            if (!applyClusterDescription(cluster, tr("cluster of %n device(s)", nullptr, cluster.size())))
                m_clusterEditor->showOutcome(false, m_lastError);
        });
        connect(m_clusterEditor, &ClusterEditor::cancelRequested, this, &MainWindow::cancelCluster);
        connect(m_clusterJob, &ClusterJob::started, m_clusterEditor, [this] { m_clusterEditor->setRunning(true); });
    }
    return m_clusterEditor;
}

void MainWindow::showClusterEditor()
{
    ClusterEditor *editor = clusterEditor();
    editor->setReferenceProfile(referenceProfile(m_loader->options()));
    if (!editor->hasEdits())
        editor->loadFromDocument();
    editor->show();
    editor->raise();
    editor->activateWindow();
}

bool MainWindow::openCluster(const QString &path)
{
    if (!m_document->hasGraph())
        return false;
    Result<Cluster> cluster = loadCluster(path.toStdString());
    if (!cluster) {
        showError(tr("Cannot open cluster"), QString::fromStdString(cluster.error()));
        return false;
    }
    return applyClusterDescription(*cluster, tr("cluster %1").arg(QFileInfo(path).fileName()));
}

bool MainWindow::applyClusterDescription(const Cluster &cluster, const QString &what)
{
    if (!m_document->hasGraph()) {
        showError(tr("Cannot apply the cluster"), tr("Open a model first: the cluster re-costs its partition"));
        return false;
    }
    // A second cluster replaces the first: it applies to the parameters from before any.
    const ClusterState &state = m_document->clusterState();
    const CostParams base = state.base ? *state.base : m_document->params();
    Result<CostParams> params = applyCluster(base, cluster, referenceProfile(m_loader->options()));
    if (params) // per-device work ("costs", core/cost/device_work.h)
        params = applyDeviceWork(*params, m_document->graph(), cluster.source);
    if (!params) {
        showError(tr("Cannot apply the cluster"), QString::fromStdString(params.error()));
        return false;
    }
    if (*params == m_document->params() && int(params->devices.size()) == m_document->k()) {
        note(tr("%1: the costs are unchanged").arg(what));
        emit clusterApplied(true);
        return true;
    }
    m_clusterJob->start(*params, ClusterState { cluster, base }, what, m_document->costOrigin());
    return true;
}

void MainWindow::clearCluster()
{
    const ClusterState &state = m_document->clusterState();
    if (!state.base || !m_document->hasGraph())
        return;
    m_clusterJob->start(*state.base, ClusterState {}, tr("clear cluster"));
}

} // namespace pipecut::ui
