# Coverage-guided fuzzing of the blob readers with libFuzzer (clang), under
# AddressSanitizer and UndefinedBehaviorSanitizer, for a fixed time budget
# (CX_FUZZ_SECONDS, default 60), starting from real blobs.
. "$(dirname "$0")/suite-lib.bash"
seconds=${CX_FUZZ_SECONDS:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! command -v clang >/dev/null; then
    echo "clang is missing"; echo "suite: fuzz passed=0 failed=1"; exit 0
fi
# The calculator and group code the blob readers run through.
srcs=""
for f in alloc blob civil error group hashmap metric metric_blob metric_count metric_stats sketch sort stats utf8 version; do
    srcs="$srcs $CX_ROOT/lib/$f.c"
done
inc="-I$CX_ROOT/include -I$CX_BUILD/include -I$CX_ROOT/lib"
passed=0 failed=0
# shellcheck disable=SC2086
if clang -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fvisibility=hidden \
        -D_POSIX_C_SOURCE=200809L $inc $srcs "$CX_ROOT/tests/fuzz/fuzz_blob.c" -lm -o "$work/fuzz_blob" \
        >"$work/build.log" 2>&1 \
   && clang -std=c11 -O1 $inc $srcs "$CX_ROOT/tests/fuzz/make_seeds.c" -lm -o "$work/make_seeds" >>"$work/build.log" 2>&1; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); tail -20 "$work/build.log"
fi
if [ "$failed" -eq 0 ]; then
    mkdir -p "$work/corpus"
    "$work/make_seeds" "$work/corpus"
    # Inputs that once failed stay in the corpus as regressions.
    cp "$CX_ROOT"/tests/fuzz/regressions/* "$work/corpus/" 2>/dev/null
    if "$work/fuzz_blob" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
            -artifact_prefix="$work/" "$work/corpus" \
            >"$work/fuzz.log" 2>&1; then
        passed=$((passed + 1))
        grep -E "stat::number_of_executed_units|cov:" "$work/fuzz.log" | tail -2
    else
        failed=$((failed + 1)); tail -40 "$work/fuzz.log"
    fi
fi
echo "suite: fuzz passed=$passed failed=$failed"
