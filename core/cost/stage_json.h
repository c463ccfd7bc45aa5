#pragma once
// The cost fields of one stage in the JSON that pipecut writes (docs/model.md §7's stage
// table of the CLI, the report's data file): "cost", "work", "comm_in",
// "comm_out", "param", in that order. Callers add what identifies the stage
// (the CLI its node ids, the report a node count). One writer, so that the two
// outputs cannot drift apart.

#include "core/cost/evaluate.h"
#include "core/util/json_writer.h"

namespace pipecut {

void writeStageCostFields(JsonWriter &w, const StageCost &c);
// With a cluster (docs/model.md §1.7): the stage's "device", "speed",
// "memory_limit" (when it has one), "bandwidth_in" and "bandwidth_out".
void writeStageDeviceFields(JsonWriter &w, const StageDevice &d);

} // namespace pipecut
