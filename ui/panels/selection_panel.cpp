#include "ui/panels/selection_panel.h"

#include "ui/document/document.h"
#include "ui/panels/inspector.h"
#include "ui/panels/stage_list.h"
#include "ui/views/graph_view.h"

#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pipecut::ui {

SelectionPanel::SelectionPanel(Document *document, MoveController *moves, GraphView *view, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_view(view)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(new QLabel(tr("<b>Stages</b> \u2014 drop nodes here")));
    m_stages = new StageList(document, moves);
    m_stages->setObjectName("stageList");
    layout->addWidget(m_stages, 3);
    layout->addWidget(new QLabel(tr("<b>Search</b> (regular expression on name, op, scope)")));
    m_search = new QLineEdit;
    m_search->setObjectName("searchEdit");
    m_search->setPlaceholderText(tr("e.g. attention|layer\\.2\\."));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_searchInfo = new QLabel;
    layout->addWidget(m_searchInfo);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (m_search->text() == m_pattern && !m_matches.empty())
            step();
        else
            search(m_search->text());
    });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (m_document->hasGraph() && m_document->graph().nodeCount() <= 20000)
            search(text); // live while typing on graphs where it stays instant
    });
    layout->addWidget(new QLabel(tr("<b>Inspector</b>")));
    m_inspector = new QTextBrowser;
    m_inspector->setObjectName("inspector");
    m_inspector->setOpenLinks(false);
    layout->addWidget(m_inspector, 2);
}

void SelectionPanel::clearSearch()
{
    m_search->clear();
}

void SelectionPanel::focusSearch()
{
    m_search->setFocus();
    m_search->selectAll();
}

int SelectionPanel::search(const QString &pattern)
{
    m_matches.clear();
    m_pattern.clear();
    m_step = -1;
    if (!m_document->hasGraph() || !m_view->hasPicture())
        return 0;
    if (pattern.isEmpty()) {
        m_searchInfo->clear();
        return 0;
    }
    const QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
    if (!re.isValid()) {
        m_searchInfo->setText(tr("<span style='color:#B2182B'>invalid: %1</span>").arg(re.errorString()));
        return -1;
    }
    const Graph &g = m_document->graph();
    std::vector<NodeId> matches;
    for (int32_t v = 0; v < g.nodeCount(); ++v) {
        const NodeId id = nodeId(v);
        if (re.match(QString::fromStdString(g.id(id))).hasMatch()
            || re.match(QString::fromStdString(g.op(id))).hasMatch()
            || re.match(QString::fromStdString(g.scope(id))).hasMatch())
            matches.push_back(id);
    }
    m_view->selectNodes(matches, true);
    m_searchInfo->setText(
        matches.empty() ? tr("no match") : tr("%n match(es); Enter steps through them", nullptr, int(matches.size())));
    m_pattern = pattern;
    m_matches = std::move(matches);
    return int(m_matches.size());
}

int SelectionPanel::step()
{
    if (m_matches.empty() || !m_view->hasPicture())
        return -1;
    m_step = (m_step + 1) % int(m_matches.size());
    m_view->zoomToNodes({ m_matches[size_t(m_step)] });
    m_searchInfo->setText(tr("match %1 of %2").arg(m_step + 1).arg(m_matches.size()));
    return m_step;
}

QString SelectionPanel::inspectorText() const
{
    return m_inspector->toPlainText();
}

void SelectionPanel::updateInspector()
{
    if (!m_document->hasGraph() || !m_view->hasPicture()) {
        m_inspector->clear();
        m_inspectorHtml.clear();
        return;
    }
    const QString html = inspectorHtml(*m_document, m_view->selectedNodes());
    // Laying out the same text again is most of what an edit costs here.
    if (html != m_inspectorHtml) {
        m_inspectorHtml = html;
        m_inspector->setHtml(html);
    }
}

} // namespace pipecut::ui
