#pragma once
// The right dock: the figures that answer "how good is this partition, and
// could it be better?" (bottleneck T, proven lower bound LB and its method,
// gap, throughput, latency, optimality), a per-stage stacked bar chart (work,
// comm in, comm out, with LB as a line) and the session history of T and LB.
// QCustomPlot stays inside metrics_panel.cpp.

#include "ui/document/document.h"

#include <QWidget>

#include <vector>

class QCustomPlot;

namespace pipecut::ui {

class FigureLabel;

class MetricsPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPanel(Document *document, QWidget *parent = nullptr);

    QString bottleneckText() const;
    QString statusText() const; // partitionState() (ui/panels/partition_state.h), while a bound runs too
    QString lowerBoundText() const;
    QString gapText() const;
    QString costsText() const; // node costs estimated or measured
    // What the stage chart currently draws: the stacked total per stage.
    std::vector<double> chartStageTotals() const;
    double chartLowerBound() const; // the LB line, or 0 when none
    int historyPoints() const;
    bool exportCharts(const QString &path, QString *error) const;

signals:
    void stageClicked(int stage);

private:
    void refreshFigures();
    void refreshStageChart();
    void refreshHistory();

    Document *m_document;
    FigureLabel *m_bottleneck, *m_lowerBound, *m_provenBy, *m_gap, *m_throughput, *m_latency, *m_fill, *m_status;
    FigureLabel *m_costs; // how many node costs are estimated or measured (refreshCosts)
    void refreshCosts();
    QCustomPlot *m_stageChart;
    QCustomPlot *m_history;
    double m_lbDrawn = 0.0;
};

} // namespace pipecut::ui
