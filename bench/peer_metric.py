#!/usr/bin/python3
"""numpy peer of bench_metric.c: the same NPS over the same kind of array.

usage: peer_metric.py N REPEATS   (prints nps_seconds=... nps_checked_seconds=...)
"""
import sys
import time

import numpy as np


def main():
    n, repeats = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(7)
    weights = np.array([3, 1, 1, 2, 2, 4, 6, 10, 18, 22, 31], dtype=float)
    scores = rng.choice(11, size=n, p=weights / weights.sum()).astype(np.float64)

    def counts_only():
        p = np.count_nonzero(scores >= 9)
        d = np.count_nonzero(scores <= 6)
        return 100.0 * (p - d) / n

    def checked():  # what cx_metric_add_many does: validate everything, then histogram
        if not (((scores >= 0) & (scores <= 10)).all() and (scores == np.floor(scores)).all()):
            raise ValueError("score out of range")
        hist = np.bincount(scores.astype(np.int64), minlength=11)
        return 100.0 * (hist[9:].sum() - hist[:7].sum()) / n

    for name, fn in (("nps_seconds", counts_only), ("nps_checked_seconds", checked)):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - t0)
        print(f"{name}={float(np.median(times)):.6f}")
        print(f"{name}_value={value:.4f}")


if __name__ == "__main__":
    main()
