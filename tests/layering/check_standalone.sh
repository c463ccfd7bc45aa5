#!/usr/bin/env bash
# The repository stands alone: no tracked file may name the folder beside a checkout
# (the sibling folder named "shared") or an absolute path of one machine (a home folder, /root, /work, /Users,
# a Windows drive). Run by CTest as `check_standalone.sh SOURCE_DIR`; prints every
# offending file and line and fails. Outside a git checkout every file is read.
set -u
src=${1:?usage: check_standalone.sh SOURCE_DIR}
cd "$src" || exit 2
# Built from pieces so that this script does not match itself.
sibling='\.\.''/shared'
machine='(^|[^A-Za-z0-9_.~-])/(work|root|home/[A-Za-z0-9_.-]+|Users/[A-Za-z0-9_.-]+)/|[A-Za-z]:\\(Users|work)\\'
pattern="$sibling|$machine"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    hits=$(git grep -nIE "$pattern" -- . 2>/dev/null)
else
    hits=$(grep -rnIE "$pattern" --exclude-dir=build --exclude-dir=.git . 2>/dev/null)
fi
if [ -n "$hits" ]; then
    echo "These lines refer to something outside the repository:"
    echo "$hits"
    exit 1
fi
echo "standalone: no tracked file refers outside the repository"
