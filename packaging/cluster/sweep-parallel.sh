#!/bin/bash
# A pipecut sweep's shards on GNU parallel (docs/sweeps.md): N shards, each its
# own results file, over the hosts of --sshlogin (":" is this machine).
#
#   packaging/cluster/sweep-parallel.sh PLAN OUTDIR N [parallel options...]
#   e.g. ... plan.jsonl out 8 --sshlogin 4/:,8/node1,8/node2 --workdir .
#
# The plan, the models and OUTDIR must be at the same paths on every host
# (a shared file system), and pipecut-cli on PATH there (or PIPECUT_CLI set).
# The line it runs:
#   parallel [options] pipecut-cli sweep run PLAN --shard {}/N -o OUTDIR/results-{}.jsonl ::: $(seq 0 $((N-1)))
set -euo pipefail
plan=$1
out=$2
shards=$3
shift 3
mkdir -p "$out"
parallel --halt never "$@" "${PIPECUT_CLI:-pipecut-cli}" sweep run "$plan" --shard "{}/$shards" \
    -o "$out/results-{}.jsonl" ::: $(seq 0 $((shards - 1)))
