#include "ui/document/autosave.h"

#include "core/io/graph_io.h"
#include "ui/document/document.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace pipecut::ui {

Autosave::Autosave(Document *document, QObject *parent)
    : QObject(parent)
    , m_document(document)
{
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const Status st = saveNow();
        if (!st.ok())
            emit failed(QString::fromStdString(st.error()));
    });
    m_timer.start();
    // Saved (or undone back to the saved state): nothing to recover.
    connect(document->undoStack(), &QUndoStack::cleanChanged, this, [this](bool clean) {
        if (clean)
            remove();
    });
    // Another model: the next write starts afresh.
    connect(document, &Document::changed, this, [this](const DocumentChange &c) {
        if (c.has(DocumentChange::Graph))
            m_writtenIndex = -1;
    });
}

QString Autosave::pathFor(const QString &model)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/autosave");
    const QByteArray key = QCryptographicHash::hash(model.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return dir + QLatin1Char('/') + QString::fromLatin1(key) + QStringLiteral(".json");
}

Status Autosave::saveNow()
{
    if (!m_document->hasGraph() || m_document->undoStack()->isClean()
        || (m_writtenIndex == m_document->undoStack()->index() && m_writtenFor == m_document->filePath()))
        return Ok {};
    const QString path = pathFor(m_document->filePath());
    QDir().mkpath(QFileInfo(path).absolutePath());
    QJsonObject root;
    root[QStringLiteral("format")] = QStringLiteral("pipecut-autosave");
    root[QStringLiteral("version")] = 1;
    root[QStringLiteral("model")] = m_document->filePath();
    root[QStringLiteral("saved")] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    root[QStringLiteral("partition")] = QJsonDocument::fromJson(
        QByteArray::fromStdString(partitionToJson(m_document->graph(), m_document->partition())))
                                            .object();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0
        || !file.commit())
        return makeError(ErrorKind::Internal,
            "cannot write the autosave " + path.toStdString() + ": " + file.errorString().toStdString());
    m_writtenIndex = m_document->undoStack()->index();
    m_writtenFor = m_document->filePath();
    return Ok {};
}

void Autosave::remove()
{
    if (m_document->hasGraph())
        QFile::remove(pathFor(m_document->filePath()));
    m_writtenIndex = -1;
}

std::optional<Recovered> Autosave::find(const QString &model, const Graph &graph)
{
    const QString path = pathFor(model);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    if (root[QStringLiteral("format")].toString() != QLatin1String("pipecut-autosave")
        || root[QStringLiteral("model")].toString() != model) {
        QFile::remove(path);
        return std::nullopt;
    }
    const QByteArray json = QJsonDocument(root[QStringLiteral("partition")].toObject()).toJson(QJsonDocument::Compact);
    auto partition = parsePartition(json.toStdString(), path.toStdString(), graph);
    if (!partition.ok()) { // the model changed since: the edits no longer apply
        QFile::remove(path);
        return std::nullopt;
    }
    return Recovered { std::move(partition).value(),
        QDateTime::fromString(root[QStringLiteral("saved")].toString(), Qt::ISODate), path };
}

} // namespace pipecut::ui
