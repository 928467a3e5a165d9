#!/usr/bin/python3
"""Independent reference values for tests/api/test_customer.c and test_risk.c.

Signals and churn-risk scores of hand-made timelines, computed in plain
Python straight from the definitions in docs/scoring.md: every decayed sum
is summed afresh over the events (no incremental state, no float32), so
this checks libcx's incremental, order-independent bookkeeping.
Run: /usr/bin/python3 tests/reference/customer_reference.py
"""
import math

DAY = 86400000
T0 = 1767225600000  # 2026-01-01T00:00:00Z
RECENT_H, BASELINE_H = 30.0, 180.0  # default half-lives in days
RISK_H = 90.0  # default evidence half-life in days
CSAT = (1, 5)
CES = (1, 7)

INTERACTION, PURCHASE, COMPLAINT, RESOLVED, REPLY, NPS, CSAT_E, CES_E, SENTIMENT = range(1, 10)
INTERACTIONS = {INTERACTION, PURCHASE, COMPLAINT, REPLY}


def day(d):
    return T0 + int(d * DAY)


# (day, kind, value)
ALICE = [
    (0, PURCHASE, 100), (10, INTERACTION, 0), (20, PURCHASE, 50), (30, REPLY, 3600),
    (35, COMPLAINT, 0), (40, REPLY, 7200), (45, PURCHASE, 80), (50, COMPLAINT, 0),
    (52, RESOLVED, 0), (55, NPS, 4), (56, CSAT_E, 2), (57, CES_E, 3), (58, SENTIMENT, -0.5),
    (60, REPLY, 14400), (61, NPS, 9), (62, CSAT_E, 4), (63, SENTIMENT, 0.2),
]
BOB = [
    (5, INTERACTION, 0), (25, PURCHASE, 20), (33, REPLY, 600), (47, COMPLAINT, 0),
    (70, NPS, 10), (72, CSAT_E, 5),
]
# Risk fixtures: each (events, as_of day).
CAROL = [(0, INTERACTION, 0), (60, COMPLAINT, 0), (70, COMPLAINT, 0), (80, COMPLAINT, 0)]
DAVE = [(0, NPS, 2)]  # a detractor answer 90 days before as_of: decay exactly 1/2
# A first event that is not decayed (an NPS answer), then decayed ones; the
# test feeds it both in 2026 and a century before 1970: every figure is the same.
FRED = [(0, NPS, 3), (1, INTERACTION, 0), (1, REPLY, 60), (10, REPLY, 120), (20, SENTIMENT, -0.4),
        (30, CSAT_E, 2), (40, PURCHASE, 25)]
ERIN = ([(d, INTERACTION, 0) for d in range(0, 120, 4)]   # every 4 days for 120 days,
        + [(d, REPLY, 600) for d in (10, 40, 70)]          # replies that slow down,
        + [(110, REPLY, 3000), (115, REPLY, 3000)]
        + [(d, PURCHASE, 30) for d in (0, 20, 40, 60)]     # purchases every 20 days, then none
        + [(100, SENTIMENT, -0.8), (105, CES_E, 2)])


def ratio(a, b):
    return a / b if b > 0 and not math.isnan(a) else float("nan")


def decayed(events, kinds, as_of, half_life, value=lambda v: 1.0):
    lam = math.log(2) / half_life
    return sum(value(v) * math.exp(-lam * (as_of - d)) for d, k, v in events if k in kinds)


def rate(events, as_of, half_life, tenure):
    lam = math.log(2) / half_life
    s = decayed(events, INTERACTIONS, as_of, half_life)
    return s * lam / -math.expm1(-lam * max(tenure, 1.0))


def mean_decayed(events, kind, as_of, half_life):
    w = decayed(events, {kind}, as_of, half_life)
    x = decayed(events, {kind}, as_of, half_life, value=lambda v: v)
    return x / w if w > 0 else float("nan")


def latest(events, kind):
    found = [(d, v) for d, k, v in events if k == kind]
    return max(found, key=lambda dv: dv[0]) if found else (None, float("nan"))


def signals(events, as_of, first_seen=None):
    ev = [e for e in events if e[0] <= as_of]
    first = min([d for d, _, _ in ev] + ([first_seen] if first_seen is not None else []))
    s = {"tenure_days": as_of - first}
    s["recency_days"] = as_of - max(d for d, _, _ in ev)
    s["events"] = len(ev)
    s["interactions"] = sum(1 for _, k, _ in ev if k in INTERACTIONS)
    s["interaction_rate_recent"] = rate(ev, as_of, RECENT_H, s["tenure_days"])
    s["interaction_rate_baseline"] = rate(ev, as_of, BASELINE_H, s["tenure_days"])
    s["interaction_trend"] = ratio(s["interaction_rate_recent"], s["interaction_rate_baseline"])
    buys = sorted(d for d, k, _ in ev if k == PURCHASE)
    s["purchases"] = len(buys)
    s["monetary_total"] = sum(v for _, k, v in ev if k == PURCHASE)
    s["monetary_mean"] = s["monetary_total"] / len(buys) if buys else float("nan")
    s["repurchase_gap_days"] = as_of - buys[-1] if buys else float("nan")
    if len(buys) >= 2:
        s["repurchase_interval_mean_days"] = (buys[-1] - buys[0]) / (len(buys) - 1)
        s["repurchase_interval_last_days"] = buys[-1] - buys[-2]
        s["repurchase_trend"] = max(s["repurchase_gap_days"], s["repurchase_interval_last_days"]) / s[
            "repurchase_interval_mean_days"]
    s["replies"] = sum(1 for _, k, _ in ev if k == REPLY)
    s["reply_latency_recent"] = mean_decayed(ev, REPLY, as_of, RECENT_H)
    s["reply_latency_baseline"] = mean_decayed(ev, REPLY, as_of, BASELINE_H)
    s["reply_latency_trend"] = ratio(s["reply_latency_recent"], s["reply_latency_baseline"])
    s["complaints"] = sum(1 for _, k, _ in ev if k == COMPLAINT)
    s["open_complaints"] = max(0, s["complaints"] - sum(1 for _, k, _ in ev if k == RESOLVED))
    s["nps_answers"] = sum(1 for _, k, _ in ev if k == NPS)
    s["last_nps_day"], s["last_nps"] = latest(ev, NPS)
    for name, kind in (("csat", CSAT_E), ("ces", CES_E)):
        vals = [v for _, k, v in ev if k == kind]
        s[name + "_answers"] = len(vals)
        s[name + "_mean"] = sum(vals) / len(vals) if vals else float("nan")
        s[name + "_recent"] = mean_decayed(ev, kind, as_of, RECENT_H)
        s[name + "_last"] = latest(ev, kind)[1]
    s["sentiment_scores"] = sum(1 for _, k, _ in ev if k == SENTIMENT)
    s["sentiment_recent"] = mean_decayed(ev, SENTIMENT, as_of, RECENT_H)
    s["sentiment_baseline"] = mean_decayed(ev, SENTIMENT, as_of, BASELINE_H)
    s["sentiment_trend"] = s["sentiment_recent"] - s["sentiment_baseline"]
    s["last_complaint_day"] = latest(ev, COMPLAINT)[0]
    s["last_csat_day"] = latest(ev, CSAT_E)[0]
    s["last_ces_day"] = latest(ev, CES_E)[0]
    s["last_sentiment_day"] = latest(ev, SENTIMENT)[0]
    return s


# ---- the built-in rules (docs/scoring.md) ------------------------------------

def clamp01(x):
    return min(1.0, max(0.0, x))


def ramp(x, zero, one):
    return clamp01((x - zero) / (one - zero))


def decay(evidence_day, as_of):
    return 0.5 ** ((as_of - evidence_day) / RISK_H) if evidence_day is not None else 1.0


def rules(s, as_of):
    """(id, weight, value, decay) of each built-in rule."""
    out = []
    opened = s["open_complaints"]
    out.append(("complaints.open", 0.25, clamp01(opened / 3),
                decay(s["last_complaint_day"], as_of) if opened else 1.0))
    ok = s["interactions"] >= 3 and s["tenure_days"] >= RECENT_H and not math.isnan(s["interaction_trend"])
    out.append(("interactions.drop", 0.20, ramp(s["interaction_trend"], 1, 0.25) if ok else 0.0, 1.0))
    cat = s["last_nps"]
    nps = 0.0 if math.isnan(cat) else (1.0 if cat <= 6 else (0.25 if cat <= 8 else 0.0))
    out.append(("nps.detractor", 0.15, nps, decay(s["last_nps_day"], as_of) if not math.isnan(cat) else 1.0))
    ok = s["purchases"] >= 3 and not math.isnan(s.get("repurchase_trend", float("nan")))
    out.append(("purchases.overdue", 0.10, ramp(s["repurchase_trend"], 1, 3) if ok else 0.0, 1.0))
    ok = s["replies"] >= 3 and not math.isnan(s["reply_latency_trend"])
    out.append(("replies.slower", 0.10, ramp(s["reply_latency_trend"], 1, 3) if ok else 0.0, 1.0))
    ok = s["sentiment_scores"] > 0
    out.append(("sentiment.negative", 0.10, clamp01(-s["sentiment_recent"]) if ok else 0.0,
                decay(s["last_sentiment_day"], as_of) if ok else 1.0))
    ok = s["csat_answers"] > 0
    out.append(("csat.low", 0.05, ramp(s["csat_recent"], CSAT[1] - 1, CSAT[0]) if ok else 0.0,
                decay(s["last_csat_day"], as_of) if ok else 1.0))
    ok = s["ces_answers"] > 0
    out.append(("ces.high_effort", 0.05, ramp(s["ces_recent"], CES[1] - 2, CES[0]) if ok else 0.0,
                decay(s["last_ces_day"], as_of) if ok else 1.0))
    return out


def score(s, as_of, weights=None):
    rs = rules(s, as_of)
    if weights:
        rs = [(i, weights.get(i, w), v, d) for i, w, v, d in rs]
    total = sum(w for _, w, _, _ in rs)
    return sum(w * v * d for _, w, v, d in rs) / total, [(i, w * v * d / total) for i, w, v, d in rs]


def show(name, values, keys):
    print(name + ": " + ", ".join(f"{k}={values.get(k, float('nan')):.12g}" for k in keys))


SIGNAL_KEYS = ["tenure_days", "recency_days", "events", "interactions", "interaction_rate_recent",
               "interaction_rate_baseline", "interaction_trend", "purchases", "monetary_total", "monetary_mean",
               "repurchase_interval_mean_days", "repurchase_interval_last_days", "repurchase_gap_days",
               "repurchase_trend", "replies", "reply_latency_recent", "reply_latency_baseline",
               "reply_latency_trend", "complaints", "open_complaints", "nps_answers", "last_nps", "csat_answers",
               "csat_mean", "csat_recent", "csat_last", "ces_answers", "ces_mean", "ces_recent", "ces_last",
               "sentiment_scores", "sentiment_recent", "sentiment_baseline", "sentiment_trend"]


def main():
    show("alice_day90", signals(ALICE, 90, first_seen=0), SIGNAL_KEYS)
    show("alice_day50", signals(ALICE, 50, first_seen=0), SIGNAL_KEYS)
    show("bob_day90", signals(BOB, 90), SIGNAL_KEYS)
    show("alice_bob_day90", signals(ALICE + BOB, 90, first_seen=0), SIGNAL_KEYS)
    show("fred_day60", signals(FRED, 60), SIGNAL_KEYS)
    for name, events, as_of in (("alice", ALICE, 90), ("carol", CAROL, 90), ("dave", DAVE, 90),
                                ("erin", ERIN, 130), ("alice_day50", ALICE, 50)):
        s = signals(events, as_of, first_seen=0 if name.startswith("alice") else None)
        total, parts = score(s, as_of)
        print(f"risk_{name}: score={total:.12g}, " + ", ".join(f"{i}={c:.12g}" for i, c in parts))
    s = signals(ERIN, 130)
    total, _ = score(s, 130, weights={"complaints.open": 0.0, "interactions.drop": 0.5})
    print(f"risk_erin_reweighted: score={total:.12g}")
    show("erin_day130", s, ["interaction_trend", "reply_latency_trend", "repurchase_trend", "sentiment_recent",
                            "ces_recent"])


if __name__ == "__main__":
    main()
