#include "ui/jobs/model_loader.h"

#include "core/io/graph_io.h"
#include "ui/document/document.h"
#include "ui/jobs/job_runner.h"
#include "ui/panels/dims_dialog.h"

#include <QFile>
#include <QFileInfo>
#include <QSettings>

namespace pipecut::ui {

namespace {
const char *kExampleResource = ":/examples/bert_l-3_inference.json";

struct Loaded {
    Result<Graph> graph;
    std::map<std::string, std::optional<int64_t>> dims; // ONNX: the symbolic dimensions and their values
    std::map<std::string, std::vector<std::string>> uses; // where each appears ("x axis 0")
    std::vector<NodeDetail> nodes; // ONNX: FLOPs and shapes per node
    CostOrigin origin; // to re-cost it for a cluster's device profiles
};

// Every format through core's loader, as the CLI loads it; an ONNX model also
// reports its symbolic dimensions for the dialog.
Loaded loadModel(const std::string &file, const LoadOptions &options)
{
    LoadDetails details;
    Result<Graph> graph = loadGraph(file, options, &details);
    return { std::move(graph), std::move(details.symbolicDims), std::move(details.symbolicDimUses),
        std::move(details.nodes), std::move(details.origin) };
}
} // namespace

ModelLoader::ModelLoader(Document *document, JobRunner *jobs, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_document(document)
    , m_jobs(jobs)
    , m_dialogParent(dialogParent)
    , m_device(QSettings().value("model/device").toString())
    , m_dims(DimsDialog::remembered())
{
}

LoadOptions ModelLoader::options() const
{
    LoadOptions options;
    options.device = m_device.toStdString();
    options.dims = m_dims;
    options.llm = m_workload;
    return options;
}

void ModelLoader::openFile(const QString &path, int autoK)
{
    m_loading = true;
    emit status(tr("Loading %1\u2026").arg(path));
    const std::string file = path.toStdString();
    m_jobs->start<Loaded>(
        this, [file, options = options()](const StopToken &) { return loadModel(file, options); },
        [this, path, autoK](Loaded result) {
            m_loading = false;
            if (!result.graph.ok()) {
                emit failed(tr("Cannot open model"), QString::fromStdString(result.graph.error()));
                return;
            }
            if (!result.dims.empty() && m_interactive && !m_dimsConfirmed && askDims(path, result.dims, result.uses)) {
                m_dimsConfirmed = true;
                openFile(path, autoK); // load again with the values given
                return;
            }
            m_dimsConfirmed = false;
            const QString absolute = QFileInfo(path).absoluteFilePath();
            m_details = std::move(result.nodes);
            m_origin = std::move(result.origin);
            emit fileOpened(absolute);
            emit loaded(std::make_shared<Graph>(std::move(result.graph).value()), absolute, autoK);
        });
}

bool ModelLoader::askDims(const QString &path, const std::map<std::string, std::optional<int64_t>> &used,
    const std::map<std::string, std::vector<std::string>> &uses)
{
    DimsDialog dialog(path, used, m_dialogParent, uses);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    const auto values = dialog.values();
    DimsDialog::remember(values);
    bool changed = false;
    for (const auto &[name, value] : values) {
        const auto it = used.find(name);
        changed = changed || it == used.end() || !it->second || *it->second != value;
        m_dims[name] = value;
    }
    return changed;
}

void ModelLoader::openExample()
{
    QFile file(QString::fromLatin1(kExampleResource));
    if (!file.open(QIODevice::ReadOnly)) {
        emit failed(
            tr("Cannot open example"), tr("the bundled example %1 is missing").arg(QLatin1String(kExampleResource)));
        return;
    }
    const std::string content = file.readAll().toStdString();
    m_loading = true;
    m_details.clear();
    m_origin = {};
    m_jobs->start<Result<Graph>>(
        this, [content](const StopToken &) { return parseGraph(content, "bert_l-3_inference.json (bundled example)"); },
        [this](Result<Graph> graph) {
            m_loading = false;
            if (!graph.ok()) {
                emit failed(tr("Cannot open example"), QString::fromStdString(graph.error()));
                return;
            }
            emit loaded(
                std::make_shared<Graph>(std::move(graph).value()), QStringLiteral("bert_l-3_inference.json"), -1);
        });
}

bool ModelLoader::modelUsesDevice() const
{
    if (!m_document->hasGraph())
        return false;
    const std::string &format = m_document->graph().format();
    return format == "onnx" || format == "pipedream" || format == "hf-config";
}

bool ModelLoader::modelIsLlmConfig() const
{
    return m_document->hasGraph() && m_document->graph().format() == "hf-config";
}

void ModelLoader::chooseDevice(const QString &device)
{
    m_device = device;
    QSettings().setValue("model/device", device);
    if (modelUsesDevice())
        recost(options(), tr("device %1").arg(device));
}

void ModelLoader::chooseWorkload(const LlmWorkload &workload)
{
    m_workload = workload;
    if (modelIsLlmConfig())
        recost(options(), tr("workload %1").arg(workloadText(workload)));
}

bool ModelLoader::cancelRecost()
{
    if (!m_recosting)
        return false;
    ++m_recostGeneration;
    m_recosting = false;
    m_loading = false;
    emit status(tr("re-costing cancelled; the costs are unchanged"));
    emit recosted(false);
    return true;
}

void ModelLoader::recost(const LoadOptions &options, const QString &what)
{
    const std::string file = m_document->filePath().toStdString();
    const auto before = m_document->sharedGraph();
    const uint64_t generation = ++m_recostGeneration;
    m_loading = true;
    m_recosting = true;
    emit recostStarted(what);
    emit status(tr("re-costing the model for %1\u2026").arg(what));
    m_jobs->start<Loaded>(
        this, [file, options](const StopToken &) { return loadModel(file, options); },
        [this, before, what, generation](Loaded loaded) {
            Result<Graph> &graph = loaded.graph;
            if (generation != m_recostGeneration)
                return; // cancelled, or a newer re-cost replaced it
            m_loading = false;
            m_recosting = false;
            if (before != m_document->sharedGraph())
                return; // another model was opened meanwhile
            if (!graph.ok()) {
                emit failed(tr("Cannot re-cost the model"), QString::fromStdString(graph.error()));
                emit recosted(false);
                return;
            }
            if (!m_document->recost(std::move(graph).value())) {
                emit failed(tr("Cannot re-cost the model"),
                    tr("%1 changed on disk: its nodes are not the ones drawn").arg(m_document->filePath()));
                emit recosted(false);
                return;
            }
            m_document->setCostOrigin(std::move(loaded.origin));
            m_document->recordPoint(what);
            emit status(tr("re-costed for %1").arg(what));
            emit recosted(true);
        });
}

QString workloadText(const LlmWorkload &w)
{
    QString text = w.kind == LlmWorkload::Kind::Decode
        ? QObject::tr("decode, batch %1, context %2").arg(w.batch).arg(w.context)
        : QObject::tr("prefill, batch %1, prompt %2").arg(w.batch).arg(w.promptTokens());
    if (!w.dtype.empty())
        text += QStringLiteral(", %1").arg(QString::fromStdString(w.dtype));
    if (!w.kvDtype.empty())
        text += QObject::tr(", KV %1").arg(QString::fromStdString(w.kvDtype));
    return text;
}

} // namespace pipecut::ui
