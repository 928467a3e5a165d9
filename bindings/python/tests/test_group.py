"""cx.Group: grouped calculators through the binding. Figures per group are
compared with cx.Metric fed the same answers; ISO week labels follow
Python's date.isocalendar()."""
import datetime

import pytest

import cx

DAY = 86_400_000
MONDAY = (datetime.date(2026, 11, 23) - datetime.date(1970, 1, 1)).days * DAY


def test_weekly_trend_per_segment():
    g = cx.Group("nps", period="iso_week")
    ref = {}
    for i in range(600):
        seg = "web" if i % 3 else "app"
        ts = MONDAY + (i % 21) * DAY
        score = (i * 7) % 11
        g.add(seg, score, ts)
        ref.setdefault((seg, (i % 21) // 7), cx.Metric("nps")).add(score)
    entries = list(g)
    assert [(e.segment, e.period_label) for e in entries] == [
        (s, "2026-W%02d" % (datetime.date(2026, 11, 23) + datetime.timedelta(weeks=w)).isocalendar()[1])
        for s in ("app", "web") for w in range(3)]
    for e in entries:
        w = (e.period_start_ms - MONDAY) // (7 * DAY)
        assert e.result.value == ref[(e.segment, w)].result().value
    assert g.total().result().count == 600
    assert g.find("web", MONDAY + 8 * DAY) == 4
    with pytest.raises(cx.NotFound):
        g.find("phone", MONDAY)


def test_add_many_and_suppression():
    g = cx.Group("csat", min_count=3)
    g.add_many([5, 4, 3, 1, 5], segments=["a", "a", "a", "b", "b"])
    a, b = list(g)
    assert a.result.value == pytest.approx(200 / 3)  # 2 of 3 answers are 4-5
    assert b.suppressed and b.result is None and b.count == 2
    with pytest.raises(cx.OutOfRange, match=r"values\[1\]"):
        g.add_many([5, 9], segments=["c", "c"])
    assert len(g) == 2
    with pytest.raises(cx.InvalidArgument):
        g.add_many([5, 5], segments=["x"])
    with pytest.raises(cx.InvalidArgument, match="not valid UTF-8"):
        g.add(b"\xff", 5)


def test_merge_and_blob():
    parts = [cx.Group("fcr", period="month") for _ in range(3)]
    whole = cx.Group("fcr", period="month")
    for i in range(300):
        ts = MONDAY + i * DAY
        parts[i % 3].add("team", i % 2, ts)
        whole.add("team", i % 2, ts)
    merged = parts[0].merge(parts[1]).merge(parts[2])
    assert [e.result.value for e in merged] == [e.result.value for e in whole]
    back = cx.Group.deserialize(merged.serialize())
    assert [e.count for e in back] == [e.count for e in whole]
    with pytest.raises(cx.StateError):
        merged.merge(cx.Group("fcr", period="day"))
    with pytest.raises(cx.InvalidArgument, match="period"):
        cx.Group("fcr", period="fortnight")
