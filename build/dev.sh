#!/usr/bin/env bash
# Set up everything a fresh Linux machine needs, then run the app or the tests.
#
#   bash build/dev.sh run [ARGS...]    start oekoaudit (a real window; ARGS go to oekoaudit)
#   bash build/dev.sh test [ARGS...]   run the whole test suite (ARGS go to pytest)
#
# Set-up (idempotent, fast when nothing changed): a virtual environment in .venv with the
# project and its test tools installed from pyproject.toml, and the compiled translations.
# For a window on Linux, Qt's xcb platform needs a few X libraries; they are installed with
# apt-get when missing (as root, or through sudo), or named so you can install them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="$here/.venv"
say() { printf '\033[1m[oekoaudit]\033[0m %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

apt_install() {  # apt_install PACKAGE... — returns 1 if it cannot install
    command -v apt-get >/dev/null 2>&1 || return 1
    say "installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 && return 0
    as_root apt-get update -q >/dev/null 2>&1 || return 1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

setup() {
    local py
    if ! py="$(find_python)"; then
        apt_install python3 python3-venv python3-pip || true
        py="$(find_python)" || { say "Python 3.11 or newer is needed (Debian: apt-get install python3 python3-venv)."; exit 1; }
    fi
    if [ ! -x "$venv/bin/python" ]; then
        say "creating the virtual environment in .venv"
        if ! "$py" -m venv "$venv" 2>/dev/null; then
            rm -rf "$venv"
            apt_install python3-venv || { say "Python's venv module is missing (Debian: apt-get install python3-venv)."; exit 1; }
            "$py" -m venv "$venv"
        fi
    fi
    local stamp="$venv/.oekoaudit-installed" want
    want="$(cat pyproject.toml | "$venv/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        say "installing oekoaudit and its dependencies into .venv (first run takes a minute)"
        "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
        "$venv/bin/python" -m pip install -q -e ".[test,build]"
        echo "$want" >"$stamp"
    fi
    "$venv/bin/python" build/build_translations.py compile >/dev/null
}

missing_xcb_packages() {
    local plugin libs=() pkgs=()
    plugin="$("$venv/bin/python" -c 'import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent / "Qt/plugins/platforms/libqxcb.so")')"
    [ -f "$plugin" ] || return 0
    # linked libraries that are missing, plus libxcb-cursor, which Qt loads at run time
    mapfile -t libs < <(ldd "$plugin" 2>/dev/null | awk '/not found/ {print $1}')
    ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor.so.0' || libs+=("libxcb-cursor.so.0")
    for lib in "${libs[@]}"; do
        # Debian names the xcb libraries libxcb-NAME.so.N → package libxcb-NAMEN
        case "$lib" in
            libxcb-*.so.*) pkgs+=("$(echo "$lib" | sed -E 's/^(libxcb-[a-z0-9-]+)\.so\.([0-9]+)$/\1\2/')") ;;
            libxkbcommon-x11.so.0) pkgs+=(libxkbcommon-x11-0) ;;
            libEGL.so.1) pkgs+=(libegl1) ;;
            libGL.so.1 | libOpenGL.so.0) pkgs+=(libgl1 libopengl0) ;;
            libfontconfig.so.1) pkgs+=(libfontconfig1) ;;
            libdbus-1.so.3) pkgs+=(libdbus-1-3) ;;
            *) pkgs+=("$lib") ;;
        esac
    done
    printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' '
}

run_app() {
    if [ "$(uname -s)" = Linux ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
        local missing
        missing="$(missing_xcb_packages)"
        if [ -n "${missing// /}" ]; then
            # shellcheck disable=SC2086
            apt_install $missing || {
                say "Qt needs these libraries for a window: $missing"
                say "install them (Debian/Ubuntu: sudo apt-get install $missing) and run this again."
                exit 1
            }
        fi
        # the camera (Qt Multimedia) needs PulseAudio's client library; without it the app runs
        # and only "Foto aufnehmen" is unavailable
        if ! ldconfig -p 2>/dev/null | grep -q 'libpulse.so.0'; then
            apt_install libpulse0 || say "optional: for the camera install libpulse0 (sudo apt-get install libpulse0)"
        fi
        if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
            say "there is no screen (neither DISPLAY nor WAYLAND_DISPLAY is set)."
            say "on a desktop, run this from its terminal; on a server: xvfb-run -a bash build/dev.sh run"
            exit 1
        fi
    fi
    exec "$venv/bin/oekoaudit" "$@"
}

run_tests() {
    export QT_QPA_PLATFORM=offscreen
    set +e
    "$venv/bin/python" -m pytest "$@"
    local code=$?
    set -e
    if [ "$code" = 5 ]; then
        say "pytest collected no tests: that is a failure here"
        exit 1
    fi
    exit "$code"
}

command="${1:-}"
shift || true
case "$command" in
    run) setup; run_app "$@" ;;
    test) setup; run_tests "$@" ;;
    setup) setup ;;
    *) echo "usage: bash build/dev.sh run|test|setup [ARGS...]" >&2; exit 2 ;;
esac
