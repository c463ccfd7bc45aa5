#pragma once
// Edit > Cluster…: the cluster description (docs/model.md §1.7) as a table,
// one device per pipeline stage in stage order (name, speed, memory,
// bandwidth in and out, device profile, per-device work column). Rows are added, duplicated, removed,
// moved, or made N identical copies of one. Cells are checked as they are
// edited, with the file reader's rules (a zero, negative or non-numeric
// value is refused, naming the device and the field); Apply hands the
// cluster to the window (which re-costs off the GUI thread, one undoable
// step), Save As writes a `pipecut-cluster` v1 file that --cluster reads.
// An empty cell takes the graph's value (memory limit, bandwidth), or the
// profile's. Numbers accept a k, M, G or T suffix (powers of 1000). The work
// column ("costs") lists the graph's per-device work (Graph::workColumns, e.g.
// "cpu" and "fpga" of a dnn-partitioning file); a kind the graph does not carry
// (from a file) is kept and shown as an error.

#include "core/cost/cluster.h"
#include "core/cost/device_profile.h"
#include "core/util/result.h"

#include <QDialog>
#include <QString>

#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace pipecut::ui {

class Document;

class ClusterEditor : public QDialog {
    Q_OBJECT
public:
    enum Column { Name, Speed, Memory, BandwidthIn, BandwidthOut, Profile, Costs, ColumnCount };

    ClusterEditor(Document *document, QWidget *parent);

    QTableWidget *table() const { return m_table; }
    // Rows from `cluster`, with no pending edits.
    void setCluster(const Cluster &cluster);
    // The document's cluster, or k identical devices of speed 1 when it has none.
    void loadFromDocument();
    bool hasEdits() const { return m_edited; }
    // The table as a cluster, checked as the file reader checks a file.
    Result<Cluster> cluster() const;
    // The first problem of the table ("" when valid), as shown under it.
    QString message() const;
    QString summary() const;
    // What an empty cell stands for ("graph 629.1 MB", "profile 0.35"), shown
    // in grey: the speed a stage really runs at, "1 (re-costed)" when the
    // device's profile re-costs the model node by node (its load recorded
    // profile times, and the row takes no work column).
    QString placeholder(int row, int column) const;
    QString quantityText(int column, double value) const; // "24 GB", "25 GB/s" in the graph's units
    // The model's device profile: a profile's speed is its FLOP rate over this one's.
    void setReferenceProfile(const DeviceProfile &reference) { m_reference = reference; }

    bool apply(); // false (and the message) when the table is invalid
    bool saveAs(const QString &path); // false (and the message) when invalid or not written
    bool openFile(const QString &path);

    void addDevice();
    void duplicateDevice();
    void removeDevices();
    void moveDevice(int delta);
    void makeIdentical(int count); // `count` copies of the current device
    QSpinBox *identicalCount() const { return m_identical; }

    // A cluster being applied: busy indicator and Cancel (or Esc).
    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    // Esc: cancels a running apply (the dialog stays open), else closes.
    void reject() override;
    void showOutcome(bool ok, const QString &text);

signals:
    void applyRequested(const pipecut::Cluster &cluster);
    void cancelRequested();

private:
    struct CellError {
        int row, column;
        QString text;
    };
    void buildTable();
    QWidget *buildRowButtons();
    QWidget *buildBottom();
    void setRow(int row, const ClusterDevice &device);
    QComboBox *choiceBox(int row, int column) const; // the Profile or Costs dropdown
    void fillCostsChoices(QComboBox *box, const QString &kind) const; // the graph's work columns
    QString costsError(int row) const; // "" when the row's work column is one the graph carries
    bool recostedFor(int row) const; // a profile on this row re-costs the model (speed 1)
    ClusterDevice rowDevice(int row, std::vector<CellError> *errors) const;
    void insertRow(int row, const ClusterDevice &device);
    void validate(); // marks invalid cells, updates the message and the summary
    void edited();

    Document *m_document;
    QTableWidget *m_table;
    QLabel *m_message, *m_summary;
    QSpinBox *m_identical;
    QProgressBar *m_busy;
    QPushButton *m_cancel, *m_apply;
    DeviceProfile m_reference = defaultDeviceProfile();
    bool m_edited = false;
    bool m_running = false;
    bool m_filling = false; // rows being filled by code, not by the user
};

} // namespace pipecut::ui
