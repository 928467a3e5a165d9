#!/usr/bin/python3
"""Independent reference for business calendars and time zones.

Computes, with Python's zoneinfo and datetime only (not libcx), the values
the calendar test vectors expect (tests/data/service/calendars.json) and the
UTC offsets tests/api/test_timezone.c expects.

Business time follows the definition of docs/service-metrics.md: an instant
is open when the wall clock of the calendar's zone shows a time inside an
open interval of that local date's schedule (weekly schedule of the version
in force on the date, or the date's holiday hours). Two methods compute it:

  piecewise  cut [from, to) where the zone's UTC offset changes (found by
             scanning zoneinfo's utcoffset and bisecting to the second);
             on each piece local time is UTC + offset, so the open time is
             the overlap of the local range with the local open intervals;
  minutes    for minute-aligned spans, look at every minute's wall clock
             (datetime.fromtimestamp(t, zone)) and add 60 s when it is open.

Both must agree. Additions of business seconds are found by bisection on the
piecewise measure.

Usage: calendar_reference.py            print every value
       calendar_reference.py --check    compare with the JSON vectors (exit 1 on a difference)
       calendar_reference.py --write    rewrite the vectors' expected values
"""
import datetime as dt
import json
import os
import sys
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "data", "service", "calendars.json")
DAY = 86400
KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def parse_instant(text):
    """ISO 8601 with an offset -> POSIX seconds (datetime.fromisoformat, Python >= 3.11)."""
    value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        raise ValueError("instant without offset: " + text)
    return int((value - EPOCH).total_seconds() // 1)


def format_instant(t):
    return (EPOCH + dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock(text):
    h, m, *s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + (s[0] if s else 0)


class Calendar:
    """A calendar in the file format of DESIGN.md (plus "versions")."""

    def __init__(self, spec):
        self.zone = ZoneInfo(spec["timezone"])
        self.versions = [(dt.date.min, self._week(spec["week"]))]
        for v in spec.get("versions", []):
            self.versions.append((dt.date.fromisoformat(v["from"]), self._week(v["week"])))
        self.versions.sort(key=lambda v: v[0])
        self.holidays = {}
        for h in spec.get("holidays", []):
            if isinstance(h, str):
                self.holidays[dt.date.fromisoformat(h)] = []
            else:
                self.holidays[dt.date.fromisoformat(h["date"])] = [
                    (clock(a), clock(b)) for a, b in h.get("open", [])]

    @staticmethod
    def _week(week):
        return [[(clock(a), clock(b)) for a, b in week.get(k, [])] for k in KEYS]

    def version_on(self, date):
        chosen = self.versions[0][1]
        for start, week in self.versions:
            if start <= date:
                chosen = week
        return chosen

    def hours_on(self, date):
        if date in self.holidays:
            return self.holidays[date]
        return self.version_on(date)[date.weekday()]

    def offset(self, t):
        return int((EPOCH + dt.timedelta(seconds=t)).astimezone(self.zone).utcoffset().total_seconds())

    def changes(self, a, b):
        """Instants in (a, b] where the UTC offset changes."""
        found, step, t = [], 6 * 3600, a
        off = self.offset(a)
        while t < b:
            u = min(t + step, b)
            if self.offset(u) != off:
                lo, hi = t, u          # offset(lo) == off, offset(hi) != off
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if self.offset(mid) == off:
                        lo = mid
                    else:
                        hi = mid
                found.append(hi)
                off = self.offset(hi)
                t = hi
            else:
                t = u
        return found

    def open_local(self, l0, l1):
        """Open seconds of local wall-clock time in [l0, l1)."""
        total = 0
        for day in range(l0 // DAY, (l1 - 1) // DAY + 1):
            date = dt.date(1970, 1, 1) + dt.timedelta(days=day)
            for o, c in self.hours_on(date):
                lo, hi = max(l0, day * DAY + o), min(l1, day * DAY + c)
                total += max(0, hi - lo)
        return total

    def business(self, a, b):
        if b < a:
            return -self.business(b, a)
        edges = [a] + self.changes(a, b) + [b]
        return sum(self.open_local(s + self.offset(s), e + self.offset(s)) for s, e in zip(edges, edges[1:]))

    def is_open(self, t):
        local = (EPOCH + dt.timedelta(seconds=t)).astimezone(self.zone)
        sod = local.hour * 3600 + local.minute * 60 + local.second
        return any(o <= sod < c for o, c in self.hours_on(local.date()))

    def business_by_minutes(self, a, b):
        assert a % 60 == 0 and b % 60 == 0 and a <= b
        return sum(60 for t in range(a, b, 60) if self.is_open(t))

    def add(self, a, n):
        """Earliest t with business(a, t) == n for n > 0; latest for n < 0."""
        if n == 0:
            return a
        sign = 1 if n > 0 else -1
        span = DAY
        while abs(self.business(a, a + sign * span)) < abs(n):
            span *= 2
        lo, hi = 0, span  # search the distance from a
        if n > 0:   # smallest d with business(a, a + d) >= n
            while lo < hi:
                mid = (lo + hi) // 2
                if self.business(a, a + mid) >= n:
                    hi = mid
                else:
                    lo = mid + 1
            return a + lo
        # n < 0: the latest t with business(t, a) == |n|, i.e. the smallest
        # distance d with business(a - d, a) >= |n|
        while lo < hi:
            mid = (lo + hi) // 2
            if self.business(a - mid, a) >= -n:
                hi = mid
            else:
                lo = mid + 1
        return a - lo


def load_vectors():
    with open(VECTORS, encoding="utf-8") as f:
        return json.load(f)


def compute(vectors):
    """Every expected value, keyed like the JSON."""
    cals = {name: Calendar(spec) for name, spec in vectors["calendars"].items()}
    out = {"spans": [], "additions": [], "open_at": []}
    for case in vectors["spans"]:
        cal = cals[case["calendar"]]
        a, b = parse_instant(case["from"]), parse_instant(case["to"])
        business = cal.business(a, b)
        if a % 60 == 0 and b % 60 == 0 and a <= b and b - a <= 120 * DAY:
            minutes = cal.business_by_minutes(a, b)
            assert minutes == business, (case, minutes, business)
        out["spans"].append({"business_seconds": business, "calendar_seconds": b - a})
    for case in vectors["additions"]:
        cal = cals[case["calendar"]]
        a = parse_instant(case["from"])
        t = cal.add(a, case["seconds"])
        assert cal.business(a, t) == case["seconds"], (case, t)
        out["additions"].append({"expected": format_instant(t)})
    for case in vectors["open_at"]:
        out["open_at"].append({"open": cals[case["calendar"]].is_open(parse_instant(case["at"]))})
    return out


# Offsets for tests/api/test_timezone.c: (zone, instant)
OFFSET_CASES = [
    ("Europe/Berlin", "2026-03-29T00:59:59Z"), ("Europe/Berlin", "2026-03-29T01:00:00Z"),
    ("Europe/Berlin", "2026-10-25T00:59:59Z"), ("Europe/Berlin", "2026-10-25T01:00:00Z"),
    ("Europe/Berlin", "2100-07-01T12:00:00Z"), ("Europe/Berlin", "2100-12-01T12:00:00Z"),
    ("America/New_York", "2026-03-08T06:59:59Z"), ("America/New_York", "2026-03-08T07:00:00Z"),
    ("America/New_York", "2026-11-01T05:59:59Z"), ("America/New_York", "2026-11-01T06:00:00Z"),
    ("Australia/Sydney", "2026-04-04T15:59:59Z"), ("Australia/Sydney", "2026-04-04T16:00:00Z"),
    ("Australia/Sydney", "2026-10-03T15:59:59Z"), ("Australia/Sydney", "2026-10-03T16:00:00Z"),
    ("Australia/Sydney", "2150-01-15T00:00:00Z"), ("Australia/Sydney", "2150-06-15T00:00:00Z"),
    ("Europe/Dublin", "2026-01-15T12:00:00Z"), ("Europe/Dublin", "2026-07-15T12:00:00Z"),
    ("Europe/Dublin", "2120-01-15T12:00:00Z"), ("Europe/Dublin", "2120-07-15T12:00:00Z"),
    ("Asia/Kolkata", "2026-06-01T00:00:00Z"), ("America/St_Johns", "2026-07-01T00:00:00Z"),
    ("Pacific/Chatham", "2026-01-01T00:00:00Z"), ("America/Nuuk", "2026-03-29T00:59:59Z"),
    ("America/Nuuk", "2026-03-29T01:00:00Z"), ("Europe/Moscow", "2026-01-01T00:00:00Z"),
]


def offsets():
    for zone, text in OFFSET_CASES:
        t = parse_instant(text)
        local = (EPOCH + dt.timedelta(seconds=t)).astimezone(ZoneInfo(zone))
        yield zone, text, int(local.utcoffset().total_seconds()), int(bool(local.dst()))


def main():
    vectors = load_vectors()
    values = compute(vectors)
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "--write":
        for key in values:
            for case, value in zip(vectors[key], values[key]):
                case.update(value)
        with open(VECTORS, "w", encoding="utf-8") as f:
            json.dump(vectors, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return 0
    bad = 0
    for key in values:
        for i, (case, value) in enumerate(zip(vectors[key], values[key])):
            for field, v in value.items():
                if mode == "--check" and case.get(field) != v:
                    print(f"MISMATCH {key}[{i}].{field}: file {case.get(field)!r}, reference {v!r}")
                    bad += 1
                elif mode != "--check":
                    print(f"{key}[{i}] {field}: {v}")
    if mode != "--check":
        for zone, text, off, dst in offsets():
            print(f"offset {zone} {text}: {off} dst={dst}")
    elif bad == 0:
        print("calendar vectors agree with the reference")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
