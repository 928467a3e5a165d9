#!/usr/bin/python3
"""Independent journeys for the cx tool's tests (tests/suites/86-cli-journey-risk.sh).

Plain Python: the csv module, dicts and sorted(); it never calls libcx.
The definitions are those of docs/journeys.md and docs/cli.md:

  * a customer's events are ordered by time, events at the same time by
    touchpoint index (the touchpoints.csv order, then first appearance);
  * a journey (case) ends where two consecutive events are more than the
    gap apart (gap 0: one journey per customer);
  * variants are the distinct touchpoint paths, most frequent first, ties
    by the names element by element (a prefix first);
  * edges count directly-follows pairs (with collapse: repeats of a
    touchpoint in a row count once);
  * the funnel: a case enters stage k when it holds events of stages 1..k
    in that order; a case converts when it holds a goal-stage event; an
    edge's "lost" counts the cases whose last transition it is and that do
    not convert;
  * times without a zone are UTC;
  * the store keeps a fact once: rows with the same customer, touchpoint
    and time (and nothing else) are one event.

usage:
  cli_journey_reference.py generate OUT.csv
  cli_journey_reference.py check-json EVENTS.csv CX.json [GAP_MS]
  cli_journey_reference.py check-report SAMPLE_DIR REPORT.json

check-* print "ok ..." or "FAIL ..." lines and exit 1 on any failure.
"""
import csv
import datetime as dt
import json
import random
import sys
from collections import Counter, defaultdict

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
WEEK_MS = 7 * 86400000


def parse_time(text):
    """ISO 8601 (UTC without a zone), or epoch milliseconds (the contract of cx journey)."""
    if text.isdigit():
        return int(text)
    t = dt.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    delta = t - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


# ---- the generated events --------------------------------------------------------

TOUCHPOINTS = ["ad", "web_home", "web_product", "help, faq", "chat", "cart", "café_kiosk", "pay", "call", "review"]


def generate(path):
    """Events of 400 customers in shuffled order, with times in five forms,
    ties at the same millisecond and a few exact duplicates."""
    r = random.Random(86)
    base = parse_time("2025-03-01T00:00:00Z")
    rows, seen = [], set()
    for c in range(400):
        t = base + r.randrange(0, 30 * 86400000)
        for _ in range(r.randint(1, 25)):
            if r.random() > 0.1:  # else a tie with the previous event
                t += r.choice((r.randrange(1000, 600000), r.randrange(3600000, 3 * 86400000)))
            tp = r.choice(TOUCHPOINTS)
            if ("c%03d" % c, tp, t) in seen:
                continue
            seen.add(("c%03d" % c, tp, t))
            rows.append(("c%03d" % c, tp, t))
    rows += r.sample(rows, 5)  # exact duplicates: one event each
    r.shuffle(rows)

    def form(ms):
        when = EPOCH + dt.timedelta(milliseconds=ms)
        k = r.randrange(5)
        if k == 0:
            return str(ms)
        if k == 4:
            return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (ms % 1000)  # no zone: UTC
        if k == 1:
            return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)
        zone = dt.timezone(dt.timedelta(hours=r.choice((-5, 1, 2, 9))))
        local = when.astimezone(zone)
        if k == 2:
            return local.isoformat(timespec="milliseconds")  # 2025-03-01T11:15:00.250+01:00
        return local.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ms % 1000) + local.strftime("%z")  # ... 11:15:00.250+0100
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "touchpoint", "timestamp"])
        for cust, tp, ms in rows:
            w.writerow([cust, tp, form(ms)])


# ---- journeys ------------------------------------------------------------------------

def read_events(path, touchpoint_order=()):
    """(customer -> [(ms, tp index)]), the touchpoint names by index, the
    distinct events."""
    index = {name: i for i, name in enumerate(touchpoint_order)}
    names = list(touchpoint_order)
    per_customer, seen = defaultdict(list), set()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            tp = row["touchpoint"]
            if tp not in index:
                index[tp] = len(names)
                names.append(tp)
            key = (row["customer_id"], tp, parse_time(row["timestamp"]))
            if key in seen:
                continue
            seen.add(key)
            per_customer[key[0]].append((key[2], index[tp]))
    for events in per_customer.values():
        events.sort()
    return per_customer, names, len(seen)


def cases_of(per_customer, gap_ms):
    for events in per_customer.values():
        case = [events[0]]
        for prev, ev in zip(events, events[1:]):
            if gap_ms > 0 and ev[0] - prev[0] > gap_ms:
                yield case
                case = []
            case.append(ev)
        yield case


def collapse(path):
    return [p for i, p in enumerate(path) if i == 0 or p != path[i - 1]]


def variants_and_edges(cases, names, collapse_repeats=False):
    variants, edges = Counter(), Counter()
    for case in cases:
        path = [names[tp] for _, tp in case]
        if collapse_repeats:
            path = collapse(path)
        variants[tuple(path)] += 1
        edges.update(zip(path, path[1:]))
    ordered = sorted(variants.items(), key=lambda kv: (-kv[1], kv[0]))
    return ordered, edges


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name, ok, why=""):
        print(("ok " if ok else "FAIL ") + name + ("" if ok else ": " + why))
        self.failed += not ok


def check_json(events_path, json_path, gap_ms=0):
    c = Checks()
    got = json.load(open(json_path, encoding="utf-8"))
    per_customer, names, n_events = read_events(events_path)
    cases = list(cases_of(per_customer, gap_ms))
    variants, edges = variants_and_edges(cases, names)
    c.check("events (duplicates once): %d" % n_events, got["events"] == n_events, "cx %s" % got["events"])
    c.check("customers: %d" % len(per_customer), got["customers"] == len(per_customer), "cx %s" % got["customers"])
    c.check("cases: %d (gap %d ms)" % (len(cases), gap_ms), got["cases"] == len(cases), "cx %s" % got["cases"])
    mine = [(list(path), n) for path, n in variants]
    theirs = [(v["path"], v["count"]) for v in got["variants"]]
    first_diff = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), None)
    c.check("variants: %d, same paths, counts and order" % len(mine), mine == theirs,
            "first difference at %s: %s vs cx %s" % (first_diff, mine[first_diff] if first_diff is not None else None,
                                                    theirs[first_diff] if first_diff is not None else None))
    got_edges = {(e["from"], e["to"]): e["count"] for e in got["edges"]}
    c.check("edges: %d directly-follows pairs, same counts" % len(edges), got_edges == dict(edges),
            "%d edges differ" % len(set(got_edges.items()) ^ set(edges.items())))
    counts = [e["count"] for e in got["edges"]]
    c.check("edges listed by count, most first", counts == sorted(counts, reverse=True))
    return c.failed


# ---- the sample store's journeys (cx report, section "journey") ---------------------------

def read_registry(sample):
    order, stage = [], {}
    with open(sample + "/touchpoints.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            order.append(row["touchpoint"])
            stage[row["touchpoint"]] = row["stage"]
    return order, stage


def sample_goals(sample, stage):
    """The default goals: the stages of the touchpoints with purchase events."""
    with open(sample + "/events.csv", newline="", encoding="utf-8") as f:
        return {stage[row["touchpoint"]] for row in csv.DictReader(f) if row["type"] == "purchase"}


def funnel(cases, names, stage, stages, goals):
    entered, converted = [0] * len(stages), 0
    for case in cases:
        k = 0
        for _, tp in case:
            if k < len(stages) and stage.get(names[tp]) == stages[k]:
                entered[k] += 1
                k += 1
        converted += any(stage.get(names[tp]) in goals for _, tp in case)
    return entered, converted


def lost_edges(cases, names, stage, goals):
    lost = Counter()
    for case in cases:
        path = collapse([names[tp] for _, tp in case])
        if len(path) >= 2 and not any(stage.get(p) in goals for p in path):
            lost[(path[-2], path[-1])] += 1
    return lost


def check_report(sample, report_path):
    c = Checks()
    section = json.load(open(report_path, encoding="utf-8"))["sections"]["journey"]
    order, stage = read_registry(sample)
    stages = list(dict.fromkeys(stage[t] for t in order))
    goals = sample_goals(sample, stage)
    per_customer, names, _ = read_events(sample + "/events.csv", order)
    cases = list(cases_of(per_customer, WEEK_MS))
    entered, converted = funnel(cases, names, stage, stages, goals)
    f = section["funnel"]
    c.check("journeys: %d of %d customers (gap a week)" % (len(cases), len(per_customer)),
            section["cases"] == len(cases) and f["cases"] == len(cases) and section["customers"] == len(per_customer),
            "cx %s / %s" % (section["cases"], section["customers"]))
    c.check("funnel stages %s, goals %s" % (stages, sorted(goals)),
            [s["stage"] for s in f["steps"]] == stages
            and [s["stage"] for s in f["steps"] if s["goal"]] == [s for s in stages if s in goals])
    c.check("funnel entered %s" % entered, [s["entered"] for s in f["steps"]] == entered,
            "cx %s" % [s["entered"] for s in f["steps"]])
    c.check("overall rates entered / journeys",
            all(abs(s["overall_rate"] - e / len(cases)) < 1e-12 for s, e in zip(f["steps"], entered)))
    c.check("journeys reaching a goal: %d" % converted, f["goal_cases"] == converted, "cx %s" % f["goal_cases"])
    _, edges = variants_and_edges(cases, names, collapse_repeats=True)
    listed = {(e["from"], e["to"]): e["count"] for e in section["edges"]}
    top = sorted(edges.values(), reverse=True)[:len(listed)]
    c.check("the %d busiest transitions (repeats collapsed): same counts" % len(listed),
            all(edges[k] == n for k, n in listed.items()) and sorted(listed.values(), reverse=True) == top)
    c.check("transitions in all: %d" % len(edges), section["edge_count"] == len(edges), "cx %s" % section["edge_count"])
    lost = lost_edges(cases, names, stage, goals)
    worst = lost.most_common(1)[0]
    b = section["bottlenecks"]
    c.check("bottlenecks: lost counts equal", all(lost[(e["from"], e["to"])] == e["lost"] for e in b))
    c.check("the worst bottleneck %s -> %s, %d journeys lost" % (worst[0][0], worst[0][1], worst[1]),
            (b[0]["from"], b[0]["to"], b[0]["lost"]) == (worst[0][0], worst[0][1], worst[1]),
            "cx %s" % b[0])
    return c.failed


def main(argv):
    if len(argv) >= 3 and argv[1] == "generate":
        generate(argv[2])
        return 0
    if len(argv) >= 4 and argv[1] == "check-json":
        return 1 if check_json(argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 0) else 0
    if len(argv) >= 4 and argv[1] == "check-report":
        return 1 if check_report(argv[2], argv[3]) else 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
