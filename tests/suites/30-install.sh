# Installs libcx into a temporary prefix and builds the examples against the
# installed copy with pkg-config, as a user of the library would.
. "$(dirname "$0")/suite-lib.bash"
passed=0 failed=0
check() { # check NAME COMMAND...
    if "${@:2}" >/tmp/cx-install-check.log 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "install check failed: $1"
        tail -20 /tmp/cx-install-check.log
    fi
}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
prefix="$dest/prefix"
# A library-only build configured for a temporary prefix, installed there.
check "configure for prefix $prefix" meson setup "$dest/build" "$CX_ROOT" --prefix "$prefix" \
    -Dtests=false -Dbench=false -Dexamples=false -Dpython=disabled -Dlua=disabled -Ddocs=disabled -Dpostgres=disabled
check "build" ninja -C "$dest/build"
check "meson install" meson install -C "$dest/build" --quiet
pc=$(find "$prefix" -name libcx.pc | head -n 1)
libdir=$(dirname "$(find "$prefix" -name 'libcx.so.1' | head -n 1)")
export PKG_CONFIG_PATH=$(dirname "$pc")
check "pkg-config finds libcx" pkg-config --exists libcx
check "soname is libcx.so.1" bash -c "readelf -d '$libdir/libcx.so.1' | grep -q 'SONAME.*libcx.so.1'"
incdir="$(pkg-config --variable=includedir libcx)"
check "headers installed" test -f "$incdir/cx/cx.h" -a -f "$incdir/cx/version.h" -a -f "$incdir/cx/metric.h"
for src in "$CX_ROOT"/examples/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2046
    check "build $name against the installed library" \
        cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$src" -o "$dest/$name" $(pkg-config --cflags --libs libcx)
done
check "run first" bash -c "LD_LIBRARY_PATH='$libdir' '$dest/first' | grep -q 'NPS 25.0'"
check "run scorecard" bash -c "LD_LIBRARY_PATH='$libdir' '$dest/scorecard' '$CX_ROOT/examples/data/scorecard.csv' | grep -q 'Net Promoter Score'"
check "only cx_ symbols exported" bash -c "! nm -D --defined-only '$libdir/libcx.so.1' | awk '{print \$3}' | grep -v -e '^cx_' -e '^LIBCX_'"
echo "suite: install passed=$passed failed=$failed"
