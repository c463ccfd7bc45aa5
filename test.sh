#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds pipecut and runs every test headless.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
pipecut_install_deps

export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)

# 1. The engine alone, without Qt Widgets, so the core/ui split cannot rot.
cmake --preset core -DPIPECUT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build --preset core -j"$jobs"
ctest --preset core -j"$jobs"

# 2. Everything: GUI, CLI, benchmarks (built, not run) and all tests.
cmake --preset release >/dev/null
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs"
