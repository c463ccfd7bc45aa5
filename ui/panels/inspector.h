#pragma once
// The HTML the window shows about nodes and runs: the inspector of the
// selected nodes, and a finished run set next to the current partition
// ("Compare before applying").

#include "core/util/ids.h"

#include <QString>

#include <vector>

namespace pipecut {
class Partition;
}

namespace pipecut::ui {

class Document;

// One node: its fields; several: their totals and stage mix; none: a hint.
QString inspectorHtml(const Document &document, const std::vector<NodeId> &nodes);
QString comparisonHtml(const Document &document, const Partition &result, const QString &method);

} // namespace pipecut::ui
