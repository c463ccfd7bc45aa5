#include "ui/panels/solve_panel.h"

#include "core/cost/device_profile.h"
#include "ui/format.h"
#include "ui/panels/workload_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace pipecut::ui {

namespace {
QLineEdit *numberEdit(const char *name, const QString &tip)
{
    auto *edit = new QLineEdit;
    edit->setObjectName(name);
    edit->setToolTip(tip);
    auto *validator = new QDoubleValidator(edit);
    validator->setBottom(0);
    validator->setNotation(QDoubleValidator::ScientificNotation);
    edit->setValidator(validator);
    return edit;
}

// The field with its unit label to the right, as one form row.
QWidget *withUnit(QLineEdit *edit, QLabel *&unit, const QString &name)
{
    auto *row = new QWidget;
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    unit = new QLabel;
    unit->setObjectName(name);
    unit->setStyleSheet(QStringLiteral("color: #666;"));
    h->addWidget(edit, 1);
    h->addWidget(unit);
    return row;
}

QString number(double value)
{
    return QString::number(value, 'g', 10);
}

// A positive number from a field, or an error naming it.
Result<double> positive(const QLineEdit *edit, const QString &what)
{
    bool ok = false;
    const double v = QLocale().toDouble(edit->text(), &ok);
    const double c = ok ? v : edit->text().toDouble(&ok);
    if (!ok || !(c > 0) || !std::isfinite(c))
        return makeError(QObject::tr("%1 must be a positive number, not '%2'").arg(what, edit->text()).toStdString());
    return c;
}

const char *kLoadDevice = "load";
} // namespace

SolvePanel::SolvePanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *solver = new QGroupBox(tr("Solver"));
    auto *form = new QFormLayout(solver);
    m_seed = new QSpinBox;
    m_seed->setObjectName("seedBox");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    m_seed->setToolTip(tr("Random seed (slicegraph): the same seed gives the same partition"));
    form->addRow(tr("Seed"), m_seed);
    m_budget = new QLineEdit;
    m_budget->setObjectName("budgetEdit");
    m_budget->setPlaceholderText(tr("method default, e.g. 10x10"));
    m_budget->setToolTip(tr("slicegraph budget POPxGEN: population x generations (brkga-100 = 10x10, "
                            "brkga-10000 = 100x100)"));
    form->addRow(tr("Budget"), m_budget);
    m_resultMode = new QComboBox;
    m_resultMode->setObjectName("resultModeBox");
    m_resultMode->addItem(tr("Apply it (undoable)"));
    m_resultMode->addItem(tr("Compare before applying"));
    m_resultMode->setToolTip(tr("What Run does with the partition it finds"));
    form->addRow(tr("Result"), m_resultMode);
    layout->addWidget(solver);

    m_compare = new QGroupBox(tr("Result of the last run"));
    auto *compareLayout = new QVBoxLayout(m_compare);
    m_compareText = new QLabel;
    m_compareText->setObjectName("compareText");
    m_compareText->setWordWrap(true);
    m_compareText->setTextFormat(Qt::RichText);
    compareLayout->addWidget(m_compareText);
    auto *buttons = new QHBoxLayout;
    m_applyResult = new QPushButton(tr("Apply"));
    m_applyResult->setObjectName("applyResultButton");
    m_discardResult = new QPushButton(tr("Discard"));
    m_discardResult->setObjectName("discardResultButton");
    m_keepResultAsB = new QPushButton(tr("Keep as B"));
    m_keepResultAsB->setObjectName("keepResultAsBButton");
    m_keepResultAsB->setToolTip(tr("Keep this result as partition B of the Compare A/B dock"));
    buttons->addWidget(m_applyResult);
    buttons->addWidget(m_discardResult);
    buttons->addWidget(m_keepResultAsB);
    compareLayout->addLayout(buttons);
    m_compare->hide();
    layout->addWidget(m_compare);
    connect(m_applyResult, &QPushButton::clicked, this, &SolvePanel::applyResultClicked);
    connect(m_discardResult, &QPushButton::clicked, this, &SolvePanel::discardResultClicked);
    connect(m_keepResultAsB, &QPushButton::clicked, this, &SolvePanel::keepResultAsBClicked);

    auto *costs = new QGroupBox(tr("Cost model"));
    auto *costForm = new QFormLayout(costs);
    m_device = new QComboBox;
    m_device->setObjectName("deviceBox");
    for (const DeviceProfile &d : builtinDeviceProfiles()) {
        m_device->addItem(QString::fromStdString(d.name), QString::fromStdString(d.name));
        m_device->setItemData(m_device->count() - 1, QString::fromStdString(d.description), Qt::ToolTipRole);
    }
    m_device->addItem(tr("Load profile (JSON)\u2026"), QString::fromLatin1(kLoadDevice));
    m_device->setToolTip(tr("Device profile: turns FLOPs and bytes into time (ONNX, PipeDream models)"));
    costForm->addRow(tr("Device"), m_device);
    m_deviceNote = new QLabel;
    m_deviceNote->setWordWrap(true);
    m_deviceNote->setStyleSheet(QStringLiteral("color: #666;"));
    costForm->addRow(m_deviceNote);
    connect(m_device, &QComboBox::activated, this, [this](int i) {
        if (m_filling)
            return;
        QString device = m_device->itemData(i).toString();
        if (device == QLatin1String(kLoadDevice)) {
            device = QFileDialog::getOpenFileName(this, tr("Device Profile"), QString(), tr("Device profile (*.json)"));
            if (device.isEmpty())
                return;
            auto profile = loadDeviceProfile(device.toStdString());
            if (!profile.ok()) {
                emit failed(QString::fromStdString(profile.error()));
                return;
            }
            m_device->insertItem(m_device->count() - 1, QString::fromStdString(profile->name), device);
            m_device->setCurrentIndex(m_device->count() - 2);
        }
        emit deviceChosen(device);
    });
    m_bandwidth = numberEdit("bandwidthEdit", tr("Link bandwidth B: size units per time unit"));
    costForm->addRow(tr("Bandwidth"), withUnit(m_bandwidth, m_bandwidthUnit, QStringLiteral("bandwidthUnit")));
    m_memoryOn = new QCheckBox(tr("Memory limit"));
    m_memoryOn->setObjectName("memoryLimitBox");
    m_memory = numberEdit("memoryLimitEdit", tr("Per-stage limit on the sum of parameter sizes (hard)"));
    costForm->addRow(m_memoryOn, withUnit(m_memory, m_memoryUnit, QStringLiteral("memoryLimitUnit")));
    connect(m_memoryOn, &QCheckBox::toggled, m_memory, &QWidget::setEnabled);
    m_overflowOn = new QCheckBox(tr("Overflow term"));
    m_overflowOn->setObjectName("overflowBox");
    m_overflowOn->setToolTip(tr("Add max(0, param(S) - F) / Bs to each stage: parameters beyond fast memory "
                                "are streamed"));
    costForm->addRow(m_overflowOn);
    m_fastMemory = numberEdit("fastMemoryEdit", tr("Fast memory F per stage (size units)"));
    m_slowBandwidth = numberEdit("slowBandwidthEdit", tr("Slow-memory bandwidth Bs (size per time unit)"));
    costForm->addRow(tr("  fast memory F"), withUnit(m_fastMemory, m_fastMemoryUnit, QStringLiteral("fastMemoryUnit")));
    costForm->addRow(
        tr("  slow bandwidth Bs"), withUnit(m_slowBandwidth, m_slowBandwidthUnit, QStringLiteral("slowBandwidthUnit")));
    connect(m_overflowOn, &QCheckBox::toggled, m_fastMemory, &QWidget::setEnabled);
    connect(m_overflowOn, &QCheckBox::toggled, m_slowBandwidth, &QWidget::setEnabled);
    m_applyParams = new QPushButton(tr("Apply cost parameters"));
    m_applyParams->setObjectName("applyParamsButton");
    m_applyParams->setToolTip(tr("Re-cost the partition; the lower bound is recomputed in the background"));
    costForm->addRow(m_applyParams);
    connect(m_applyParams, &QPushButton::clicked, this, [this] {
        auto p = editedParams();
        if (p.ok())
            emit paramsApplied(*p);
        else
            emit failed(QString::fromStdString(p.error()));
    });
    layout->addWidget(costs);
    m_workload = new WorkloadEditor;
    m_workload->hide(); // Hugging Face configs only
    layout->addWidget(m_workload);
    layout->addStretch(1);
    setEnabled(false);
}

uint64_t SolvePanel::seed() const
{
    return uint64_t(m_seed->value());
}

QString SolvePanel::budget() const
{
    return m_budget->text().trimmed();
}

bool SolvePanel::compareFirst() const
{
    return m_resultMode->currentIndex() == 1;
}

void SolvePanel::showComparison(const QString &text)
{
    m_compareText->setText(text);
    m_compare->setVisible(!text.isEmpty());
}

void SolvePanel::showParams(const CostParams &params, bool deviceNeeded, const QString &device, const QString &timeUnit,
    const QString &sizeUnit, const QString &paramUnit)
{
    m_filling = true;
    const QString perTime = sizeUnit + QLatin1Char('/') + timeUnit;
    // "bytes/ms = 25 GB/s": the field's unit, and the value in a unit people read.
    auto rateLabel = [&](double value) {
        const QString readable = formatBandwidth(value, sizeUnit, timeUnit);
        return readable.endsWith(perTime) ? perTime : perTime + QStringLiteral(" = ") + readable;
    };
    m_bandwidthUnit->setText(rateLabel(params.bandwidth));
    m_slowBandwidthUnit->setText(rateLabel(params.slowBandwidth));
    m_memoryUnit->setText(paramUnit);
    m_fastMemoryUnit->setText(paramUnit);
    setEnabled(true);
    m_bandwidth->setText(number(params.bandwidth));
    m_memoryOn->setChecked(params.memoryLimit.has_value());
    m_memory->setEnabled(params.memoryLimit.has_value());
    m_memory->setText(params.memoryLimit ? number(*params.memoryLimit) : QString());
    m_overflowOn->setChecked(params.overflow);
    m_fastMemory->setEnabled(params.overflow);
    m_slowBandwidth->setEnabled(params.overflow);
    m_fastMemory->setText(number(params.fastMemory));
    m_slowBandwidth->setText(number(params.slowBandwidth));
    m_device->setEnabled(deviceNeeded);
    const int i = m_device->findData(device.isEmpty() ? QString::fromStdString(defaultDeviceProfile().name) : device);
    if (i >= 0)
        m_device->setCurrentIndex(i);
    m_deviceNote->setText(deviceNeeded ? tr("Choosing a device re-costs the model.")
                                       : tr("This model's costs are given in the file; the device does not apply."));
    m_filling = false;
}

Result<CostParams> SolvePanel::editedParams() const
{
    CostParams p;
    auto b = positive(m_bandwidth, tr("the bandwidth"));
    if (!b.ok())
        return b.failure();
    p.bandwidth = *b;
    if (m_memoryOn->isChecked()) {
        auto m = positive(m_memory, tr("the memory limit"));
        if (!m.ok())
            return m.failure();
        p.memoryLimit = *m;
    }
    p.overflow = m_overflowOn->isChecked();
    if (p.overflow) {
        bool ok = false;
        p.fastMemory = m_fastMemory->text().toDouble(&ok);
        if (!ok || p.fastMemory < 0)
            return makeError(
                tr("the fast memory F must be a number >= 0, not '%1'").arg(m_fastMemory->text()).toStdString());
        auto s = positive(m_slowBandwidth, tr("the slow bandwidth Bs"));
        if (!s.ok())
            return s.failure();
        p.slowBandwidth = *s;
    }
    const Status valid = p.validate();
    if (!valid.ok())
        return valid.failure();
    return p;
}

QString SolvePanel::device() const
{
    return m_device->currentData().toString();
}

} // namespace pipecut::ui
