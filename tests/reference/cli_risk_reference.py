#!/usr/bin/python3
"""Checks `cx risk --json` on the sample data against the sample's own files
(tests/suites/86-cli-journey-risk.sh). Plain Python (csv, json, math); it
never calls libcx.

What cx risk feeds into each customer (tools/cx/risk_load.c, docs/cli.md):
events (purchases with their value, other types as interactions), tickets
(a complaint when opened, a resolution when resolved), customer messages
of tickets (a reply timed from the agent reply before it, else an
interaction), NPS / CSAT / CES answers, and comments not tagged with another
language than English (their sentiment). From these, recomputed here with
the formulas of docs/scoring.md, for every customer listed:

  complaints.open     open = tickets opened by as_of and not resolved by then
  nps.detractor       the latest NPS answer by as_of
  purchases.overdue   max(as_of - last, last interval) / mean interval, in days
  interactions.drop   decayed interaction rates (half-lives 30 and 180 days),
                      corrected for tenure, recent / baseline
  replies.slower      decayed mean reply seconds, recent / baseline
  csat.low, ces.high_effort   decayed mean answers (half-life 30 days)

plus: no listed customer churned by as_of, scores descending, each score
the sum of its contributions, and the numbers of customers scored and left
out. Sentiment needs the lexicon, so only its sign is checked.

usage: cli_risk_reference.py SAMPLE_DIR RISK.json
Prints "ok ..." / "FAIL ..." lines; exits 1 on a failure.
"""
import csv
import datetime as dt
import json
import math
import sys
from collections import defaultdict

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
DAY = 86400000.0
RECENT, BASELINE = 30.0, 180.0


def ms(text):
    if text is None or text == "":
        return None
    if isinstance(text, (int, float)):
        return int(text) if abs(text) >= 1e11 else int(text * 1000)
    t = dt.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    d = t - EPOCH
    return (d.days * 86400 + d.seconds) * 1000 + d.microseconds // 1000


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


class Customer:
    def __init__(self):
        self.signup = self.churned = None
        self.times = []            # every event fed, for first seen
        self.interactions = []
        self.purchases = []
        self.complaints = []       # (opened, resolved or None)
        self.replies = []          # (time, seconds)
        self.nps, self.csat, self.ces = [], [], []


def load(sample):
    cs = defaultdict(Customer)
    for r in rows(sample + "/customers.csv"):
        c = cs[r["customer_id"]]
        c.signup, c.churned = ms(r["signup_at"]), ms(r["churned_at"])
    for r in rows(sample + "/events.csv"):
        c, t = cs[r["customer_id"]], ms(r["timestamp"])
        c.times.append(t)
        c.interactions.append(t)
        if r["type"] == "purchase":
            c.purchases.append(t)
    ticket_owner = {}
    for r in rows(sample + "/tickets.csv"):
        ticket_owner[r["ticket_id"]] = r["customer_id"]
        c, opened = cs[r["customer_id"]], ms(r["opened_at"])
        resolved = ms(r["resolved_at"]) if r["status"] in ("resolved", "closed") else None
        c.complaints.append((opened, resolved))
        c.times += [opened] + ([resolved] if resolved is not None else [])
        c.interactions.append(opened)
    agent = {}
    for r in rows(sample + "/ticket_events.csv"):  # in time order per ticket
        owner, t = ticket_owner.get(r["ticket_id"]), ms(r["timestamp"])
        if r["kind"] == "agent_reply":
            agent[r["ticket_id"]] = t
        elif r["kind"] == "customer_message" and owner is not None:
            c, before = cs[owner], agent.pop(r["ticket_id"], None)
            c.times.append(t)
            c.interactions.append(t)
            if before is not None:
                c.replies.append((t, min(max((t - before) / 1000.0, 0.0), 1e9)))
    comment_times = []
    for r in rows(sample + "/answers.csv"):
        if not r["customer_id"]:
            continue
        c, t = cs[r["customer_id"]], ms(r["timestamp"])
        getattr(c, r["metric"], []).append((t, float(r["score"])))
        c.times.append(t)
        if r["comment"]:
            comment_times.append((r["customer_id"], t))
    with open(sample + "/comments.jsonl", encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            lang = o.get("lang") or ""
            if o.get("customer_id") and (lang == "" or lang.lower()[:2] == "en" and lang[2:3] in ("", "-", "_")):
                comment_times.append((o["customer_id"], ms(o["timestamp"])))
    for cid, t in comment_times:
        cs[cid].times.append(t)
    return cs


def first_seen(c):
    candidates = [t for t in [c.signup] + c.times if t is not None]
    return min(candidates) if candidates else None


def decayed(times, values, T, half_life):
    lam = math.log(2) / half_life
    w = [math.exp(-lam * (T - t) / DAY) for t in times if t <= T]
    x = [v for t, v in zip(times, values) if t <= T]
    return sum(w), sum(a * b for a, b in zip(w, x))


def interaction_trend(c, T):
    tenure = (T - first_seen(c)) / DAY
    rates = []
    for h in (RECENT, BASELINE):
        lam = math.log(2) / h
        d = sum(math.exp(-lam * (T - t) / DAY) for t in c.interactions if t <= T)
        rates.append(d * lam / (1 - math.exp(-lam * max(tenure, 1.0))))
    return rates[0] / rates[1]


def expected(c, rule, T):
    """(input, reference) the rule should report, or None to skip."""
    if rule == "complaints.open":
        return sum(1 for o, r in c.complaints if o <= T and (r is None or r > T)), None
    if rule == "nps.detractor":
        answers = sorted(a for a in c.nps if a[0] <= T)
        return answers[-1][1], None
    if rule == "purchases.overdue":
        p = sorted(t for t in c.purchases if t <= T)
        mean = (p[-1] - p[0]) / (len(p) - 1) / DAY
        return max((T - p[-1]) / DAY, (p[-1] - p[-2]) / DAY) / mean, mean
    if rule == "interactions.drop":
        return interaction_trend(c, T), None
    if rule == "replies.slower":
        means = []
        for h in (RECENT, BASELINE):
            w, s = decayed([t for t, _ in c.replies], [v for _, v in c.replies], T, h)
            means.append(s / w)
        return means[0] / means[1], means[1]
    if rule in ("csat.low", "ces.high_effort"):
        answers = c.csat if rule == "csat.low" else c.ces
        w, s = decayed([t for t, _ in answers], [v for _, v in answers], T, RECENT)
        return s / w, None
    return None


def close(a, b, rel):
    return a is None and b is None or a is not None and b is not None and abs(a - b) <= rel * max(1.0, abs(b))


def main(sample, path):
    got = json.load(open(path, encoding="utf-8"))
    cs, T = load(sample), got["as_of_ms"]
    failed = 0

    def check(name, ok, why=""):
        nonlocal failed
        print(("ok " if ok else "FAIL ") + name + ("" if ok else ": " + why))
        failed += not ok

    seen = [c for c in cs.values() if first_seen(c) is not None and first_seen(c) <= T]
    churned = [c for c in seen if c.churned is not None and c.churned <= T]
    check("customers %d, scored %d, churned left out %d" % (len(cs), len(seen) - len(churned), len(churned)),
          (got["customers"], got["scored"], got["churned_left_out"]) == (len(cs), len(seen) - len(churned),
                                                                         len(churned)),
          "cx %s / %s / %s" % (got["customers"], got["scored"], got["churned_left_out"]))
    scores = [t["score"] for t in got["top"]]
    check("%d customers listed, scores descending" % len(scores), scores == sorted(scores, reverse=True) and scores)
    checked = defaultdict(int)
    for entry in got["top"]:
        c = cs[entry["customer_id"]]
        who = entry["customer_id"]
        check("%s has not churned by as_of" % who, c.churned is None or c.churned > T)
        total = sum(r["contribution"] for r in entry["reasons"])
        check("%s: score %.4f = the sum of its contributions" % (who, entry["score"]), close(total, entry["score"], 1e-9))
        for r in entry["reasons"]:
            want = expected(c, r["rule"], T)
            if want is None:
                check("%s: %s sentiment negative" % (who, r["rule"]), r["rule"] != "sentiment.negative" or r["input"] < 0)
                continue
            rel = 1e-9 if r["rule"] in ("complaints.open", "nps.detractor", "purchases.overdue") else 1e-4
            ok = close(r["input"], want[0], rel) and (want[1] is None or close(r["reference"], want[1], rel))
            checked[r["rule"]] += ok
            check("%s: %s input %.6g (Python %.6g)" % (who, r["rule"], r["input"], want[0]), ok,
                  "reference cx %s, Python %s" % (r["reference"], want[1]))
    print("reasons checked against the data: " + ", ".join("%s %d" % kv for kv in sorted(checked.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
