#pragma once
// Two partitions side by side (View > Compare A/B, a dock below the view): A is
// the document's partition, B a second one kept next to it: a snapshot of A
// ("Keep Current as B"), a partition file, or a run's proposed result. The
// dock shows both bottlenecks against the lower bound (when one is proven for
// A's k), per-stage costs with their differences, and the nodes whose stage
// differs, which the graph view outlines. Swap makes B the document's
// partition (one undoable command) and keeps the old A as B. Export writes
// the comparison report (ui/report/report.h, as `pipecut-cli report
// --compare`). B is dropped when another model is opened; it follows the
// costs (a device, parameters, a profile) since it is evaluated at each refresh.

#include "core/cost/evaluate.h"
#include "core/cost/partition.h"

#include <QString>
#include <QWidget>

#include <optional>
#include <vector>

class QDockWidget;
class QLabel;
class QMainWindow;
class QMenu;
class QTableWidget;
class QToolButton;

namespace pipecut::ui {

class Document;

// What differs between two partitions of one graph under the same costs.
struct PartitionComparison {
    Evaluation a, b;
    std::vector<NodeId> differing; // nodes whose stage index differs
    double lowerBound = 0.0; // the best bound proven for A's k (0: none)
    bool boundAppliesToB = false; // B has A's k, so the bound holds for it too
};

PartitionComparison comparePartitions(const Document &document, const Partition &b);

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    explicit ComparePanel(Document *document, QWidget *parent = nullptr);

    bool hasB() const { return m_b.has_value(); }
    const Partition &b() const { return *m_b; }
    QString label() const { return m_label; }
    // Keeps `partition` as B under `label` ("snapshot", a file name, a method).
    void setB(const Partition &partition, const QString &label);
    void keepCurrent(); // B = the document's partition
    void clear();
    // B becomes the document's partition (undoable), the old A becomes B.
    void swap();
    const PartitionComparison &comparison() const { return m_comparison; }
    QString summaryText() const; // the summary as plain text
    QTableWidget *table() const { return m_table; }
    bool highlightEnabled() const;
    void setHighlightEnabled(bool on);

    // A dock at the bottom of `window`, listed in `viewMenu`, hidden at first.
    static QDockWidget *addDock(QMainWindow *window, ComparePanel *panel, QMenu *viewMenu);

signals:
    // The nodes to outline in the view (empty: none).
    void highlightChanged(const std::vector<pipecut::NodeId> &nodes);
    void selectRequested(const std::vector<pipecut::NodeId> &nodes);
    void exportRequested();
    void openRequested();
    void bChanged(bool present);
    void swapped(); // the document's partition was replaced by B

private:
    void refresh();
    void fillTable();

    Document *m_document;
    std::optional<Partition> m_b;
    QString m_label;
    PartitionComparison m_comparison;
    QLabel *m_summary;
    QTableWidget *m_table;
    QToolButton *m_highlight;
    QList<QToolButton *> m_needB; // enabled only with a B
};

} // namespace pipecut::ui
