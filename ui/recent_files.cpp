#include "ui/recent_files.h"

#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace pipecut::ui {

namespace {
constexpr int kMaxRecent = 8;
}

RecentFiles::RecentFiles(QMenu *menu, QObject *parent)
    : QObject(parent)
    , m_menu(menu)
{
    rebuildMenu();
}

void RecentFiles::add(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    rebuildMenu();
}

void RecentFiles::rebuildMenu()
{
    m_menu->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (const QString &path : recent)
        m_menu->addAction(QFileInfo(path).fileName(), this, [this, path] { emit openRequested(path); })
            ->setToolTip(path);
    m_menu->setEnabled(!recent.isEmpty());
}

} // namespace pipecut::ui
