# The C suites again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
. "$(dirname "$0")/suite-lib.bash"
dir="$CX_BUILD-asan"
if ! cx_build "$dir" -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false -Ddocs=disabled; then
    echo "suite: sanitizers passed=0 failed=1"
    exit 0
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export CX_TEST_SANITIZED=1
log=$(mktemp)
meson test -C "$dir" --suite c --print-errorlogs --num-processes 2 >"$log" 2>&1 || tail -n 80 "$log"
rm -f "$log"
suite_meson_counts "$dir" sanitizers
