#pragma once
// Autosave of the edited partition: every few seconds, while the partition
// has unsaved edits, it is written atomically (QSaveFile: a crash never leaves
// half a file) next to the user's data, keyed by the model's path. Saving the
// partition, or closing the window normally, removes it; a file left behind
// means the last session ended without either (a crash or a kill), and the
// next opening of that model offers to restore it.
//
// File: {"format": "pipecut-autosave", "version": 1, "model": PATH,
//        "saved": ISO-8601 time, "partition": <docs/model.md §6 partition>}

#include "core/cost/partition.h"
#include "core/util/result.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <optional>

namespace pipecut {
class Graph;
}

namespace pipecut::ui {

class Document;

struct Recovered {
    Partition partition;
    QDateTime saved;
    QString file;
};

class Autosave : public QObject {
    Q_OBJECT
public:
    explicit Autosave(Document *document, QObject *parent = nullptr);

    void setInterval(int ms) { m_timer.setInterval(ms); }
    // Where the autosave of `model` lives (QStandardPaths::AppDataLocation/autosave).
    static QString pathFor(const QString &model);
    // Writes now when there are unsaved edits not yet written. Errors are
    // returned (the caller shows them once), never thrown at the user every tick.
    Status saveNow();
    void remove();
    // The partition left for `model` by a session that did not end cleanly,
    // when it still fits `graph` (else nullopt; a stale file is removed).
    static std::optional<Recovered> find(const QString &model, const Graph &graph);

signals:
    void failed(const QString &message);

private:
    Document *m_document;
    QTimer m_timer;
    int m_writtenIndex = -1; // undo index last written
    QString m_writtenFor; // model of the file last written
};

} // namespace pipecut::ui
