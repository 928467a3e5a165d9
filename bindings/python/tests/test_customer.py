"""Customers, risk rules (Python functions through the C rule interface),
plugins and segments through the binding. Expected figures are small hand
calculations stated beside them; the C module's figures are checked in
depth by tests/api/test_customer.c, test_risk.c, test_segment.c and
test_plugin.c against tests/reference/customer_reference.py."""
import os

import pytest

import cx

DAY = 86_400_000
T0 = 1_790_000_000_000


def build():
    db = cx.Customers()
    for c in ("ann", "bob", "cid"):
        db.add(c, T0)
    db.add_events(["ann", "ann", "bob", "bob", "bob", "cid"],
                  [T0, T0 + 10 * DAY, T0, T0 + DAY, T0 + 2 * DAY, T0],
                  ["purchase", "purchase", "complaint", "complaint", "nps", "interaction"],
                  [30.0, 50.0, None, None, 3, None])
    return db


def test_signals():
    db = build()
    assert len(db) == 3
    ann = db.signals("ann", as_of_ms=T0 + 20 * DAY)
    assert ann["purchases"] == 2 and ann["monetary_total"] == 80.0  # 30 + 50
    assert ann["recency_days"] == pytest.approx(10)                  # last event 10 days before as-of
    bob = db.signals("bob")
    assert bob["open_complaints"] == 2 and bob["nps_category"] == "detractor"
    with pytest.raises(cx.NotFound):
        db.signals("zoe")
    with pytest.raises(cx.Error):
        db.add_events(["ann", "ann"], [T0, T0], ["purchase", "nps"], [10.0, 11])  # NPS 11 is off the scale
    assert db.signals("ann")["purchases"] == 2  # nothing applied
    with pytest.raises(cx.InvalidArgument):
        db.add_event("ann", T0, "teleport")


def test_attributes_and_merge():
    db = build()
    db.define_attribute("plan", "string")
    db.set_attribute("ann", "plan", "gold", 1)
    assert db.get_attribute("ann", "plan") == "gold"
    db.merge("ann", "cid", T0 + DAY)
    assert db.signals("ann")["interactions"] >= 1
    db.unmerge("cid")
    assert db.signals("cid")["interactions"] == 1


def test_python_rules_explain_and_isolation():
    db = build()
    risk = cx.Risk(builtin_rules=False)
    risk.add_rule("complaints", lambda s: (min(1.0, s["open_complaints"] / 2), "%d open complaints" % s["open_complaints"]),
                  weight=0.5)
    risk.add_rule("broken", lambda s: 1 / 0, weight=0.5)
    r = risk.score(db, "bob")
    # the failing rule is left out: score = 0.5 * 1.0 / 0.5 = 1.0
    assert r == {"score": pytest.approx(1.0), "rules": 1, "failed": 1}
    score, evidence = risk.explain(db, "bob")
    assert evidence[0]["rule"] == "complaints" and evidence[0]["detail"] == "2 open complaints"
    failed = [e for e in evidence if e["status"] != 0]
    assert failed[0]["rule"] == "broken" and "ZeroDivisionError" in failed[0]["detail"]
    assert risk.top(db, 1)[0][0] == "bob"
    strict = cx.Risk(builtin_rules=False, strict=True)
    strict.add_rule("broken", lambda s: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        strict.score(db, "bob")
    with pytest.raises(cx.AlreadyExists):
        risk.add_rule("complaints", lambda s: 0.0)  # duplicate id


def test_builtin_rules_and_plugin():
    db = build()
    risk = cx.Risk()
    assert any(r["origin"] == "builtin" for r in risk.rules())
    assert 0 <= risk.score(db, "bob")["score"] <= 1
    path = os.environ.get("CX_EXAMPLE_PLUGIN")
    if path:
        plugin = cx.Plugin(path)
        risk.add_plugin(plugin)
        assert plugin.info()["rules"] >= 1
    with pytest.raises(cx.PluginError):
        cx.Plugin("/nonexistent/plugin.so")


def test_segments():
    db = build()
    seg = cx.Segments()
    seg.define("unhappy", "nps_category = 'detractor' and open_complaints >= 2")
    assert seg.members("unhappy", db) == ["bob"]
    with pytest.raises(cx.Error):
        seg.define("broken", "nps_category = = 1")
