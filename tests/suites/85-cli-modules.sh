# The cx commands of the text and service modules end to end:
#  - cx sentiment against the library through the Python binding (every
#    comment of the sample, Vietnamese, JSON), hand-checked sentences;
#  - cx calendar against tests/data/service/calendars.json;
#  - cx service on sample stores against tests/reference/cli_service_reference.py
#    (Python's csv module, the service and calendar references);
#  - cx report --calendar (business times against the same reference) and the
#    keywords section (tests/cli/check_keywords.py);
#  - --help, and error exits with their messages.
# CX_CLI names another cx binary to test (a sanitizer build's, say).
. "$(dirname "$0")/suite-lib.bash"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/cli-lib.bash"

CX=${CX_CLI:-$CX_BUILD/tools/cx/cx}
PY=$CX_PYTHON
REF=$CX_ROOT/tests/reference/cli_service_reference.py
CAL=$CX_ROOT/examples/data/calendar.json
export CX_LIBRARY=$CX_BUILD/lib/libcx.so.1
export CX_LEXICON_DIR=$CX_ROOT/data/lexicon

if [ ! -x "$CX" ]; then
    echo "cx was not built ($CX)"
    echo "suite: cli-modules passed=0 failed=1"
    exit 0
fi

# ---- help -----------------------------------------------------------------------------
for cmd in sentiment calendar service; do
    expect 0 "cx $cmd --help" "$CX" $cmd --help
    says "$work/out" "usage: cx $cmd" "cx $cmd --help shows the usage"
    says "$work/out" "Exit codes:" "cx $cmd --help lists its exit codes"
    run "$CX" --help
    says "$work/out" "  $cmd " "cx --help lists $cmd"
done

cli_sample && ok "sample data set ready" || bad "sample generator"
sample=$CX_BUILD/sample

# ---- cx sentiment -------------------------------------------------------------------------
"$PY" - "$sample" >"$work/texts.txt" <<'PY'
import csv, json, os, sys
sample = sys.argv[1]
lines = [a["comment"].replace("\r", " ").replace("\n", " ")
         for a in csv.DictReader(open(os.path.join(sample, "answers.csv"), newline="", encoding="utf-8"))]
lines += [json.loads(l)["text"] for l in open(os.path.join(sample, "comments.jsonl"), encoding="utf-8")]
lines += ["no problems", "no complaints", "not the worst", "On hold for an hour!!!", "STILL WAITING",
          "fixed it in minutes :)", "Great product but support never answered", "\U0001F600 love it", ""]
print("\n".join(lines))
PY
printf 'bad \xff\xfe bytes but good service\r\n' >>"$work/texts.txt"
expect 0 "cx sentiment over $(wc -l <"$work/texts.txt") lines (batches of 4096)" "$CX" sentiment <"$work/texts.txt"
cp "$work/out" "$work/sentiment.out"
checked "cx sentiment equals the library through the binding" \
    "$PY" "$CX_ROOT/tests/cli/check_sentiment.py" "$work/texts.txt" "$work/sentiment.out"
expect 0 "cx sentiment --json" "$CX" sentiment --json <"$work/texts.txt"
cp "$work/out" "$work/sentiment.json"
checked "cx sentiment --json equals the library at full precision" \
    "$PY" "$CX_ROOT/tests/cli/check_sentiment.py" "$work/texts.txt" "$work/sentiment.json" --json
# Hand-labelled: negation scopes, service phrases, contrast (docs/text.md).
while IFS='|' read -r text want; do
    label=$(printf '%s\n' "$text" | "$CX" sentiment | cut -f2)
    [ "$label" = "$want" ] && ok "\"$text\" is $want" || bad "\"$text\" is $label, expected $want"
done <<'EOF'
no problems at all|positive
no complaints|positive
not the worst|positive
still waiting for my refund|negative
on hold for an hour|negative
they fixed it in minutes|positive
Great product but support never answered|negative
EOF
printf 'Sản phẩm tốt\nDịch vụ tệ\nGiao hàng nhanh, rất hài lòng\nKhông hài lòng\n' >"$work/vi.txt"
expect 0 "cx sentiment --lang vi" "$CX" sentiment --lang vi <"$work/vi.txt"
cp "$work/out" "$work/vi.out"
[ "$(cut -f2 "$work/vi.out" | tr '\n' ' ')" = "positive negative positive negative " ] &&
    ok "Vietnamese labels: tốt +, tệ -, rất hài lòng +, không hài lòng -" || bad "Vietnamese labels: $(cat "$work/vi.out")"
checked "cx sentiment --lang vi equals the library's Vietnamese lexicon" \
    "$PY" "$CX_ROOT/tests/cli/check_sentiment.py" "$work/vi.txt" "$work/vi.out" --lang vi --lexicon-dir "$CX_LEXICON_DIR"
run bash -c "printf 'Great product but support never answered\n' | '$CX' sentiment --evidence"
[ "$(cut -f3 "$work/out")" != "" ] && says "$work/out" "never answered=" "--evidence names the phrase" ||
    bad "--evidence has no third field"
says "$work/out" "(service,contrast)" "--evidence names the rules"
run bash -c "printf 'Great product\n' | '$CX' sentiment --json --evidence"
"$PY" -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); e=d['evidence'][0]; \
sys.exit(0 if (e['start'], e['end'], e['text']) == (0, 5, 'Great') and 'aspects' in d else 1)" "$work/out" &&
    ok "--json --evidence gives byte spans and aspects" || bad "--json --evidence: $(cat "$work/out")"
expect 0 "no input: exit 0" bash -c "'$CX' sentiment </dev/null"
[ ! -s "$work/out" ] && ok "no input, no output" || bad "output without input"
expect 3 "--strict: invalid UTF-8 is exit 3" bash -c "printf 'fine\nbad \xff byte\nnever read\n' | '$CX' sentiment --strict"
says "$work/err" "stdin:2: invalid UTF-8 at byte offset 4" "--strict names the line and the byte"
[ "$(wc -l <"$work/out")" -eq 1 ] && ok "--strict: the lines before the bad one are printed" || bad "--strict output"
expect 2 "an unknown language: exit 2" bash -c "echo hi | '$CX' sentiment --lang xx"
says "$work/err" "no lexicon for language \"xx\"" "the unknown language is named"
expect 2 "a malformed language code: exit 2" bash -c "echo hi | '$CX' sentiment --lang ../etc"
printf 'word\tgood\tnine\n' >"$work/bad.tsv"
expect 3 "a malformed lexicon file: exit 3" bash -c "echo hi | '$CX' sentiment --lexicon '$work/bad.tsv'"
says "$work/err" "bad.tsv" "the lexicon file is named"
expect 4 "a missing lexicon file: exit 4" bash -c "echo hi | '$CX' sentiment --lexicon '$work/none.tsv'"
expect 2 "an operand: exit 2" "$CX" sentiment text

# ---- cx calendar ----------------------------------------------------------------------------
mkdir -p "$work/cal"
checked "cx calendar equals the calendar vectors" \
    "$PY" "$CX_ROOT/tests/cli/check_calendar.py" "$CX" "$CX_ROOT/tests/data/service/calendars.json" "$work/cal"
grep -q '^ok cx calendar spans: 29' "$work/out" && grep -q '^ok cx calendar additions' "$work/out" &&
    grep -q '^ok cx calendar open_at' "$work/out" && ok "spans, additions and open-at vectors all run" || bad "vectors"
berlin=$work/cal/berlin_split.json
expect 0 "cx calendar FROM TO (text)" "$CX" calendar --calendar "$berlin" 2026-03-27T16:00:00+01:00 2026-03-30T10:00:00+02:00
says "$work/out" "business 9000 s (2.5 h), calendar 234000 s (2.7 d)" "text: Fri 16:00-17:30 + Mon 09:00-10:00 = 9000 s"
expect 0 "cx calendar --open (text)" "$CX" calendar --calendar "$berlin" --open 2026-03-02T12:00:00+01:00
says "$work/out" "closed (opens 2026-03-02T13:00:00+01:00)" "text: closed over lunch, opens at 13:00"
expect 0 "cx calendar --add 2h (text)" "$CX" calendar --calendar "$berlin" --add 2h 2026-03-27T16:00:00+01:00
says "$work/out" "2026-03-30T09:30:00+02:00" "text: 2 business hours from Friday 16:00 is Monday 09:30 CEST"
expect 0 "cx calendar without instants prints the calendar" "$CX" calendar --calendar "$berlin"
cp "$work/out" "$work/cal/again.json"
run "$CX" calendar --calendar "$work/cal/again.json" -j 2026-12-23T08:00:00+01:00 2027-01-04T18:00:00+01:00
# By hand: 7.5 h a weekday; Dec 23, 28, 29, 30 and Jan 4 full (5 x 27000), Dec 24 and 31 09:00-12:00
# (2 x 10800), Dec 25 and Jan 1 holidays: 156600 s.
"$PY" -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))['business_seconds'] == 156600 else 1)" "$work/out" &&
    ok "the printed calendar reads back the same (Dec 23 - Jan 4 with holidays: 156600 s)" || bad "calendar round trip"
expect 4 "a missing calendar file: exit 4" "$CX" calendar --calendar "$work/none.json" 2026-01-01T00:00Z 2026-01-02T00:00Z
says "$work/err" "none.json" "the missing file is named"
printf '{"timezone": "Europe/Berlin", "week": {"mon": [["09:00", "25:00"]]}}' >"$work/cal/bad-time.json"
expect 3 "a malformed calendar: exit 3" "$CX" calendar --calendar "$work/cal/bad-time.json"
says "$work/err" "week.mon[0]" "the place in the calendar file is named"
printf '{"timezone": "Mars/Olympus_Mons", "week": {}}' >"$work/cal/mars.json"
expect 3 "an unknown time zone: exit 3" "$CX" calendar --calendar "$work/cal/mars.json"
says "$work/err" "unknown time zone \"Mars/Olympus_Mons\"" "the unknown zone is named"
printf '{"timezone": "UTC", "week": {"mon": [["09:00", "12:00"], ["11:00", "14:00"]]}}' >"$work/cal/overlap.json"
expect 3 "overlapping intervals: exit 3" "$CX" calendar --calendar "$work/cal/overlap.json"
expect 2 "an instant without an offset: exit 2" "$CX" calendar --calendar "$berlin" 2026-03-27T16:00:00 2026-03-30T10:00:00Z
says "$work/err" "2026-03-27T16:00:00" "the malformed instant is named"
expect 2 "--add with a bad duration: exit 2" "$CX" calendar --calendar "$berlin" --add 2x 2026-03-27T16:00:00Z
expect 2 "no --calendar: exit 2" "$CX" calendar 2026-03-27T16:00:00Z 2026-03-30T10:00:00Z
expect 2 "one instant: exit 2" "$CX" calendar --calendar "$berlin" 2026-03-27T16:00:00Z

# ---- cx service -------------------------------------------------------------------------------
store=$work/shop.db
files=(touchpoints.csv customers.csv events.csv answers.csv tickets.csv ticket_events.csv comments.jsonl)
expect 0 "import the sample" "$CX" import -q -s "$store" "${files[@]/#/$sample/}"
small=$work/small
"$PY" "$CX_ROOT/examples/data/generate.py" --customers 150 --out "$small" >/dev/null && ok "a small sample (150 customers)" ||
    bad "small sample"
expect 0 "import the small sample" "$CX" import -q -s "$work/small.db" "${files[@]/#/$small/}"
printf '{"business_hours": true, "pause": "pending", "first_reply": {"low": 3600, "normal": 3600, "high": 1800, "urgent": 3600},
 "next_reply": {"low": 14400, "normal": 14400, "high": 14400, "urgent": 14400},
 "resolution": {"low": 86400, "normal": 86400, "high": 86400, "urgent": 86400}}' >"$work/sla.json"
sla="first_reply=1h;first_reply.high=30m;next_reply=4h;resolution=1d"
variant="clock_start=first_customer_message;reopen=resets_first_reply;pause=pending+on_hold"
service_check() { # service_check NAME SAMPLE STORE [cx options] -- [reference options]
    local name=$1 dir=$2 db=$3 opts=() refopts=()
    shift 3
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    refopts=("$@")
    run "$CX" service -s "$db" --json "${opts[@]}"
    if [ "$code" -ne 0 ]; then bad "cx service $name: exit $code"; return; fi
    cp "$work/out" "$work/service.json"
    checked "cx service $name equals the reference" "$PY" "$REF" service "$dir" "$work/service.json" "${refopts[@]}"
}
service_check "small sample, by channel (exact quantiles)" "$small" "$work/small.db"
service_check "small sample, definition variant, calendar, SLA, by priority" "$small" "$work/small.db" \
    -d "$variant" --calendar "$CAL" --sla "$sla" --by priority -- \
    --definition "$variant" --calendar "$CAL" --sla-json "$work/sla.json" --by priority
service_check "sample, calendar, SLA, by channel" "$sample" "$store" --calendar "$CAL" --sla "$sla" -- \
    --calendar "$CAL" --sla-json "$work/sla.json"
service_check "sample, by priority" "$sample" "$store" --by priority -- --by priority
service_check "sample, definition variant, no groups" "$sample" "$store" -d "$variant" --by none -- \
    --definition "$variant" --by none
run "$PY" - "$work/service.json" "$work/tampered.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["all"]["one_touch"]["value"] += 0.01
json.dump(d, open(sys.argv[2], "w"))
PY
run "$PY" "$REF" service "$sample" "$work/tampered.json" --definition "$variant" --by none
[ "$code" -eq 1 ] && ok "the service reference catches a tampered figure" || bad "a tampered figure passed"
printf '# the SLA of the sample\nfirst_reply=1h\nfirst_reply.high=30m\nnext_reply=4h\nresolution=1d\n' >"$work/sla.txt"
run "$CX" service -s "$store" --json --calendar "$CAL" --sla "@$work/sla.txt"
"$PY" - "$work/out" <<'PY' && ok "--sla @FILE reads the policy from a file" || bad "--sla @FILE"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["all"]["sla_breach"]["first_reply"]["count"] > 0 else 1)
PY
expect 0 "cx service (text)" "$CX" service -s "$store" --calendar "$CAL" --sla "$sla"
for fragment in "business time" "calendar time" "% of resolved" "SLA breached %" "definition  clock_start=created" \
                "calendar    $CAL (Europe/Berlin)"; do
    says "$work/out" "$fragment" "text output has \"$fragment\""
done
expect 2 "a bad definition: exit 2" "$CX" service -s "$store" -d "clock_start=whenever"
says "$work/err" "clock_start" "the bad definition option is named"
expect 2 "a definition pair without '=': exit 2" "$CX" service -s "$store" -d "pause"
expect 2 "a bad SLA key: exit 2" "$CX" service -s "$store" --calendar "$CAL" --sla "first_response=1h"
says "$work/err" "unknown SLA key \"first_response\"" "the bad SLA key is named"
expect 2 "a bad SLA duration: exit 2" "$CX" service -s "$store" --calendar "$CAL" --sla "resolution=soon"
expect 2 "business-hours SLA without a calendar: exit 2" "$CX" service -s "$store" --sla "first_reply=1h;hours=business"
says "$work/err" "needs --calendar" "the missing calendar is explained"
expect 0 "a calendar-hours SLA without a calendar" "$CX" service -s "$store" --sla "first_reply=1h"
expect 3 "a malformed calendar: exit 3" "$CX" service -s "$store" --calendar "$work/cal/bad-time.json"
expect 4 "a missing calendar: exit 4" "$CX" service -s "$store" --calendar "$work/none.json"
expect 2 "--by an unknown field: exit 2" "$CX" service -s "$store" --by colour
expect 4 "a missing store: exit 4" "$CX" service -s "$work/none.db"
"$CX" import -q -s "$work/empty.db" "$sample/touchpoints.csv"
expect 5 "a store without tickets: exit 5" "$CX" service -s "$work/empty.db"
says "$work/err" "no tickets" "no tickets is said"
mkdir -p "$work/odd"
printf 'ticket_id,opened_at,channel\nT1,2025-01-06T09:00:00Z,chat\nT2,1850-01-01T09:00:00Z,chat\n' >"$work/odd/tickets.csv"
printf 'ticket_id,timestamp,kind\nT1,2025-01-06T09:00:00Z,opened\nT1,2025-01-06T09:05:00Z,reopened\nT1,2025-01-06T09:10:00Z,agent_reply\n' \
    >"$work/odd/ticket_events.csv"
"$CX" import -q -s "$work/odd.db" "$work/odd/tickets.csv" "$work/odd/ticket_events.csv"
expect 3 "a ticket libcx cannot measure: exit 3" "$CX" service -s "$work/odd.db"
says "$work/err" "ticket T2:" "the ticket is named by its id"
says "$work/err" "1900-01-01" "the limit is named"
expect 0 "the other tickets measure" "$CX" service -s "$work/odd.db" --from 1900-01-01 --json
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); \
sys.exit(0 if d['events_ignored'] == 1 and d['all']['tickets'] == 1 and d['all']['first_reply']['calendar']['median'] == 600 else 1)" \
    "$work/out" && ok "a reopening of an unresolved ticket is ignored and counted; first reply 600 s" ||
    bad "ignored events: $(head -c 300 "$work/out")"

# The mapping of docs/cli.md by hand. Ticket A: opened 09:00, a bot's reply 09:01, a note 09:02, Ann's
# reply 09:10, resolved 09:20 and again 09:25 (ignored), closed 09:30, a customer message 10:00 (ignored,
# after the closing). Ticket B has no row: opened 10:00 the next day, Bob's reply 10:30, unresolved.
# Default definition: first reply 600 s (bot and note ignored), 1 reply; bot_replies=count: 60 s, 2
# replies; private_notes=count: 120 s, 2 replies; full resolution 1200 s in each; B: first reply 1800 s.
mkdir -p "$work/map"
printf 'ticket_id,opened_at,channel,agent,priority\nA,2025-01-06T09:00:00Z,chat,Ann,urgent\n' >"$work/map/tickets.csv"
printf '%s\n' ticket_id,timestamp,kind,author A,2025-01-06T09:00:00Z,opened,customer A,2025-01-06T09:01:00Z,agent_reply,bot \
    A,2025-01-06T09:02:00Z,note,Ann A,2025-01-06T09:10:00Z,agent_reply,Ann A,2025-01-06T09:20:00Z,resolved,Ann \
    A,2025-01-06T09:25:00Z,resolved,Ann A,2025-01-06T09:30:00Z,closed,Ann A,2025-01-06T10:00:00Z,customer_message,customer \
    B,2025-01-07T10:00:00Z,opened,customer B,2025-01-07T10:30:00Z,agent_reply,Bob >"$work/map/ticket_events.csv"
"$CX" import -q -s "$work/map.db" "$work/map/tickets.csv" "$work/map/ticket_events.csv"
for spec in "|600|1" "bot_replies=count|60|2" "private_notes=count|120|2"; do
    IFS='|' read -r def reply replies <<<"$spec"
    run "$CX" service -s "$work/map.db" --by agent --json -d "$def"
    "$PY" - "$work/out" "$reply" "$replies" <<'PY' && ok "mapping by hand, definition \"$def\": first reply $reply s, $replies replies" ||
import json, sys
d, reply, replies = json.load(open(sys.argv[1])), float(sys.argv[2]), float(sys.argv[3])
g = {x["agent"]: x for x in d["groups"]}
a, b = g["Ann"], g["(none)"]
sys.exit(0 if d["events_ignored"] == 2 and (a["tickets"], a["resolved"], b["tickets"], b["resolved"]) == (1, 1, 1, 0)
         and a["first_reply"]["calendar"]["median"] == reply and a["replies"]["median"] == replies
         and a["full_resolution"]["calendar"]["median"] == 1200 and b["first_reply"]["calendar"]["median"] == 1800
         and b["full_resolution"]["calendar"] is None else 1)
PY
        bad "mapping by hand, definition \"$def\": $(head -c 400 "$work/out")"
done

# ---- cx report: --calendar and the keywords section --------------------------------------------
expect 0 "cx report --calendar --json" "$CX" report -s "$store" --calendar "$CAL" --json
cp "$work/out" "$work/report.json"
checked "report service section in business hours equals the reference" \
    "$PY" "$REF" report "$sample" "$work/report.json" --calendar "$CAL"
checked "the other report figures are unchanged (report_reference)" \
    "$PY" "$CX_ROOT/tests/reference/report_reference.py" "$sample" "$work/report.json"
# The sample's helpdesk keeps the calendar's hours: calls and chats come in
# while it is open and are answered within minutes in calendar and business
# time alike; e-mails wait overnight (calendar time), not in business time.
"$PY" - "$work/report.json" <<'PY' && ok "the sample's helpdesk keeps its calendar's hours" || bad "sample helpdesk hours"
import json, sys
by = {c["channel"]: c for c in json.load(open(sys.argv[1]))["sections"]["service"]["by_channel"]}
med = lambda ch, key: by[ch][key]["median"]
ok = all(0.8 * med(ch, "first_response_seconds") <= med(ch, "first_response_business_seconds") > 0
         for ch in ("phone", "chat"))
ok = ok and med("email", "first_response_seconds") > 2 * med("email", "first_response_business_seconds") > 0
sys.exit(0 if ok else "first response medians: %s" % {ch: (med(ch, "first_response_seconds"),
         med(ch, "first_response_business_seconds")) for ch in by})
PY
checked "keywords section: counts, terms and sentiment" \
    "$PY" "$CX_ROOT/tests/cli/check_keywords.py" "$sample" "$work/report.json"
expect 0 "cx report --calendar (text)" "$CX" report -s "$store" --calendar "$CAL"
says "$work/out" "Comments: keywords and sentiment" "the text report has the keywords section"
says "$work/out" "in business hours of $CAL (Europe/Berlin)" "the service section shows business hours"
expect 0 "cx report --calendar --html" "$CX" report -s "$store" --calendar "$CAL" -q --html "$work/report.html"
says "$work/report.html" '<section id="keywords">' "the HTML report has the keywords section"
says "$work/report.html" "in business hours" "the HTML service charts are in business hours"
svgs=$(grep -o '<svg' "$work/report.html" | wc -l)
grep -qi '<script' "$work/report.html" && bad "the HTML report has a script" || ok "the HTML report has no script ($svgs SVG charts)"
checked "HTML report with a calendar in Chromium: no console errors, 12 SVG charts, not blank" \
    "$PY" "$CX_ROOT/tests/cli/check_html.py" "$work/report.html" "$work/report.png" 12
expect 3 "cx report with a malformed calendar: exit 3" "$CX" report -s "$store" --calendar "$work/cal/bad-time.json"
run "$CX" report -s "$store" --json --from 2030-01-01
"$PY" -c "import json,sys; k=json.load(open(sys.argv[1]))['sections']['keywords']; \
sys.exit(0 if k['detractor_terms'] == [] and k['comments_scored'] == 0 else 1)" "$work/out" &&
    ok "keywords of an empty range: no terms, no comments" || bad "empty keywords"

echo "suite: cli-modules passed=$passed failed=$failed"
