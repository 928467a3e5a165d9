# cx journey, cx risk, cx lifetime and the report's journey and risk
# sections, end to end: every figure checked against an independent
# computation in plain Python (tests/reference/cli_journey_reference.py,
# cli_risk_reference.py, cli_lifetime_reference.py) or a publication; the
# HTML report in headless Chromium; --help and the error exits; the same
# commands under AddressSanitizer when suite 20 has built that copy.
. "$(dirname "$0")/suite-lib.bash"

CX=$CX_BUILD/tools/cx/cx
PY=$CX_PYTHON
REFS=$CX_ROOT/tests/reference
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok $1"; }
bad() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [ -s "$work/err" ] && sed 's/^/    /' "$work/err" | tail -n 8
    return 0
}
run() {
    "$@" >"$work/out" 2>"$work/err"
    code=$?
}
expect() { # expect CODE NAME CMD...
    local want=$1 name=$2
    shift 2
    run "$@"
    if [ "$code" -eq "$want" ]; then ok "$name"; else bad "$name (exit $code, expected $want)"; fi
}
says() { # says FILE FRAGMENT NAME
    if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: \"$2\" not in $(basename "$1"): $(head -c 300 "$1")"; fi
}
# reference NAME SCRIPT ARGS...: an independent check passes (its FAIL lines shown).
reference() {
    local name=$1
    shift
    run "$PY" "$@"
    if [ "$code" -eq 0 ]; then ok "$name ($(grep -c '^ok' "$work/out") checks)"; else bad "$name"; grep FAIL "$work/out" | head -n 8; fi
}

if [ ! -x "$CX" ]; then
    echo "cx was not built ($CX)"
    echo "suite: cli-journey-risk passed=0 failed=1"
    exit 0
fi

# ---- help and usage ------------------------------------------------------------------
for cmd in journey risk lifetime; do
    expect 0 "cx $cmd --help" "$CX" $cmd --help
    says "$work/out" "usage: cx $cmd" "cx $cmd --help shows the usage"
    says "$work/out" "Exit codes:" "cx $cmd --help lists the exit codes"
done
expect 0 "cx --help" "$CX" --help
for cmd in journey risk lifetime; do says "$work/out" "  $cmd " "cx --help lists $cmd"; done
expect 0 "cx help lifetime" "$CX" help lifetime
says "$work/out" "--calibration-end" "cx help lifetime describes --calibration-end"

# ---- cx journey --json against Python -----------------------------------------------------
events=$work/events.csv
"$PY" "$REFS/cli_journey_reference.py" generate "$events"
expect 0 "cx journey --json EVENTS.csv" "$CX" journey --json "$events"
cp "$work/out" "$work/journey.json"
reference "cx journey --json equals plain Python (one journey per customer)" \
    "$REFS/cli_journey_reference.py" check-json "$events" "$work/journey.json"
expect 0 "cx journey --json --gap 2h" "$CX" journey --json --gap 2h "$events"
cp "$work/out" "$work/journey-gap.json"
reference "cx journey --json --gap 2h equals plain Python" \
    "$REFS/cli_journey_reference.py" check-json "$events" "$work/journey-gap.json" 7200000
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); d['variants'][3]['count'] += 1; json.dump(d, open(sys.argv[2], 'w'))" \
    "$work/journey.json" "$work/tampered.json"
run "$PY" "$REFS/cli_journey_reference.py" check-json "$events" "$work/tampered.json"
[ "$code" -eq 1 ] && ok "the journey reference catches a tampered count" || bad "a tampered journey passed"
run bash -c "'$CX' journey --json - < '$events'"
cmp -s "$work/out" "$work/journey.json" && ok "cx journey --json - reads standard input alike" || bad "stdin differs"
sed '1s/.*/user,tp,ts/' "$events" >"$work/renamed.csv"
expect 0 "cx journey --map" "$CX" journey --json -m customer_id=user,touchpoint=tp,timestamp=ts "$work/renamed.csv"
cmp -s "$work/out" "$work/journey.json" && ok "--map reads other column names alike" || bad "--map output differs"
expect 0 "cx journey EVENTS.csv (text)" "$CX" journey "$events"
says "$work/out" "Most frequent paths" "the text lists the paths"

# ---- cx journey errors ---------------------------------------------------------------------
printf 'customer_id,touchpoint,timestamp\nc1,ad,2025-01-01T00:00:00Z\nc1,web,2025-13-01T00:00:00Z\n' >"$work/bad.csv"
expect 3 "journey: a bad time: exit 3" "$CX" journey --json "$work/bad.csv"
says "$work/err" "bad.csv:3:3 (timestamp)" "the bad row's line and column are named"
printf 'customer_id,touchpoint\nc1,ad\n' >"$work/nocol.csv"
expect 3 "journey: a missing column: exit 3" "$CX" journey --json "$work/nocol.csv"
says "$work/err" 'column "timestamp" is missing' "the missing column is named"
printf 'customer_id,touchpoint,timestamp\n' >"$work/empty.csv"
expect 5 "journey: no events: exit 5" "$CX" journey --json "$work/empty.csv"
expect 4 "journey: a missing file: exit 4" "$CX" journey --json "$work/none.csv"
expect 2 "journey: a bad --gap: exit 2" "$CX" journey --gap 7x "$events"
says "$work/err" "--gap 7x is not a duration" "the bad gap is named"
expect 2 "journey: --stages with a file: exit 2" "$CX" journey --stages a,b "$events"
expect 2 "journey: a file and a store: exit 2" "$CX" journey -s "$work/x.db" "$events"

# ---- the sample store ------------------------------------------------------------------------
sample=$CX_BUILD/sample
stamp=$(sha256sum "$CX_ROOT/examples/data/generate.py" | cut -c1-16)
if [ "$(cat "$sample/.stamp" 2>/dev/null)" != "$stamp" ]; then
    "$PY" "$CX_ROOT/examples/data/generate.py" --out "$sample" >/dev/null && echo "$stamp" >"$sample/.stamp"
fi
store=$work/shop.db
expect 0 "cx import of the sample" "$CX" import -q -s "$store" "$sample/touchpoints.csv" "$sample/customers.csv" \
    "$sample/events.csv" "$sample/answers.csv" "$sample/tickets.csv" "$sample/ticket_events.csv" "$sample/comments.jsonl"

expect 0 "cx journey -s STORE (text)" "$CX" journey -s "$store"
for part in "Funnel" "(goal)" "Bottlenecks" "Slowest transitions"; do says "$work/out" "$part" "cx journey -s shows \"$part\""; done
expect 0 "cx journey -s --dot" "$CX" journey -s "$store" --dot --collapse
says "$work/out" "digraph" "--dot prints a Graphviz graph"
expect 2 "journey: an unknown goal: exit 2" "$CX" journey -s "$store" --goal nowhere
says "$work/err" 'goal "nowhere" is not a stage (stages: discover consider checkout buy receive support)' \
    "the unknown goal is named with the stages"
expect 0 "cx journey -s --stages --goal" "$CX" journey -s "$store" --stages discover,checkout,buy --goal buy --json
"$PY" -c "import json,sys; f=json.load(open(sys.argv[1]))['funnel']; sys.exit(0 if [s['stage'] for s in f]==['discover','checkout','buy'] and f[2]['goal'] else 1)" \
    "$work/out" && ok "--stages and --goal shape the funnel" || bad "--stages/--goal"

# ---- cx lifetime -------------------------------------------------------------------------------
expect 0 "cx lifetime --json CDNOW" "$CX" lifetime --json "$CX_ROOT/tests/data/cdnow/cdnow_customers_summary.csv"
cp "$work/out" "$work/cdnow.json"
reference "cx lifetime --json reproduces the published CDNOW fit" "$REFS/cli_lifetime_reference.py" cdnow "$work/cdnow.json"
expect 0 "cx lifetime with monetary values" "$CX" lifetime -k 3 \
    "$CX_ROOT/tests/data/cdnow/cdnow_customers_summary_with_transactions.csv"
says "$work/out" "Gamma-Gamma spend" "monetary values add the spend model"
expect 0 "cx lifetime -s --calibration-end" "$CX" lifetime -s "$store" --calibration-end 2025-09-30 --json -k 15
cp "$work/out" "$work/lifetime-store.json"
reference "store summaries, P(alive) and expected purchases equal Python and scipy" \
    "$REFS/cli_lifetime_reference.py" store "$sample" "$work/lifetime-store.json" 2025-09-30 52
printf 'customer_id,frequency,recency\n1,2,3\n' >"$work/lt-nocol.csv"
expect 3 "lifetime: a missing column: exit 3" "$CX" lifetime "$work/lt-nocol.csv"
says "$work/err" 'lt-nocol.csv:1: the column "T" is missing' "the missing column is named"
printf 'customer_id,frequency,recency,T\n1,2,3,4\n2,1,5,4\n' >"$work/lt-range.csv"
expect 3 "lifetime: recency after T: exit 3" "$CX" lifetime "$work/lt-range.csv"
says "$work/err" "lt-range.csv:3: recency 5 is after T 4" "the bad line is named"
printf 'customer_id,frequency,recency,T\n1,two,3,4\n' >"$work/lt-nan.csv"
expect 3 "lifetime: not a number: exit 3" "$CX" lifetime "$work/lt-nan.csv"
says "$work/err" 'frequency "two" is not a number' "the bad field is named"
printf 'customer_id,frequency,recency,T\n' >"$work/lt-empty.csv"
expect 5 "lifetime: no customers: exit 5" "$CX" lifetime "$work/lt-empty.csv"
expect 4 "lifetime: a missing file: exit 4" "$CX" lifetime "$work/none.csv"
expect 2 "lifetime: --calibration-end with a file: exit 2" "$CX" lifetime --calibration-end 2025-01-01 "$work/lt-range.csv"
expect 2 "lifetime: a bad --period: exit 2" "$CX" lifetime --period fortnight -s "$store"

# ---- cx risk -----------------------------------------------------------------------------------
expect 0 "cx risk --json" "$CX" risk -s "$store" --json -k 40
cp "$work/out" "$work/risk.json"
reference "cx risk: the reasons agree with the sample's files" "$REFS/cli_risk_reference.py" "$sample" "$work/risk.json"
expect 0 "cx risk --as-of (a replay)" "$CX" risk -s "$store" --json -k 40 --as-of 2025-09-30T12:00:00Z
cp "$work/out" "$work/risk-past.json"
reference "cx risk --as-of: the reasons agree with the files up to then" \
    "$REFS/cli_risk_reference.py" "$sample" "$work/risk-past.json"
"$PY" - "$work/risk.json" "$work/risk-tampered.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["top"]:
    for r in c["reasons"]:
        if r["rule"] == "purchases.overdue":
            r["input"] *= 1.01
            json.dump(d, open(sys.argv[2], "w"))
            sys.exit(0)
PY
run "$PY" "$REFS/cli_risk_reference.py" "$sample" "$work/risk-tampered.json"
[ "$code" -eq 1 ] && ok "the risk reference catches a tampered input" || bad "a tampered risk input passed"
expect 0 "cx risk (text)" "$CX" risk -s "$store" -k 5
says "$work/out" "customers scored" "the text says how many were scored"
plugin=$(find "$CX_BUILD/examples/plugins" -name 'libcx_example_rules.so' 2>/dev/null | head -n 1)
if [ -n "$plugin" ]; then
    expect 0 "cx risk --plugin" "$CX" risk -s "$store" --json -k 3 --plugin "$plugin"
    "$PY" -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))['rules'] > 8 else 1)" "$work/out" &&
        ok "the plugin's rules join the built-in ones" || bad "the plugin's rules are missing"
    expect 2 "risk: the same plugin twice: exit 2" "$CX" risk -s "$store" --plugin "$plugin" --plugin "$plugin"
    says "$work/err" "already has a rule" "the repeated rule is named"
else
    bad "the example plugin was not built"
fi
expect 2 "risk: a missing plugin: exit 2" "$CX" risk -s "$store" --plugin "$work/none.so"
says "$work/err" "none.so" "the missing plugin is named"
expect 2 "risk: a bad --top: exit 2" "$CX" risk -s "$store" --top 0
expect 2 "risk: a bad --as-of: exit 2" "$CX" risk -s "$store" --as-of yesterday
expect 2 "risk: an unexpected argument: exit 2" "$CX" risk -s "$store" extra
expect 4 "risk: a missing store: exit 4" "$CX" risk -s "$work/none.db"
"$CX" import -q -s "$work/bare.db" "$sample/touchpoints.csv" >/dev/null 2>&1
expect 5 "risk: a store without customer events: exit 5" "$CX" risk -s "$work/bare.db"
says "$work/err" "holds no customer events" "the empty store is explained"
expect 5 "lifetime: a store without purchases: exit 5" "$CX" lifetime -s "$work/bare.db"
says "$work/err" "no purchases" "the missing purchases are named"
expect 0 "cx report on a store without events" "$CX" report -s "$work/bare.db" --json
"$PY" -c "import json,sys; s=json.load(open(sys.argv[1]))['sections']; \
sys.exit(0 if s['journey']['edges']==[] and s['journey']['cases']==0 and s['risk']['top']==[] else 1)" "$work/out" &&
    ok "an empty store gives empty journey and risk sections" || bad "empty store sections"

# ---- the report's journey and risk sections --------------------------------------------------------
expect 0 "cx report --json" "$CX" report -s "$store" --json
cp "$work/out" "$work/report.json"
reference "report, section journey: funnel, transitions and bottlenecks equal plain Python" \
    "$REFS/cli_journey_reference.py" check-report "$sample" "$work/report.json"
"$PY" - "$work/report.json" "$work/risk.json" <<'PY' && ok "report, section risk: the customers and scores of cx risk" || bad "report risk section"
import json, sys
s, r = json.load(open(sys.argv[1]))["sections"]["risk"], json.load(open(sys.argv[2]))
top = [(c["customer_id"], c["score"]) for c in s["top"]]
sys.exit(0 if len(top) == 10 and top == [(c["customer_id"], c["score"]) for c in r["top"][:10]]
         and all(c["reasons"] for c in s["top"]) and s["scored"] == r["scored"] else 1)
PY
expect 0 "cx report (terminal)" "$CX" report -s "$store"
for part in "Journeys: funnel, graph and bottlenecks" "bottlenecks:" "Customers at risk"; do
    says "$work/out" "$part" "terminal report has \"$part\""
done
expect 0 "cx report --html" "$CX" report -s "$store" -q --html "$work/report.html"
run "$PY" "$CX_ROOT/tests/cli/check_html.py" "$work/report.html" "$work/report.png" 10
[ "$code" -eq 0 ] && ok "HTML report in Chromium: no console errors, 10+ SVG charts, not blank" ||
    { bad "HTML report checks in Chromium"; cat "$work/out"; }
"$PY" - "$work/report.html" <<'PY' && ok "HTML: the journey graph with its red bottleneck, the risk chart and reasons" || bad "HTML sections"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
j = re.search(r'<section id="journey">(.*?)</section>', h, re.S)
r = re.search(r'<section id="risk">(.*?)</section>', h, re.S)
ok = j and r and j.group(1).count("<svg") == 2 and "#e15759" in j.group(1) and "bottleneck web_search" in j.group(1)
ok = ok and r.group(1).count("<svg") == 1 and r.group(1).count("<li>") >= 10 and "<script" not in h
sys.exit(0 if ok else 1)
PY

# ---- under AddressSanitizer (the copy suite 20 builds) ------------------------------------------------
ASAN_CX=$CX_BUILD-asan/tools/cx/cx
if [ -x "$ASAN_CX" ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    for args in "journey --json $events" "journey -s $store" "risk -s $store --json -k 40" \
                "lifetime --json $CX_ROOT/tests/data/cdnow/cdnow_customers_summary_with_transactions.csv" \
                "lifetime -s $store --calibration-end 2025-09-30" "report -s $store -q --html $work/asan.html"; do
        # shellcheck disable=SC2086
        expect 0 "ASan/UBSan: cx ${args:0:48}" "$ASAN_CX" $args
    done
    expect 3 "ASan/UBSan: a bad row" "$ASAN_CX" journey --json "$work/bad.csv"
    expect 3 "ASan/UBSan: a bad summary" "$ASAN_CX" lifetime "$work/lt-range.csv"
else
    echo "(no sanitizer build at $CX_BUILD-asan; suite 20 makes one)"
fi

echo "suite: cli-journey-risk passed=$passed failed=$failed"
