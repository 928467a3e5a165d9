#!/usr/bin/python3
"""Peer of bench/bench_journey.c: the same journey work in pandas.

Reads the events bench_journey wrote (raw little-endian arrays: uint32
customer, uint32 touchpoint, int64 timestamp in ms, in arrival order) and
a stage table (int8 per touchpoint, -1 for none; the goal stage index),
then times, with groupby/shift:
  cases     sort by (customer, timestamp, touchpoint); a new case where the
            customer changes or the gap exceeds the inactivity gap
  funnel    ordered stage funnel (greedy: first event of stage k after the
            event that reached stage k-1), entered counts and step durations
  variants  the touchpoint sequence of each case, counted, with goal counts
  DFG       directly-follows pairs via shift(-1): count, total, median and
            p90 of the durations
Prints one "peer_seconds <median>" line and the counts, so the benchmark
can check that both sides found the same figures.
Usage: peer_journey.py EVENTS_FILE N_EVENTS N_TOUCHPOINTS GAP_MS REPEATS STAGES(comma) GOAL
"""
import statistics
import sys
import time

import numpy as np
import pandas as pd


def analyse(customer, tp, ts, stage_of, goal_stage, gap_ms):
    df = pd.DataFrame({"customer": customer, "tp": tp, "ts": ts})
    df = df.sort_values(["customer", "ts", "tp"], kind="stable", ignore_index=True)
    new_customer = df["customer"].ne(df["customer"].shift())
    gap = df["ts"].diff().gt(gap_ms)
    df["case"] = (new_customer | gap).cumsum() - 1
    df["stage"] = stage_of[df["tp"].to_numpy()]
    df["goal"] = df["stage"].eq(goal_stage)
    n_cases = int(df["case"].iloc[-1]) + 1

    # Funnel: greedy ordered matching, one stage at a time.
    pos = pd.Series(np.arange(len(df)), index=df.index)
    case_start = df.groupby("case")["ts"].min()
    reached_pos = pd.Series(-1, index=case_start.index)
    reached_ts = case_start
    entered = []
    durations = []
    for k in range(int(stage_of.max()) + 1):
        rows = df[df["stage"].eq(k)]
        after = pos[rows.index] > reached_pos.reindex(rows["case"]).to_numpy()
        first = rows[after.to_numpy()].groupby("case").head(1)
        first = first[first["case"].isin(reached_pos.index)]
        step = (first["ts"].to_numpy() - reached_ts.reindex(first["case"]).to_numpy()) / 1000.0
        durations.append((np.median(step) if len(step) else float("nan"),
                          np.quantile(step, 0.9) if len(step) else float("nan")))
        reached_pos = pd.Series(pos[first.index].to_numpy(), index=first["case"].to_numpy())
        reached_ts = pd.Series(first["ts"].to_numpy(), index=first["case"].to_numpy())
        entered.append(len(first))

    # Variants: the path of each case, counted with its goal count.
    per_case = df.groupby("case").agg(path=("tp", tuple), goal=("goal", "any"))
    variants = per_case.groupby("path")["goal"].agg(["size", "sum"]).sort_values("size", ascending=False)

    # Directly-follows graph: pairs within a case, durations in seconds.
    nxt = df.groupby("case")[["tp", "ts"]].shift(-1)
    pairs = pd.DataFrame({"a": df["tp"], "b": nxt["tp"], "d": (nxt["ts"] - df["ts"]) / 1000.0}).dropna()
    edges = pairs.groupby(["a", "b"])["d"].agg(["size", "sum", "median", lambda d: d.quantile(0.9)])
    return n_cases, entered, len(variants), len(edges)


def main():
    path, n, n_tp, gap_ms, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    stage_of = np.array([int(s) for s in sys.argv[6].split(",")], dtype=np.int64)
    goal_stage = int(sys.argv[7])
    assert len(stage_of) == n_tp
    raw = np.fromfile(path, dtype=np.uint8)
    customer = raw[: 4 * n].view(np.uint32)
    tp = raw[4 * n: 8 * n].view(np.uint32)
    ts = raw[8 * n: 16 * n].view(np.int64)
    times = []
    for _ in range(repeats):
        start = time.process_time()  # CPU time, as bench_journey measures
        result = analyse(customer, tp, ts, stage_of, goal_stage, gap_ms)
        times.append(time.process_time() - start)
    n_cases, entered, n_variants, n_edges = result
    print(f"peer_seconds {statistics.median(times):.6f}")
    print(f"cases {n_cases}")
    print(f"variants {n_variants}")
    print(f"edges {n_edges}")
    print("funnel " + " ".join(str(e) for e in entered))


if __name__ == "__main__":
    main()
