#include "ui/panels/recovery_prompt.h"

#include "ui/document/autosave.h"
#include "ui/document/commands.h"
#include "ui/document/document.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>

namespace pipecut::ui {

std::optional<QString> offerRecovery(QWidget *parent, Document *document, bool ask)
{
    auto recovered = Autosave::find(document->filePath(), document->graph());
    if (!recovered)
        return std::nullopt;
    const QString when = QLocale().toString(recovered->saved.toLocalTime(), QLocale::ShortFormat);
    if (ask
        && QMessageBox::question(parent, QObject::tr("Restore unsaved edits?"),
               QObject::tr("pipecut did not close normally while the partition of %1 had unsaved "
                           "edits (autosaved %2). Restore them?")
                   .arg(QFileInfo(document->filePath()).fileName(), when),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes)
            != QMessageBox::Yes) {
        QFile::remove(recovered->file);
        return std::nullopt;
    }
    document->undoStack()->push(
        new SetPartitionCommand(document, recovered->partition, QObject::tr("restore autosaved edits")));
    return QObject::tr("restored the edits autosaved %1").arg(when);
}

} // namespace pipecut::ui
