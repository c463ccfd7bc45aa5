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

class QWidget;

namespace pipecut::ui {

class Document;
class JobRunner;

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
    bool modelUsesDevice() const;
    QString device() const { return m_device; }
    LoadOptions options() const; // the device and symbolic dimensions chosen in the window

signals:
    // A graph ready to adopt; `path` is absolute for files.
    void loaded(std::shared_ptr<pipecut::Graph> graph, const QString &path, int autoK);
    void fileOpened(const QString &absolutePath); // before loaded(), for the recent files
    void recosted(bool ok);
    void failed(const QString &title, const QString &message);
    void status(const QString &text);

private:
    // True when the user gave other dimension values: the file is loaded again.
    bool askDims(const QString &path, const std::map<std::string, std::optional<int64_t>> &used,
        const std::map<std::string, std::vector<std::string>> &uses);

    Document *m_document;
    JobRunner *m_jobs;
    QWidget *m_dialogParent;
    QString m_device; // device profile for ONNX / PipeDream costs ("" = the default)
    std::map<std::string, int64_t> m_dims; // ONNX symbolic dimensions (remembered, DimsDialog)
    bool m_dimsConfirmed = false; // the reload after the dialog does not ask again
    bool m_loading = false;
    bool m_interactive = true;
};

} // namespace pipecut::ui
