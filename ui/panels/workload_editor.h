#pragma once
// The serving workload of a Hugging Face config (docs/model.md §8, the CLI's
// --workload, --batch, --context, --prompt, --dtype, --kv-dtype), editable in
// the Solver and Costs dock. Apply re-costs the model off the GUI thread (the
// main window hands it to ModelLoader::chooseWorkload); while that runs the
// editor shows a busy bar and Cancel, which drops the result and keeps the
// costs. Like the device and the cost parameters, a workload change is not an
// undoable edit: it is a point in the history.

#include "core/io/graph_io.h"
#include "core/util/result.h"

#include <QGroupBox>

class QComboBox;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace pipecut::ui {

class WorkloadEditor : public QGroupBox {
    Q_OBJECT
public:
    explicit WorkloadEditor(QWidget *parent = nullptr);

    void setWorkload(const LlmWorkload &workload);
    // The workload as edited, or an error naming the field.
    Result<LlmWorkload> edited() const;
    void setRunning(bool running); // a re-cost is under way: busy bar and Cancel

    QComboBox *phaseBox() const { return m_phase; }
    QSpinBox *batchBox() const { return m_batch; }
    QSpinBox *contextBox() const { return m_context; }
    QSpinBox *promptBox() const { return m_prompt; }
    QComboBox *dtypeBox() const { return m_dtype; }
    QComboBox *kvDtypeBox() const { return m_kvDtype; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *cancelButton() const { return m_cancel; }

signals:
    void applied(const pipecut::LlmWorkload &workload);
    void cancelled();
    void failed(const QString &message);

private:
    QComboBox *m_phase, *m_dtype, *m_kvDtype;
    QSpinBox *m_batch, *m_context, *m_prompt;
    QPushButton *m_apply, *m_cancel;
    QProgressBar *m_busy;
};

} // namespace pipecut::ui
