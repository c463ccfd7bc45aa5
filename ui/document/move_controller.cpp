#include "ui/document/move_controller.h"

#include "ui/document/commands.h"
#include "ui/format.h"

#include <QDataStream>
#include <QIODevice>
#include <QMimeData>

namespace pipecut::ui {

MoveController::MoveController(Document *document, QObject *parent)
    : QObject(parent)
    , m_document(document)
{
    connect(document, &Document::changed, this, [this] { m_hasPlan = false; });
}

QString MoveController::mimeType()
{
    return QStringLiteral("application/x-pipecut-nodes");
}

QMimeData *MoveController::makeMimeData(const std::vector<NodeId> &nodes)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out << qint32(nodes.size());
    for (NodeId v : nodes)
        out << qint32(index(v));
    auto *mime = new QMimeData;
    mime->setData(mimeType(), bytes);
    return mime;
}

std::vector<NodeId> MoveController::nodesFromMimeData(const QMimeData *mime)
{
    std::vector<NodeId> nodes;
    if (!mime || !mime->hasFormat(mimeType()))
        return nodes;
    QDataStream in(mime->data(mimeType()));
    qint32 count = 0;
    in >> count;
    for (qint32 i = 0; i < count && in.status() == QDataStream::Ok; ++i) {
        qint32 v = 0;
        in >> v;
        nodes.push_back(nodeId(v));
    }
    return nodes;
}

QString MoveController::describe(const MovePlan &plan) const
{
    const QString unit = m_document->timeUnit();
    if (!plan.valid)
        return tr("cannot move to stage %1: %2").arg(index(plan.target) + 1).arg(plan.reason);
    QString text = tr("move %n node(s) to stage %1: bottleneck %2 \u2192 %3", nullptr, int(plan.nodes.size()))
                       .arg(index(plan.target) + 1)
                       .arg(formatCost(plan.before), formatCost(plan.after, unit));
    if (!plan.forced.empty())
        text += tr(" (%n forced)", nullptr, int(plan.forced.size()));
    return text;
}

const MovePlan &MoveController::hover(const std::vector<NodeId> &nodes, StageId target, bool withForced)
{
    if (m_hasPlan && m_plan.target == target && m_planForced == withForced && m_planNodes == nodes)
        return m_plan;
    m_plan = m_document->planMove(nodes, target, withForced);
    m_planNodes = nodes;
    m_planForced = withForced;
    m_hasPlan = true;
    emit previewChanged(describe(m_plan), m_plan.valid);
    emit markedChanged(m_plan.valid ? m_plan.forced : std::vector<NodeId> {});
    return m_plan;
}

void MoveController::leave()
{
    // Only a preview is taken back: a refusal reported since stays.
    if (m_hasPlan)
        emit previewChanged(QString(), true);
    m_hasPlan = false;
    emit markedChanged({});
}

bool MoveController::commit(const std::vector<NodeId> &nodes, StageId target, bool withForced)
{
    MovePlan plan = m_document->planMove(nodes, target, withForced);
    leave();
    if (!plan.valid) {
        emit refused(describe(plan));
        return false;
    }
    const QString text = tr("move %n node(s) to stage %1", nullptr, int(plan.nodes.size())).arg(index(target) + 1);
    m_document->undoStack()->push(new MoveNodesCommand(m_document, plan.nodes, target, text));
    return true;
}

bool MoveController::moveBy(const std::vector<NodeId> &nodes, int delta, bool withForced)
{
    if (nodes.empty()) {
        emit refused(tr("select nodes first"));
        return false;
    }
    int lo = m_document->k(), hi = -1;
    for (NodeId v : nodes) {
        const int s = index(m_document->partition().stage(v));
        lo = std::min(lo, s);
        hi = std::max(hi, s);
    }
    const int target = delta < 0 ? lo - 1 : hi + 1;
    if (target < 0 || target >= m_document->k()) {
        emit refused(tr("there is no stage %1 (k = %2)").arg(target + 1).arg(m_document->k()));
        return false;
    }
    return commit(nodes, stageId(target), withForced);
}

} // namespace pipecut::ui
