#pragma once
// After a model is opened: edits autosaved by a window that did not close
// normally (ui/document/autosave.h) are offered back, as one undoable command
// left unsaved so that the user decides whether to keep them.

#include <QString>

#include <optional>

class QWidget;

namespace pipecut::ui {

class Document;

// Asks first when `ask`; the note to show when restored, nullopt otherwise
// (a declined autosave is deleted).
std::optional<QString> offerRecovery(QWidget *parent, Document *document, bool ask);

} // namespace pipecut::ui
