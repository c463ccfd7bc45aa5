#pragma once
// ONNX symbolic dimensions: the dialog shown when a model has
// dimensions without a value (batch, sequence length, anonymous INPUT:AXIS),
// the GUI twin of `--dim NAME=VALUE`. Values are remembered per name
// (QSettings group "onnx/dims") and offered again for the next model.

#include <QDialog>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

class QSpinBox;

namespace pipecut::ui {

class DimsDialog : public QDialog {
    Q_OBJECT
public:
    // `dims`: every symbolic dimension with the value used so far (nullopt:
    // none given, so 1 was assumed). Each field starts at the value used,
    // else the remembered one, else 1.
    // `uses`: where each dimension appears ("x axis 0"), shown beside its name.
    DimsDialog(const QString &model, const std::map<std::string, std::optional<int64_t>> &dims,
        QWidget *parent = nullptr, const std::map<std::string, std::vector<std::string>> &uses = {});

    std::map<std::string, int64_t> values() const;
    QSpinBox *field(const std::string &name) const;

    static std::map<std::string, int64_t> remembered();
    static void remember(const std::map<std::string, int64_t> &values);

private:
    std::map<std::string, QSpinBox *> m_fields;
};

} // namespace pipecut::ui
