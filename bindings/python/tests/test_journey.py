"""cx.Journey through the binding on a journey small enough to count by
hand: three customers, paths ad>web>buy (converts), web>buy (converts),
ad>web (does not). Expected counts are computed in the test with plain
dicts; the C module's figures are checked in depth by tests/api/test_journey*.c
against tests/reference/journey_reference.py."""
from collections import Counter

import pytest

import cx

DAY = 86_400_000
PATHS = {"c1": ["ad", "web", "buy"], "c2": ["web", "buy"], "c3": ["ad", "web"]}


def make():
    j = cx.Journey(stages=["awareness", "consideration", "purchase"], goals=["purchase"])
    j.add_touchpoint("ad", channel="social", stage="awareness")
    j.add_touchpoint("web", "Web shop", channel="web", stage="consideration")
    j.add_touchpoint("buy", channel="web", stage="purchase")
    customers, touchpoints, times = [], [], []
    for c, path in PATHS.items():
        for k, tp in enumerate(path):
            customers.append(c)
            touchpoints.append(tp)
            times.append(1_790_000_000_000 + k * DAY)
    j.observe_many(customers, touchpoints, times)
    return j


def test_variants_edges_and_json():
    j = make()
    assert j.summary()["cases"] == 3 and j.summary()["events"] == 7
    want = Counter(tuple(p) for p in PATHS.values())
    assert {tuple(v["path"]): v["count"] for v in j.variants()} == dict(want)
    edges = Counter((a, b) for p in PATHS.values() for a, b in zip(p, p[1:]))
    nodes, got = j.dfg()
    assert {(e["from_name"], e["to_name"]): e["count"] for e in got} == dict(edges)
    # every transition takes one day
    assert all(e["median_seconds"] == 86400 for e in got)
    doc = j.to_json()
    assert doc["cases"] == 3
    assert {(e["from"], e["to"]): e["count"] for e in doc["edges"]} == dict(edges)
    assert "digraph" in j.dot()


def test_funnel_attribution_and_friction():
    j = make()
    steps, summary = j.funnel()
    assert [s["stage"] for s in steps] == ["awareness", "consideration", "purchase"]
    assert summary["goal_cases"] == 2 and summary["goal_rate"] == pytest.approx(2 / 3)
    for model in ("first_touch", "last_touch", "linear", "markov"):
        credit = sum(row["credit"] for row in j.attribution(model))
        assert credit == pytest.approx(2), model  # every conversion is credited once
    first = {row["name"]: row["credit"] for row in j.attribution("first_touch")}
    assert first["ad"] == pytest.approx(1) and first["web"] == pytest.approx(1)  # c1 starts at ad, c2 at web
    # without web no path converts
    assert j.attribution(remove=["web"]) == pytest.approx(1.0)
    summary, rows = j.friction()
    assert summary["cases"] == 3
    # channel switches: ad(social) -> web twice (c1, c3)
    assert summary["channel_switches"] == 2


def test_errors_change_nothing():
    j = make()
    with pytest.raises(cx.NotFound, match="chekout"):
        j.observe("c4", "chekout", 1_790_000_000_000)
    with pytest.raises(cx.Error):
        j.observe_many(["c4", "c4"], ["ad", "web"], [1_790_000_000_000, -5])
    assert j.summary()["events"] == 7
    with pytest.raises(cx.InvalidArgument):
        j.observe_many(["c4"], ["ad", "web"], [0])
    with pytest.raises(cx.InvalidArgument):
        j.variants(level="planet")
    merged = make().merge(make())
    assert merged.summary()["events"] == 14
