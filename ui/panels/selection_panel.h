#pragma once
// The left dock of the window: the stages (legend and drop targets), the node
// search (a regular expression on name, op and scope) and the inspector of
// the selected nodes.

#include <QString>
#include <QWidget>

#include "core/util/ids.h"

#include <vector>

class QLabel;
class QLineEdit;
class QTextBrowser;

namespace pipecut::ui {

class Document;
class GraphView;
class MoveController;
class StageList;

class SelectionPanel : public QWidget {
    Q_OBJECT
public:
    SelectionPanel(Document *document, MoveController *moves, GraphView *view, QWidget *parent = nullptr);

    StageList *stageList() const { return m_stages; }
    // Selects the matches and frames them; returns their count (-1: invalid).
    int search(const QString &pattern);
    // Enter in the search field: the first time frames all matches, then each
    // Enter frames the next match alone (all stay selected). Returns its index.
    int step();
    void clearSearch();
    void focusSearch();
    void updateInspector();
    QString inspectorText() const;

private:
    Document *m_document;
    GraphView *m_view;
    StageList *m_stages;
    QLineEdit *m_search;
    QLabel *m_searchInfo;
    QTextBrowser *m_inspector;
    QString m_inspectorHtml; // what m_inspector shows
    QString m_pattern; // of the last search
    std::vector<NodeId> m_matches;
    int m_step = -1; // the match framed alone; -1: all
};

} // namespace pipecut::ui
