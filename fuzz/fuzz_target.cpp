// One libFuzzer target per reader: this file is compiled once per target with
// PIPECUT_FUZZ_TARGET set to its name (fuzz/CMakeLists.txt).
#include "fuzz/fuzz_support.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view content(reinterpret_cast<const char *>(data), size);
    const std::optional<std::string> problem = pipecut::fuzz::check(PIPECUT_FUZZ_TARGET, content);
    if (!problem) {
        std::fprintf(stderr, "unknown fuzz target %s\n", PIPECUT_FUZZ_TARGET);
        std::abort();
    }
    if (!problem->empty()) {
        std::fprintf(stderr, "fuzz check failed (%s): %s\n", PIPECUT_FUZZ_TARGET, problem->c_str());
        std::abort();
    }
    return 0;
}
