#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds pipecut and opens the explorer on
# the bundled example model (or on the files given as arguments).
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
pipecut_install_deps

cmake --preset release -DPIPECUT_BUILD_TESTS=OFF -DPIPECUT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build --preset release -j"$(nproc)" --target pipecut pipecut-cli
if [ "$#" -eq 0 ]; then
    set -- resources/examples/bert_l-3_inference.json
fi
exec build/release/app/pipecut "$@"
