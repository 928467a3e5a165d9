"""Time zones, business calendars and helpdesk service metrics:
cx.Timezone, cx.Calendar, cx.Service over cx/timezone.h, cx/calendar.h and
cx/service.h."""
import json
import math

from ._lib import InvalidArgument, check, ffi, lib
from .metric import Result, _new_result

EVENT_TYPES = {"created": 1, "status": 2, "message": 3, "assigned": 4, "merged": 5}
STATUSES = {"new": 1, "open": 2, "pending": 3, "on_hold": 4, "on-hold": 4, "solved": 5, "closed": 6, "reopened": 7}
AUTHORS = {"customer": 1, "agent": 2, "bot": 3}
FLAGS = {"private": 1, "automatic": 2}
PRIORITIES = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
SLA_STATES = {0: "none", 1: "achieved", 2: "breached", 3: "running"}
SLA_TARGETS = {"first_reply": 1, "next_reply": 2, "resolution": 3}
BASES = {"calendar": 1, "business": 2}


def _buffer_text(buf):
    try:
        return ffi.string(buf.data, buf.size).decode("utf-8")
    finally:
        lib.cx_buffer_dispose(buf)


def parse_instant(text):
    """Seconds since the epoch of an ISO 8601 instant with a UTC offset
    ("2026-11-23T09:30:00+01:00"); fractions are dropped."""
    seconds, nanos = ffi.new("int64_t *"), ffi.new("int32_t *")
    check(lib.cx_instant_parse(seconds, nanos, text.encode()))
    return int(seconds[0])


def format_instant(at, utc_offset_seconds=0):
    buf = ffi.new("cx_buffer *", {"version": 1})
    check(lib.cx_instant_format(buf, at, utc_offset_seconds))
    return _buffer_text(buf)


class Timezone:
    """An IANA time zone read from the system's zoneinfo (TZif), without
    touching the process TZ: Timezone("Europe/Berlin"), Timezone.fixed(3600)."""

    def __init__(self, name, zoneinfo_dir=None):
        out = ffi.new("cx_timezone **")
        check(lib.cx_timezone_load(out, name.encode(), ffi.NULL if zoneinfo_dir is None else str(zoneinfo_dir).encode()))
        self._ptr = ffi.gc(out[0], lib.cx_timezone_free)

    @classmethod
    def fixed(cls, utc_offset_seconds):
        tz = cls.__new__(cls)
        out = ffi.new("cx_timezone **")
        check(lib.cx_timezone_fixed(out, utc_offset_seconds))
        tz._ptr = ffi.gc(out[0], lib.cx_timezone_free)
        return tz

    @property
    def name(self):
        return ffi.string(lib.cx_timezone_name(self._ptr)).decode()

    def offset_at(self, at):
        """(UTC offset in seconds, is DST) at an instant (seconds since the epoch)."""
        offset, dst = ffi.new("int32_t *"), ffi.new("int *")
        check(lib.cx_timezone_offset_at(offset, dst, self._ptr, at))
        return int(offset[0]), bool(dst[0])


def _instant(at):
    return parse_instant(at) if isinstance(at, str) else int(at)


class Calendar:
    """A business calendar (immutable; shareable between threads). Build it
    from the calendar file format of docs/service-metrics.md:
    Calendar.from_json(text), Calendar.from_dict(d), Calendar.load(path).
    Instants are seconds since the epoch or ISO 8601 strings."""

    @classmethod
    def _adopt(cls, ptr):
        cal = cls.__new__(cls)
        cal._ptr = ffi.gc(ptr, lib.cx_calendar_free)
        return cal

    @classmethod
    def from_json(cls, text, zoneinfo_dir=None):
        raw = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("cx_calendar **")
        check(lib.cx_calendar_from_json(out, raw, len(raw), ffi.NULL if zoneinfo_dir is None else str(zoneinfo_dir).encode()))
        return cls._adopt(out[0])

    @classmethod
    def from_dict(cls, d, zoneinfo_dir=None):
        return cls.from_json(json.dumps(d), zoneinfo_dir)

    @classmethod
    def load(cls, path, zoneinfo_dir=None):
        out = ffi.new("cx_calendar **")
        check(lib.cx_calendar_load(out, str(path).encode(), ffi.NULL if zoneinfo_dir is None else str(zoneinfo_dir).encode()))
        return cls._adopt(out[0])

    def to_dict(self):
        buf = ffi.new("cx_buffer *", {"version": 1})
        check(lib.cx_calendar_to_json(buf, self._ptr))
        return json.loads(_buffer_text(buf))

    def business_seconds(self, start, end):
        """Open seconds in [start, end) (negative when end < start)."""
        out = ffi.new("int64_t *")
        check(lib.cx_calendar_business_seconds(out, self._ptr, _instant(start), _instant(end)))
        return int(out[0])

    def business_seconds_many(self, starts, ends):
        starts, ends = [_instant(s) for s in starts], [_instant(e) for e in ends]
        if len(starts) != len(ends):
            raise InvalidArgument("%d starts for %d ends" % (len(starts), len(ends)), -1)
        out = ffi.new("int64_t[]", max(len(starts), 1))
        check(lib.cx_calendar_business_seconds_many(out, self._ptr, ffi.new("int64_t[]", starts),
                                                    ffi.new("int64_t[]", ends), len(starts)))
        return [int(out[i]) for i in range(len(starts))]

    def add_business_seconds(self, start, seconds):
        out = ffi.new("int64_t *")
        check(lib.cx_calendar_add_business_seconds(out, self._ptr, _instant(start), seconds))
        return int(out[0])

    def is_open(self, at):
        out = ffi.new("int *")
        check(lib.cx_calendar_is_open(out, self._ptr, _instant(at)))
        return bool(out[0])

    def next_change(self, at):
        out = ffi.new("int64_t *")
        check(lib.cx_calendar_next_change(out, self._ptr, _instant(at)))
        return int(out[0])

    def measure(self, start, end):
        """{"calendar_seconds", "business_seconds", "from", "to"} between two
        ISO 8601 instants with offsets (what `cx calendar` prints)."""
        span = ffi.new("cx_calendar_span *")
        check(lib.cx_calendar_span_init(span, 1))
        check(lib.cx_calendar_measure(span, self._ptr, start.encode(), end.encode()))
        return {"from": int(getattr(span, "from")), "to": int(span.to), "calendar_seconds": int(span.calendar_seconds),
                "business_seconds": int(span.business_seconds)}


def _code(table, name, what):
    if isinstance(name, int):
        return name
    try:
        return table[name]
    except KeyError:
        raise InvalidArgument("unknown %s %r (expected one of %s)" % (what, name, ", ".join(table)), -1) from None


def ticket_events(events):
    """A cx_ticket_event[] from (time, type, value, flag...) tuples (the
    event format of tests/data/service/tickets.json) or dicts with time,
    type, value, flags; types, statuses, authors and flags may be given by
    name."""
    rows = []
    for e in events:
        if isinstance(e, dict):
            e = (e["time"], e["type"], e.get("value", 0), *e.get("flags", ()))
        time, kind, value = e[0], _code(EVENT_TYPES, e[1], "event type"), e[2] if len(e) > 2 else 0
        if kind in (1, 2):
            value = 0 if value in (None, 0) else _code(STATUSES, value, "status")
        elif kind == 3:
            value = _code(AUTHORS, value, "author")
        flags = 0
        for f in e[3:]:  # CX_EVENT_PRIVATE (1), CX_EVENT_AUTOMATIC (2), by value or name
            flags |= f if isinstance(f, int) else _code(FLAGS, f, "event flag")
        rows.append({"time": _instant(time), "type": kind, "value": int(value), "flags": int(flags), "reserved": 0})
    arr = ffi.new("cx_ticket_event[]", max(len(rows), 1))
    for i, r in enumerate(rows):
        arr[i] = r
    return arr, len(rows)


class Service:
    """Helpdesk metrics of many tickets, in calendar and business time.
    Service(calendar=None, definition="clock_start=created;...", sla={...},
    as_of=None, confidence=0.95, sla_period=None). `sla` maps "first_reply",
    "next_reply", "resolution" to {priority: seconds}; add "business_hours":
    True to measure targets in business time and "pause": ["pending", ...]
    for the statuses that stop the SLA clocks."""

    def __init__(self, calendar=None, definition=None, sla=None, as_of=None, confidence=None, sla_period=None):
        self._calendar = calendar  # the service borrows it: keep it alive
        d = ffi.new("cx_service_definition *")
        check(lib.cx_service_definition_init(d, 1))
        if definition:
            check(lib.cx_service_definition_parse(d, definition.encode()))
        o = ffi.new("cx_service_options *")
        check(lib.cx_service_options_init(o, 1))
        if as_of is not None:
            o.as_of = _instant(as_of)
        if confidence is not None:
            o.confidence = confidence
        self._keep = []
        if sla is not None:
            p = ffi.new("cx_sla_policy *")
            check(lib.cx_sla_policy_init(p, 1))
            p.business_hours = int(bool(sla.get("business_hours", False)))
            pause = sla.get("pause", ())
            for status in (pause.split("+") if isinstance(pause, str) else pause):
                p.pause_statuses |= 1 << _code(STATUSES, status, "status")
            for target in ("first_reply", "next_reply", "resolution"):
                for prio, seconds in sla.get(target, {}).items():
                    getattr(p, target)[_code(PRIORITIES, prio, "priority") - 1] = seconds
            o.sla = p
            self._keep.append(p)
        if sla_period is not None:
            from .group import PERIODS
            g = ffi.new("cx_group_options *")
            check(lib.cx_group_options_init(g, 1))
            g.period = PERIODS[sla_period]
            o.sla_groups = g
            self._keep.append(g)
        out = ffi.new("cx_service **")
        check(lib.cx_service_new(out, ffi.NULL if calendar is None else calendar._ptr, d, o))
        self._ptr = ffi.gc(out[0], lib.cx_service_free)

    def measure(self, events, priority="normal"):
        """The metrics of one ticket as a dict (nothing is added): times as
        {"calendar": s, "business": s} or None where they do not apply;
        one_touch and the FCR variants 1, 0 or None (unresolved)."""
        arr, n = ticket_events(events)
        m = ffi.new("cx_ticket_metrics *")
        check(lib.cx_ticket_metrics_init(m, 1))
        check(lib.cx_service_measure(m, self._ptr, arr, n, _code(PRIORITIES, priority, "priority")))
        time_type, outcome_type = ffi.typeof("cx_service_time"), ffi.typeof("cx_sla_outcome")
        out = {}
        for name, field in ffi.typeof("cx_ticket_metrics").fields:
            v = getattr(m, name)
            if name == "version":
                continue
            if field.type is time_type:  # NaN: does not apply to this ticket
                out[name] = None if math.isnan(v.calendar) else {"calendar": float(v.calendar),
                                                                 "business": float(v.business)}
            elif field.type is outcome_type:
                out[name] = {"state": SLA_STATES[int(v.state)], "target": int(v.target), "breach_at": int(v.breach_at),
                             "elapsed": float(v.elapsed), "time_left": float(v.time_left)}
            elif name in ("one_touch", "fcr_no_follow_up", "fcr_first_reply"):
                out[name] = None if v < 0 else v  # -1: the ticket is not resolved
            else:
                out[name] = v
        return out

    def add_ticket(self, events, priority="normal", segment=None):
        arr, n = ticket_events(events)
        check(lib.cx_service_add_ticket(self._ptr, arr, n, _code(PRIORITIES, priority, "priority"),
                                        ffi.NULL if segment is None else segment.encode()))

    def metric(self, name, basis="calendar"):
        """The Result of one metric ("first_reply", "full_resolution",
        "fcr_no_follow_up", ...) in calendar or business time."""
        code = ffi.new("cx_service_metric *")
        check(lib.cx_service_metric_from_name(code, name.encode()))
        m = ffi.new("const cx_metric **")
        check(lib.cx_service_get_metric(m, self._ptr, code[0], _code(BASES, basis, "basis")))
        r = _new_result()
        check(lib.cx_metric_get_result(m[0], r))
        return Result(r)

    def counts(self):
        c = ffi.new("cx_service_counts *")
        check(lib.cx_service_counts_init(c, 1))
        check(lib.cx_service_get_counts(c, self._ptr))
        return {"tickets": int(c.tickets), "resolved": int(c.resolved), "unresolved": int(c.unresolved),
                "merged": int(c.merged)}

    def breach_rates(self, target="first_reply"):
        """SLA breach rate per segment (and period): {(segment, label): Result}."""
        g = ffi.new("cx_group **")
        check(lib.cx_service_get_sla_group(g, self._ptr, _code(SLA_TARGETS, target, "SLA target")))
        rates = {}
        count = ffi.new("size_t *")
        check(lib.cx_group_count(count, g[0]))
        for i in range(int(count[0])):
            e = ffi.new("cx_group_entry *")
            e.version = 1
            check(lib.cx_group_get(e, g[0], i))
            if e.suppressed:
                continue
            r = _new_result()
            check(lib.cx_group_get_result(r, g[0], i))
            rates[(ffi.string(e.segment).decode(), ffi.string(e.period_label).decode())] = Result(r)
        return rates

    def merge(self, other):
        check(lib.cx_service_merge(self._ptr, other._ptr))
        return self

