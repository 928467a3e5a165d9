#!/usr/bin/python3
"""Checks `cx lifetime --json` (tests/suites/86-cli-journey-risk.sh). Never
calls libcx.

  cdnow JSON
      the fit on tests/data/cdnow/cdnow_customers_summary.csv against the
      published BG/NBD estimates (Fader, Hardie & Lee 2005, "Counting Your
      Customers the Easy Way", Marketing Science 24(2)): r 0.243, alpha 4.414,
      a 0.793, b 2.426 to three significant digits, log-likelihood -9582.4.

  store SAMPLE_DIR JSON CALIBRATION_END HORIZON_WEEKS
      the store summaries of the listed customers, rebuilt from the sample's
      events.csv (purchases; one purchase per UTC day, its value the day's
      total; x = purchase days - 1, t_x and T in weeks from the first
      purchase day to the last one and to the calibration end's day;
      monetary = mean of the repeat days' totals), and their P(alive) and
      expected purchases from the closed forms of Fader, Hardie & Lee (2005,
      equations for P(alive) and E[Y(t) | x, t_x, T]) with the fitted
      parameters, scipy.special.hyp2f1 for the Gauss hypergeometric function.

Prints "ok ..." / "FAIL ..." lines; exits 1 on a failure.
"""
import csv
import datetime as dt
import json
import sys
from collections import defaultdict

from scipy.special import hyp2f1


def check_cdnow(got):
    ok = True
    for key, want in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
        good = abs(got[key] - want) <= 0.0005  # three significant digits
        print(("ok " if good else "FAIL ") + "%s %.4f (published %.3f)" % (key, got[key], want))
        ok = ok and good
    good = abs(got["log_likelihood"] + 9582.4) <= 0.05
    print(("ok " if good else "FAIL ") + "log-likelihood %.2f (published -9582.4)" % got["log_likelihood"])
    good = good and got["diagnosis"] == "converged" and got["customers"] == 2357
    print(("ok " if good else "FAIL ") + "converged on 2357 customers")
    return ok and good


def day_of(text):
    t = dt.datetime.fromisoformat(text)
    return (t - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).days


def summaries(sample, cal_end_day):
    days = defaultdict(lambda: defaultdict(float))
    with open(sample + "/events.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = day_of(row["timestamp"])
            if row["type"] == "purchase" and d <= cal_end_day:
                days[row["customer_id"]][d] += float(row["value"])
    out = {}
    for cid, per_day in days.items():
        ds = sorted(per_day)
        x = len(ds) - 1
        m = sum(per_day[d] for d in ds[1:]) / x if x > 0 else 0.0
        out[cid] = (x, (ds[-1] - ds[0]) / 7, (cal_end_day - ds[0]) / 7, m)
    return out


def p_alive(p, x, tx, T):
    if x == 0:
        return 1.0
    return 1 / (1 + p["a"] / (p["b"] + x - 1) * ((p["alpha"] + T) / (p["alpha"] + tx)) ** (p["r"] + x))


def expected_purchases(p, t, x, tx, T):
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    return head * p_alive(p, x, tx, T)


def check_store(sample, got, cal_end, horizon):
    cal_end_day = (dt.date.fromisoformat(cal_end) - dt.date(1970, 1, 1)).days
    want = summaries(sample, cal_end_day)
    ok = True
    good = got["customers"] == len(want)
    print(("ok " if good else "FAIL ") + "customers with a purchase by %s: %d (cx %d)" % (cal_end, len(want), got["customers"]))
    ok = ok and good
    for c in got["top"]:
        x, tx, T, m = want[c["customer_id"]]
        same = (c["frequency"], round(c["recency"], 9), round(c["T"], 9)) == (x, round(tx, 9), round(T, 9)) and \
            abs(c["monetary_value"] - m) <= 1e-9 * max(1, m)
        pa, ey = p_alive(got, x, tx, T), expected_purchases(got, horizon, x, tx, T)
        close = abs(c["p_alive"] - pa) <= 1e-9 and abs(c["expected_purchases"] - ey) <= 1e-7 * max(1, ey)
        print(("ok " if same and close else "FAIL ") + "%s: x %d, t_x %.4f, T %.4f, monetary %.2f; P(alive) %.6f, "
              "E[purchases in %d weeks] %.6f" % (c["customer_id"], x, tx, T, m, pa, horizon, ey))
        ok = ok and same and close
    clv = [c["clv"] for c in got["top"]]
    good = clv == sorted(clv, reverse=True)
    print(("ok " if good else "FAIL ") + "listed by lifetime value, highest first")
    return ok and good


def main(argv):
    if len(argv) == 3 and argv[1] == "cdnow":
        return 0 if check_cdnow(json.load(open(argv[2]))) else 1
    if len(argv) == 6 and argv[1] == "store":
        return 0 if check_store(argv[2], json.load(open(argv[3])), argv[4], int(argv[5])) else 1
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
