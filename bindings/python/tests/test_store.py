"""cx.Store through the binding: import, bulk writes, streaming reads and
errors. Expected counts are those of the small files written here, by hand."""
import pytest

import cx

EVENTS = ("event_id,customer_id,touchpoint,timestamp\n"
          "e1,c1,home,2026-11-23T09:00:00Z\n"
          "e2,c1,cart,2026-11-23T09:05:00+01:00\n"
          "e3,c2,home,1795428000000\n")


def test_import_and_read_back(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS)
    seen = []
    with cx.Store(tmp_path / "s.db") as store:
        r = store.import_file(path, progress=lambda p: seen.append(p["rows_read"]))
        assert (r["table"], r["rows_read"], r["inserted"], r["rejected"]) == ("events", 3, 3, 0)
        assert seen and not r["stopped"]
        again = store.import_file(path)  # idempotent: ids already stored
        assert again["inserted"] == 0 and again["unchanged"] == 3
        assert store.count("events") == 3
        rows = store.rows("events", order="time")
        # by hand: 2026-11-23T09:05+01:00 is 08:05Z; 1795428000000 ms is 2026-11-23T10:00Z (20780 days + 10 h)
        assert [row["event_id"] for row in rows] == ["e2", "e1", "e3"]
        assert store.rows("events", customer="c2")[0]["timestamp_ms"] == 1795428000000


def test_errors_name_the_place_and_change_nothing():
    store = cx.Store()
    with pytest.raises(cx.FormatError, match=r"events.csv:3:4 \(timestamp\)"):
        store.import_data(EVENTS.replace("2026-11-23T09:05:00+01:00", "2026-13-23T09:05:00+01:00"), "events.csv")
    assert store.count("events") == 0  # the batch holding the bad row was not written
    r = store.import_data(EVENTS.replace("2026-11-23T09:05:00+01:00", "soon"), "events.csv", skip_bad=True)
    assert (r["inserted"], r["rejected"], r["first_bad_line"]) == (2, 1, 3)
    with pytest.raises(cx.InvalidArgument):
        store.rows("nothing")
    with pytest.raises(ZeroDivisionError):
        store.import_data(EVENTS.replace("e1", "e9"), "events.csv", progress=lambda p: 1 / 0)


def test_bulk_writes_and_tickets():
    store = cx.Store()
    w = store.add("customers", [{"customer_id": "c1", "segment": "smb"}, {"customer_id": "c2"}])
    assert w["inserted"] == 2
    store.add("answers", [{"answer_id": "a1", "customer_id": "c1", "metric": "nps", "score": 9,
                           "timestamp_ms": 1763888400000}])
    assert store.rows("answers")[0]["score"] == 9
    store.add("tickets", [{"ticket_id": "t1", "customer_id": "c1", "opened_ms": 1763888400000}])
    store.add("ticket_events", [{"event_id": "x1", "ticket_id": "t1", "timestamp_ms": 1763888460000, "kind": 3}])
    t = store.rows("tickets")[0]
    assert t["ticket_id"] == "t1" and len(t["events"]) == 1
    with pytest.raises(cx.InvalidArgument, match="no field"):
        store.add("customers", [{"customer": "c3"}])
    with pytest.raises(cx.Error):
        store.add("answers", [{"answer_id": "a2", "customer_id": "c1", "metric": "nps", "score": 11,
                               "timestamp_ms": 1763888400000}])
    assert store.count("answers") == 1
