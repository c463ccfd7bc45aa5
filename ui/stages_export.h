#pragma once
// File > Export Stages: the current partition of an ONNX model as one ONNX
// model per stage plus pipeline.json (core/io/export_onnx_stages.h), the same
// as `pipecut-cli export MODEL.onnx -p PARTITION --to onnx-stages -o DIR`.

#include "core/io/graph_io.h"

#include <QString>

class QWidget;

namespace pipecut::ui {

class Document;

// Asks for the output folder (and whether to replace it when it is not
// empty), writes the stages off the GUI thread with a cancellable progress
// dialog and shows any error. `load` holds the dimensions the model was read
// with. Returns the folder written, or an empty string.
QString exportStagesDialog(QWidget *parent, const Document &document, const LoadOptions &load);

} // namespace pipecut::ui
