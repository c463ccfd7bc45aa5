#pragma once
// The layer splits LLM serving frameworks make by default, as partition methods
// (docs/model.md §8.5), so that reports compare against what users get today:
//   vllm-default:  vLLM's get_pp_indices (vllm/distributed/utils.py) without
//     VLLM_PP_LAYER_PARTITION: floor(L / k) layers per stage, and the L mod k
//     remaining layers one each to the stages k-1, k-2, ... (the last stage,
//     which holds the LM head, gets none unless every other stage has one).
//   megatron-even: Megatron-LM's even split, L / k per stage; when k does not
//     divide L, the first k-1 stages get ceil(L / k) and the last the rest
//     (the split --decoder-last-pipeline-num-layers expresses), refused when
//     the rest is not positive.
// The embedding goes to the first stage and the final norm and LM head to the
// last, as both frameworks do. O(L + n). Deterministic.
// Example: L = 61, k = 4: vllm-default 15,15,16,15; megatron-even 16,16,16,13.

#include "core/util/result.h"

#include <string>
#include <vector>

namespace pipecut {

// Layers per stage of a baseline ("vllm-default" or "megatron-even").
Result<std::vector<int>> llmBaselineCounts(const std::string &method, int layers, int k);

} // namespace pipecut
