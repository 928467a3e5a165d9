# Every benchmark runs once at small sizes (CX_BENCH_QUICK=1) and must finish
# cleanly; scripts/bench runs them at full size.
. "$(dirname "$0")/suite-lib.bash"
log=$(mktemp)
CX_BENCH_QUICK=1 meson test -C "$CX_BUILD" --benchmark --num-processes 1 >"$log" 2>&1 || tail -n 60 "$log"
rm -f "$log"
suite_meson_counts "$CX_BUILD" bench-smoke
