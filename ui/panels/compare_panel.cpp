#include "ui/panels/compare_panel.h"

#include "ui/document/commands.h"
#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/stage_palette.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QTableWidget>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace pipecut::ui {

PartitionComparison comparePartitions(const Document &document, const Partition &b)
{
    PartitionComparison c;
    const Graph &g = document.graph();
    c.a = evaluate(g, document.params(), document.partition());
    c.b = evaluate(g, document.params(), b);
    for (int32_t v = 0; v < g.nodeCount(); ++v)
        if (b.stage(nodeId(v)) != document.partition().stage(nodeId(v)))
            c.differing.push_back(nodeId(v));
    if (const BoundInfo *bound = document.bound())
        c.lowerBound = bound->lowerBound;
    c.boundAppliesToB = b.k() == document.k();
    return c;
}

namespace {

QString gapText(double t, double lowerBound)
{
    if (lowerBound <= 0 || t <= 0)
        return QObject::tr("no bound yet");
    return QObject::tr("gap %1 % to LB %2")
        .arg(std::max(0.0, (t - lowerBound) / t * 100), 0, 'f', 2)
        .arg(formatCost(lowerBound));
}

QString sideHtml(const QString &name, const Evaluation &e, int k, const QString &unit, const QString &gap)
{
    return QObject::tr("<b>%1</b> (k = %2): T = <b>%3</b>, bottleneck stage %4; %5")
        .arg(name.toHtmlEscaped())
        .arg(k)
        .arg(formatCost(e.bottleneck, unit))
        .arg(e.bottleneckStage + 1)
        .arg(gap);
}

QToolButton *button(const QString &text, const QString &tip)
{
    auto *b = new QToolButton;
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(false);
    return b;
}

} // namespace

ComparePanel::ComparePanel(Document *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_summary(new QLabel)
    , m_table(new QTableWidget(0, 6))
    , m_highlight(button(tr("Highlight"), tr("Outline the nodes whose stage differs in the graph view")))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *buttons = new QHBoxLayout;
    auto *keep = button(tr("Keep Current as B"), tr("Keep a snapshot of the current partition as B"));
    auto *open = button(tr("Open B\u2026"), tr("Open a partition file as B"));
    auto *swapB = button(tr("Swap A and B"), tr("Make B the current partition (undoable); the current one becomes B"));
    auto *select = button(tr("Select Differences"), tr("Select and frame the nodes whose stage differs"));
    auto *exportB = button(
        tr("Export Report\u2026"), tr("The comparison report (PNG, SVG or PDF), as pipecut-cli report --compare"));
    auto *clearB = button(tr("Clear B"), tr("Forget B"));
    m_highlight->setCheckable(true);
    m_highlight->setChecked(true);
    for (QToolButton *b : { keep, open, swapB, select, m_highlight, exportB, clearB })
        buttons->addWidget(b);
    buttons->addStretch();
    m_needB = { swapB, select, m_highlight, exportB, clearB };
    layout->addLayout(buttons);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_table->setHorizontalHeaderLabels(
        { tr("stage"), tr("A cost"), tr("B cost"), tr("B \u2212 A"), tr("A nodes"), tr("B nodes") });
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);

    connect(keep, &QToolButton::clicked, this, &ComparePanel::keepCurrent);
    connect(open, &QToolButton::clicked, this, &ComparePanel::openRequested);
    connect(swapB, &QToolButton::clicked, this, &ComparePanel::swap);
    connect(select, &QToolButton::clicked, this, [this] { emit selectRequested(m_comparison.differing); });
    connect(exportB, &QToolButton::clicked, this, &ComparePanel::exportRequested);
    connect(clearB, &QToolButton::clicked, this, &ComparePanel::clear);
    connect(m_highlight, &QToolButton::toggled, this,
        [this](bool on) { emit highlightChanged(on && m_b ? m_comparison.differing : std::vector<NodeId> {}); });
    connect(m_document, &Document::changed, this, [this](const DocumentChange &change) {
        if (change.has(DocumentChange::Graph))
            clear();
        else if (m_b
            && (change.has(DocumentChange::Partition) || change.has(DocumentChange::Params)
                || change.has(DocumentChange::Bound)))
            refresh();
    });
    refresh();
}

bool ComparePanel::highlightEnabled() const
{
    return m_highlight->isChecked();
}

void ComparePanel::setHighlightEnabled(bool on)
{
    m_highlight->setChecked(on);
}

void ComparePanel::setB(const Partition &partition, const QString &label)
{
    if (!m_document->hasGraph() || partition.nodeCount() != m_document->graph().nodeCount())
        return;
    m_b = partition;
    m_label = label;
    refresh();
    emit bChanged(true);
}

void ComparePanel::keepCurrent()
{
    if (m_document->hasGraph())
        setB(m_document->partition(), tr("snapshot of k = %1").arg(m_document->k()));
}

void ComparePanel::clear()
{
    const bool had = m_b.has_value();
    m_b.reset();
    m_label.clear();
    refresh();
    if (had)
        emit bChanged(false);
}

void ComparePanel::swap()
{
    if (!m_b || !m_document->hasGraph())
        return;
    const Partition previous = m_document->partition();
    const Partition next = *m_b;
    const QString label = m_label;
    m_b = previous; // before the command: its change refreshes against the new A
    m_label = tr("previous A (k = %1)").arg(previous.k());
    m_document->undoStack()->push(new SetPartitionCommand(m_document, next, tr("swap A and B (%1)").arg(label)));
    refresh();
    emit swapped();
}

QString ComparePanel::summaryText() const
{
    QTextDocument text;
    text.setHtml(m_summary->text());
    return text.toPlainText();
}

void ComparePanel::refresh()
{
    for (QToolButton *b : m_needB)
        b->setEnabled(m_b.has_value());
    if (!m_b || !m_document->hasGraph()) {
        m_comparison = {};
        m_summary->setText(tr("<span style='color:#777'>No partition B. <b>Keep Current as B</b> takes a snapshot "
                              "to compare later edits or runs with; <b>Open B\u2026</b> reads a partition file; "
                              "a run proposed under \u201cCompare before applying\u201d can be kept as B from "
                              "the Solver tab.</span>"));
        m_table->setRowCount(0);
        emit highlightChanged({});
        return;
    }
    m_comparison = comparePartitions(*m_document, *m_b);
    const PartitionComparison &c = m_comparison;
    const QString unit = m_document->timeUnit();
    const double delta = c.b.bottleneck - c.a.bottleneck;
    const double percent = c.a.bottleneck > 0 ? delta / c.a.bottleneck * 100 : 0.0;
    const QString colour = QLatin1String(delta < -1e-12 ? "#117733" : delta > 1e-12 ? "#B2182B" : "#555");
    QString html = sideHtml(tr("A: current"), c.a, m_document->k(), unit, gapText(c.a.bottleneck, c.lowerBound));
    html += QStringLiteral("<br>")
        + sideHtml(tr("B: %1").arg(m_label), c.b, m_b->k(), unit,
            c.boundAppliesToB ? gapText(c.b.bottleneck, c.lowerBound)
                              : tr("the bound is for k = %1, not B's k").arg(m_document->k()));
    html += tr("<br>B \u2212 A: <span style='color:%1'><b>%2%3</b> (%2%4 %)</span>; %n node(s) in another stage",
        nullptr, int(c.differing.size()))
                .arg(colour, delta > 0 ? QStringLiteral("+") : QString(), formatCost(delta, unit))
                .arg(percent, 0, 'f', 2);
    m_summary->setText(html);
    fillTable();
    emit highlightChanged(m_highlight->isChecked() ? c.differing : std::vector<NodeId> {});
}

void ComparePanel::fillTable()
{
    const PartitionComparison &c = m_comparison;
    const int rows = int(std::max(c.a.stages.size(), c.b.stages.size()));
    m_table->setRowCount(rows);
    auto cell = [this](int r, int col, const QString &text, bool bold) {
        auto *item = new QTableWidgetItem(text);
        item->setTextAlignment(col == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
        QFont font = item->font();
        font.setBold(bold);
        item->setFont(font);
        m_table->setItem(r, col, item);
        return item;
    };
    for (int s = 0; s < rows; ++s) {
        const bool inA = s < int(c.a.stages.size()), inB = s < int(c.b.stages.size());
        const double a = inA ? c.a.stages[size_t(s)].cost : 0.0, b = inB ? c.b.stages[size_t(s)].cost : 0.0;
        QTableWidgetItem *stage = cell(s, 0, tr("%1").arg(s + 1), false);
        stage->setBackground(stageColor(s));
        stage->setForeground(stageTextColor(s));
        cell(s, 1, inA ? formatCost(a) : QStringLiteral("\u2014"), inA && s == c.a.bottleneckStage);
        cell(s, 2, inB ? formatCost(b) : QStringLiteral("\u2014"), inB && s == c.b.bottleneckStage);
        QTableWidgetItem *d = cell(s, 3, (b - a > 0 ? QStringLiteral("+") : QString()) + formatCost(b - a), false);
        if (std::abs(b - a) > 1e-12)
            d->setForeground(b < a ? QColor(0x11, 0x77, 0x33) : QColor(0xB2, 0x18, 0x2B));
        cell(s, 4, inA ? QString::number(c.a.stages[size_t(s)].nodes) : QStringLiteral("\u2014"), false);
        cell(s, 5, inB ? QString::number(c.b.stages[size_t(s)].nodes) : QStringLiteral("\u2014"), false);
    }
}

QDockWidget *ComparePanel::addDock(QMainWindow *window, ComparePanel *panel, QMenu *viewMenu)
{
    auto *dock = new QDockWidget(tr("Compare A/B"), window);
    dock->setObjectName("compareDock");
    panel->setObjectName("comparePanel");
    dock->setWidget(panel);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    viewMenu->addAction(dock->toggleViewAction());
    dock->hide();
    return dock;
}

} // namespace pipecut::ui
