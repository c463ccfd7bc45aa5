#pragma once
// The "Solver and costs" dock: the solver settings that do not fit the toolbar
// (seed, slicegraph budget, what to do with a result), the comparison of a
// finished run with the current partition (Apply / Discard), and the cost
// parameters of the model (bandwidth, memory limit, overflow term, device
// profile). It only edits values and emits signals; the main window acts.

#include "core/cost/cost_params.h"
#include "core/util/result.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace pipecut::ui {

class WorkloadEditor;

class SolvePanel : public QWidget {
    Q_OBJECT
public:
    explicit SolvePanel(QWidget *parent = nullptr);

    uint64_t seed() const;
    QString budget() const; // "" = the method's default, else POPxGEN
    bool compareFirst() const; // show a result next to the current partition before applying it

    // The comparison of a finished run (hidden when `text` is empty).
    void showComparison(const QString &text);

    // Fills the cost fields and their units (the graph's time and size units);
    // `deviceNeeded`: the model's costs come from a device profile (ONNX,
    // PipeDream), so choosing one re-costs it.
    void showParams(const CostParams &params, bool deviceNeeded, const QString &device, const QString &timeUnit,
        const QString &sizeUnit, const QString &paramUnit);
    // The cost parameters as edited, or an error naming the field.
    Result<CostParams> editedParams() const;
    QString device() const; // built-in name or JSON path

    QSpinBox *seedBox() const { return m_seed; }
    QLineEdit *budgetEdit() const { return m_budget; }
    QComboBox *resultModeBox() const { return m_resultMode; }
    QPushButton *applyResultButton() const { return m_applyResult; }
    QPushButton *discardResultButton() const { return m_discardResult; }
    QPushButton *keepResultAsBButton() const { return m_keepResultAsB; }
    QLineEdit *bandwidthEdit() const { return m_bandwidth; }
    QCheckBox *memoryLimitBox() const { return m_memoryOn; }
    QLineEdit *memoryLimitEdit() const { return m_memory; }
    QCheckBox *overflowBox() const { return m_overflowOn; }
    QLineEdit *fastMemoryEdit() const { return m_fastMemory; }
    QLineEdit *slowBandwidthEdit() const { return m_slowBandwidth; }
    QComboBox *deviceBox() const { return m_device; }
    QPushButton *applyParamsButton() const { return m_applyParams; }
    // The serving workload of a Hugging Face config (shown for those only).
    WorkloadEditor *workloadEditor() const { return m_workload; }

signals:
    void applyResultClicked();
    void discardResultClicked();
    void keepResultAsBClicked();
    void paramsApplied(const pipecut::CostParams &params);
    void deviceChosen(const QString &device);
    void failed(const QString &message);

private:
    QSpinBox *m_seed;
    QLineEdit *m_budget;
    QComboBox *m_resultMode;
    QGroupBox *m_compare;
    QLabel *m_compareText;
    QPushButton *m_applyResult, *m_discardResult, *m_keepResultAsB;
    QLineEdit *m_bandwidth, *m_memory, *m_fastMemory, *m_slowBandwidth;
    // The unit beside each field ("bytes/ms = 25 GB/s", "bytes").
    QLabel *m_bandwidthUnit, *m_memoryUnit, *m_fastMemoryUnit, *m_slowBandwidthUnit;
    QCheckBox *m_memoryOn, *m_overflowOn;
    QComboBox *m_device;
    QLabel *m_deviceNote;
    QPushButton *m_applyParams;
    WorkloadEditor *m_workload;
    bool m_filling = false;
};

} // namespace pipecut::ui
