#pragma once
// The sweep study report (`pipecut-cli sweep merge -o STUDY.pdf|png|svg`): the
// figures of core/cli/sweep_study.h drawn in the report's style and written
// like the report (deterministic PNG and SVG, PDF with fixed date and id).

#include "core/cli/sweep_study.h"
#include "ui/report/report.h"

namespace pipecut::report {

// Writes PNG, SVG or PDF by the file's suffix. Needs a QGuiApplication.
Result<WrittenReport> writeStudy(
    const cli::sweep::Study &study, const std::string &path, const WriteOptions &options = {});

} // namespace pipecut::report
