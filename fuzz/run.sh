#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) and runs one of them.
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer options]
# TARGET: pipecut_json dnn_partitioning pipedream piper dot onnx partition hf_config.
# The working corpus is build/fuzz/corpus/TARGET, seeded from fuzz/seeds/TARGET,
# tests/regressions/TARGET and the matching files of the public corpus
# (PIPECUT_CORPUS_DIR of the fuzz build, resources/corpus by default); crashing
# inputs land in build/fuzz/artifacts/TARGET/ (keep each as a regression test in
# tests/regressions/TARGET/) and the log in build/fuzz/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [libFuzzer options]}
seconds=${2:-600}
shift $(( $# < 2 ? $# : 2 ))

if [ ! -f build/fuzz/build.ninja ]; then
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake --preset fuzz "${launcher[@]}" >/dev/null
fi
# PIPECUT_FUZZ_NO_BUILD=1 runs the binary as built (e.g. while sources change).
[ -n "${PIPECUT_FUZZ_NO_BUILD:-}" ] || cmake --build build/fuzz -j"${PIPECUT_FUZZ_JOBS:-2}" --target "fuzz_$target"

corpus=build/fuzz/corpus/$target
artifacts=build/fuzz/artifacts/$target
mkdir -p "$corpus" "$artifacts"
seeds=(fuzz/seeds/"$target")
[ -d tests/regressions/"$target" ] && seeds+=(tests/regressions/"$target")
shared=$(sed -n 's/^PIPECUT_CORPUS_DIR:PATH=//p' build/fuzz/CMakeCache.txt)
[ -d "$shared" ] || shared=resources/corpus
case $target in
    dnn_partitioning) find "$shared/dnn-partitioning" -path '*inputs*' -name '*.json' -exec cp -n {} "$corpus" \; ;;
    piper) find "$shared/piper" -name '*.json' -exec cp -n {} "$corpus" \; ;;
    pipedream) find "$shared/pipedream" -name '*.txt' ! -name LICENSE.txt ! -name SOURCE_COMMIT.txt \
        -exec sh -c 'cp -n "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
    partition) find "$shared/dnn-partitioning/human-experts" -name '*.json' -exec cp -n {} "$corpus" \; ;;
esac
dict=()
case $target in
    pipecut_json | dnn_partitioning | piper | partition | hf_config) dict=(-dict=fuzz/dict/json.dict) ;;
    dot) dict=(-dict=fuzz/dict/dot.dict) ;;
    pipedream) dict=(-dict=fuzz/dict/pipedream.dict) ;;
esac

# -timeout: an input that takes 10 s is a hang; -rss_limit_mb: a small input
# must not make a reader allocate gigabytes.
"build/fuzz/fuzz/fuzz_$target" "$corpus" "${seeds[@]}" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" 2>&1 | tee "build/fuzz/$target.log"
