#pragma once
// The left dock of the window: the stages (legend and drop targets), the node
// search (a regular expression on name, op and scope) and the inspector of
// the selected nodes.

#include <QString>
#include <QWidget>

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
    int search(const QString &pattern); // selects and centres the matches; returns their count (-1: invalid)
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
};

} // namespace pipecut::ui
