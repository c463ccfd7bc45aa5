#!/usr/bin/env bash
# Builds the Debian package, checks its metadata, unpacks it into a scratch root
# and runs the installed pipecut-cli: --version, one partition of the installed
# example model and, in the UI build, one report of it (PDF and PNG, headless).
# With --install (root only, e.g. on a throwaway CI machine) it installs the
# package with apt (resolving its dependencies), runs /usr/bin/pipecut-cli the
# same way, then removes the package again.
#
# usage: packaging/test_package.sh [--install] [BUILD_DIR]
#   BUILD_DIR defaults to build/release; when it has not been configured yet it
#   is configured without tests and benchmarks (the package needs neither).
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
build=build/release
for arg in "$@"; do
    case "$arg" in
    --install) install=1 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "test_package.sh: unknown option $arg" >&2; exit 2 ;;
    *) build=$arg ;;
    esac
done

fail() { echo "test_package.sh: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

for tool in cmake cpack dpkg-deb dpkg-shlibdeps readelf ldd; do
    command -v "$tool" >/dev/null || fail "$tool is missing (dpkg-shlibdeps comes with dpkg-dev)"
done

# 1. Build the package.
if [ ! -f "$build/CMakeCache.txt" ]; then
    step "configuring $build"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPIPECUT_BUILD_TESTS=OFF -DPIPECUT_BUILD_BENCHMARKS=OFF >/dev/null
fi
step "building the package in $build"
rm -f "$build"/pipecut_*.deb
cmake --build "$build" -j"$(nproc)" --target package >/dev/null
deb=$(ls "$build"/pipecut_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no pipecut_*.deb in $build"
echo "$deb ($(du -h "$deb" | cut -f1))"

# 2. Metadata: dependencies computed by dpkg-shlibdeps, expected files present.
version=$(dpkg-deb -f "$deb" Version)
depends=$(dpkg-deb -f "$deb" Depends)
echo "Version: $version"
echo "Depends: $depends"
dep_names=$(sed 's/([^)]*)//g; s/|/,/g' <<<"$depends" | tr ',' '\n' | tr -d ' ')
for pkg in libc6 libstdc++6 libqt6core6; do
    grep -qxF "$pkg" <<<"$dep_names" || fail "Depends lacks $pkg (did dpkg-shlibdeps run?)"
done
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
expect=(./usr/bin/pipecut-cli ./usr/share/man/man1/pipecut-cli.1.gz
        ./usr/share/pipecut/examples/bert_l-3_inference.json ./usr/share/doc/pipecut/copyright
        ./usr/share/pipecut/cluster/sweep.sbatch ./usr/share/pipecut/cluster/sweep-parallel.sh
        ./usr/share/pipecut/cluster/sweep-job.yaml)
with_report=0
if grep -qx './usr/bin/pipecut' <<<"$contents"; then
    # The UI build also gives pipecut-cli its report command (QtGui + QtSvg).
    with_report=1
    for pkg in libqt6gui6 libqt6svg6; do
        grep -qxF "$pkg" <<<"$dep_names" || fail "Depends lacks $pkg (pipecut-cli report needs it)"
    done
    expect+=(./usr/share/applications/io.github.pipecut.pipecut.desktop
             ./usr/share/metainfo/io.github.pipecut.pipecut.metainfo.xml
             ./usr/share/icons/hicolor/scalable/apps/io.github.pipecut.pipecut.svg
             ./usr/share/man/man1/pipecut.1.gz)
fi
for f in "${expect[@]}"; do
    grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done

# 3. Unpack into a scratch root and check what was unpacked.
root=$(mktemp -d)
scratch=$(mktemp -d)
trap 'rm -rf "$root" "$scratch"' EXIT
dpkg-deb -x "$deb" "$root"
for exe in "$root"/usr/bin/*; do
    if ldd "$exe" | grep -q 'not found'; then
        ldd "$exe" | grep 'not found' >&2
        fail "$(basename "$exe") needs libraries this system lacks"
    fi
done
# Every shared library an executable links directly (ELF NEEDED) comes from a
# package in Depends (what dpkg-shlibdeps should have found).
for exe in "$root"/usr/bin/*; do
    needed=$(readelf -d "$exe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    while read -r lib path; do
        grep -qxF "$lib" <<<"$needed" || continue
        owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null || true)
        owner=${owner%%:*}
        [ -n "$owner" ] || { echo "(no package owns $path; not checked)"; continue; }
        grep -qxF "$owner" <<<"$dep_names" || fail "$(basename "$exe") loads $lib from $owner, which Depends lacks"
    done < <(ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}')
done
zcat "$root/usr/share/man/man1/pipecut-cli.1.gz" | groff -man -ww -z 2>&1 | (! grep .) ||
    fail "the man page has troff warnings"
if [ -f "$root/usr/share/metainfo/io.github.pipecut.pipecut.metainfo.xml" ]; then
    if command -v appstreamcli >/dev/null; then
        appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.pipecut.pipecut.metainfo.xml" >/dev/null ||
            fail "appstreamcli rejects the metainfo"
    else
        echo "(appstreamcli not installed: metainfo not validated)"
    fi
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$root/usr/share/applications/io.github.pipecut.pipecut.desktop" ||
            fail "desktop-file-validate rejects the .desktop entry"
    else
        echo "(desktop-file-validate not installed: .desktop entry not validated)"
    fi
fi

# 4. Run the installed command line.
run_cli() { # PREFIX: the root the package's /usr lives under
    local cli=$1/usr/bin/pipecut-cli example=$1/usr/share/pipecut/examples/bert_l-3_inference.json out
    out=$("$cli" --version) || fail "$cli --version failed"
    echo "$out"
    [ "$out" = "pipecut-cli $version" ] || fail "--version says '$out', the package is $version"
    out=$("$cli" partition "$example" -k 4 --json) || fail "$cli partition failed (exit $?)"
    grep -q '"bottleneck"' <<<"$out" || fail "partition printed no bottleneck: $out"
    grep -q '"stages"' <<<"$out" || fail "partition printed no stage table: $out"
    echo "partition of the installed example, k = 4: $(grep -o '"bottleneck": *[0-9.e+-]*' <<<"$out" | head -n 1)"
    if [ "$with_report" = 1 ]; then
        # Headless: with QT_QPA_PLATFORM unset the command picks the offscreen platform itself.
        local pdf="$scratch/report.pdf" png="$scratch/report.png"
        env -u QT_QPA_PLATFORM -u DISPLAY -u WAYLAND_DISPLAY "$cli" report "$example" -k 4 -o "$pdf" \
            --bound-time-limit 5 >/dev/null || fail "$cli report -o report.pdf failed"
        head -c 5 "$pdf" | grep -q '%PDF-' || fail "report.pdf is not a PDF"
        env -u QT_QPA_PLATFORM -u DISPLAY -u WAYLAND_DISPLAY "$cli" report "$example" -k 4 -o "$png" \
            --bound-time-limit 5 >/dev/null || fail "$cli report -o report.png failed"
        head -c 8 "$png" | od -An -c | grep -q 'P   N   G' || fail "report.png is not a PNG"
        echo "report of the installed example: $(du -h "$pdf" | cut -f1) PDF, $(du -h "$png" | cut -f1) PNG"
    else
        out=$("$cli" report "$example" -o "$scratch/r.png" 2>&1) && fail "report worked in a build without it"
        grep -q 'not available in this build' <<<"$out" || fail "report without the UI says: $out"
    fi
}
step "running the unpacked pipecut-cli"
run_cli "$root"

if [ "$install" = 1 ]; then
    [ "$(id -u)" -eq 0 ] || fail "--install needs root"
    step "installing $deb with apt"
    was_installed=$(dpkg-query -W -f='${Status}' pipecut 2>/dev/null | grep -c 'install ok installed' || true)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$deb")" >/dev/null
    run_cli ""
    [ "$was_installed" = 1 ] || { dpkg -r pipecut >/dev/null; echo "removed the package again"; }
fi
echo "test_package.sh: OK"
