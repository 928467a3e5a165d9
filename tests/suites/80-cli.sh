# The cx tool end to end: --help and exit codes; cx metric against an
# independent computation; the sample data set generated, imported and
# reported, every figure checked against tests/reference/report_reference.py
# (Python's csv module, scipy, statsmodels); the HTML report opened in
# headless Chromium; kill -9 during an import; a read-only store; a full disk.
. "$(dirname "$0")/suite-lib.bash"

CX=$CX_BUILD/tools/cx/cx
PY=$CX_PYTHON
REF=$CX_ROOT/tests/reference/report_reference.py
work=$(mktemp -d)
mounted=""
cleanup() {
    [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
    chmod -R u+w "$work" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/cli-lib.bash"

if [ ! -x "$CX" ]; then
    echo "cx was not built ($CX)"
    echo "suite: cli passed=0 failed=1"
    exit 0
fi

# ---- help, version, usage errors ------------------------------------------------
for cmd in "" import report metric; do
    expect 0 "cx $cmd --help" "$CX" $cmd --help
    says "$work/out" "usage: cx" "cx $cmd --help shows the usage"
done
expect 0 "cx help report" "$CX" help report
says "$work/out" "--html FILE" "cx help report describes --html"
expect 0 "cx --version" "$CX" --version
says "$work/out" "cx (libcx)" "cx --version names the library"
expect 2 "unknown command: exit 2" "$CX" frobnicate
expect 2 "unknown option: exit 2" "$CX" report --frobnicate
says "$work/err" "unknown option --frobnicate" "unknown option named"
expect 2 "cx import without files: exit 2" "$CX" import -s "$work/x.db"
expect 2 "bad option value: exit 2" "$CX" report --period fortnight
expect 2 "cx without a command: exit 2" "$CX"
# Dates and offsets on the command line are read whole and exactly.
expect 2 "--from a day that does not exist: exit 2" "$CX" report -s "$work/x.db" --from 2025-02-30
expect 2 "--from with text after the offset: exit 2" "$CX" report -s "$work/x.db" --from 2025-01-01T00:00:00+01:00x
printf 'customer_id,touchpoint,timestamp\nc1,home,2025-01-01T08:29:00Z\nc1,cart,2025-01-01T08:31:00Z\n' >"$work/ev.csv"
expect 0 "--from with an offset +hhmm" "$CX" journey --json --from 2025-01-01T10:00:00+0130 "$work/ev.csv"
says "$work/out" '"events": 1' "--from 10:00+0130 is 08:30Z: one of the two events"
printf 'customer_id,touchpoint,timestamp\nc1,home,2025-01-01T10:00:00\n' >"$work/events.csv"
expect 2 "--local-offset with text after it: exit 2" "$CX" import -s "$work/x.db" --local-offset +05:30x "$work/events.csv"
says "$work/err" "--local-offset +05:30x is not an offset" "the bad offset is named"
expect 0 "--local-offset +0530" "$CX" import -q -s "$work/local.db" --local-offset +0530 "$work/events.csv"
# 2025-01-01T10:00 at +05:30 is 04:30Z: 1735689600000 (2025-01-01T00:00Z) + 4.5 x 3600000 ms
[ "$(sqlite3 "$work/local.db" "SELECT timestamp_ms FROM events")" = 1735705800000 ] &&
    ok "--local-offset +0530 shifts by 5 h 30 min" || bad "--local-offset +0530: $(sqlite3 "$work/local.db" "SELECT timestamp_ms FROM events")"

# ---- scripts/lib.sh: the package check of scripts/demo and scripts/test -----------------
run bash -c '. "$1/scripts/lib.sh"; cx_missing_packages' _ "$CX_ROOT"
if grep -q '^$' "$work/out"; then bad "cx_missing_packages lists an empty package name"; else ok "cx_missing_packages lists only names"; fi
if [ ! -s "$work/out" ]; then
    # Everything installed: nothing to do, and no root needed for it.
    cp "$CX_ROOT/scripts/lib.sh" "$CX_ROOT/scripts/packages.txt" "$work/" && mkdir -p "$work/scripts" &&
        mv "$work/lib.sh" "$work/packages.txt" "$work/scripts/" && chmod -R a+rX "$work/scripts" && chmod 0755 "$work"
    as_nobody=()
    [ "$(id -u)" -eq 0 ] && as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    run "${as_nobody[@]}" bash -c '. "$1/scripts/lib.sh"; cx_install_packages' _ "$work"
    [ "$code" -eq 0 ] && ok "cx_install_packages: nothing missing, nothing asked of a user who is not root" ||
        bad "cx_install_packages fails with every package installed"
fi

# ---- cx metric (DESIGN.md contract) against Python -----------------------------------
metric_check() { # metric_check KIND NUMBERS [OPTIONS...]
    local kind=$1 numbers=$2
    shift 2
    printf '%b' "$numbers" | "$CX" metric "$kind" --json "$@" >"$work/metric.json" 2>"$work/err"
    "$PY" - "$REF" "$kind" "$work/metric.json" "$numbers" "$@" <<'PY'
import importlib.util, json, sys
import numpy as np
from scipy import stats
spec = importlib.util.spec_from_file_location("ref", sys.argv[1])
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
kind, got = sys.argv[2], json.load(open(sys.argv[3]))
values = [float(x) for x in sys.argv[4].replace("\\n", "\n").split()]
if "--confidence" in sys.argv:
    ref.Z = stats.norm.ppf(0.5 + float(sys.argv[sys.argv.index("--confidence") + 1]) / 2)
if kind == "duration":
    want = {"value": float(np.median(values)), "p90": float(np.quantile(values, 0.9)), "count": len(values)}
else:
    want = ref.CALC[kind](values)
for k, v in want.items():
    if abs(got[k] - v) > 1e-9 * max(1, abs(v)):
        sys.exit("%s %s: cx %r, Python %r" % (kind, k, got[k], v))
PY
}
for spec in "nps|10\n9\n8\n7\n6\n0\n10\n3\n9\n5\n" "csat|5\n4\n4\n3\n1\n5\n2\n4\n" "ces|7\n6\n5\n5\n3\n7\n2\n" \
            "fcr|1\n1\n0\n1\n1\n0\n1\n" "duration|30\n45\n600\n12\n3600\n90\n"; do
    kind=${spec%%|*}
    if metric_check "$kind" "${spec#*|}"; then ok "cx metric $kind equals the Python reference"; else bad "cx metric $kind"; fi
done
if metric_check nps "10\n9\n8\n7\n6\n0\n10\n3\n9\n5\n" --confidence 0.9; then
    ok "cx metric nps --confidence 0.9 equals the Python reference"
else
    bad "cx metric nps --confidence 0.9"
fi
run bash -c "printf '9\n# a comment\n\n10\n' | '$CX' metric nps"
[ "$code" -eq 0 ] && grep -q "NPS 100.00" "$work/out" && ok "cx metric skips blank and comment lines" || bad "cx metric text output"
expect 3 "cx metric: a line that is not a number: exit 3" bash -c "printf '9\nabc\n' | '$CX' metric nps"
says "$work/err" 'stdin:2: "abc" is not a number' "the bad line is named"
expect 3 "cx metric: off the scale: exit 3" bash -c "printf '11\n' | '$CX' metric nps"
says "$work/err" "stdin:1: score 11 is outside the NPS scale 0..10" "the scale is named"
expect 5 "cx metric: no numbers: exit 5" bash -c "printf '\n' | '$CX' metric ces"
expect 2 "cx metric: unknown metric: exit 2" bash -c "echo 1 | '$CX' metric happiness"

# ---- the sample data set -------------------------------------------------------------
sample=$CX_BUILD/sample
cli_sample && ok "sample ready ($sample)" || bad "sample generator"
"$PY" "$CX_ROOT/examples/data/generate.py" --customers 150 --out "$work/g1" >/dev/null &&
    "$PY" "$CX_ROOT/examples/data/generate.py" --customers 150 --out "$work/g2" >/dev/null &&
    diff -r "$work/g1" "$work/g2" >/dev/null && ok "the generator is deterministic (same seed, same bytes)" ||
    bad "the generator is not deterministic"

store=$work/shop.db
files=("$sample/touchpoints.csv" "$sample/customers.csv" "$sample/events.csv" "$sample/answers.csv"
       "$sample/tickets.csv" "$sample/ticket_events.csv" "$sample/comments.jsonl")
expect 0 "cx import of the sample" "$CX" import -s "$store" "${files[@]}"
says "$work/out" "events.csv -> events:" "the import summary names files and tables"
checksum() {
    sqlite3 "$store" "SELECT count(*), total(length(event_id)), total(timestamp_ms) FROM events;
        SELECT count(*), total(score), total(length(comment)) FROM answers; SELECT count(*) FROM customers;
        SELECT count(*), total(opened_ms) FROM tickets; SELECT count(*) FROM ticket_events;
        SELECT count(*), total(length(text)) FROM comments; SELECT count(*) FROM touchpoints;"
}
before=$(checksum)
expect 0 "cx import of the sample again" "$CX" import --json -s "$store" "${files[@]}"
"$PY" -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; \
sys.exit(0 if len(r)==7 and all(x['inserted']==0 and x['updated']==0 and x['unchanged']==x['rows_read'] for x in r) else 1)" \
    "$work/out" && ok "re-import: nothing new, nothing updated" || bad "re-import wrote rows: $(cat "$work/out")"
[ "$(checksum)" = "$before" ] && ok "re-import: the store's data is unchanged" || bad "re-import changed the data"
sqlite3 "$store" "PRAGMA integrity_check" | grep -qx ok && ok "integrity_check ok after the import" || bad "integrity"

# ---- the report against the reference ---------------------------------------------------
expect 0 "cx report --json" "$CX" report -s "$store" --json
cp "$work/out" "$work/report.json"
run "$PY" "$REF" "$sample" "$work/report.json"
[ "$code" -eq 0 ] && ok "report figures equal the reference ($(tail -n 1 "$work/out"))" ||
    { bad "report figures differ from the reference"; grep FAIL "$work/out" | head -n 10; }
"$PY" - "$work/report.json" "$work/tampered.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["sections"]["scores"]["nps"]["overall"]["value"] += 0.01
json.dump(r, open(sys.argv[2], "w"))
PY
run "$PY" "$REF" "$sample" "$work/tampered.json"
[ "$code" -eq 1 ] && ok "the reference check catches a tampered figure" || bad "a tampered report passed the reference check"
expect 0 "cx report --json --period week" "$CX" report -s "$store" --json --period week
cp "$work/out" "$work/weekly.json"
run "$PY" "$REF" "$sample" "$work/weekly.json" --period=week
[ "$code" -eq 0 ] && ok "weekly trends equal the reference ($(tail -n 1 "$work/out"))" || bad "weekly trends differ"
expect 0 "cx report (terminal)" "$CX" report -s "$store"
for section in "Overview" "Scores over time" "Answers by touchpoint and channel" "Service: tickets" "Activity: events"; do
    says "$work/out" "$section" "terminal report has \"$section\""
done
says "$work/out" "hotline" "the detractor-heavy touchpoint is listed"

# ---- the HTML report in headless Chromium ---------------------------------------------------
expect 0 "cx report --html" "$CX" report -s "$store" -q --html "$work/report.html"
run "$PY" "$CX_ROOT/tests/cli/check_html.py" "$work/report.html" "$work/report.png" 7
cat "$work/out"
[ "$code" -eq 0 ] && ok "HTML report: Chromium, no console errors, SVG charts, screenshot not blank" ||
    bad "HTML report checks in Chromium"
# Red is the bad side: the detractors' terms in the keyword chart, the
# negative NPS of a touchpoint; promoters' terms and positive NPS are blue.
"$PY" - "$work/report.html" <<'PY' && ok "HTML charts draw the bad side red" || bad "HTML chart colours"
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
def bars(section):
    html = re.search(r'<section id="%s">(.*?)</section>' % section, page, re.S).group(1)
    chart = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    return [(float(v), c == " neg") for c, v in re.findall(r'<rect class="bar( neg)?"[^>]*><title>[^<]*: (-?[0-9.]+)', chart)]
kw = bars("keywords")  # z > 0: detractors' terms
tp = bars("touchpoints")  # NPS by touchpoint
ok = kw and tp and all(red == (z > 0) for z, red in kw) and all(red == (v < 0) for v, red in tp)
sys.exit(0 if ok else "keywords %s touchpoints %s" % (kw[:3], tp[:3]))
PY
# The keyword table (issue 9): each listed term of both groups in a table
# cell, with its z and counts as in the JSON report.
"$PY" - "$work/report.html" "$work/report.json" <<'PY' && ok "HTML keyword table" || bad "HTML keyword table"
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
section = re.search(r'<section id="keywords">(.*?)</section>', page, re.S).group(1)
tables = [t for t in re.findall(r"<table>.*?</table>", section, re.S) if "detractors write" in t]
kw = json.load(open(sys.argv[2]))["sections"]["keywords"]
rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in re.findall(r"<tr>(.*?)</tr>", tables[0])] if tables else []
want = [t["term"] for t in kw["detractor_terms"]] + [t["term"] for t in kw["promoter_terms"]]
got = [c for r in rows for c in r]
sys.exit(0 if want and all(t in got for t in want) else "terms %s, cells %s" % (want[:4], got[:8]))
PY
run "$PY" "$CX_ROOT/tests/cli/check_html.py" --self-test "$work"
[ "$code" -eq 0 ] && ok "the Chromium checks fail a broken page" || bad "Chromium self-test: $(tail -n 1 "$work/out")"
expect 4 "cx report --html /dev/full: exit 4" "$CX" report -s "$store" -q --html /dev/full
says "$work/err" "No space left on device" "a full output device is named"
# Every command's output to a full device fails with exit 4, not silently.
cp "$sample/touchpoints.csv" "$work/touchpoints.csv"
for cmd in "metric nps" "sentiment" "calendar --calendar $CX_ROOT/examples/data/calendar.json 2025-03-07T16:00:00+01:00 2025-03-10T10:00:00+01:00" \
           "import -s $work/full-out.db $work/touchpoints.csv" "report -s $store" "journey -s $store" "risk -s $store" \
           "service -s $store" "lifetime -s $store"; do
    # shellcheck disable=SC2086
    run bash -c 'echo 9 | "$0" "$@" >/dev/full' "$CX" $cmd
    [ "$code" -eq 4 ] && grep -q "writing to standard output failed: No space left on device" "$work/err" &&
        ok "cx ${cmd%% *} >/dev/full: exit 4, named" || bad "cx ${cmd%% *} >/dev/full: exit $code"
done

# ---- bad input, exit codes ------------------------------------------------------------------
mkdir -p "$work/in"
printf 'customer_id,touchpoint,timestamp\nc1,home,2025-01-01T00:00:00Z\nc2,home,2025-13-01T00:00:00Z\n' >"$work/in/events.csv"
expect 3 "a bad row: exit 3" "$CX" import -s "$work/bad.db" "$work/in/events.csv"
says "$work/err" "events.csv:3:3 (timestamp): \"2025-13-01T00:00:00Z\" is not a valid time: month 13 is outside 1..12" \
    "the error names file, line, column and reason"
says "$work/err" "nothing of this file was written" "the error says what was written"
expect 0 "--skip-bad: exit 0" "$CX" import -s "$work/bad.db" --skip-bad "$work/in/events.csv"
says "$work/out" "1 rejected" "--skip-bad counts the rejected row"
says "$work/in/events.rejects.csv" "cx_line,cx_error" "the reject file has the reason columns"
expect 4 "a missing file: exit 4" "$CX" import -s "$work/bad.db" "$work/in/nothing.csv"
cp "$work/in/events.csv" "$work/in/orders.csv"
expect 2 "a file named after no table: exit 2" "$CX" import -s "$work/bad.db" "$work/in/orders.csv"
says "$work/err" "cannot tell the table" "the naming rule is explained"
sqlite3 "$work/bad.db" "PRAGMA user_version = 99"
expect 6 "a store of a newer schema: exit 6" "$CX" report -s "$work/bad.db"
expect 3 "a file that is not a store: exit 3" "$CX" report -s "$work/in/events.csv"
expect 4 "a store that does not exist: exit 4" "$CX" report -s "$work/none.db"

# ---- kill -9 during an import -------------------------------------------------------------------
total=$(($(wc -l <"$sample/events.csv") - 1))
killed_mid_import=0
for pause in 0.6 1.1 1.7; do
    kstore=$work/kill-$pause.db
    "$PY" "$CX_ROOT/tests/cli/slow_feed.py" "$sample/events.csv" 500 0.02 |
        "$CX" import -q -s "$kstore" --table events --batch-size 1000 - 2>/dev/null &
    pid=$!
    sleep "$pause"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    integrity=$(sqlite3 "$kstore" "PRAGMA integrity_check" 2>&1)
    n=$(sqlite3 "$kstore" "SELECT count(*) FROM events" 2>&1)
    last=$(sqlite3 "$kstore" "SELECT max(event_id) FROM events" 2>&1)
    [ "$n" -gt 0 ] 2>/dev/null && killed_mid_import=$((killed_mid_import + 1))
    if [ "$integrity" = ok ] && [ $((n % 1000)) -eq 0 ] && { [ "$n" -eq 0 ] || [ "$last" = "$(printf 'E%07d' "$n")" ]; }; then
        ok "kill -9 after ${pause}s: integrity ok, $n rows = whole batches, the file's first $n rows"
    else
        bad "kill -9 after ${pause}s: integrity '$integrity', $n rows, last id $last"
    fi
    run "$CX" import -q -s "$kstore" "$sample/events.csv"
    n2=$(sqlite3 "$kstore" "SELECT count(*) FROM events")
    [ "$code" -eq 0 ] && [ "$n2" -eq "$total" ] && ok "import after the kill completes the store ($n2 rows)" ||
        bad "import after the kill: exit $code, $n2 of $total rows"
done
[ "$killed_mid_import" -gt 0 ] && ok "$killed_mid_import of 3 kills hit an import with batches committed" ||
    bad "no kill hit a running import (the machine may be too slow for the pauses)"

# ---- a read-only store ---------------------------------------------------------------------------
mkdir -p "$work/ro"
cp "$store" "$work/ro/shop.db"
chmod 0444 "$work/ro/shop.db"
chmod 0755 "$work/ro" "$work"
as_user=()
ro_cx=$CX
ro_csv=$sample/touchpoints.csv
if [ "$(id -u)" -eq 0 ]; then
    # As root file modes do not apply: run as nobody, with a copy of cx and
    # libcx it can reach whatever the build directory's permissions are.
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env "LD_LIBRARY_PATH=$work/ro-bin")
    mkdir -p "$work/ro-bin"
    cp "$CX" "$work/ro-bin/cx"
    cp -L "$CX_BUILD/lib/libcx.so.1" "$work/ro-bin/"
    cp "$sample/touchpoints.csv" "$work/ro-bin/"
    chmod -R a+rX "$work/ro-bin"
    ro_cx=$work/ro-bin/cx
    ro_csv=$work/ro-bin/touchpoints.csv
fi
expect 4 "import into a read-only store: exit 4" "${as_user[@]}" "$ro_cx" import -s "$work/ro/shop.db" "$ro_csv"
says "$work/err" "is read-only" "the read-only store is named"
expect 0 "report from a read-only store" "${as_user[@]}" "$ro_cx" report -s "$work/ro/shop.db" --json
cmp -s <("$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); r['sections']['overview'].pop('store'); print(json.dumps(r['sections'], sort_keys=True))" "$work/out") \
       <("$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); r['sections']['overview'].pop('store'); print(json.dumps(r['sections'], sort_keys=True))" "$work/report.json") &&
    ok "the read-only store reports the same figures" || bad "read-only report differs"

# ---- a full disk ----------------------------------------------------------------------------------
full_disk_check() { # full_disk_check NAME STORE CMD-PREFIX...
    local name=$1 fstore=$2
    shift 2
    run "$@" "$CX" import -q -s "$fstore" --batch-size 10000 "$sample/events.csv"
    local n integrity
    integrity=$(sqlite3 "$fstore" "PRAGMA integrity_check" 2>&1)
    n=$(sqlite3 "$fstore" "SELECT count(*) FROM events" 2>&1)
    if [ "$code" -eq 4 ]; then
        ok "$name: exit 4 ($(head -n 1 "$work/err" | cut -c1-110))"
    else
        bad "$name: exit $code"
    fi
    [ "$integrity" = ok ] && [ $((n % 10000)) -eq 0 ] && ok "$name: the store stays consistent ($n rows, whole batches)" ||
        bad "$name: integrity '$integrity', $n rows"
}
mkdir -p "$work/small"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=3m tmpfs "$work/small" 2>/dev/null; then
    mounted=$work/small
    full_disk_check "a full disk (3 MiB tmpfs)" "$work/small/full.db"
    says "$work/err" "disk full" "a full disk is called so"
    umount "$work/small" && mounted=""
else
    echo "(no tmpfs for a real full disk here; the file-size limit below stands in)"
fi
full_disk_check "a file size limit (ulimit -f)" "$work/limited.db" bash -c 'trap "" XFSZ; ulimit -f 3000; exec "$0" "$@"'

echo "suite: cli passed=$passed failed=$failed"
