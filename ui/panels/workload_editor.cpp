#include "ui/panels/workload_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include <limits>

namespace pipecut::ui {

namespace {
// The element types core reads (llmDtypeBytes); the first entry keeps the default.
QComboBox *makeDtypeBox(const char *name, const QString &defaultText, const QString &tip)
{
    auto *box = new QComboBox;
    box->setObjectName(name);
    box->setToolTip(tip);
    box->addItem(defaultText, QString());
    for (const char *type : { "fp32", "fp16", "bf16", "fp8", "int8", "int4" })
        box->addItem(QString::fromLatin1(type), QString::fromLatin1(type));
    return box;
}

QSpinBox *countBox(const char *name, int minimum, int maximum, const QString &tip)
{
    auto *box = new QSpinBox;
    box->setObjectName(name);
    box->setRange(minimum, maximum);
    box->setToolTip(tip);
    box->setGroupSeparatorShown(true);
    return box;
}

void selectData(QComboBox *box, const std::string &value)
{
    const int i = box->findData(QString::fromStdString(value));
    box->setCurrentIndex(i >= 0 ? i : 0);
}
} // namespace

WorkloadEditor::WorkloadEditor(QWidget *parent)
    : QGroupBox(tr("Serving workload (Hugging Face config)"), parent)
    , m_phase(new QComboBox)
    , m_dtype(makeDtypeBox("dtypeBox", tr("torch_dtype of the config"), tr("Weights and activations (--dtype)")))
    , m_kvDtype(makeDtypeBox("kvDtypeBox", tr("as the weights"), tr("The KV cache (--kv-dtype)")))
    , m_batch(countBox("batchBox", 1, 1 << 24, tr("Sequences per step (--batch)")))
    , m_context(
          countBox("contextBox", 1, std::numeric_limits<int>::max(), tr("Tokens of KV cache per sequence (--context)")))
    , m_prompt(countBox("promptBox", 0, std::numeric_limits<int>::max(),
          tr("Prefill tokens per sequence (--prompt); 0: the context")))
    , m_apply(new QPushButton(tr("Apply workload")))
    , m_cancel(new QPushButton(tr("Cancel")))
    , m_busy(new QProgressBar)
{
    setObjectName("workloadEditor");
    m_phase->setObjectName("phaseBox");
    m_phase->addItem(tr("decode (one token per sequence)"), int(LlmWorkload::Kind::Decode));
    m_phase->addItem(tr("prefill (the prompt)"), int(LlmWorkload::Kind::Prefill));
    m_phase->setToolTip(tr("The serving step costed (--workload): decode reads the weights and the KV cache "
                           "once per token; prefill is compute-bound over the prompt"));
    m_prompt->setSpecialValueText(tr("= context"));
    m_apply->setObjectName("applyWorkloadButton");
    m_apply->setToolTip(tr("Re-cost the model under this workload; the partition stays"));
    m_cancel->setObjectName("cancelWorkloadButton");
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(10);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Phase"), m_phase);
    form->addRow(tr("Batch"), m_batch);
    form->addRow(tr("Context"), m_context);
    form->addRow(tr("Prompt"), m_prompt);
    form->addRow(tr("Weights"), m_dtype);
    form->addRow(tr("KV cache"), m_kvDtype);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_apply);
    buttons->addWidget(m_cancel);
    form->addRow(buttons);
    form->addRow(m_busy);
    connect(m_phase, &QComboBox::currentIndexChanged, this,
        [this](int i) { m_prompt->setEnabled(m_phase->itemData(i).toInt() == int(LlmWorkload::Kind::Prefill)); });
    connect(m_apply, &QPushButton::clicked, this, [this] {
        auto w = edited();
        if (w.ok())
            emit applied(*w);
        else
            emit failed(QString::fromStdString(w.error()));
    });
    connect(m_cancel, &QPushButton::clicked, this, &WorkloadEditor::cancelled);
    setWorkload(LlmWorkload {});
    setRunning(false);
}

void WorkloadEditor::setWorkload(const LlmWorkload &w)
{
    m_phase->setCurrentIndex(w.kind == LlmWorkload::Kind::Decode ? 0 : 1);
    m_prompt->setEnabled(w.kind == LlmWorkload::Kind::Prefill);
    m_batch->setValue(int(std::min<int64_t>(w.batch, m_batch->maximum())));
    m_context->setValue(int(std::min<int64_t>(w.context, m_context->maximum())));
    m_prompt->setValue(int(std::min<int64_t>(w.prompt, m_prompt->maximum())));
    selectData(m_dtype, w.dtype);
    selectData(m_kvDtype, w.kvDtype);
}

Result<LlmWorkload> WorkloadEditor::edited() const
{
    LlmWorkload w;
    w.kind = LlmWorkload::Kind(m_phase->currentData().toInt());
    w.batch = m_batch->value();
    w.context = m_context->value();
    w.prompt = w.kind == LlmWorkload::Kind::Prefill ? m_prompt->value() : 0;
    w.dtype = m_dtype->currentData().toString().toStdString();
    w.kvDtype = m_kvDtype->currentData().toString().toStdString();
    if (w.prompt > w.context)
        return makeError(
            tr("the prompt (%1 tokens) must not exceed the context (%2)").arg(w.prompt).arg(w.context).toStdString());
    return w;
}

void WorkloadEditor::setRunning(bool running)
{
    m_busy->setVisible(running);
    m_cancel->setVisible(running);
    m_apply->setEnabled(!running);
}

} // namespace pipecut::ui
