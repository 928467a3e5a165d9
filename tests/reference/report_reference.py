#!/usr/bin/python3
"""Independent reference for `cx report --json` on the sample data set.

Reads the files that examples/data/generate.py writes (with Python's csv
and json modules, not libcx), computes every figure the report shows from
the published definitions (docs/cli.md, docs/metrics.md), and compares them
with a report's JSON:

    report_reference.py SAMPLE_DIR REPORT.json [--min-count N] [--period month|week]

prints one line per check ("ok ..." or "FAIL ...") and exits 1 on any
failure. With only SAMPLE_DIR it prints the reference figures.

Statistics: NPS with the adjusted-Wald interval (Rocks 2016), shares with
the Wilson score interval (statsmodels' proportion_confint), means with the
Student t interval (scipy's t quantile), quantiles by linear interpolation
between order statistics (numpy's default, as libcx's exact mode).
"""
import collections
import csv
import datetime as dt
import json
import math
import os
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

Z = stats.norm.ppf(0.975)
UTC = dt.timezone.utc


def when(text):
    """ISO 8601 with a zone, a date (UTC midnight), or epoch s / ms -> ms."""
    text = text.strip()
    if len(text) >= 5 and text[:4].isdigit() and text[4] == "-":
        if len(text) == 10:
            d = dt.datetime.fromisoformat(text).replace(tzinfo=UTC)
        else:
            d = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return int(round(d.timestamp() * 1000))
    v = float(text)
    return int(round(v * 1000)) if abs(v) < 1e11 else int(round(v))


def month(ms):
    return dt.datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m")


def iso_week(ms):
    y, w, _ = dt.datetime.fromtimestamp(ms / 1000, UTC).date().isocalendar()
    return "%d-W%02d" % (y, w)


def date(ms):
    return dt.datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


# ---- statistics -----------------------------------------------------------------

def nps(scores):
    s = np.asarray(scores, dtype=float)
    n = len(s)
    p, d = np.mean(s >= 9), np.mean(s <= 6)
    se = 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    n2 = n + 3
    p2, d2 = (np.sum(s >= 9) + 0.75) / n2, (np.sum(s <= 6) + 0.75) / n2
    centre, half = 100 * (p2 - d2), Z * 100 * math.sqrt((p2 + d2 - (p2 - d2) ** 2) / n2)
    return dict(value=100 * (p - d), std_error=se, ci_low=max(centre - half, -100), ci_high=min(centre + half, 100),
                count=n)


def share(successes, n):
    p = successes / n
    lo, hi = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return dict(value=100 * p, std_error=100 * math.sqrt(p * (1 - p) / n), ci_low=100 * lo, ci_high=100 * hi, count=n)


def csat(scores):
    return share(sum(1 for x in scores if x >= 4), len(scores))


def mean(scores):
    s = np.asarray(scores, dtype=float)
    se = stats.sem(s)
    q = stats.t.ppf(0.975, len(s) - 1)
    return dict(value=s.mean(), std_error=se, ci_low=s.mean() - q * se, ci_high=s.mean() + q * se, count=len(s))


CALC = {"nps": nps, "csat": csat, "ces": mean, "fcr": lambda s: share(sum(s), len(s))}


def quantiles(values):
    if not values:
        return None, None
    a = np.asarray(values, dtype=float)
    return float(np.quantile(a, 0.5)), float(np.quantile(a, 0.9))


# ---- the figures ------------------------------------------------------------------

def reference(sample, min_count=30, period="auto"):
    tp = {r["touchpoint"]: r["channel"] for r in read_csv(os.path.join(sample, "touchpoints.csv"))}
    customers = read_csv(os.path.join(sample, "customers.csv"))
    events = read_csv(os.path.join(sample, "events.csv"))
    answers = read_csv(os.path.join(sample, "answers.csv"))
    tickets = read_csv(os.path.join(sample, "tickets.csv"))
    tevents = read_csv(os.path.join(sample, "ticket_events.csv"))
    with open(os.path.join(sample, "comments.jsonl"), encoding="utf-8") as f:
        reviews = [json.loads(line) for line in f if line.strip()]
    ref = {}

    times = [when(e["timestamp"]) for e in events] + [when(a["timestamp"]) for a in answers] + \
            [when(t["opened_at"]) for t in tickets]
    first, last = min(times), max(times)
    if period == "auto":
        period = "week" if last - first <= 26 * 7 * 86400000 else "month"
    bucket = iso_week if period == "week" else month
    ref["overview"] = dict(
        rows=dict(customers=len({c["customer_id"] for c in customers}), touchpoints=len(tp),
                  events=len({e["event_id"] for e in events}), answers=len(answers), tickets=len(tickets),
                  ticket_events=len(tevents),
                  comments=sum(1 for a in answers if a["comment"].strip()) + len(reviews)),
        customers_churned=sum(1 for c in customers if c["churned_at"].strip()),
        first=date(first), last=date(last), period=period)

    # Scores: overall and per period (groups below min_count withheld).
    scores = {}
    for metric in ("nps", "csat", "ces", "fcr"):
        rows = [(when(a["timestamp"]), float(a["score"])) for a in answers if a["metric"] == metric]
        if not rows:
            continue
        by = collections.defaultdict(list)
        for t, s in rows:
            by[bucket(t)].append(s)
        trend = []
        for key in sorted(by):
            r = CALC[metric](by[key]) if len(by[key]) >= min_count else None
            trend.append(dict(period=key, count=len(by[key]), result=r))
        scores[metric] = dict(overall=CALC[metric]([s for _, s in rows]), trend=trend)
    ref["scores"] = scores

    # Answers per touchpoint and per channel (channel from the registry).
    dims = {}
    for dim in ("touchpoint", "channel"):
        groups = collections.defaultdict(lambda: collections.defaultdict(list))
        counts = collections.Counter()
        for a in answers:
            key = a["touchpoint"] or "(none)"
            if dim == "channel":
                key = a.get("channel") or tp.get(a["touchpoint"]) or "(none)"
            counts[key] += 1
            groups[key][a["metric"]].append(float(a["score"]))
        out = {}
        for key, n in counts.items():
            entry = dict(answers=n)
            for metric in ("nps", "csat", "ces"):
                values = groups[key][metric]
                if values and len(values) >= min_count:
                    entry[metric] = CALC[metric](values)
            out[key] = entry
        dims[dim] = out
    ref["touchpoints"] = dims

    # Service: one timeline per ticket.
    by_ticket = collections.defaultdict(list)
    for e in tevents:
        by_ticket[e["ticket_id"]].append((when(e["timestamp"]), e["kind"]))
    per = collections.defaultdict(lambda: dict(tickets=0, response=[], resolution=[], fcr=[], unresolved=0))
    reopened = unresolved = 0
    for t in tickets:
        opened = when(t["opened_at"])
        evs = sorted(by_ticket.get(t["ticket_id"], []))
        replies = [ts for ts, k in evs if k == "agent_reply"]
        first_reply = next((ts for ts in replies if ts >= opened), None)
        was_reopened = any(k == "reopened" for _, k in evs)
        resolved = when(t["resolved_at"]) if t["resolved_at"].strip() else None
        if resolved is None and t["status"] in ("resolved", "closed"):
            ends = [ts for ts, k in evs if k in ("resolved", "closed")]
            resolved = ends[-1] if ends else None
        for key in (t["channel"] or "(none)", None):
            g = per[key]
            g["tickets"] += 1
            if first_reply is not None:
                g["response"].append((first_reply - opened) / 1000)
            if resolved is None:
                g["unresolved"] += 1
            else:
                g["resolution"].append((resolved - opened) / 1000)
                g["fcr"].append(1 if len(replies) == 1 and not was_reopened else 0)
        reopened += was_reopened
        unresolved += resolved is None
    service = {}
    for key, g in per.items():
        r50, r90 = quantiles(g["response"])
        s50, s90 = quantiles(g["resolution"])
        fcr = CALC["fcr"](g["fcr"]) if len(g["fcr"]) >= min_count else None
        service[key] = dict(tickets=g["tickets"], unresolved=g["unresolved"], fcr=fcr,
                            response=dict(count=len(g["response"]), median=r50, p90=r90),
                            resolution=dict(count=len(g["resolution"]), median=s50, p90=s90))
    ref["service"] = dict(channels=service, reopened=reopened, unresolved=unresolved)

    # Activity: events per touchpoint, channel, month; active customers per month.
    per_tp = collections.Counter(e["touchpoint"] for e in events)
    per_ch = collections.Counter(tp.get(e["touchpoint"], "(none)") for e in events)
    per_month = collections.Counter()
    active = collections.defaultdict(set)
    for e in events:
        m = month(when(e["timestamp"]))
        per_month[m] += 1
        active[m].add(e["customer_id"])
    ref["activity"] = dict(events=len(events), touchpoints=per_tp, channels=per_ch,
                           months={m: (per_month[m], len(active[m])) for m in per_month})
    return ref


# ---- comparison -----------------------------------------------------------------------

class Checker:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def same(self, what, got, want, tol=1e-6):
        if isinstance(want, float) or isinstance(got, float):
            ok = got is not None and want is not None and abs(got - want) <= tol * max(1.0, abs(want))
        else:
            ok = got == want
        self.passed += ok
        self.failed += not ok
        if not ok:
            print("FAIL %s: report %r, reference %r" % (what, got, want))

    def result(self, what, got, want):
        if want is None:
            self.same(what + " withheld", got, None)
            return
        if got is None:
            self.same(what, None, "a result")
            return
        for k in ("value", "std_error", "ci_low", "ci_high"):
            self.same("%s.%s" % (what, k), got[k], float(want[k]))
        self.same(what + ".count", got["count"], want["count"])


def compare(ref, report):
    c = Checker()
    sec = report["sections"]
    ov, rov = sec["overview"], ref["overview"]
    for table, n in rov["rows"].items():
        c.same("overview.rows." + table, ov["rows"][table], n)
    for k in ("customers_churned", "first", "last", "period"):
        c.same("overview." + k, ov[k], rov[k])

    for metric, r in ref["scores"].items():
        got = sec["scores"].get(metric)
        c.result("scores.%s.overall" % metric, got["overall"] if got else None, r["overall"])
        trend = {t["period"]: t for t in (got["trend"] if got else [])}
        c.same("scores.%s.periods" % metric, sorted(trend), [t["period"] for t in r["trend"]])
        for t in r["trend"]:
            g = trend.get(t["period"], {})
            c.same("scores.%s.%s.count" % (metric, t["period"]), g.get("count"), t["count"])
            c.same("scores.%s.%s.suppressed" % (metric, t["period"]), g.get("suppressed"), t["result"] is None)
            if t["result"] is not None and g.get("suppressed") is False:
                for k in ("value", "ci_low", "ci_high"):
                    c.same("scores.%s.%s.%s" % (metric, t["period"], k), g[k], float(t["result"][k]))

    for dim, key_name in (("touchpoint", "by_touchpoint"), ("channel", "by_channel")):
        got = {row[dim]: row for row in sec["touchpoints"][key_name]}
        c.same("touchpoints.%s keys" % dim, sorted(got), sorted(ref["touchpoints"][dim]))
        for key, want in ref["touchpoints"][dim].items():
            row = got.get(key, {})
            c.same("touchpoints.%s.%s.answers" % (dim, key), row.get("answers"), want["answers"])
            for metric in ("nps", "csat", "ces"):
                c.result("touchpoints.%s.%s.%s" % (dim, key, metric), row.get(metric), want.get(metric))

    sv, rsv = sec["service"], ref["service"]
    c.same("service.reopened", sv["reopened"], rsv["reopened"])
    c.same("service.unresolved", sv["unresolved"], rsv["unresolved"])
    rows = {row["channel"]: row for row in sv["by_channel"]}
    rows[None] = sv
    for key, want in rsv["channels"].items():
        got = rows.get(key, {})
        name = key or "all"
        c.same("service.%s.tickets" % name, got.get("tickets"), want["tickets"])
        c.result("service.%s.fcr" % name, got.get("fcr"), want["fcr"])
        for part, label in (("response", "first_response_seconds"), ("resolution", "resolution_seconds")):
            g = got.get(label, {})
            c.same("service.%s.%s.count" % (name, part), g.get("count"), want[part]["count"])
            c.same("service.%s.%s.median" % (name, part), g.get("median"), want[part]["median"])
            c.same("service.%s.%s.p90" % (name, part), g.get("p90"), want[part]["p90"])

    act, ract = sec["activity"], ref["activity"]
    c.same("activity.events", act["events"], ract["events"])
    c.same("activity.by_touchpoint", {r["touchpoint"]: r["events"] for r in act["by_touchpoint"]},
           dict(ract["touchpoints"]))
    c.same("activity.by_channel", {r["channel"]: r["events"] for r in act["by_channel"]}, dict(ract["channels"]))
    c.same("activity.by_month", {r["month"]: (r["events"], r["active_customers"]) for r in act["by_month"]},
           ract["months"])
    return c


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in argv[1:] if a.startswith("--") and "=" in a)
    ref = reference(args[0], int(opts.get("min-count", 30)), opts.get("period", "auto"))
    if len(args) < 2:
        json.dump(ref, sys.stdout, indent=1, default=lambda o: dict(o) if isinstance(o, collections.Counter) else str(o))
        print()
        return 0
    with open(args[1], encoding="utf-8") as f:
        report = json.load(f)
    c = compare(ref, report)
    print("report_reference: %d checks, %d failed" % (c.passed + c.failed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
