#!/usr/bin/python3
"""Independent reference for `cx service --json` and the business times of
`cx report --calendar`, from the CSV files of a store's tickets.

Reads tickets.csv and ticket_events.csv with Python's csv module (not
libcx), turns each ticket into a timeline by the mapping of docs/cli.md
("cx service: from the store to timelines"), measures every ticket with
service_reference.measure (plain Python from the definitions of
docs/service-metrics.md, business time from calendar_reference.py with
Python's zoneinfo), aggregates per group and for all tickets, and compares:

    cli_service_reference.py service SAMPLE_DIR SERVICE.json [--calendar CAL.json]
        [--definition DEF] [--sla-json SLA.json] [--by channel|priority|none]
    cli_service_reference.py report SAMPLE_DIR REPORT.json --calendar CAL.json

Counts, means, rates and their Wilson intervals must agree to 1e-9.
Medians and 90th percentiles (numpy's linear interpolation) must agree
exactly where a group has at most 1,024 values (the calculators' exact
range); beyond that the calculators answer from their sketch, whose rank
error is below 1 % (docs/metrics.md), so the check is on ranks: the value
must lie between the reference's quantiles at q - 0.01 and q + 0.01.
`report` checks the service section's business-time medians and p90
(exact up to 65,536 tickets) per channel.

Prints "ok"/"FAIL" lines and a summary; exits 1 on a failure.
"""
import collections
import csv
import datetime as dt
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calendar_reference import Calendar, format_instant  # noqa: E402
from service_reference import measure, parse_definition, wilson  # noqa: E402

UTC_ALWAYS_OPEN = {"timezone": "UTC", "week": {d: [["00:00", "24:00"]] for d in
                                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}
PRIORITIES = {"low", "normal", "high", "urgent"}
EXACT_UP_TO = 1024
STATUS_DONE = {"solved", "closed"}


def when_ms(text):
    """ISO 8601 with a zone, or epoch seconds / milliseconds -> ms."""
    text = text.strip()
    if len(text) >= 5 and text[:4].isdigit() and text[4] == "-":
        return int(round(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000))
    v = float(text)
    return int(round(v * 1000)) if abs(v) < 1e11 else int(round(v))


def seconds(ms):
    return ms // 1000  # floor, as the tool


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


# ---- docs/cli.md: from the store to timelines -----------------------------------------

def timeline(ticket, events):
    """The timeline rows of service_reference (ISO instant, kind, value, flags...)."""
    created = when_ms(ticket["opened_at"]) if ticket["opened_at"].strip() else events[0][0]
    rows = [[format_instant(seconds(created)), "created"]]
    status, ended, resolved_once, last = "new", False, False, created

    def add(ms, *row):
        rows.append([format_instant(seconds(ms))] + list(row))

    for ms, kind, author in events:
        if ms < created or ended:
            continue
        if kind in ("opened", "customer_message"):
            add(ms, "message", "customer")
        elif kind == "agent_reply":
            add(ms, "message", "bot" if author.lower() == "bot" else "agent")
        elif kind == "note":
            add(ms, "message", "agent", "private")
        elif kind == "resolved" and status != "solved":
            status, resolved_once = "solved", True
            add(ms, "status", "solved")
        elif kind == "reopened" and status == "solved":
            status = "reopened"
            add(ms, "status", "reopened")
        elif kind == "closed":
            status, ended, resolved_once = "closed", True, True
            add(ms, "status", "closed")
        else:
            continue
        last = ms
    resolved_at = ticket["resolved_at"].strip()
    if not resolved_once and resolved_at and when_ms(resolved_at) >= last:
        add(when_ms(resolved_at), "status", "solved")
    return rows


def load_tickets(sample):
    by_ticket = collections.defaultdict(list)
    for i, e in enumerate(read_csv(os.path.join(sample, "ticket_events.csv"))):
        by_ticket[e["ticket_id"]].append((when_ms(e["timestamp"]), i, e["kind"], e.get("author", "")))
    tickets = []
    for t in read_csv(os.path.join(sample, "tickets.csv")):
        events = [(ms, kind, author) for ms, _, kind, author in sorted(by_ticket.get(t["ticket_id"], []))]
        priority = t["priority"].strip().lower()
        priority = "normal" if priority == "medium" or priority not in PRIORITIES else priority
        tickets.append({"row": t, "events": events, "priority": priority,
                        "spec": {"events": timeline(t, events), "priority": priority}})
    return tickets


# ---- aggregates --------------------------------------------------------------------------

TIMED = ["first_reply", "next_reply", "first_resolution", "full_resolution", "requester_wait", "agent_wait",
         "on_hold"]
PER_RESOLVED = {"full_resolution", "requester_wait", "agent_wait", "on_hold"}


def durations(results, name, basis):
    """The values a calculator of metric `name` receives, in basis 0 (calendar) or 1 (business)."""
    live = [r for r in results if not r["merged"]]
    if name == "first_reply":
        return [v[basis] for r in live for v in r["_first_replies"]]
    if name == "first_resolution":
        return [r[name][basis] for r in live if r[name] is not None]
    if name in PER_RESOLVED:
        return [r[name][basis] for r in live if r["resolved"]]
    if name in ("replies", "reopens"):
        return [r[name] for r in live if r["resolved"]]
    raise KeyError(name)


def rate(flags, z):
    n, k = len(flags), sum(flags)
    lo, hi = wilson(k, n, z)
    p = k / n
    return {"value": 100 * p, "std_error": 100 * math.sqrt(p * (1 - p) / n), "ci_low": lo, "ci_high": hi, "count": n}


class Checker:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, what, ok, detail=""):
        self.passed += bool(ok)
        self.failed += not ok
        if not ok:
            print("FAIL %s %s" % (what, detail))

    def close(self, what, got, want, tol=1e-9):
        ok = got is not None and want is not None and abs(got - want) <= tol * max(1.0, abs(want))
        self.check(what, ok, "cx %r, reference %r" % (got, want))

    def same(self, what, got, want):
        self.check(what, got == want, "cx %r, reference %r" % (got, want))

    def quantile(self, what, got, values, q, exact):
        a = np.asarray(values, dtype=float)
        if exact:
            self.close(what, got, float(np.quantile(a, q)))
            return
        lo, hi = np.quantile(a, max(0.0, q - 0.01)), np.quantile(a, min(1.0, q + 0.01))
        self.check(what + " (rank within 1 %)", got is not None and lo - 1e-9 <= got <= hi + 1e-9,
                   "cx %r outside the reference's [%r, %r]" % (got, lo, hi))

    def summary(self, what, got, values):
        if not values:
            self.same(what + " (empty)", got, None)
            return
        if got is None:
            self.check(what, False, "cx null, reference %d values" % len(values))
            return
        self.same(what + ".count", got["count"], len(values))
        self.close(what + ".mean", got["mean"], float(np.mean(values)))
        exact = len(values) <= EXACT_UP_TO
        self.quantile(what + ".median", got["median"], values, 0.5, exact)
        self.quantile(what + ".p90", got["p90"], values, 0.9, exact)
        self.check(what + " interval holds the median", got["ci_low"] <= got["median"] <= got["ci_high"])

    def rate(self, what, got, flags, z):
        if not flags:
            self.same(what + " (empty)", got, None)
            return
        want = rate(flags, z)
        for k in ("value", "std_error", "ci_low", "ci_high"):
            self.close("%s.%s" % (what, k), got[k] if got else None, want[k])
        self.same(what + ".count", got["count"] if got else None, want["count"])


def check_group(c, name, got, results, tickets, business, sla, z):
    live = [r for r in results if not r["merged"]]
    resolved = [r for r in live if r["resolved"]]
    c.same(name + ".tickets", got["tickets"], len(results))
    c.same(name + ".resolved", got["resolved"], len(resolved))
    c.same(name + ".unresolved", got["unresolved"], len(live) - len(resolved))
    for metric in TIMED:
        if metric == "next_reply":  # per wait: the reference keeps count and total per ticket
            waits = sum(r["next_reply_count"] for r in live)
            g = got[metric]["calendar"]
            c.same(name + ".next_reply.count", g["count"] if g else 0, waits)
            if waits:
                total = sum(r["next_reply_total"][0] for r in live if r["next_reply_total"])
                c.close(name + ".next_reply.mean", g["mean"], total / waits)
            continue
        c.summary("%s.%s.calendar" % (name, metric), got[metric]["calendar"], durations(results, metric, 0))
        if business:
            c.summary("%s.%s.business" % (name, metric), got[metric]["business"], durations(results, metric, 1))
        else:
            c.same("%s.%s.business" % (name, metric), got[metric]["business"], None)
    for metric in ("replies", "reopens"):
        c.summary("%s.%s" % (name, metric), got[metric], durations(results, metric, 0))
    c.rate(name + ".reopen_rate", got["reopen_rate"], [r["reopens"] > 0 for r in resolved], z)
    for metric in ("one_touch", "fcr_no_follow_up", "fcr_first_reply"):
        c.rate("%s.%s" % (name, metric), got[metric], [r[metric] == 1 for r in resolved], z)
    if sla:
        for target in ("first_reply", "next_reply", "resolution"):
            states = [r["sla_" + target]["state"] for r in results]
            flags = [s == "breached" for s in states if s in ("breached", "achieved")]
            c.rate("%s.sla_breach.%s" % (name, target), got["sla_breach"][target], flags, z)


def group_key(ticket, by):
    if by == "priority":
        return ticket["priority"]
    value = ticket["row"].get(by, "").strip()
    return value or "(none)"


def check_service(c, sample, got, cal_spec, definition, sla, by):
    from scipy import stats
    z = float(stats.norm.ppf(0.5 + got["confidence"] / 2))
    d = parse_definition(definition or "")
    tickets = load_tickets(sample)
    results = [measure(t["spec"], d, cal_spec or UTC_ALWAYS_OPEN, sla, None) for t in tickets]
    check_group(c, "all", got["all"], results, tickets, cal_spec is not None, sla, z)
    if by == "none":
        c.same("groups", got["groups"], [])
        return
    groups = collections.defaultdict(list)
    for t, r in zip(tickets, results):
        groups[group_key(t, by)].append((t, r))
    rows = {g[by]: g for g in got["groups"]}
    c.same("group keys", sorted(rows), sorted(groups))
    for key, members in sorted(groups.items()):
        if key in rows:
            check_group(c, key, rows[key], [r for _, r in members], [t for t, _ in members], cal_spec is not None,
                        sla, z)


# ---- cx report --calendar ----------------------------------------------------------------

def check_report(c, sample, report, cal_spec):
    """The service section's definitions (docs/cli.md), measured in business seconds."""
    cal = Calendar(cal_spec)
    tickets = load_tickets(sample)
    per = collections.defaultdict(lambda: {"response": [], "resolution": []})
    for t in tickets:
        row, events = t["row"], t["events"]
        opened = when_ms(row["opened_at"])
        reply = next((ms for ms, kind, _ in events if kind == "agent_reply" and ms >= opened), None)
        resolved = when_ms(row["resolved_at"]) if row["resolved_at"].strip() else None
        if resolved is None and row["status"] in ("resolved", "closed"):
            ends = [ms for ms, kind, _ in events if kind in ("resolved", "closed")]
            resolved = ends[-1] if ends else None
        for key in (row["channel"] or "(none)", None):
            if reply is not None:
                per[key]["response"].append(cal.business(seconds(opened), seconds(reply)))
            if resolved is not None:
                per[key]["resolution"].append(cal.business(seconds(opened), seconds(resolved)))
    section = report["sections"]["service"]
    c.same("report.service.calendar.timezone", (section.get("calendar") or {}).get("timezone"),
           cal_spec["timezone"])
    rows = {r["channel"]: r for r in section["by_channel"]}
    rows[None] = section
    for key, values in per.items():
        got = rows.get(key, {})
        for part, label in (("response", "first_response_business_seconds"),
                            ("resolution", "resolution_business_seconds")):
            g = got.get(label) or {}
            what = "report.%s.%s" % (key or "all", label)
            c.same(what + ".count", g.get("count"), len(values[part]))
            if values[part]:
                c.quantile(what + ".median", g.get("median"), values[part], 0.5, True)
                c.quantile(what + ".p90", g.get("p90"), values[part], 0.9, True)


def main(argv):
    mode, sample, path = argv[1], argv[2], argv[3]
    opts = dict(zip(argv[4::2], argv[5::2]))
    cal_spec = None
    if "--calendar" in opts:
        with open(opts["--calendar"], encoding="utf-8") as f:
            cal_spec = json.load(f)
    with open(path, encoding="utf-8") as f:
        got = json.load(f)
    c = Checker()
    if mode == "report":
        check_report(c, sample, got, cal_spec)
    else:
        sla = None
        if "--sla-json" in opts:
            with open(opts["--sla-json"], encoding="utf-8") as f:
                sla = json.load(f)
        check_service(c, sample, got, cal_spec, opts.get("--definition"), sla, opts.get("--by", "channel"))
    print("cli_service_reference %s: %d checks, %d failed" % (mode, c.passed + c.failed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
