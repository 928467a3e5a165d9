#!/usr/bin/python3
"""Peer of bench/bench_lifetime.c: the same BG/NBD work done with numpy and
scipy, timed in the same run.

The fit maximises the same log-likelihood (Fader, Hardie & Lee 2005,
written as in lib/lifetime_bgnbd.c's header) on the same grouped rows
(np.unique, weights = counts) with scipy.optimize.minimize(method="BFGS")
and the analytic gradient (scipy.special.psi), from the same three starting
points on the log-parameters, keeping the best. P(alive) is the vectorised
closed form.

Usage: peer_lifetime.py CDNOW.csv SYNTHETIC.bin N REPEATS
(SYNTHETIC.bin: float64 x[N], t_x[N], T[N]). Prints key=value lines: the
medians in seconds and the CDNOW estimates.
"""
import sys
import time

import numpy as np
from scipy import optimize, special

FACTORS = np.array([[1, 1, 1, 1], [0.5, 0.5, 0.5, 2], [2, 2, 2, 0.5]])


def group(x, tx, T):
    rows, counts = np.unique(np.stack([x, tx, T], axis=1), axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)


def neg_mean_ll(theta, x, tx, T, w, W):
    r, alpha, a, b = np.exp(theta)
    rep = x > 0
    m = r + x
    V = np.log(alpha + tx)
    U = np.log(alpha + T)
    D = U - V
    c = b + x - 1
    E = np.exp(-m * D)
    Q = np.where(rep, a + c * E, 1.0)
    lnQ = np.log(Q)
    lg = special.gammaln
    K = np.where(rep, lg(r + x) - lg(r) + lg(a + b) - lg(b) - lg(a + b + x) + lg(np.where(rep, c, 1.0)), 0.0)
    ll = np.where(rep, K + r * np.log(alpha) - m * V + lnQ, r * np.log(alpha) - r * U)
    # gradient
    psi = special.psi
    inv_T, inv_tx = 1 / (alpha + T), 1 / (alpha + tx)
    Da = inv_T - inv_tx
    gr = np.where(rep, psi(r + x) - psi(r) + np.log(alpha) - V - c * D * E / Q, np.log(alpha) - U)
    ga = np.where(rep, r / alpha - m * inv_tx - c * m * Da * E / Q, r / alpha - r * inv_T)
    gA = np.where(rep, psi(a + b) - psi(a + b + x) + 1 / Q, 0.0)
    gB = np.where(rep, psi(a + b) - psi(b) - psi(a + b + x) + psi(np.where(rep, c, 1.0)) + E / Q, 0.0)
    p = np.array([r, alpha, a, b])
    grad = np.array([w @ gr, w @ ga, w @ gA, w @ gB]) * p
    return -(w @ ll) / W, -grad / W


def fit(x, tx, T):
    x, tx, T, w = group(x, tx, T)
    W = w.sum()
    rate = (w @ x) / (w @ T)
    base = np.array([1.0, 1.0 / rate, 1.0, 1.0])
    best = None
    for f in FACTORS:
        res = optimize.minimize(neg_mean_ll, np.log(base * f), args=(x, tx, T, w, W), jac=True, method="BFGS",
                                options={"gtol": 1e-8, "maxiter": 1000})
        if best is None or res.fun < best.fun:
            best = res
    return np.exp(best.x), -best.fun * W


def p_alive(p, x, tx, T):
    r, alpha, a, b = p
    odds = a / (b + x - 1) * np.exp((r + x) * np.log1p((T - tx) / (alpha + tx)))
    return np.where(x > 0, 1 / (1 + odds), 1.0)


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    cdnow, synthetic, n, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    d = np.loadtxt(cdnow, delimiter=",", skiprows=1)
    cx, ctx, cT = d[:, 1], d[:, 2], d[:, 3]
    p, ll = fit(cx, ctx, cT)
    print(f"cdnow_params={p[0]:.6f},{p[1]:.6f},{p[2]:.6f},{p[3]:.6f},{ll:.4f}")
    print(f"cdnow_fit_seconds={median_seconds(lambda: fit(cx, ctx, cT), max(repeats, 5)):.6g}")
    s = np.fromfile(synthetic, dtype=np.float64)
    sx, stx, sT = s[:n], s[n:2 * n], s[2 * n:3 * n]
    result = {}

    def synth():
        result["p"] = fit(sx, stx, sT)[0]
    print(f"synthetic_fit_seconds={median_seconds(synth, repeats):.6g}")
    q = result["p"]
    print(f"synthetic_params={q[0]:.6f},{q[1]:.6f},{q[2]:.6f},{q[3]:.6f}")
    print(f"p_alive_seconds={median_seconds(lambda: p_alive(q, sx, stx, sT), max(repeats, 5)):.6g}")


if __name__ == "__main__":
    main()
