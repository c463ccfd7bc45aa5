#include "ui/panels/cluster_editor.h"

#include "core/cost/device_profile.h"
#include "core/util/quantity.h"
#include "ui/document/document.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cctype>
#include <cmath>
#include <functional>

namespace pipecut::ui {

namespace {

const char *const kKeys[] = { "name", "speed", "memory", "bandwidth_in", "bandwidth_out", "profile", "costs" };
const QColor kInvalid(255, 205, 210);

// A positive number with an optional k, M, G or T suffix; "" when empty.
std::optional<double> parseCell(const QString &text, const char *key, QString *error)
{
    QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    double scale = 1.0;
    static const std::pair<QChar, double> suffixes[]
        = { { u'k', 1e3 }, { u'K', 1e3 }, { u'M', 1e6 }, { u'G', 1e9 }, { u'T', 1e12 } };
    for (auto [c, s] : suffixes)
        if (t.endsWith(c)) {
            scale = s;
            t.chop(1);
            break;
        }
    bool ok = false;
    const double v = QLocale::c().toDouble(t.trimmed(), &ok) * scale;
    if (!ok) {
        *error = QObject::tr("'%1' must be a number, not \"%2\"").arg(QLatin1String(key), text.trimmed());
        return std::nullopt;
    }
    if (!std::isfinite(v) || v <= 0) {
        *error = QObject::tr("'%1' must be positive, not %2")
                     .arg(QLatin1String(key), QString::fromStdString(formatNumber(v)));
        return std::nullopt;
    }
    return v;
}

// Selects the entry of `name`; one not listed (a profile file, a work column
// the graph does not carry) is added.
void selectChoice(QComboBox *box, const QString &name)
{
    if (!name.isEmpty() && box->findData(name) < 0)
        box->addItem(name, name);
    box->setCurrentIndex(std::max(0, box->findData(name)));
}

QString cellText(const std::optional<double> &v)
{
    return v ? QString::fromStdString(formatNumber(*v)) : QString();
}

// Paints what an empty cell stands for (the graph's value, the profile's), in grey.
class PlaceholderDelegate : public QStyledItemDelegate {
public:
    PlaceholderDelegate(std::function<QString(int, int)> placeholder, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_placeholder(std::move(placeholder))
    {
    }
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        if (!index.data().toString().isEmpty())
            return;
        const QString text = m_placeholder(index.row(), index.column());
        if (text.isEmpty())
            return;
        painter->save();
        painter->setPen(option.palette.color(QPalette::Disabled, QPalette::Text));
        QFont italic = option.font;
        italic.setItalic(true);
        painter->setFont(italic);
        painter->drawText(option.rect.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, text);
        painter->restore();
    }

private:
    std::function<QString(int, int)> m_placeholder;
};

} // namespace

ClusterEditor::ClusterEditor(Document *document, QWidget *parent)
    : QDialog(parent)
    , m_document(document)
{
    setObjectName("clusterEditor");
    setWindowTitle(tr("Cluster"));
    auto *intro = new QLabel(tr("One device per pipeline stage: stage j runs on device j, so the number of devices "
                                "is k. An empty cell takes the graph's value, or the device profile's."));
    intro->setWordWrap(true);
    buildTable();
    m_message = new QLabel;
    m_message->setObjectName("clusterMessage");
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_summary = new QLabel;
    m_summary->setObjectName("clusterSummary");
    m_summary->setWordWrap(true);
    auto *middle = new QHBoxLayout;
    middle->addWidget(m_table, 1);
    middle->addWidget(buildRowButtons());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(middle, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_summary);
    layout->addWidget(buildBottom());
    resize(960, 420);
    // Enter commits a cell: no button of the dialog may take it as a click.
    for (QPushButton *b : findChildren<QPushButton *>())
        b->setAutoDefault(false);
    connect(m_document, &Document::changed, this, [this](const DocumentChange &c) {
        if (!c.has(DocumentChange::Graph) && !c.has(DocumentChange::Params) && !c.has(DocumentChange::Partition))
            return; // a bound or a history point: the table and what it says stay
        if (!m_edited) {
            loadFromDocument();
            return;
        }
        if (c.has(DocumentChange::Graph)) // another graph: its work columns
            for (int r = 0; r < m_table->rowCount(); ++r)
                if (QComboBox *costs = choiceBox(r, Costs))
                    fillCostsChoices(costs, costs->currentData().toString());
        validate(); // k may have changed
    });
    loadFromDocument();
}

void ClusterEditor::buildTable()
{
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName("clusterTable");
    const QString size = m_document->hasGraph() ? m_document->sizeUnit() : QString();
    const QString time = m_document->hasGraph() ? m_document->timeUnit() : QString();
    const QString param = m_document->hasGraph() ? m_document->paramUnit() : QString();
    const auto unit = [](const QString &u) { return u.isEmpty() ? QString() : QStringLiteral("(%1)").arg(u); };
    const QString bw = size.isEmpty() ? QString() : QStringLiteral("%1/%2").arg(size, time);
    m_table->setHorizontalHeaderLabels(
        { tr("Name"), tr("Speed\n(\u00d7)"), tr("Memory\n%1").arg(unit(param)), tr("Bandwidth in\n%1").arg(unit(bw)),
            tr("Bandwidth out\n%1").arg(unit(bw)), tr("Device\nprofile"), tr("Work\ncolumn") });
    m_table->setItemDelegate(
        new PlaceholderDelegate([this](int row, int column) { return placeholder(row, column); }, m_table));
    const QString tips[] = { tr("Shown in the stage list and the report"),
        tr("Divides the stage's work: 1 = the graph's own costs, 0.5 = half as fast"),
        tr("The memory the stage's parameters must fit (empty: the graph's limit, or the profile's)"),
        tr("Link bandwidth into the stage (empty: the graph's bandwidth)"),
        tr("Link bandwidth out of the stage (empty: the graph's bandwidth)"),
        tr("A device profile: sets the memory left empty, and the speed left empty: 1 with the model re-costed "
           "for the profile (ONNX models, LLM configs), else its FLOP rate over the reference's"),
        tr("The per-node work the stage runs: the graph's own costs, or one of its per-device work columns "
           "(\"cpu\", \"fpga\" of a dnn-partitioning file), divided by the speed") };
    for (int c = 0; c < ColumnCount; ++c)
        m_table->horizontalHeaderItem(c)->setToolTip(tips[c]);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(Name, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Profile, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Costs, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setMinimumSectionSize(90);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setToolTip(tr("The stage the device runs"));
    connect(m_table, &QTableWidget::itemChanged, this, [this] {
        if (!m_filling)
            edited();
    });
}

QWidget *ClusterEditor::buildRowButtons()
{
    auto *box = new QWidget;
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    const auto button = [this, v](const QString &text, const char *name, const QString &tip, auto slot) {
        auto *b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        v->addWidget(b);
    };
    button(tr("&Add"), "clusterAdd", tr("A device at the end (one more stage)"), [this] { addDevice(); });
    button(tr("D&uplicate"), "clusterDuplicate", tr("A copy of the current device below it"),
        [this] { duplicateDevice(); });
    button(tr("&Remove"), "clusterRemove", tr("Remove the selected devices"), [this] { removeDevices(); });
    button(tr("Move &Up"), "clusterUp", tr("The device runs the stage before"), [this] { moveDevice(-1); });
    button(tr("Move &Down"), "clusterDown", tr("The device runs the stage after"), [this] { moveDevice(+1); });
    v->addSpacing(12);
    v->addWidget(new QLabel(tr("Identical devices:")));
    auto *row = new QHBoxLayout;
    m_identical = new QSpinBox;
    m_identical->setObjectName("clusterIdenticalCount");
    m_identical->setRange(1, 256);
    m_identical->setPrefix(QStringLiteral("\u00d7 "));
    m_identical->setValue(std::max(1, m_document->k()));
    auto *make = new QPushButton(tr("&Make"));
    make->setObjectName("clusterMakeIdentical");
    make->setToolTip(tr("Replace the devices with this many copies of the current one"));
    connect(make, &QPushButton::clicked, this, [this] { makeIdentical(m_identical->value()); });
    row->addWidget(m_identical);
    row->addWidget(make);
    v->addLayout(row);
    v->addStretch(1);
    return box;
}

QWidget *ClusterEditor::buildBottom()
{
    auto *box = new QWidget;
    auto *h = new QHBoxLayout(box);
    h->setContentsMargins(0, 0, 0, 0);
    auto *open = new QPushButton(tr("&Open\u2026"));
    open->setObjectName("clusterOpen");
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Cluster"), QString(), tr("pipecut cluster (*.json);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    auto *save = new QPushButton(tr("&Save As\u2026"));
    save->setObjectName("clusterSaveAs");
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Cluster"), QStringLiteral("cluster.json"), tr("pipecut cluster (*.json)"));
        if (!path.isEmpty())
            saveAs(path);
    });
    m_busy = new QProgressBar;
    m_busy->setObjectName("clusterBusy");
    m_busy->setRange(0, 0);
    m_busy->setFormat(tr("re-costing\u2026"));
    m_busy->setMaximumWidth(160);
    m_busy->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName("clusterCancel");
    m_cancel->setToolTip(tr("Stop re-costing: nothing changes (Esc)"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &ClusterEditor::cancelRequested);
    m_apply = new QPushButton(tr("&Apply"));
    m_apply->setObjectName("clusterApply");
    m_apply->setToolTip(tr("Re-cost the partition on these devices (Undo restores the previous cluster)"));
    connect(m_apply, &QPushButton::clicked, this, [this] { apply(); });
    auto *close = new QPushButton(tr("Close"));
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    for (QWidget *w : std::initializer_list<QWidget *> { open, save })
        h->addWidget(w);
    h->addStretch(1);
    for (QWidget *w : std::initializer_list<QWidget *> { m_busy, m_cancel, m_apply, close })
        h->addWidget(w);
    return box;
}

void ClusterEditor::setRow(int row, const ClusterDevice &d)
{
    const bool filling = m_filling;
    m_filling = true;
    const QString texts[] = { QString::fromStdString(d.name), cellText(d.speed), cellText(d.memory),
        cellText(d.bandwidthIn), cellText(d.bandwidthOut) };
    for (int c = Name; c < Profile; ++c) {
        auto *item = new QTableWidgetItem(texts[c]);
        if (c != Name)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, c, item);
    }
    auto *profile = new QComboBox;
    profile->setObjectName("clusterProfile");
    profile->addItem(tr("(none)"), QString());
    for (const DeviceProfile &p : builtinDeviceProfiles())
        profile->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    selectChoice(profile, QString::fromStdString(d.profile));
    auto *costs = new QComboBox;
    costs->setObjectName("clusterCosts");
    fillCostsChoices(costs, QString::fromStdString(d.costs));
    for (QComboBox *box : { profile, costs })
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            m_table->viewport()->update(); // the placeholders follow the profile
            if (!m_filling)
                edited();
        });
    m_table->setCellWidget(row, Profile, profile);
    m_table->setCellWidget(row, Costs, costs);
    m_filling = filling;
}

QComboBox *ClusterEditor::choiceBox(int row, int column) const
{
    return qobject_cast<QComboBox *>(m_table->cellWidget(row, column));
}

void ClusterEditor::fillCostsChoices(QComboBox *box, const QString &kind) const
{
    const bool blocked = box->blockSignals(true);
    box->clear();
    box->addItem(tr("(graph's own costs)"), QString());
    if (m_document->hasGraph())
        for (const WorkColumn &c : m_document->graph().workColumns())
            box->addItem(QString::fromStdString(c.kind), QString::fromStdString(c.kind));
    selectChoice(box, kind);
    box->blockSignals(blocked);
}

QString ClusterEditor::costsError(int row) const
{
    const QComboBox *box = choiceBox(row, Costs);
    const QString kind = box ? box->currentData().toString() : QString();
    if (kind.isEmpty() || !m_document->hasGraph() || m_document->graph().workColumn(kind.toStdString()))
        return {};
    QStringList kinds;
    for (const WorkColumn &c : m_document->graph().workColumns())
        kinds << QString::fromStdString(c.kind);
    return kinds.isEmpty()
        ? tr("'costs': the graph carries no per-device work, so not '%1'").arg(kind)
        : tr("'costs': the graph carries no '%1' work (it carries: %2)").arg(kind, kinds.join(QStringLiteral(", ")));
}

ClusterDevice ClusterEditor::rowDevice(int row, std::vector<CellError> *errors) const
{
    ClusterDevice d;
    const auto text = [this, row](int c) { return m_table->item(row, c) ? m_table->item(row, c)->text() : QString(); };
    d.name = text(Name).trimmed().toStdString();
    std::optional<double> *fields[] = { nullptr, &d.speed, &d.memory, &d.bandwidthIn, &d.bandwidthOut };
    for (int c = Speed; c < Profile; ++c) {
        QString error;
        *fields[c] = parseCell(text(c), kKeys[c], &error);
        if (!error.isEmpty() && errors)
            errors->push_back({ row, c, error });
    }
    if (const QComboBox *profile = choiceBox(row, Profile))
        d.profile = profile->currentData().toString().toStdString();
    if (const QComboBox *costs = choiceBox(row, Costs))
        d.costs = costs->currentData().toString().toStdString();
    if (const QString error = costsError(row); !error.isEmpty() && errors)
        errors->push_back({ row, Costs, error });
    return d;
}

Result<Cluster> ClusterEditor::cluster() const
{
    std::vector<CellError> errors;
    Cluster c;
    for (int r = 0; r < m_table->rowCount(); ++r)
        c.devices.push_back(rowDevice(r, &errors));
    if (!errors.empty()) {
        const CellError &e = errors.front();
        const QString name = QString::fromStdString(c.devices[size_t(e.row)].name);
        return makeError(ErrorKind::BadInput,
            tr("device %1%2: %3")
                .arg(e.row + 1)
                .arg(name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(name), e.text)
                .toStdString());
    }
    // The file reader's own checks (a profile that exists, at least one device).
    return parseCluster(clusterToJson(c), tr("cluster").toStdString());
}

QString ClusterEditor::placeholder(int row, int column) const
{
    if (!m_document->hasGraph() || column < Speed || column > BandwidthOut)
        return {};
    const ClusterState &state = m_document->clusterState();
    const CostParams &base = state.base ? *state.base : m_document->params();
    std::optional<DeviceProfile> profile;
    if (const QComboBox *box = choiceBox(row, Profile))
        if (const QString name = box->currentData().toString(); !name.isEmpty())
            if (auto p = findDeviceProfile(name.toStdString()))
                profile = *p;
    const auto from = [this](const char *source, int of, double value) {
        return QStringLiteral("%1 %2").arg(QLatin1String(source), quantityText(of, value));
    };
    switch (column) {
    case Speed:
        if (profile && recostedFor(row)) // the profile's own work: speed 1 (core/io/profile_work.h)
            return tr("1 (re-costed)");
        if (profile && profile->flopsPerSecond > 0 && m_reference.flopsPerSecond > 0)
            return from("profile", Speed, profile->flopsPerSecond / m_reference.flopsPerSecond);
        return QStringLiteral("1");
    case Memory:
        if (profile && profile->memoryBytes > 0)
            return from("profile", Memory, profile->memoryBytes);
        return base.memoryLimit ? from("graph", Memory, *base.memoryLimit) : tr("no limit");
    default:
        return from("graph", column, base.bandwidth);
    }
}

bool ClusterEditor::recostedFor(int row) const
{
    const QComboBox *costs = choiceBox(row, Costs);
    return m_document->costOrigin().times == CostOrigin::Times::Profile
        && (!costs || costs->currentData().toString().isEmpty());
}

QString ClusterEditor::quantityText(int column, double value) const
{
    const Units &units = m_document->graph().units();
    switch (column) {
    case Speed:
        return QString::fromStdString(quantity::number(value));
    case Memory:
        return QString::fromStdString(quantity::size(value, units.paramUnit()));
    default:
        return QString::fromStdString(quantity::bandwidth(value, units.size, units.time));
    }
}

QString ClusterEditor::message() const
{
    return m_message->text();
}

QString ClusterEditor::summary() const
{
    return m_summary->text();
}

void ClusterEditor::validate()
{
    std::vector<CellError> errors;
    for (int r = 0; r < m_table->rowCount(); ++r)
        rowDevice(r, &errors);
    const bool filling = m_filling;
    m_filling = true; // colouring a cell is no edit
    for (int r = 0; r < m_table->rowCount(); ++r)
        for (int c = Speed; c < Profile; ++c)
            if (QTableWidgetItem *item = m_table->item(r, c)) {
                const auto bad = std::find_if(
                    errors.begin(), errors.end(), [r, c](const CellError &e) { return e.row == r && e.column == c; });
                item->setBackground(bad == errors.end() ? QBrush() : QBrush(kInvalid));
                QString ignored;
                const auto value = parseCell(item->text(), kKeys[c], &ignored);
                item->setToolTip(bad != errors.end()      ? bad->text
                        : value && m_document->hasGraph() ? QStringLiteral("= %1").arg(quantityText(c, *value))
                                                          : QString());
            }
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (QComboBox *costs = choiceBox(r, Costs)) {
            const QString error = costsError(r);
            costs->setStyleSheet(
                error.isEmpty() ? QString() : QStringLiteral("QComboBox { background: %1; }").arg(kInvalid.name()));
            costs->setToolTip(error);
        }
    m_filling = filling;
    const Result<Cluster> c = cluster();
    m_message->setText(c ? QString() : QString::fromStdString(c.error()));
    const int n = m_table->rowCount();
    const int k = m_document->k();
    if (!m_document->hasGraph())
        m_summary->setText(tr("%n device(s); open a model to apply them", nullptr, n));
    else if (n == k)
        m_summary->setText(tr("%n device(s), one per stage: Apply keeps the partition and re-costs it", nullptr, n));
    else
        m_summary->setText(tr("%1 devices for a partition of %2 stages: Apply sets k to %1 and re-splits the "
                              "partition in the background (Undo restores it)")
                               .arg(n)
                               .arg(k));
}

void ClusterEditor::edited()
{
    m_edited = true;
    validate();
}

void ClusterEditor::setCluster(const Cluster &cluster)
{
    m_filling = true;
    m_table->setRowCount(0);
    m_table->setRowCount(cluster.size());
    for (int r = 0; r < cluster.size(); ++r)
        setRow(r, cluster.devices[size_t(r)]);
    m_filling = false;
    m_edited = false;
    if (cluster.size() > 0)
        m_table->setCurrentCell(0, Name);
    validate();
}

void ClusterEditor::loadFromDocument()
{
    m_identical->setValue(std::max(1, m_document->k()));
    if (m_document->clusterState().cluster) {
        setCluster(*m_document->clusterState().cluster);
        return;
    }
    Cluster c;
    for (int j = 0; j < std::max(1, m_document->k()); ++j)
        c.devices.push_back({ QStringLiteral("device %1").arg(j + 1).toStdString(), 1.0, {}, {}, {}, {} });
    setCluster(c);
}

void ClusterEditor::insertRow(int row, const ClusterDevice &device)
{
    m_table->insertRow(row);
    setRow(row, device);
    m_table->setCurrentCell(row, Name);
    edited();
}

void ClusterEditor::addDevice()
{
    const int n = m_table->rowCount();
    insertRow(n, { QStringLiteral("device %1").arg(n + 1).toStdString(), 1.0, {}, {}, {}, {} });
}

void ClusterEditor::duplicateDevice()
{
    const int row = m_table->currentRow();
    if (row < 0)
        return;
    ClusterDevice d = rowDevice(row, nullptr);
    d.name += "-copy";
    insertRow(row + 1, d);
}

void ClusterEditor::removeDevices()
{
    std::vector<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows.push_back(i.row());
    if (rows.empty() && m_table->currentRow() >= 0)
        rows.push_back(m_table->currentRow());
    std::sort(rows.rbegin(), rows.rend());
    for (int r : rows)
        m_table->removeRow(r);
    edited();
}

void ClusterEditor::moveDevice(int delta)
{
    const int row = m_table->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_table->rowCount())
        return;
    const bool filling = m_filling;
    m_filling = true;
    // Cell texts as typed (an invalid one included) move with the row.
    for (int c = Name; c < Profile; ++c) {
        const QString t = m_table->item(row, c)->text();
        m_table->item(row, c)->setText(m_table->item(to, c)->text());
        m_table->item(to, c)->setText(t);
    }
    for (int c : { Profile, Costs }) {
        QComboBox *a = choiceBox(row, c), *b = choiceBox(to, c);
        const QString choiceA = a->currentData().toString();
        selectChoice(a, b->currentData().toString());
        selectChoice(b, choiceA);
    }
    m_filling = filling;
    m_table->setCurrentCell(to, m_table->currentColumn());
    edited();
}

void ClusterEditor::makeIdentical(int count)
{
    const int row = std::max(0, m_table->currentRow());
    ClusterDevice d = row < m_table->rowCount() ? rowDevice(row, nullptr) : ClusterDevice {};
    // "a100-3" gives a100-0, a100-1, ...
    std::string base = d.name;
    while (!base.empty()
        && (std::isdigit(static_cast<unsigned char>(base.back())) || base.back() == '-' || base.back() == ' '))
        base.pop_back();
    if (base.empty())
        base = "device";
    m_filling = true;
    m_table->setRowCount(0);
    m_table->setRowCount(count);
    for (int r = 0; r < count; ++r) {
        d.name = base + "-" + std::to_string(r);
        setRow(r, d);
    }
    m_filling = false;
    m_table->setCurrentCell(0, Name);
    edited();
}

bool ClusterEditor::apply()
{
    validate();
    Result<Cluster> c = cluster();
    if (!c)
        return false;
    m_edited = false;
    emit applyRequested(*c);
    return true;
}

bool ClusterEditor::saveAs(const QString &path)
{
    validate();
    Result<Cluster> c = cluster();
    if (!c)
        return false;
    QSaveFile file(path);
    const std::string json = clusterToJson(*c);
    if (!file.open(QIODevice::WriteOnly) || file.write(json.data(), qint64(json.size())) < 0 || !file.commit()) {
        m_message->setText(tr("%1: cannot write (%2)").arg(path, file.errorString()));
        return false;
    }
    m_summary->setText(tr("saved %1 (%n device(s))", nullptr, c->size()).arg(QFileInfo(path).fileName()));
    return true;
}

bool ClusterEditor::openFile(const QString &path)
{
    Result<Cluster> c = loadCluster(path.toStdString());
    if (!c) {
        m_message->setText(QString::fromStdString(c.error()));
        return false;
    }
    setCluster(*c);
    m_edited = true; // not applied yet
    validate();
    return true;
}

void ClusterEditor::setRunning(bool running)
{
    m_running = running;
    m_busy->setVisible(running);
    m_cancel->setVisible(running);
    m_apply->setEnabled(!running);
}

void ClusterEditor::reject()
{
    if (m_running) {
        emit cancelRequested();
        return;
    }
    QDialog::reject();
}

void ClusterEditor::showOutcome(bool ok, const QString &text)
{
    setRunning(false);
    if (ok) {
        m_summary->setText(text);
    } else {
        m_edited = true; // the table is not what the window has
        m_message->setText(text);
    }
}

} // namespace pipecut::ui
