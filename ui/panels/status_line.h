#pragma once
// The window's status bar: what the layout is doing, the graph's size and
// selection, the partition's state (k, T and partitionState(), as the
// metrics panel says it), and one line for notes, errors and move previews.

#include <QObject>
#include <QString>

class QLabel;
class QStatusBar;

namespace pipecut::ui {

class Document;
class GraphView;

class StatusLine : public QObject {
    Q_OBJECT
public:
    StatusLine(QStatusBar *bar, Document *document, GraphView *view);

    void note(const QString &text); // neutral
    void error(const QString &text); // in red
    void preview(const QString &text, bool valid);
    void refused(const QString &reason); // in bold red
    void clearMessage();
    QString message() const;

    void showLayout(const QString &text, const QString &toolTip); // `toolTip` empty: unchanged
    void updateCounts(); // nodes, edges and selected nodes
    void updateState(); // k, T and the partition's state
    QString stateText() const;

private:
    Document *m_document;
    GraphView *m_view;
    QLabel *m_layoutInfo, *m_countInfo, *m_stateInfo, *m_previewInfo;
};

} // namespace pipecut::ui
