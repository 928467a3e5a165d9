#!/usr/bin/python3
"""Independent reference for the service metrics (tests/data/service/tickets.json).

Computes every ticket metric and SLA outcome of the vectors from the
definitions in docs/service-metrics.md, in plain Python, with business time
from calendar_reference.py (Python zoneinfo) -- not from libcx. Where libcx
makes one pass over the events with running clocks, this script works from
the definitions: it builds the ticket's status periods and measures each
metric as the (paused) time between two events, and it finds SLA deadlines
by bisection on the SLA clock.

Usage: service_reference.py            print every value
       service_reference.py --check    compare with the vectors (exit 1 on a difference)
       service_reference.py --write    rewrite the vectors' expected values
"""
import datetime as dt
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calendar_reference import Calendar, format_instant, parse_instant  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "data", "service", "tickets.json")

STATUS = {"new": 1, "open": 2, "pending": 3, "on_hold": 4, "solved": 5, "closed": 6, "reopened": 7}
RESOLVED = {"solved", "closed"}
REQUESTER_WAIT = {"new", "open", "on_hold", "reopened"}
PRIORITY = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
DEFAULTS = {"clock_start": "created", "bot_replies": "ignore", "private_notes": "ignore",
            "reopen": "keeps_first_reply", "pause": "none", "schedule": "multi_event"}


def parse_definition(text):
    d = dict(DEFAULTS)
    for pair in filter(None, text.split(";")):
        key, value = pair.split("=")
        assert key in d, key
        d[key] = value
    d["pause_set"] = set() if d["pause"] == "none" else set(d["pause"].split("+"))
    return d


class Event:
    def __init__(self, index, row):
        self.index = index
        self.t = parse_instant(row[0])
        self.kind = row[1]
        self.value = row[2] if len(row) > 2 else None
        self.flags = set(row[3:]) if len(row) > 3 else set()


class Ticket:
    """A validated timeline and its status periods."""

    def __init__(self, spec, as_of):
        self.events = [Event(i, row) for i, row in enumerate(spec["events"])]
        self.created = self.events[0].t
        self.end = parse_instant(as_of) if as_of else self.events[-1].t
        first = self.events[0].value or "new"
        # periods: (start, end, status) from creation to the end
        self.periods, status, start = [], first, self.created
        for e in self.events[1:]:
            if e.kind == "status":
                self.periods.append((start, e.t, status))
                status, start = e.value, e.t
        self.periods.append((start, self.end, status))
        self.final_status = status
        self.merged = any(e.kind == "merged" for e in self.events)

    def status_before(self, index):
        """Status in force when events[index] happens (before it applies)."""
        status = self.events[0].value or "new"
        for e in self.events[1:index]:
            if e.kind == "status":
                status = e.value
        return status


class Clock:
    """Time spent in [created, t) outside `paused` statuses, in one basis."""

    def __init__(self, ticket, paused, cal):
        self.ticket, self.paused, self.cal = ticket, paused, cal

    def measure(self, a, b):
        return self.cal.business(a, b) if self.cal else b - a

    def at(self, t):
        total = 0
        for s, e, status in self.ticket.periods:
            if status not in self.paused and s < t:
                total += self.measure(s, min(e, t))
        return total

    def deadline(self, start, target):
        """Earliest t >= start with at(t) - at(start) >= target."""
        base = self.at(start)
        lo, hi = start, start + 1
        while self.at(hi) - base < target:
            hi = start + 2 * (hi - start)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.at(mid) - base >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo


def counted_reply(e, d):
    if e.kind != "message" or e.value == "customer":
        return False
    automated = e.value == "bot" or "automatic" in e.flags
    if automated and d["bot_replies"] != "count":
        return False
    return "private" not in e.flags or d["private_notes"] == "count"


def is_customer(e):
    return e.kind == "message" and e.value == "customer"


def resolving(ticket, e):
    return e.kind == "status" and (e.value == "solved" or
                                   (e.value == "closed" and ticket.status_before(e.index) != "solved"))


def reopening(ticket, e):
    return e.kind == "status" and ticket.status_before(e.index) == "solved" and e.value not in RESOLVED


def pinned_calendar(spec, t):
    """The calendar with only the version in force at instant t (single-event)."""
    date = dt.datetime.fromtimestamp(t, Calendar(spec).zone).date()
    week, best = spec["week"], None
    for v in spec.get("versions", []):
        start = dt.date.fromisoformat(v["from"])
        if start <= date and (best is None or start > best):
            week, best = v["week"], start
    return Calendar({"timezone": spec["timezone"], "week": week, "holidays": spec.get("holidays", [])})


def pair(clocks, a, b):
    return [clocks[0].at(b) - clocks[0].at(a), clocks[1].at(b) - clocks[1].at(a)]


class Sla:
    """Outcome of one SLA target over the timers that ran for it."""

    def __init__(self, target):
        self.target, self.timers, self.running = target, [], None  # timers: (start, stop)

    def outcome(self, clock, end):
        if not self.target:
            return {"state": "none"}
        stopped = [(s, e) for s, e in self.timers if e is not None]
        running = [s for s, e in self.timers if e is None]
        if not stopped and not running:
            return {"state": "none"}
        breaches = []
        for s, e in self.timers:
            stop = end if e is None else e
            if clock.at(stop) - clock.at(s) > self.target:
                breaches.append(clock.deadline(s, self.target))
        last_start, last_stop = self.timers[-1]
        elapsed = clock.at(end if last_stop is None else last_stop) - clock.at(last_start)
        if breaches:
            return {"state": "breached", "breach_at": format_instant(min(breaches)), "elapsed": elapsed}
        if running:
            return {"state": "running", "elapsed": elapsed, "time_left": self.target - elapsed}
        return {"state": "achieved", "elapsed": elapsed}


def measure(spec, d, cal_spec, sla, as_of):
    ticket = Ticket(spec, as_of)
    ev = ticket.events
    s_index = 0
    if d["clock_start"] == "first_customer_message":
        s_index = next((e.index for e in ev if is_customer(e)), 0)
    start = ev[s_index]
    cal = pinned_calendar(cal_spec, start.t) if d["schedule"] == "single_event" else Calendar(cal_spec)
    clocks = [Clock(ticket, d["pause_set"], None), Clock(ticket, d["pause_set"], cal)]
    out = {"resolved": (not ticket.merged) and ticket.final_status in RESOLVED, "merged": ticket.merged,
           "clock_start": format_instant(start.t)}

    # Reply cycles: the clock start, and each reopen after it when reopens reset the first reply.
    cycle_starts = [s_index]
    if d["reopen"] == "resets_first_reply":
        cycle_starts += [e.index for e in ev if e.index > s_index and reopening(ticket, e)]
    bounds = cycle_starts + [len(ev)]
    firsts, cycle_first_reply = [], {}
    for k, c in enumerate(cycle_starts):
        reply = next((e for e in ev[c + 1:bounds[k + 1]] if counted_reply(e, d)), None)
        if reply is not None:
            firsts.append(pair(clocks, ev[c].t, reply.t))
            cycle_first_reply[k] = reply.index
    out["first_reply"] = firsts[0] if firsts else None
    out["first_reply_last"] = firsts[-1] if firsts else None
    out["first_reply_count"] = len(firsts)
    out["_first_replies"] = firsts  # every cycle's value, for the aggregates; not in the vectors

    # Next-reply waits, in event order: a customer message starts one when the
    # current cycle has had its first reply and no wait is open; the next
    # counted reply (not a cycle's first) ends it, measured; a resolution ends
    # it unmeasured; a reset cycle start drops it.
    waits, wait, cycle = [], None, 0
    for e in ev[s_index + 1:]:
        if cycle + 1 < len(cycle_starts) and e.index == cycle_starts[cycle + 1]:
            cycle += 1
            if wait is not None:
                waits.append((wait, None, "dropped"))
                wait = None
        replied = cycle in cycle_first_reply and e.index > cycle_first_reply[cycle]
        if is_customer(e) and replied and wait is None:
            wait = e
        elif counted_reply(e, d) and wait is not None and e.index != cycle_first_reply.get(cycle):
            waits.append((wait, e, "reply"))
            wait = None
        elif resolving(ticket, e) and wait is not None:
            waits.append((wait, e, "resolution"))
            wait = None
    if wait is not None:
        waits.append((wait, None, "open"))
    values = [pair(clocks, a.t, b.t) for a, b, how in waits if how == "reply"]
    out["next_reply_count"] = len(values)
    out["next_reply_total"] = [sum(v[0] for v in values), sum(v[1] for v in values)] if values else None
    out["next_reply_max"] = [max(v[0] for v in values), max(v[1] for v in values)] if values else None
    resolutions = [e for e in ev if resolving(ticket, e)]
    first_res = resolutions[0] if resolutions else None
    out["first_resolution"] = pair(clocks, start.t, first_res.t) if first_res and first_res.index > s_index else None
    # A ticket solved before its clock start and not since has no resolution time.
    last_res = resolutions[-1] if resolutions else None
    out["full_resolution"] = (pair(clocks, start.t, last_res.t) if out["resolved"] and last_res.index > s_index
                              else None)

    full = Calendar(cal_spec)  # status sums are multi-event: each period with the schedule of its time

    def status_time(names):
        cal_total = sum(e - s for s, e, st in ticket.periods if st in names)
        bus_total = sum(full.business(s, e) for s, e, st in ticket.periods if st in names)
        return [cal_total, bus_total]

    out["requester_wait"] = status_time(REQUESTER_WAIT)
    out["agent_wait"] = status_time({"pending"})
    out["on_hold"] = status_time({"on_hold"})
    replies = [e for e in ev if counted_reply(e, d)]
    out["replies"] = len(replies)
    out["reopens"] = sum(1 for e in ev if reopening(ticket, e))
    out["assignments"] = sum(1 for e in ev if e.kind == "assigned")
    if out["resolved"]:
        first_any = replies[0].index if replies else None
        follow_up = first_any is not None and any(is_customer(e) and e.index > first_any for e in ev)
        before_solve = sum(1 for e in replies if first_res is None or e.index < first_res.index)
        out["one_touch"] = int(len(replies) < 2)
        out["fcr_no_follow_up"] = int(bool(replies) and not follow_up and out["reopens"] == 0)
        out["fcr_first_reply"] = int(before_solve == 1 and out["reopens"] == 0)
    else:
        out["one_touch"] = out["fcr_no_follow_up"] = out["fcr_first_reply"] = None
    out.update(sla_outcomes(ticket, spec, d, sla, cal, s_index, cycle_starts, waits, resolutions, out))
    return out


def sla_outcomes(ticket, spec, d, sla, cal, s_index, cycle_starts, waits, resolutions, out):
    if not sla:
        return {}
    p = PRIORITY[spec.get("priority", "normal")]
    paused = set(sla.get("pause", "pending").split("+")) | RESOLVED
    clock = Clock(ticket, paused, cal if sla.get("business_hours", True) else None)
    ev, end = ticket.events, ticket.end
    targets = {k: sla.get(k, {}).get(name, 0) for k in ("first_reply", "next_reply", "resolution")
               for name in [list(PRIORITY)[p]]}
    if ticket.merged:
        targets = {k: 0 for k in targets}
    # First reply: a clock per cycle, stopped by the cycle's first reply or a resolution.
    fr = Sla(targets["first_reply"])
    bounds = cycle_starts + [len(ev)]
    for k, c in enumerate(cycle_starts):
        stop = next((e for e in ev[c + 1:bounds[k + 1]] if counted_reply(e, d) or resolving(ticket, e)), None)
        fr.timers.append((ev[c].t, stop.t if stop else None))
    # Next reply: a clock per wait, stopped by its reply or a resolution,
    # running while open; dropped waits have no outcome.
    nr = Sla(targets["next_reply"])
    for a, b, how in waits:
        if how != "dropped":
            nr.timers.append((a.t, b.t if b is not None else None))
    # Resolution: one clock from the clock start, paused while solved, stopped when resolved at the end.
    res = Sla(targets["resolution"])
    res.timers.append((ev[s_index].t, max(ev[s_index].t, resolutions[-1].t) if out["resolved"] else None))
    return {"sla_first_reply": fr.outcome(clock, end), "sla_next_reply": nr.outcome(clock, end),
            "sla_resolution": res.outcome(clock, end)}


# ---- aggregates ------------------------------------------------------------------

def wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def aggregate(results):
    """Medians and rates over the tickets of one definition, as libcx's calculators report them."""
    live = [r for r in results if not r["merged"]]
    resolved = [r for r in live if r["resolved"]]
    agg = {}
    firsts = [v[1] for r in live for v in r["_first_replies"]]
    if firsts:
        agg["first_reply_business_median"] = statistics.median(firsts)
    fulls = [r["full_resolution"][0] for r in resolved if r["full_resolution"] is not None]
    if fulls:
        agg["full_resolution_calendar_median"] = statistics.median(fulls)
    for key in ("one_touch", "fcr_no_follow_up", "fcr_first_reply"):
        if resolved:
            k = sum(r[key] for r in resolved)
            lo, hi = wilson(k, len(resolved))
            agg[key] = {"value": 100 * k / len(resolved), "ci_low": round(lo, 10), "ci_high": round(hi, 10)}
    if resolved:
        k = sum(1 for r in resolved if r["reopens"] > 0)
        agg["reopen_rate"] = 100 * k / len(resolved)
    return agg


def breach_rates(tickets, results):
    """Per SLA target and segment: % breached of the tickets breached or achieved (Wilson interval)."""
    rates = {}
    for target in ("sla_first_reply", "sla_next_reply", "sla_resolution"):
        groups = {}
        for t, r in zip(tickets, results):
            state = r.get(target, {}).get("state")
            if state in ("breached", "achieved"):
                groups.setdefault(t.get("segment", ""), []).append(state == "breached")
        rates[target] = {}
        for segment, flags in sorted(groups.items()):
            lo, hi = wilson(sum(flags), len(flags))
            rates[target][segment] = {"value": 100 * sum(flags) / len(flags), "count": len(flags),
                                      "ci_low": round(lo, 10), "ci_high": round(hi, 10)}
    return rates


def compute(vectors):
    out = {}
    for name, text in vectors["definitions"].items():
        d = parse_definition(text)
        results = [measure(t, d, vectors["calendar"], vectors.get("sla"), vectors.get("as_of"))
                   for t in vectors["tickets"]]
        agg = aggregate(results)
        if vectors.get("sla"):
            agg["sla_breach_rate"] = breach_rates(vectors["tickets"], results)
        for r in results:
            del r["_first_replies"]
        out[name] = {"tickets": results, "aggregate": agg}
    return out


def main():
    with open(VECTORS, encoding="utf-8") as f:
        vectors = json.load(f)
    values = compute(vectors)
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "--write":
        for name, v in values.items():
            for ticket, result in zip(vectors["tickets"], v["tickets"]):
                ticket.setdefault("expected", {})[name] = result
            vectors.setdefault("aggregate", {})[name] = v["aggregate"]
        with open(VECTORS, "w", encoding="utf-8") as f:
            json.dump(vectors, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return 0
    bad = 0
    for name, v in values.items():
        for ticket, result in zip(vectors["tickets"], v["tickets"]):
            if mode == "--check":
                if ticket.get("expected", {}).get(name) != result:
                    print(f"MISMATCH {ticket['id']} / {name}:\n  file {ticket.get('expected', {}).get(name)}\n"
                          f"  reference {result}")
                    bad += 1
            else:
                print(f"{ticket['id']} / {name}: {json.dumps(result)}")
        if mode == "--check" and vectors.get("aggregate", {}).get(name) != v["aggregate"]:
            print(f"MISMATCH aggregate / {name}")
            bad += 1
        elif mode != "--check":
            print(f"aggregate / {name}: {json.dumps(v['aggregate'])}")
    if mode == "--check" and bad == 0:
        print("ticket vectors agree with the reference")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
