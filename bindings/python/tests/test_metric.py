"""cx.Metric: the binding reaches every calculator function, and its figures
equal the C library's (whose formulas tests/api/test_metric.c checks against
tests/reference/metric_reference.py). Expected figures below are quoted from
that reference output, or computed by hand where stated."""
import math
import pickle
from array import array

import pytest

import cx

NPS_A = [9, 10, 7, 0, 3, 10, 8, 6, 9, 5]


def test_nps_matches_reference():
    m = cx.Metric("nps")
    m.add_many(NPS_A)
    r = m.result()
    # ref nps_A: value 0, SE 28.2842712475, adjusted-Wald CI +/-46.4693439677
    assert r.kind == "nps"
    assert r.value == pytest.approx(0, abs=1e-12)
    assert r.std_error == pytest.approx(28.2842712475, abs=1e-9)
    assert r.ci_low == pytest.approx(-46.4693439677, abs=1e-9)
    assert r.ci_high == pytest.approx(46.4693439677, abs=1e-9)
    assert r.count == 10
    assert (r.promoters, r.passives, r.detractors) == pytest.approx((0.4, 0.2, 0.4))


def test_options_reach_the_c_struct():
    m = cx.Metric("nps", ci_method="wald")
    m.add_many(NPS_A)
    assert m.result().ci_low == pytest.approx(-55.436152974, abs=1e-8)  # ref nps_A_wald
    c = cx.Metric("csat", variant="mean")
    c.add_many([5] * 20 + [4] * 17 + [3] * 6 + [2] * 4 + [1] * 3)
    assert c.result().value == pytest.approx(3.94)  # ref csat_mean
    e = cx.Metric("ces", variant="net")
    e.add_many([7] * 12 + [6] * 15 + [5] * 10 + [4] * 6 + [3] * 4 + [2] * 2 + [1] * 1)
    assert e.result().value == pytest.approx(60)  # ref ces_net
    ten = cx.Metric("csat", scale=(1, 10))
    ten.add_many([10, 9, 8, 1])
    assert ten.result().value == pytest.approx(50)  # top-two box 9..10: 2 of 4
    low = cx.Metric("nps", confidence=0.90)
    low.add_many([10] * 30 + [9] * 25 + [8] * 20 + [7] * 10 + [6] * 8 + [3] * 7)
    assert low.result().ci_low == pytest.approx(26.8881336248, abs=1e-9)  # ref nps_B_90


def test_numpy_and_buffers_are_read_in_place():
    np = pytest.importorskip("numpy")
    scores = np.random.default_rng(1).integers(0, 11, size=100_000).astype(np.float64)
    m = cx.Metric("nps")
    m.add_many(scores)
    p, d = np.mean(scores >= 9), np.mean(scores <= 6)  # NPS by hand with numpy
    assert m.result().value == pytest.approx(100 * (p - d), abs=1e-9)
    ints = cx.Metric("nps")
    ints.add_many(scores.astype(np.int32))  # converted, same figures
    assert ints.result().value == m.result().value
    buf = cx.Metric("nps")
    buf.add_many(array("d", scores[:10]))
    assert buf.result().count == 10
    strided = cx.Metric("nps")
    strided.add_many(scores[::2])
    assert strided.result().count == 50_000


def test_weights():
    m = cx.Metric("nps")
    m.add_many([10, 9, 8, 7, 6, 0, 10, 3], weights=[1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 2.0, 1.0])
    r = m.result()
    assert r.effective_n == pytest.approx(6.4)  # ref nps_weighted: 12^2 / 22.5
    assert r.std_error == pytest.approx(36.0843918244, abs=1e-9)
    m.add(9, weight=2)
    assert m.result().weight == pytest.approx(14)
    with pytest.raises(cx.InvalidArgument):
        m.add_many([1, 2], weights=[1])


def test_errors_carry_the_c_message():
    m = cx.Metric("nps")
    with pytest.raises(cx.OutOfRange) as e:
        m.add(11)
    assert str(e.value) == "score 11 is outside the NPS scale 0..10"
    assert e.value.code == -3 and isinstance(e.value, ValueError) and isinstance(e.value, cx.Error)
    with pytest.raises(cx.OutOfRange, match=r"values\[2\]: score 12"):
        m.add_many([1, 2, 12])
    with pytest.raises(cx.EmptyError):
        m.result()  # the failed batch added nothing
    with pytest.raises(cx.InvalidArgument, match="unknown metric kind"):
        cx.Metric("promoters")
    with pytest.raises(cx.InvalidArgument, match="confidence"):
        cx.Metric("nps", confidence=1.5)
    with pytest.raises(cx.InvalidArgument, match="variant"):
        cx.Metric("nps", variant="mean")
    with pytest.raises(cx.InvalidArgument):
        m.add_many(["a", "b"])
    with pytest.raises(cx.OutOfRange):
        m.add(float("nan"))


def test_durations_and_quantiles():
    d = cx.Metric("duration")
    d.add_many([600, 30, 7200, 45, 60, 240, 90, 120, 86400, 150, 180, 300, 900, 1200, 3600])
    r = d.result()
    assert r.value == 240 and r.ci_low == 90 and r.ci_high == 1200  # ref duration
    assert d.quantile(0.9) == pytest.approx(5760)
    assert r.mean == pytest.approx(6741)
    with pytest.raises(cx.OutOfRange):
        d.quantile(2)
    with pytest.raises(cx.InvalidArgument, match="unweighted"):
        d.add(5, weight=2)


def test_cx_index():
    m = cx.Metric("cxi")
    m.add_cxi_many([[5, 4, 3], [2, 2, 1], [4, 5, 5], [3, 3, 4], [1, 4, 5], [5, 5, 5]])
    assert m.result().value == pytest.approx(38.8888888889)  # ref cxi
    m.add_cxi(5, 5, 5)
    assert m.result().count == 7
    with pytest.raises(cx.OutOfRange, match="ease answer 6"):
        m.add_cxi(5, 6, 5)
    with pytest.raises(cx.InvalidArgument, match="triples"):
        m.add_cxi_many([1, 2, 3, 4])
    w = cx.Metric("cxi", item_weights=(2, 1, 1))
    w.add_cxi_many([[5, 4, 3], [2, 2, 1], [4, 5, 5], [3, 3, 4], [1, 4, 5], [5, 5, 5]])
    assert w.result().value == pytest.approx(33.3333333333)  # ref cxi_weighted


def test_compare_merge_and_blobs():
    b = cx.Metric("nps")
    b.add_many([10] * 30 + [9] * 25 + [8] * 20 + [7] * 10 + [6] * 8 + [3] * 7)
    c = cx.Metric("nps")
    c.add_many([10] * 20 + [9] * 20 + [8] * 20 + [7] * 15 + [5] * 15 + [1] * 10)
    cmp = b.compare(c)
    assert cmp.method == "net_z"
    assert cmp.p_value == pytest.approx(0.0226370801021, abs=1e-11)  # ref nps_compare_B_C
    assert cmp.difference == pytest.approx(25)
    merged = b.clone().merge(c)
    assert merged.result().count == 200
    blob = merged.serialize()
    assert blob[:4] == b"CXMT"
    back = cx.Metric.deserialize(blob)
    assert back.result().value == merged.result().value
    assert pickle.loads(pickle.dumps(merged)).result().count == 200
    with pytest.raises(cx.FormatError, match="checksum"):
        cx.Metric.deserialize(blob[:-1] + bytes([blob[-1] ^ 1]))
    with pytest.raises(cx.StateError, match="kinds differ"):
        b.merge(cx.Metric("csat"))
    assert b.distribution() == [0, 0, 0, 7, 0, 0, 8, 10, 20, 25, 30]


def test_close_and_context_manager():
    with cx.Metric("fcr") as m:
        m.add(1)
        assert m.result().value == 100
    with pytest.raises(cx.InvalidArgument, match="closed"):
        m.add(1)
    m.close()  # idempotent
    assert "closed" in repr(m)


def test_version():
    assert cx.version().count(".") == 2
    assert cx.__version__ == cx.version()
