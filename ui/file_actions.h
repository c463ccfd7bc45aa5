#pragma once
// The File menu's dialogs: open a model, open and save a partition, save the
// graph, export the drawing, the charts and the report. Failures and notes go
// back to the window as signals (it decides whether to show a dialog).

#include <QObject>
#include <QString>

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
    // File > Import Profile: measured node times (core/io/onnx_profile.h) replace
    // the work of the model's nodes; the partition stays. On error the model and
    // the partition are kept and failed() says why.
    void importProfile();
    void savePartition();
    void saveGraph();
    bool exportView(const QString &path, bool visibleOnly, QString *error);
    void exportViewDialog(bool visibleOnly);
    void exportCharts();
    void exportReport();

signals:
    void openRequested(const QString &path);
    void partitionOpened(); // an undoable command set the document's partition
    void failed(const QString &title, const QString &message);
    void noted(const QString &text);

private:
    Document *m_document;
    GraphView *m_view;
    MetricsPanel *m_metrics;
    QWidget *m_parent;
};

} // namespace pipecut::ui
