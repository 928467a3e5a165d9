# The meson test suites of the default build: C unit and API tests, header
# checks, export and ABI checks, docs.
. "$(dirname "$0")/suite-lib.bash"
log=$(mktemp)
meson test -C "$CX_BUILD" --print-errorlogs --num-processes 2 >"$log" 2>&1 || tail -n 80 "$log"
rm -f "$log"
suite_meson_counts "$CX_BUILD" c
