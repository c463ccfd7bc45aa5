#include "ui/panels/inspector.h"

#include "core/cost/estimates.h"
#include "core/cost/evaluate.h"
#include "ui/document/document.h"
#include "ui/format.h"
#include "ui/stage_palette.h"

#include <QObject>
#include <QStringList>

#include <algorithm>
#include <map>
#include <span>

namespace pipecut::ui {

namespace {
QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QObject::tr(text, disambiguation, n);
}

QString escape(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString row(const QString &key, const QString &value)
{
    return QStringLiteral("<tr><td style='color:#555;padding-right:8px'>%1</td><td>%2</td></tr>").arg(key, value);
}

// Neighbours with their stages (the first dozen).
QString neighboursHtml(const Document &document, std::span<const NodeId> nodes)
{
    if (nodes.empty())
        return QStringLiteral("\u2014");
    constexpr size_t kShown = 12;
    QStringList items;
    for (size_t i = 0; i < std::min(nodes.size(), kShown); ++i) {
        const int t = index(document.partition().stage(nodes[i]));
        items << QStringLiteral("<span style='background:%1'>&nbsp;&nbsp;</span> %2 <span style='color:#555'>"
                                "(stage %3)</span>")
                     .arg(stageColor(t).name(), escape(document.graph().id(nodes[i])))
                     .arg(t + 1);
    }
    if (nodes.size() > kShown)
        items << tr("\u2026 and %n more", nullptr, int(nodes.size() - kShown));
    return items.join(QStringLiteral("<br>"));
}

// "x: float [1, 3, 224, 224] 602.1 kB" per tensor, guessed parts in red.
QString tensorsHtml(const std::vector<TensorDetail> &tensors)
{
    if (tensors.empty())
        return QStringLiteral("\u2014");
    constexpr size_t kShown = 8;
    QStringList items;
    for (size_t i = 0; i < std::min(tensors.size(), kShown); ++i) {
        const TensorDetail &t = tensors[i];
        QStringList dims;
        for (int64_t d : t.dims)
            dims << QString::number(d);
        QString text
            = QStringLiteral("%1: [%2] %3")
                  .arg(escape(t.name), dims.join(QStringLiteral(", ")), formatSize(t.bytes, QStringLiteral("bytes")));
        if (t.constant)
            text += tr(" <span style='color:#555'>(weight)</span>");
        if (t.estimated)
            text += t.rankKnown ? tr(" <span style='color:#B2182B'>(a dimension guessed)</span>")
                                : tr(" <span style='color:#B2182B'>(rank unknown, shape guessed)</span>");
        items << text;
    }
    if (tensors.size() > kShown)
        items << tr("\u2026 and %n more", nullptr, int(tensors.size() - kShown));
    return items.join(QStringLiteral("<br>"));
}

// Work with where it comes from: measured by a runtime profile (with the
// estimate it replaced), estimated (and why), or from the rules.
QString workHtml(const Document &document, NodeId v)
{
    const Graph &g = document.graph();
    QString html = formatCost(g.work(v), document.timeUnit());
    if (isMeasuredOp(g.op(v))) {
        html += tr(" <span style='color:#117733'><b>measured</b></span>");
        if (size_t(index(v)) < document.estimatedWork().size())
            html += tr(" (estimate %1)")
                        .arg(formatCost(document.estimatedWork()[size_t(index(v))], document.timeUnit()));
    } else if (isEstimatedOp(g.op(v))) {
        html += tr(" <span style='color:#B2182B'><b>estimated</b></span>");
    }
    return html;
}

// FLOPs, bytes moved and shapes (ONNX models).
QString detailHtml(const Document &document, NodeId v)
{
    const NodeDetail *d = document.nodeDetail(v);
    if (!d)
        return {};
    QString html;
    html += row(tr("FLOPs"), formatFlops(d->flops));
    html += row(tr("bytes moved"), formatSize(d->bytesMoved, QStringLiteral("bytes")));
    html += row(tr("input shapes"), tensorsHtml(d->inputs));
    html += row(tr("output shapes"), tensorsHtml(d->outputs));
    // A measured node's work is no estimate, but its shapes (and bytes) still are.
    if (!d->estimateReason.empty())
        html += row(isMeasuredOp(document.graph().op(v)) ? tr("shapes guessed because") : tr("estimated because"),
            QStringLiteral("<span style='color:#B2182B'>%1</span>").arg(escape(d->estimateReason)));
    return html;
}

QString nodeHtml(const Document &document, NodeId v)
{
    const Graph &g = document.graph();
    const QString sizeUnit = document.sizeUnit();
    const QString paramUnit = document.paramUnit();
    const int s = index(document.partition().stage(v));
    QString html = QStringLiteral("<table>");
    html += row(tr("node"), QStringLiteral("<b>%1</b>").arg(escape(g.id(v))));
    html += row(tr("op"), g.op(v).empty() ? QStringLiteral("\u2014") : escape(g.op(v)));
    html += row(tr("scope"), g.scope(v).empty() ? QStringLiteral("\u2014") : escape(g.scope(v)));
    html += row(tr("stage"),
        QStringLiteral("<span style='background:%1'>&nbsp;&nbsp;&nbsp;</span> %2")
            .arg(stageColor(s).name())
            .arg(s + 1));
    html += row(tr("work"), workHtml(document, v));
    html += detailHtml(document, v);
    html += row(tr("out"), formatSize(g.out(v), sizeUnit));
    html += row(tr("param"), formatSize(g.param(v), paramUnit));
    if (g.group(v) != kNoGroup)
        html += row(tr("group"), escape(g.groupName(g.group(v))));
    html += row(tr("in / out edges"), QStringLiteral("%1 / %2").arg(g.inDegree(v)).arg(g.outDegree(v)));
    html += row(tr("inputs"), neighboursHtml(document, g.predecessors(v)));
    html += row(tr("consumers"), neighboursHtml(document, g.successors(v)));
    // The tensor this node sends to other stages (docs/model.md §2: sent once
    // to each other stage that reads it), and its time at the bandwidth.
    std::map<int, int> readers;
    for (NodeId w : g.successors(v))
        if (const int t = index(document.partition().stage(w)); t != s)
            ++readers[t];
    if (!readers.empty()) {
        QStringList leaving;
        for (auto [t, count] : readers)
            leaving << tr("to stage %1: %2 (%3)")
                           .arg(t + 1)
                           .arg(formatSize(g.out(v), sizeUnit),
                               formatCost(g.out(v) / document.params().bandwidth, document.timeUnit()));
        html += row(tr("leaves the stage"), leaving.join(QStringLiteral("<br>")));
    }
    return html + QStringLiteral("</table>");
}

QString totalsHtml(const Document &document, const std::vector<NodeId> &nodes)
{
    const Graph &g = document.graph();
    const QString sizeUnit = document.sizeUnit();
    const QString paramUnit = document.paramUnit();
    double work = 0, out = 0, param = 0;
    std::map<int, int> perStage;
    for (NodeId v : nodes) {
        work += g.work(v);
        out += g.out(v);
        param += g.param(v);
        ++perStage[index(document.partition().stage(v))];
    }
    QStringList stages;
    for (auto [s, c] : perStage)
        stages << tr("%1\u00D7 stage %2").arg(c).arg(s + 1);
    QString html = QStringLiteral("<table>");
    html += row(tr("nodes"), QString::number(nodes.size()));
    html += row(tr("work"), formatCost(work, document.timeUnit()));
    html += row(tr("out"), formatSize(out, sizeUnit));
    html += row(tr("param"), formatSize(param, paramUnit));
    html += row(tr("stages"), stages.join(QStringLiteral(", ")));
    return html + QStringLiteral("</table>");
}
} // namespace

// Per stage: the share of its work measured by a runtime profile and the
// share estimated (the rest comes from the rules on known shapes, or the file).
QString stageSourcesHtml(const Document &document)
{
    const Graph &g = document.graph();
    const int k = document.k();
    std::vector<double> measured(size_t(k), 0.0), estimated(size_t(k), 0.0), total(size_t(k), 0.0);
    for (int32_t i = 0; i < g.nodeCount(); ++i) {
        const NodeId v = nodeId(i);
        const size_t s = size_t(index(document.partition().stage(v)));
        total[s] += g.work(v);
        if (isMeasuredOp(g.op(v)))
            measured[s] += g.work(v);
        else if (isEstimatedOp(g.op(v)))
            estimated[s] += g.work(v);
    }
    QString html = tr("<table><tr><th align='left'>stage</th><th align='right'>measured</th>"
                      "<th align='right'>estimated</th></tr>");
    for (size_t s = 0; s < size_t(k); ++s) {
        auto share
            = [&](double part) { return QString::fromStdString(formatShare(total[s] > 0 ? part / total[s] : 0.0)); };
        html
            += QStringLiteral("<tr><td><span style='background:%1'>&nbsp;&nbsp;</span> %2</td><td align='right'>%3</td>"
                              "<td align='right'>%4</td></tr>")
                   .arg(stageColor(int(s)).name())
                   .arg(s + 1)
                   .arg(share(measured[s]), share(estimated[s]));
    }
    return html + QStringLiteral("</table>");
}

// The nodes whose costs are estimates, with their share of the work, and
// those a runtime measured, per stage (empty when all come from the rules).
QString estimatesHtml(const Document &document)
{
    const Graph &g = document.graph();
    const EstimateShare e = estimateShare(g);
    if (e.nodes == 0 && e.measured == 0)
        return {};
    QString html;
    if (e.nodes > 0) {
        QStringList names;
        for (int32_t i = 0; i < g.nodeCount() && names.size() < 20; ++i)
            if (isEstimatedOp(g.op(nodeId(i))))
                names << escape(g.id(nodeId(i)));
        if (e.nodes > names.size())
            names << tr("\u2026 (%1 more)").arg(e.nodes - names.size());
        html += tr("<p><span style='color:#B2182B'><b>%1 nodes have estimated costs</b></span> (%2 of the work, "
                   "hatched in the view): %3</p>")
                    .arg(e.nodes)
                    .arg(QString::fromStdString(formatShare(e.share)), names.join(QStringLiteral(", ")));
    }
    if (e.measured > 0)
        html += tr("<p><span style='color:#117733'><b>%1 nodes have measured costs</b></span> (a runtime profile; "
                   "a green corner in the view).</p>")
                    .arg(e.measured);
    return html + tr("<p>Work by source, per stage:</p>") + stageSourcesHtml(document);
}

QString inspectorHtml(const Document &document, const std::vector<NodeId> &nodes)
{
    if (nodes.empty())
        return (document.hasGraph() ? estimatesHtml(document) : QString())
            + tr("<p style='color:#777'>Select nodes to inspect them: click, drag a rubber band, search, or "
                 "double-click a stage.</p><p style='color:#777'>Drag a selection onto a stage, or onto a node "
                 "of another stage, to move it; hold Shift to bring along the nodes that must follow.</p>");
    if (nodes.size() == 1)
        return nodeHtml(document, nodes.front());
    return totalsHtml(document, nodes);
}

QString comparisonHtml(const Document &document, const Partition &result, const QString &method)
{
    const Graph &g = document.graph();
    const Evaluation now = evaluate(g, document.params(), document.partition());
    const Evaluation next = evaluate(g, document.params(), result);
    const QString unit = document.timeUnit();
    int moved = 0;
    if (result.k() == document.k())
        for (int32_t v = 0; v < g.nodeCount(); ++v)
            moved += result.stage(nodeId(v)) != document.partition().stage(nodeId(v));
    const double change = now.bottleneck > 0 ? (next.bottleneck - now.bottleneck) / now.bottleneck * 100 : 0.0;
    const QString colour = QLatin1String(change < -1e-9 ? "#117733" : change > 1e-9 ? "#B2182B" : "#555");
    QString text = tr("<b>%1</b>, k = %2: T = <b>%3</b><br>current (k = %4): T = %5<br>"
                      "<span style='color:%6'>%7%8 %</span>")
                       .arg(method.toHtmlEscaped())
                       .arg(result.k())
                       .arg(formatCost(next.bottleneck, unit))
                       .arg(document.k())
                       .arg(formatCost(now.bottleneck, unit))
                       .arg(colour)
                       .arg(change > 0 ? QStringLiteral("+") : QString())
                       .arg(change, 0, 'f', 2);
    if (result.k() == document.k())
        text += tr("<br>%n node(s) change stage", nullptr, moved);
    QStringList stages;
    for (const auto &s : next.stages)
        stages << formatCost(s.cost);
    text += tr("<br>stage costs: %1").arg(stages.join(QStringLiteral(" | ")));
    return text;
}

} // namespace pipecut::ui
