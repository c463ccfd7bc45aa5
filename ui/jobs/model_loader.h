#pragma once
// Loading models off the GUI thread: a file (with the ONNX symbolic-dimension
// dialog), the bundled example, or the same file again under another device
// profile (re-costing the open document). It keeps the load options the
// window chose: the device profile and the symbolic dimensions.

#include "core/graph/graph.h"
#include "core/io/graph_io.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QWidget;

namespace pipecut::ui {

class Document;
class JobRunner;

// "decode, batch 8, context 4096, fp8" (the status bar and the history).
QString workloadText(const LlmWorkload &workload);

class ModelLoader : public QObject {
    Q_OBJECT
public:
    // `dialogParent` parents the dimension dialog (shown only when interactive).
    ModelLoader(Document *document, JobRunner *jobs, QWidget *dialogParent);

    void setInteractive(bool interactive) { m_interactive = interactive; }
    bool isLoading() const { return m_loading; }

    // `autoK` is handed back with the graph (see MainWindow::openFile).
    void openFile(const QString &path, int autoK);
    void openExample();
    // Remembers the device; the document's model, when its costs come from a
    // device (ONNX, PipeDream), is loaded again under it and re-costed.
    void chooseDevice(const QString &device);
    // Hugging Face configs: remembers the serving workload and re-costs the
    // document's model under it (off the GUI thread; the partition stays).
    void chooseWorkload(const LlmWorkload &workload);
    const LlmWorkload &workload() const { return m_workload; }
    bool modelIsLlmConfig() const;
    // Drops the result of a running re-cost (device or workload): the
    // document keeps its costs. False when none runs.
    bool cancelRecost();
    bool isRecosting() const { return m_recosting; }
    bool modelUsesDevice() const;
    QString device() const { return m_device; }
    LoadOptions options() const; // the device and symbolic dimensions chosen in the window
    // The node details (FLOPs, shapes) of the model last loaded, once.
    std::vector<NodeDetail> takeDetails() { return std::move(m_details); }
    // What that load kept to re-cost it for device profiles, once.
    CostOrigin takeOrigin() { return std::move(m_origin); }

signals:
    // A graph ready to adopt; `path` is absolute for files.
    void loaded(std::shared_ptr<pipecut::Graph> graph, const QString &path, int autoK);
    void fileOpened(const QString &absolutePath); // before loaded(), for the recent files
    void recosted(bool ok);
    void recostStarted(const QString &what);
    void failed(const QString &title, const QString &message);
    void status(const QString &text);

private:
    // True when the user gave other dimension values: the file is loaded again.
    bool askDims(const QString &path, const std::map<std::string, std::optional<int64_t>> &used,
        const std::map<std::string, std::vector<std::string>> &uses);

    // Loads the document's file again with `options` and re-costs it; `what`
    // names the change in the history and the status bar.
    void recost(const LoadOptions &options, const QString &what);

    Document *m_document;
    JobRunner *m_jobs;
    std::vector<NodeDetail> m_details; // of the last file loaded, until taken
    CostOrigin m_origin; // of the last file loaded, until taken
    LlmWorkload m_workload; // Hugging Face configs: the serving workload costed
    bool m_recosting = false;
    uint64_t m_recostGeneration = 0; // a re-cost whose generation is stale is dropped
    QWidget *m_dialogParent;
    QString m_device; // device profile for ONNX / PipeDream costs ("" = the default)
    std::map<std::string, int64_t> m_dims; // ONNX symbolic dimensions (remembered, DimsDialog)
    bool m_dimsConfirmed = false; // the reload after the dialog does not ask again
    bool m_loading = false;
    bool m_interactive = true;
};

} // namespace pipecut::ui
