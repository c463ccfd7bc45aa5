#!/usr/bin/env bash
# Lists the functions under the given folders, longest first ("lines file:line name"), with
# Universal Ctags: tests/layering/long_functions.sh core ui | head.
# With --max N it lists only the functions over N lines and fails when there is one: the CTest
# layering_function_length runs it as --max 150 core (add ui/ to its folders once it complies).
# Exits 77 (a skip for CTest) when Universal Ctags is not installed.
set -euo pipefail
max=0
if [[ ${1:-} == --max ]]; then
    max=$2
    shift 2
fi
if [[ $# -eq 0 ]]; then
    echo "usage: $0 [--max LINES] FOLDER..." >&2
    exit 2
fi
if ! ctags --version 2>/dev/null | grep -q "Universal Ctags"; then
    echo "Universal Ctags is not installed: function lengths not checked" >&2
    exit 77
fi
listing=$(ctags -R --languages=C++ --kinds-C++=f --fields=+ne -o - "$@" |
    awk -F'\t' -v max="$max" '{ line = ""; end = ""
        for (i = 4; i <= NF; ++i) { if ($i ~ /^line:/) line = substr($i, 6); if ($i ~ /^end:/) end = substr($i, 5) }
        if (line != "" && end != "" && end - line + 1 > max) printf "%d %s:%d %s\n", end - line + 1, $2, line, $1 }' |
    sort -rn)
if [[ $max -gt 0 ]]; then
    if [[ -n $listing ]]; then
        echo "functions over $max lines (split them into named phases):"
        echo "$listing"
        exit 1
    fi
    echo "no function over $max lines in: $*"
    exit 0
fi
echo "$listing"
