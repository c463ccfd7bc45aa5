#pragma once
// The File menu's dialogs: open a model, open and save a partition, save the
// graph, export the drawing, the charts and the report. Failures and notes go
// back to the window as signals (it decides whether to show a dialog).

#include "core/cost/partition.h"
#include "core/util/result.h"

#include <QObject>
#include <QString>

#include <optional>

class QWidget;

namespace pipecut::ui {

class Document;
class GraphView;
class MetricsPanel;

class FileActions : public QObject {
    Q_OBJECT
public:
    FileActions(Document *document, GraphView *view, MetricsPanel *metrics, QWidget *parent);

    void openModel(); // asks for a model file, then openRequested()
    void openPartition();
    // Compare A/B: a partition file kept as B (partitionForB) instead of applied.
    void openPartitionAsB();
    // A partition file of the open model, checked against its graph and costs.
    Result<Partition> readPartition(const QString &path) const;
    // File > Import Profile: measured node times (core/io/onnx_profile.h) replace
    // the work of the model's nodes; the partition stays. On error the model and
    // the partition are kept and failed() says why.
    void importProfile();
    bool importProfileFile(const QString &path);
    void savePartition();
    void saveGraph();
    bool exportView(const QString &path, bool visibleOnly, QString *error);
    void exportViewDialog(bool visibleOnly);
    void exportCharts();
    void exportReport();

signals:
    void openRequested(const QString &path);
    void partitionOpened(); // an undoable command set the document's partition
    void profileImported(); // the model's costs changed: the bound is recomputed
    void partitionForB(const pipecut::Partition &partition, const QString &name);
    void failed(const QString &title, const QString &message);
    void noted(const QString &text);

private:
    QString askPartitionFile(const QString &title) const; // "" when cancelled
    // Asks for a partition file and reads it (failed() says why not); `path` is the file chosen.
    std::optional<Partition> askAndReadPartition(const QString &title, QString &path);
    Document *m_document;
    GraphView *m_view;
    MetricsPanel *m_metrics;
    QWidget *m_parent;
};

} // namespace pipecut::ui
