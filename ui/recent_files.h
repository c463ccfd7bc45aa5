#pragma once
// File > Open Recent: the last models opened (QSettings "recentFiles"), newest first.

#include <QObject>
#include <QString>

class QMenu;

namespace pipecut::ui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    RecentFiles(QMenu *menu, QObject *parent);

    void add(const QString &path);

signals:
    void openRequested(const QString &path);

private:
    void rebuildMenu();

    QMenu *m_menu;
};

} // namespace pipecut::ui
