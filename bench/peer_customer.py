#!/usr/bin/python3
"""Peer of bench/bench_customer.c: the same signals and built-in churn-risk
scores computed with pandas (groupby over one table of every event).

It generates the same events as the C benchmark (the same splitmix64
hashes, vectorised with numpy), then times, as process CPU seconds, the
work from the in-memory event table to one score per customer, following
docs/scoring.md. Prints `seconds=` (median of the runs) and `mean_score=`
(the mean over customers, which the C benchmark compares with its own).

Usage: peer_customer.py CUSTOMERS RUNS
"""
import math
import sys
import time

import numpy as np
import pandas as pd

EVENTS = 20
T0 = 1735689600000
DAY = 86400000
RECENT_H, BASELINE_H, RISK_H = 30.0, 180.0, 90.0
INTERACTION, PURCHASE, COMPLAINT, RESOLVED, REPLY, NPS, CSAT, CES, SENTIMENT = range(1, 10)
KIND_TABLE = np.array([INTERACTION] * 8 + [PURCHASE] * 4 + [REPLY] * 2 + [COMPLAINT, NPS, CSAT, CES]
                      + [SENTIMENT] * 2, dtype=np.int8)


def mix(x):
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def events(customers):
    c = np.repeat(np.arange(customers, dtype=np.uint64), EVENTS)
    j = np.tile(np.arange(EVENTS, dtype=np.uint64), customers)
    h = mix(c * np.uint64(EVENTS) + j)
    kind = KIND_TABLE[(h % np.uint64(20)).astype(np.int64)]
    v = h >> np.uint64(8)
    value = np.zeros(len(h))
    value = np.where(kind == PURCHASE, (10 + v % np.uint64(200)).astype(float), value)
    value = np.where(kind == REPLY, (60 + v % np.uint64(86400)).astype(float), value)
    value = np.where(kind == NPS, (v % np.uint64(11)).astype(float), value)
    value = np.where(kind == CSAT, (1 + v % np.uint64(5)).astype(float), value)
    value = np.where(kind == CES, (1 + v % np.uint64(7)).astype(float), value)
    value = np.where(kind == SENTIMENT, ((v % np.uint64(2001)).astype(float) - 1000.0) / 1000.0, value)
    hc = mix(np.uint64(0xC0FFEE) + c)
    start = T0 + (hc % np.uint64(365)).astype(np.int64) * DAY
    gap = (1 + (hc >> np.uint64(16)) % np.uint64(20)).astype(np.int64) * DAY
    t = start + j.astype(np.int64) * gap + ((h >> np.uint64(32)) % np.uint64(DAY)).astype(np.int64)
    df = pd.DataFrame({"c": c.astype(np.int32), "t": t, "kind": kind, "value": value})
    return df, int(t.max()) + DAY


def clamp01(x):
    return np.clip(x, 0.0, 1.0)


def ramp(x, zero, one):
    return clamp01((x - zero) / (one - zero))


def fade(evidence_ms, as_of):
    """2^(-age / half-life); 1 where there is no evidence."""
    age = (as_of - evidence_ms) / DAY
    return np.where(np.isnan(evidence_ms), 1.0, np.exp2(-age / RISK_H))


def score(df, as_of, customers):
    index = pd.RangeIndex(customers)
    by, kind, t, value = df["c"], df["kind"], df["t"], df["value"]
    age_ms = (as_of - t).to_numpy(dtype=float)
    lam_r, lam_b = math.log(2) / (RECENT_H * DAY), math.log(2) / (BASELINE_H * DAY)
    wr = pd.Series(np.exp(-lam_r * age_ms), index=df.index)
    wb = pd.Series(np.exp(-lam_b * age_ms), index=df.index)
    g = df.groupby("c")
    tenure = ((as_of - g["t"].min()) / DAY).reindex(index)

    def count(mask):
        return mask.groupby(by).sum().reindex(index, fill_value=0)

    def latest(mask):
        return t[mask].groupby(by[mask]).max().reindex(index).astype(float)

    def mean(mask, w):
        ww = w[mask].groupby(by[mask]).sum()
        xx = (w[mask] * value[mask]).groupby(by[mask]).sum()
        return (xx / ww.where(ww > 0)).reindex(index)

    inter = kind.isin([INTERACTION, PURCHASE, COMPLAINT, REPLY])
    n_inter = count(inter)

    def rate(w, half_life):
        lam = math.log(2) / half_life
        s = w[inter].groupby(by[inter]).sum().reindex(index, fill_value=0.0)
        return s * lam / -np.expm1(-lam * np.maximum(tenure, 1.0))

    rate_r, rate_b = rate(wr, RECENT_H), rate(wb, BASELINE_H)
    trend = rate_r / rate_b.where(rate_b > 0)
    v_inter = np.where((n_inter >= 3) & (tenure >= RECENT_H) & trend.notna(), ramp(trend, 1.0, 0.25), 0.0)

    replies = kind == REPLY
    lat_trend = mean(replies, wr) / mean(replies, wb)
    v_reply = np.where((count(replies) >= 3) & lat_trend.notna(), ramp(lat_trend, 1.0, 3.0), 0.0)

    buys = df[kind == PURCHASE].sort_values(["c", "t"])
    gb = buys.groupby("c")["t"]
    n_buys = gb.size().reindex(index, fill_value=0)
    last = gb.nth(-1).reindex(index).astype(float)
    prev = gb.nth(-2).reindex(index).astype(float)
    first = gb.min().reindex(index).astype(float)
    mean_interval = (last - first) / DAY / (n_buys - 1).where(n_buys >= 2)
    open_gap = np.maximum((as_of - last) / DAY, (last - prev) / DAY)
    buy_trend = open_gap / mean_interval.where(mean_interval > 0)
    v_buy = np.where((n_buys >= 3) & buy_trend.notna(), ramp(buy_trend, 1.0, 3.0), 0.0)

    complaints = kind == COMPLAINT
    open_n = count(complaints) - count(kind == RESOLVED)
    v_comp = clamp01(open_n / 3.0) * np.where(open_n > 0, fade(latest(complaints), as_of), 1.0)

    nps = df[kind == NPS].sort_values(["c", "t"]).groupby("c")["value"].last().reindex(index)
    v_nps = np.select([nps <= 6, nps <= 8, nps <= 10], [1.0, 0.25, 0.0], 0.0) * fade(latest(kind == NPS), as_of)

    def survey(k, zero, lo):
        m = mean(kind == k, wr)
        return np.where(m.notna(), ramp(m, zero, lo) * fade(latest(kind == k), as_of), 0.0)

    v_csat = survey(CSAT, 4.0, 1.0)
    v_ces = survey(CES, 5.0, 1.0)
    sent = mean(kind == SENTIMENT, wr)
    v_sent = np.where(sent.notna(), clamp01(-sent) * fade(latest(kind == SENTIMENT), as_of), 0.0)

    weighted = (0.25 * v_comp + 0.20 * v_inter + 0.15 * v_nps + 0.10 * v_buy + 0.10 * v_reply + 0.10 * v_sent
                + 0.05 * v_csat + 0.05 * v_ces)
    return np.asarray(weighted) / 1.0


def main():
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    df, as_of = events(customers)
    times, scores = [], None
    for _ in range(runs):
        start = time.process_time()
        scores = score(df, as_of, customers)
        times.append(time.process_time() - start)
    print(f"seconds={float(np.median(times)):.6f}")
    print(f"mean_score={float(np.mean(scores)):.12f}")


if __name__ == "__main__":
    main()
