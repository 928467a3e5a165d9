#!/usr/bin/python3
"""Independent reference values for tests/api/test_metric.c.

Every figure the C tests expect is printed here, computed with numpy, scipy
and statsmodels (Debian's python3-numpy, python3-scipy, python3-statsmodels)
straight from the published definitions in docs/metrics.md -- not from libcx.
Run: /usr/bin/python3 tests/reference/metric_reference.py
"""
import mpmath
import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import ttest_ind

Z95 = stats.norm.ppf(0.975)
mpmath.mp.dps = 30


def t_ppf(p, df):
    """Student t quantile solved at 30 digits with mpmath.

    scipy 1.10's stats.t.ppf is only good to about 1e-9 relative for small
    df (0.975 at df 5: 2.5705818366 where the root of the exact CDF is
    2.5705818356), so the references use mpmath for t quantiles."""
    tail = mpmath.mpf(1 - p) if p > 0.5 else mpmath.mpf(p)
    f = lambda t: mpmath.betainc(df / 2.0, 0.5, 0, df / (df + t * t), regularized=True) / 2 - tail
    root = mpmath.findroot(f, abs(stats.t.ppf(p, df)))
    return float(root if p > 0.5 else -root)


def t_interval(mean, se, df):
    q = t_ppf(0.975, df)
    return mean - q * se, mean + q * se


def show(name, **values):
    print(name + ": " + ", ".join(f"{k}={v:.12g}" for k, v in values.items()))


def nps(scores, z=Z95, adjusted=True):
    s = np.asarray(scores)
    n = len(s)
    p = np.mean(s >= 9)
    d = np.mean(s <= 6)
    value = 100 * (p - d)
    se = 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    if adjusted:  # Rocks (2016), Sauro & Lewis: add 3 answers 0.75/1.5/0.75
        n2 = n + 3
        p2 = (np.sum(s >= 9) + 0.75) / n2
        d2 = (np.sum(s <= 6) + 0.75) / n2
        centre = 100 * (p2 - d2)
        half = z * 100 * np.sqrt((p2 + d2 - (p2 - d2) ** 2) / n2)
    else:
        centre, half = value, z * se
    return value, se, max(centre - half, -100), min(centre + half, 100)


def nps_adjusted(scores):
    s = np.asarray(scores)
    n2 = len(s) + 3
    p2 = (np.sum(s >= 9) + 0.75) / n2
    d2 = (np.sum(s <= 6) + 0.75) / n2
    return 100 * (p2 - d2), 100 * np.sqrt((p2 + d2 - (p2 - d2) ** 2) / n2)


# NPS sample A: 10 answers, hand-checkable: promoters 9,10,10,9 (4), passives 7,8 (2), detractors 0,3,6,5 (4)
A = [9, 10, 7, 0, 3, 10, 8, 6, 9, 5]
v, se, lo, hi = nps(A)
show("nps_A", value=v, std_error=se, ci_low=lo, ci_high=hi)
v, se, lo, hi = nps(A, adjusted=False)
show("nps_A_wald", ci_low=lo, ci_high=hi)

# NPS sample B for comparison
B = [10] * 30 + [9] * 25 + [8] * 20 + [7] * 10 + [6] * 8 + [3] * 7
C = [10] * 20 + [9] * 20 + [8] * 20 + [7] * 15 + [5] * 15 + [1] * 10
v, se, lo, hi = nps(B)
show("nps_B", value=v, std_error=se, ci_low=lo, ci_high=hi)
eb, sb = nps_adjusted(B)
ec, sc = nps_adjusted(C)
sd = np.hypot(sb, sc)
zval = (eb - ec) / sd
show("nps_compare_B_C", difference=nps(B)[0] - nps(C)[0], std_error=sd, z=zval,
     p_value=2 * stats.norm.sf(abs(zval)), ci_low=eb - ec - Z95 * sd, ci_high=eb - ec + Z95 * sd)

# NPS at 90 % confidence
v, se, lo, hi = nps(B, z=stats.norm.ppf(0.95))
show("nps_B_90", ci_low=lo, ci_high=hi)

# CSAT top-2-box on 1..5: 37 of 50 answers are 4 or 5
csat = [5] * 20 + [4] * 17 + [3] * 6 + [2] * 4 + [1] * 3
k, n = 37, 50
lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
show("csat", value=100 * k / n, std_error=100 * np.sqrt(0.74 * 0.26 / 50), ci_low=100 * lo, ci_high=100 * hi)
ci = t_interval(np.mean(csat), stats.sem(csat), n - 1)
show("csat_mean", value=np.mean(csat), std_error=stats.sem(csat), ci_low=ci[0], ci_high=ci[1])

# CSAT compare: pooled two-proportion z (statsmodels) and Newcombe hybrid score (method 10)
k2, n2 = 30, 60
zs, ps = proportions_ztest([k, k2], [n, n2])
la, ua = proportion_confint(k, n, method="wilson")
lb, ub = proportion_confint(k2, n2, method="wilson")
pa, pb = k / n, k2 / n2
show("csat_compare", difference=100 * (pa - pb), z=zs, p_value=ps,
     ci_low=100 * (pa - pb - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)),
     ci_high=100 * (pa - pb + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)))

# CES 2.0 on 1..7
ces = [7] * 12 + [6] * 15 + [5] * 10 + [4] * 6 + [3] * 4 + [2] * 2 + [1] * 1
ces = np.array(ces, dtype=float)
ci = t_interval(ces.mean(), stats.sem(ces), len(ces) - 1)
show("ces_mean", value=ces.mean(), std_error=stats.sem(ces), ci_low=ci[0], ci_high=ci[1])
agree = np.sum(ces >= 5)
lo, hi = proportion_confint(agree, len(ces), method="wilson")
show("ces_agree", value=100 * agree / len(ces), ci_low=100 * lo, ci_high=100 * hi)
pos, neg, n = np.mean(ces >= 5), np.mean(ces <= 3), len(ces)
show("ces_net", value=100 * (pos - neg), std_error=100 * np.sqrt((pos + neg - (pos - neg) ** 2) / n))

# CES compare: Welch (statsmodels ttest_ind usevar='unequal')
ces2 = np.array([7] * 5 + [6] * 10 + [5] * 15 + [4] * 10 + [3] * 6 + [2] * 3 + [1] * 1, dtype=float)
t, p, df = ttest_ind(ces, ces2, usevar="unequal")
se = np.sqrt(ces.var(ddof=1) / len(ces) + ces2.var(ddof=1) / len(ces2))
tc = t_ppf(0.975, df)
d = ces.mean() - ces2.mean()
show("ces_welch", difference=d, std_error=se, t=t, df=df, p_value=p, ci_low=d - tc * se, ci_high=d + tc * se)

# FCR: 83 of 100 resolved
lo, hi = proportion_confint(83, 100, method="wilson")
show("fcr", value=83.0, ci_low=100 * lo, ci_high=100 * hi)

# Weighted NPS: Kish effective n
scores = np.array([10, 9, 8, 7, 6, 0, 10, 3], dtype=float)
w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 2.0, 1.0])
W = w.sum()
neff = W ** 2 / np.sum(w ** 2)
p = w[scores >= 9].sum() / W
dd = w[scores <= 6].sum() / W
show("nps_weighted", value=100 * (p - dd), n_eff=neff, std_error=100 * np.sqrt((p + dd - (p - dd) ** 2) / neff))

# CX Index: three answers per respondent, net (%4-5 - %1-2) per question averaged
cxi = np.array([[5, 4, 3], [2, 2, 1], [4, 5, 5], [3, 3, 4], [1, 4, 5], [5, 5, 5]], dtype=float)
net = np.where(cxi >= 4, 100.0, np.where(cxi <= 2, -100.0, 0.0))
per_q = net.mean(axis=0)
resp = net.mean(axis=1)
ci = t_interval(resp.mean(), stats.sem(resp), len(resp) - 1)
show("cxi", value=per_q.mean(), std_error=stats.sem(resp), ci_low=ci[0], ci_high=ci[1])
wq = np.array([2.0, 1.0, 1.0])
show("cxi_weighted", value=(per_q * wq).sum() / wq.sum())

# Durations: exact quantiles (numpy default, linear interpolation) and the
# Campbell & Gardner (1988) order-statistic interval for the median
dur = np.array([30, 45, 60, 90, 120, 150, 180, 240, 300, 600, 900, 1200, 3600, 7200, 86400], dtype=float)
n = len(dur)
srt = np.sort(dur)
r = int(np.rint(n / 2 - Z95 * np.sqrt(n) / 2))
u = int(np.rint(1 + n / 2 + Z95 * np.sqrt(n) / 2))
show("duration", median=np.median(dur), p90=np.quantile(dur, 0.9), p25=np.quantile(dur, 0.25), mean=dur.mean(),
     ci_low=srt[r - 1], ci_high=srt[u - 1], rank_low=r, rank_high=u)

# Distribution functions
show("norm", q975=stats.norm.ppf(0.975), q999999=stats.norm.ppf(0.999999), q1e_12=stats.norm.ppf(1e-12))
show("t", q975_df1=t_ppf(0.975, 1), q975_df5=t_ppf(0.975, 5), q975_df7=t_ppf(0.975, 7),
     q995_df3_5=t_ppf(0.995, 3.5), q975_df1000=t_ppf(0.975, 1000), q1e_9_df12=t_ppf(1e-9, 12))
show("tcdf", df5_2=stats.t.cdf(2.0, 5), df2_5_m3=stats.t.cdf(-3.0, 2.5), df30_0_7=stats.t.cdf(0.7, 30))
show("ibeta", a2_b3_x04=stats.beta.cdf(0.4, 2, 3), a05_b05_x01=stats.beta.cdf(0.1, 0.5, 0.5),
     a50_b20_x07=stats.beta.cdf(0.7, 50, 20))
