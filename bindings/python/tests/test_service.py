"""Time zones, calendars and service metrics through the binding, run on the
shared test vectors tests/data/service/*.json (expected values from
tests/reference/service_reference.py and calendar_reference.py, which
compute them independently with Python's zoneinfo)."""
import json
import os

import pytest

import cx

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "data", "service")


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)


def test_timezones_and_instants():
    berlin = cx.Timezone("Europe/Berlin")
    assert berlin.name == "Europe/Berlin"
    assert berlin.offset_at(cx.parse_instant("2026-07-01T12:00:00Z")) == (7200, True)   # CEST
    assert berlin.offset_at(cx.parse_instant("2026-01-01T12:00:00Z")) == (3600, False)  # CET
    assert cx.parse_instant("1970-01-02T00:00:00+01:00") == 82800
    assert cx.format_instant(0) == "1970-01-01T00:00:00Z"
    with pytest.raises(cx.NotFound):
        cx.Timezone("Mars/Olympus_Mons")
    with pytest.raises(cx.FormatError):
        cx.parse_instant("yesterday")


def test_calendar_vectors():
    v = load("calendars.json")
    cals = {name: cx.Calendar.from_dict(c) for name, c in v["calendars"].items()}
    for span in v["spans"]:
        cal = cals[span["calendar"]]
        assert cal.business_seconds(span["from"], span["to"]) == span["business_seconds"], span["note"]
        assert cal.measure(span["from"], span["to"])["calendar_seconds"] == span["calendar_seconds"]
    for add in v["additions"]:
        got = cals[add["calendar"]].add_business_seconds(add["from"], add["seconds"])
        assert got == cx.parse_instant(add["expected"]), add["note"]
    for probe in v["open_at"]:
        assert cals[probe["calendar"]].is_open(probe["at"]) == probe["open"], probe["note"]
    assert len(v["spans"]) + len(v["additions"]) + len(v["open_at"]) >= 50


def test_calendar_measure_and_errors():
    cal = cx.Calendar.from_dict({"timezone": "Europe/Berlin",
                                 "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]},
                                 "holidays": ["2026-11-24"]})
    span = cal.measure("2026-11-23T08:00:00+01:00", "2026-11-25T08:00:00+01:00")
    assert span["calendar_seconds"] == 48 * 3600
    assert span["business_seconds"] == 8 * 3600  # Monday 9-17; Tuesday is a holiday
    assert cal.business_seconds_many(["2026-11-23T10:00:00+01:00"], ["2026-11-23T11:00:00+01:00"]) == [3600]
    assert cal.to_dict()["timezone"] == "Europe/Berlin"
    with pytest.raises(cx.Error, match="overlap"):
        cx.Calendar.from_dict({"timezone": "UTC", "week": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}})
    with pytest.raises(cx.NotFound):
        cx.Calendar.from_dict({"timezone": "Nowhere/Else", "week": {}})


def test_ticket_vectors():
    v = load("tickets.json")
    cal = cx.Calendar.from_dict(v["calendar"])
    checked = 0
    for name, definition in v["definitions"].items():
        svc = cx.Service(cal, definition=definition, sla=v["sla"], as_of=v["as_of"])
        for t in v["tickets"]:
            expected = t["expected"].get(name)
            if expected is None:
                continue
            if isinstance(expected, dict) and "error" in expected:
                with pytest.raises(cx.Error):
                    svc.measure(t["events"], t["priority"])
                continue
            got = svc.measure(t["events"], t["priority"])
            for field, want in expected.items():
                g = got[field]
                if field == "clock_start":
                    assert g == cx.parse_instant(want), (t["id"], name, field)
                elif want is None:
                    assert g is None, (t["id"], name, field)
                elif isinstance(g, dict) and "business" in g:  # [calendar, business] seconds
                    assert [g["calendar"], g["business"]] == pytest.approx(want), (t["id"], name, field)
                elif isinstance(want, dict):  # an SLA outcome
                    for k, w in want.items():
                        w = cx.parse_instant(w) if isinstance(w, str) and k == "breach_at" else w
                        assert g[k] == (pytest.approx(w) if isinstance(w, float) else w), (t["id"], name, field, k)
                elif isinstance(want, bool):
                    assert bool(g) == want, (t["id"], name, field)
                else:
                    assert g == want, (t["id"], name, field)
                checked += 1
    assert checked > 300


def test_aggregate_vectors():
    v = load("tickets.json")
    cal = cx.Calendar.from_dict(v["calendar"])
    want = v["aggregate"]["default"]
    svc = cx.Service(cal, definition=v["definitions"]["default"], sla=v["sla"], as_of=v["as_of"])
    for t in v["tickets"]:
        if "error" not in json.dumps(t["expected"].get("default", {})):
            svc.add_ticket(t["events"], t["priority"], t.get("segment"))
    assert svc.metric("first_reply", "business").value == pytest.approx(want["first_reply_business_median"])
    assert svc.metric("full_resolution", "calendar").value == pytest.approx(want["full_resolution_calendar_median"])
    one_touch = svc.metric("one_touch")
    assert one_touch.value == pytest.approx(want["one_touch"]["value"])
    assert one_touch.ci_low == pytest.approx(want["one_touch"]["ci_low"], abs=1e-9)
    assert svc.metric("reopen_rate").value == pytest.approx(want["reopen_rate"])
    rates = svc.breach_rates("first_reply")
    for segment, w in want["sla_breach_rate"]["sla_first_reply"].items():
        assert rates[(segment, "")].value == pytest.approx(w["value"])
        assert rates[(segment, "")].count == w["count"]
    assert svc.counts()["tickets"] >= 10


def test_bad_tickets_change_nothing():
    svc = cx.Service()
    with pytest.raises(cx.Error, match="before"):
        svc.add_ticket([("2026-01-01T10:00:00Z", "message", "agent"), ("2026-01-01T09:00:00Z", "created")])
    assert svc.counts()["tickets"] == 0
    with pytest.raises(cx.InvalidArgument, match="status"):
        svc.add_ticket([("2026-01-01T10:00:00Z", "created"), ("2026-01-01T10:00:00Z", "status", "lost")])
    with pytest.raises(cx.NotFound):
        cx.Service(definition="clock_start=whenever")
