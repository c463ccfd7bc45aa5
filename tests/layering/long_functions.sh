#!/usr/bin/env bash
# Lists the functions under the given folders, longest first ("lines file:line name"), with
# Universal Ctags: tests/layering/long_functions.sh core ui | head. Not a CTest yet: core/
# still has functions over 150 lines.
set -euo pipefail
ctags -R --languages=C++ --kinds-C++=f --fields=+ne -o - "$@" |
    awk -F'\t' '{ line = ""; end = ""
        for (i = 4; i <= NF; ++i) { if ($i ~ /^line:/) line = substr($i, 6); if ($i ~ /^end:/) end = substr($i, 5) }
        if (line != "" && end != "") printf "%d %s:%d %s\n", end - line + 1, $2, line, $1 }' | sort -rn
