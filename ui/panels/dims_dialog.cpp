#include "ui/panels/dims_dialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStringList>
#include <QVBoxLayout>

#include <limits>

namespace pipecut::ui {

namespace {
const char *kGroup = "onnx/dims";
}

DimsDialog::DimsDialog(const QString &model, const std::map<std::string, std::optional<int64_t>> &dims, QWidget *parent,
    const std::map<std::string, std::vector<std::string>> &uses)
    : QDialog(parent)
{
    setWindowTitle(tr("Symbolic Dimensions"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("<b>%1</b> leaves these dimensions open. Shapes, FLOPs and tensor sizes depend "
                                "on them; give the values of the workload to partition (as <tt>--dim "
                                "NAME=VALUE</tt> does on the command line). They are remembered.")
                                 .arg(QFileInfo(model).fileName().toHtmlEscaped()));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    const auto known = remembered();
    for (const auto &[name, used] : dims) {
        auto *box = new QSpinBox;
        box->setObjectName(QString::fromStdString("dim:" + name));
        box->setRange(1, std::numeric_limits<int>::max());
        auto it = known.find(name);
        box->setValue(int(used ? *used : it != known.end() ? it->second : 1));
        QString label = QString::fromStdString(name);
        if (auto where = uses.find(name); where != uses.end() && !where->second.empty()) {
            QStringList places;
            for (const std::string &place : where->second)
                places << QString::fromStdString(place);
            label += tr(" (%1)").arg(places.join(QStringLiteral(", ")));
        }
        form->addRow(label, box);
        m_fields[name] = box;
    }
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Load with These Values"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

std::map<std::string, int64_t> DimsDialog::values() const
{
    std::map<std::string, int64_t> out;
    for (const auto &[name, box] : m_fields)
        out[name] = box->value();
    return out;
}

QSpinBox *DimsDialog::field(const std::string &name) const
{
    auto it = m_fields.find(name);
    return it == m_fields.end() ? nullptr : it->second;
}

std::map<std::string, int64_t> DimsDialog::remembered()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    std::map<std::string, int64_t> out;
    for (const QString &key : settings.childKeys()) {
        bool ok = false;
        const qlonglong v = settings.value(key).toLongLong(&ok);
        if (ok && v > 0)
            out[QByteArray::fromPercentEncoding(key.toLatin1()).toStdString()] = v;
    }
    return out;
}

void DimsDialog::remember(const std::map<std::string, int64_t> &values)
{
    QSettings settings;
    settings.beginGroup(kGroup);
    // Names may hold '/' or ':' (INPUT:AXIS); keys must not.
    for (const auto &[name, v] : values)
        settings.setValue(QString::fromLatin1(QByteArray::fromStdString(name).toPercentEncoding()), qlonglong(v));
}

} // namespace pipecut::ui
