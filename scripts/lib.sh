# Shared by scripts/test, scripts/demo and scripts/bench. Source it.
# shellcheck shell=bash

CX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CX_BUILD=${CX_BUILD:-$CX_ROOT/build}
CX_PYTHON=/usr/bin/python3
export CX_ROOT CX_BUILD CX_PYTHON

cx_log() { printf '==> %s\n' "$*" >&2; }

# The Debian packages listed in scripts/packages.txt that are not installed.
cx_missing_packages() {
    local pkg missing=()
    while read -r pkg; do
        pkg=${pkg%%#*}
        pkg=${pkg//[[:space:]]/}
        [ -n "$pkg" ] || continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done < "$CX_ROOT/scripts/packages.txt"
    [ "${#missing[@]}" -eq 0 ] || printf '%s\n' "${missing[@]}"
}

# Installs missing packages when root; otherwise prints the command and fails.
cx_install_packages() {
    local missing
    mapfile -t missing < <(cx_missing_packages)
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages. Install them with:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    cx_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >/tmp/cx-apt.log 2>&1; then
        apt-get -o DPkg::Lock::Timeout=600 update >>/tmp/cx-apt.log 2>&1 || true
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" >>/tmp/cx-apt.log 2>&1 || {
            tail -20 /tmp/cx-apt.log >&2
            return 1
        }
    fi
}

# Configures (once) and builds a build directory: cx_build DIR [meson options...]
cx_build() {
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$CX_ROOT" "$@" >/dev/null || return 1
    fi
    ninja -C "$dir" >/dev/null || ninja -C "$dir"
}
