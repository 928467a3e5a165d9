# Helpers for the suites that run the cx tool. Source it after suite-lib.bash;
# it needs $work (a scratch folder) and counts into $passed and $failed.
# shellcheck shell=bash

passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok $1"; }
bad() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [ -s "$work/err" ] && sed 's/^/    /' "$work/err" | tail -n 8
    return 0
}
# run CMD...: runs with stdout in $work/out and stderr in $work/err; sets $code.
run() {
    "$@" >"$work/out" 2>"$work/err"
    code=$?
}
# expect CODE NAME CMD...: the command exits with CODE.
expect() {
    local want=$1 name=$2
    shift 2
    run "$@"
    if [ "$code" -eq "$want" ]; then ok "$name"; else bad "$name (exit $code, expected $want)"; fi
}
# says FILE FRAGMENT NAME: FILE contains FRAGMENT.
says() {
    if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: \"$2\" not in $(basename "$1"): $(head -c 300 "$1")"; fi
}
# checked NAME CMD...: a checker script passes (its last line is shown).
checked() {
    local name=$1
    shift
    run "$@"
    if [ "$code" -eq 0 ]; then
        ok "$name ($(tail -n 1 "$work/out"))"
    else
        bad "$name"
        grep FAIL "$work/out" | head -n 10
    fi
}

# The sample data set of examples/data/generate.py in $CX_BUILD/sample,
# generated once per version of the generator (shared with 80-cli).
cli_sample() {
    local sample=$CX_BUILD/sample stamp
    stamp=$(sha256sum "$CX_ROOT/examples/data/generate.py" | cut -c1-16)
    if [ "$(cat "$sample/.stamp" 2>/dev/null)" != "$stamp" ]; then
        "$CX_PYTHON" "$CX_ROOT/examples/data/generate.py" --out "$sample" >/dev/null || return 1
        echo "$stamp" >"$sample/.stamp"
    fi
}
