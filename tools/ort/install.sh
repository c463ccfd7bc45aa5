#!/usr/bin/env bash
# Installs ONNX Runtime for Node.js (onnxruntime-node 1.30.0, CPU provider) from
# the npm registry, once, into a cache used by the tests and benchmarks that run
# models with a real runtime:
#   $PIPECUT_MODEL_CACHE/onnxruntime-node-1.30.0/node_modules/onnxruntime-node
#   ($PIPECUT_MODEL_CACHE defaults to <repository>/build/models)
# ONNXRUNTIME_NODE_INSTALL=skip stops the package's postinstall from fetching
# CUDA libraries (which fails without a GPU toolkit); the CPU binaries ship in
# the package itself. The product never uses this: only tests and benchmarks.
# Prints the folder to put in NODE_PATH on its last line.
# Exit status: 0 installed; 3 node/npm missing or the registry unreachable
# (callers then skip and say so); 1 anything else.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PIPECUT_MODEL_CACHE:-$root/build/models}"
version=1.30.0
prefix="$cache/onnxruntime-node-$version"
modules="$prefix/node_modules"

works() {
    NODE_PATH="$modules" node -e 'require("onnxruntime-node")' >/dev/null 2>&1
}

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "ort/install: $tool is not installed; cannot run ONNX Runtime" >&2
        exit 3
    fi
done

if ! works; then
    mkdir -p "$prefix"
    [ -f "$prefix/package.json" ] || echo '{"name":"pipecut-ort","private":true}' >"$prefix/package.json"
    if ! (cd "$prefix" && ONNXRUNTIME_NODE_INSTALL=skip timeout 600 npm install --no-audit --no-fund \
        --loglevel=error --fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 \
        "onnxruntime-node@$version" >"$prefix/npm.log" 2>&1); then
        echo "ort/install: npm install onnxruntime-node@$version failed (registry unreachable?): $(tail -n 3 "$prefix/npm.log" | tr '\n' ' ')" >&2
        exit 3
    fi
    if ! works; then
        echo "ort/install: onnxruntime-node@$version installed but does not load: $(NODE_PATH="$modules" node -e 'require("onnxruntime-node")' 2>&1 | tail -n 2 | tr '\n' ' ')" >&2
        exit 1
    fi
fi
echo "$modules"
