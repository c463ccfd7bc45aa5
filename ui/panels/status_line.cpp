#include "ui/panels/status_line.h"

#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/panels/partition_state.h"
#include "ui/views/graph_view.h"

#include <QLabel>
#include <QStatusBar>

#include <algorithm>

namespace pipecut::ui {

namespace {
const QString kRed = QStringLiteral("color: #B2182B;");
}

StatusLine::StatusLine(QStatusBar *bar, Document *document, GraphView *view)
    : QObject(bar)
    , m_document(document)
    , m_view(view)
{
    m_layoutInfo = new QLabel(tr("no model"));
    m_countInfo = new QLabel;
    m_stateInfo = new QLabel;
    m_stateInfo->setObjectName("stateInfo");
    m_stateInfo->setMinimumWidth(60); // long states are cut; the tooltip has them whole
    m_previewInfo = new QLabel;
    m_previewInfo->setObjectName("previewInfo");
    m_previewInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previewInfo->setMinimumWidth(80); // long notes are cut, not the window widened
    bar->addWidget(m_layoutInfo);
    bar->addWidget(m_countInfo);
    bar->addWidget(m_stateInfo);
    bar->addWidget(m_previewInfo, 1);
}

void StatusLine::note(const QString &text)
{
    m_previewInfo->setStyleSheet(QString());
    m_previewInfo->setText(text);
}

void StatusLine::error(const QString &text)
{
    note(text);
    m_previewInfo->setStyleSheet(kRed);
}

void StatusLine::preview(const QString &text, bool valid)
{
    m_previewInfo->setStyleSheet(valid ? QString() : kRed);
    m_previewInfo->setText(text);
}

void StatusLine::refused(const QString &reason)
{
    m_previewInfo->setStyleSheet(QStringLiteral("color: #B2182B; font-weight: bold;"));
    m_previewInfo->setText(reason);
}

void StatusLine::clearMessage()
{
    m_previewInfo->clear();
}

QString StatusLine::message() const
{
    return m_previewInfo->text();
}

void StatusLine::showLayout(const QString &text, const QString &toolTip)
{
    if (!toolTip.isEmpty())
        m_layoutInfo->setToolTip(toolTip);
    m_layoutInfo->setText(text);
}

void StatusLine::updateState()
{
    if (!m_document->hasGraph()) {
        m_stateInfo->clear();
        return;
    }
    const PartitionState state = partitionState(*m_document);
    QString text
        = tr("k = %1, T = %2").arg(m_document->k()).arg(formatCost(m_document->bottleneck(), m_document->timeUnit()));
    m_stateInfo->setText(text + QStringLiteral(" \u2014 ") + state.text);
    m_stateInfo->setToolTip(m_stateInfo->text());
    // Room for the state first; notes take what is left.
    m_stateInfo->setMinimumWidth(std::min(m_stateInfo->sizeHint().width(), 560));
    m_stateInfo->setStyleSheet(state.kind == PartitionState::Kind::Infeasible ? kRed : QString());
}

QString StatusLine::stateText() const
{
    return m_stateInfo->text();
}

void StatusLine::updateCounts()
{
    if (!m_document->hasGraph()) {
        m_countInfo->clear();
        return;
    }
    const Graph &g = m_document->graph();
    m_countInfo->setText(tr("%L1 nodes, %L2 edges, %L3 selected")
                             .arg(g.nodeCount())
                             .arg(g.edgeCount())
                             .arg(m_view->selectedNodes().size()));
}

} // namespace pipecut::ui
