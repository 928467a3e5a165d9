"""Lifetime models through the binding on the CDNOW calibration summary
(tests/data/cdnow): the fit must reproduce the published BG/NBD estimates
(Fader, Hardie & Lee 2005: r 0.243, alpha 4.414, a 0.793, b 2.426,
LL -9582.4) and Hardie's 1.226 expected purchases in 39 weeks for customer 1."""
import csv
import math
import os

import pytest

import cx

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "data", "cdnow")


@pytest.fixture(scope="module")
def cdnow():
    with open(os.path.join(DATA, "cdnow_customers_summary.csv")) as f:
        rows = list(csv.DictReader(f))
    return ([float(r["frequency"]) for r in rows], [float(r["recency"]) for r in rows], [float(r["T"]) for r in rows])


def test_bgnbd_reproduces_the_published_fit(cdnow):
    fit = cx.fit_purchases(*cdnow)
    assert fit.diagnosis == "converged"
    assert (round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert '"alpha"' in fit.json()
    f, r, T = cdnow
    # Hardie (note 004): customer 1 (x = 2, t_x = 30.43, T = 38.86) expects 1.226 purchases in 39 weeks
    assert fit.expected_purchases(39, f[:1], r[:1], T[:1])[0] == pytest.approx(1.226, abs=0.001)
    alive = fit.p_alive(f, r, T)
    assert len(alive) == len(f) and all(0 <= p <= 1 for p in alive)
    assert alive[f.index(0.0)] == pytest.approx(1.0)  # no repeat purchase: BG/NBD says alive
    probs = fit.purchase_probabilities(39, 5)
    assert sum(probs) < 1 and probs[0] > probs[1]
    assert fit.log_likelihood_of(*cdnow) == pytest.approx(fit.log_likelihood, rel=1e-12)


def test_spend_and_clv(cdnow):
    with open(os.path.join(DATA, "cdnow_customers_summary_with_transactions.csv")) as f:
        rows = [r for r in csv.DictReader(f)]
    x = [float(r["x"]) for r in rows]
    zbar = [float(r["zbar"]) for r in rows]
    repeat = [(xi, z) for xi, z in zip(x, zbar) if xi > 0]
    spend = cx.fit_spend([a for a, _ in repeat], [b for _, b in repeat])
    # Fader, Hardie & Lee (2005, "RFM and CLV"): p 6.25, q 3.74, gamma 15.44
    assert (round(spend.p, 2), round(spend.q, 2), round(spend.gamma, 2)) == pytest.approx((6.25, 3.74, 15.44), abs=0.01)
    fit = cx.fit_purchases(*cdnow)
    f, r, T = cdnow
    values = cx.clv(fit, spend, f[:10], r[:10], T[:10], zbar[:10])
    assert len(values) == 10 and all(v >= 0 and math.isfinite(v) for v in values)


def test_bad_rows_are_named():
    with pytest.raises(cx.OutOfRange, match=r"frequency\[1\] = -1"):
        cx.fit_purchases([1, -1], [1, 1], [2, 2])
    with pytest.raises(cx.OutOfRange):
        cx.fit_purchases([1, 1], [3, 1], [2, 2])  # recency > T
    with pytest.raises(cx.InvalidArgument, match="rows"):
        cx.fit_purchases([1, 2], [1], [2, 2])
    with pytest.raises(cx.InvalidArgument):
        cx.fit_purchases([1], [1], [2], model="mystery")
