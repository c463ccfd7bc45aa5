// File > Open Cluster and Clear Cluster: a device per stage (docs/model.md
// §1.7). A cluster file is a few hundred bytes: read and applied on the GUI
// thread; the partition is re-costed incrementally and the bound recomputed
// in the background (applyParams).
#include "core/cost/cluster.h"
#include "core/cost/device_work.h"
#include "ui/document/document.h"
#include "ui/main_window.h"

#include <QFileInfo>

namespace pipecut::ui {

bool MainWindow::openCluster(const QString &path)
{
    if (!m_document->hasGraph())
        return false;
    Result<Cluster> cluster = loadCluster(path.toStdString());
    if (!cluster) {
        showError(tr("Cannot open cluster"), QString::fromStdString(cluster.error()));
        return false;
    }
    if (cluster->size() != m_document->k()) {
        showError(tr("Cannot open cluster"),
            tr("%1: the cluster has %2 devices but the partition has %3 stages; set k to %2 and run first")
                .arg(path)
                .arg(cluster->size())
                .arg(m_document->k()));
        return false;
    }
    // A second cluster replaces the first: it applies to the parameters from before any.
    const CostParams base = m_paramsBeforeCluster ? *m_paramsBeforeCluster : m_document->params();
    Result<CostParams> params = applyCluster(base, *cluster);
    if (params) // per-device work ("costs", core/cost/device_work.h)
        params = applyDeviceWork(*params, m_document->graph(), cluster->source);
    if (!params) {
        showError(tr("Cannot open cluster"), QString::fromStdString(params.error()));
        return false;
    }
    if (!applyParams(*params))
        return false;
    m_paramsBeforeCluster = base;
    QStringList stages;
    for (size_t j = 0; j < params->devices.size(); ++j)
        stages << tr("%1 %2 (speed %3)")
                      .arg(j + 1)
                      .arg(QString::fromStdString(params->devices[j].name))
                      .arg(params->devices[j].speed);
    note(tr("cluster %1: %2").arg(QFileInfo(path).fileName(), stages.join(QStringLiteral(", "))));
    return true;
}

void MainWindow::clearCluster()
{
    if (!m_paramsBeforeCluster || !m_document->hasGraph())
        return;
    const CostParams base = *m_paramsBeforeCluster;
    if (applyParams(base))
        m_paramsBeforeCluster.reset();
}

} // namespace pipecut::ui
