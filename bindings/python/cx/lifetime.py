"""Customer-base models over cx/lifetime.h: cx.fit_purchases (BG/NBD,
Pareto/NBD), cx.fit_spend (Gamma-Gamma), predictions and CLV. Columns are
sequences or numpy arrays of the same length; results are lists (or
numpy arrays when numpy is installed)."""
from ._lib import InvalidArgument, as_doubles, check, ffi, lib

MODELS = {"bgnbd": 1, "bg/nbd": 1, "pareto_nbd": 2, "pareto/nbd": 2}
DIAGNOSES = {0: "converged", 1: "max_iterations", 2: "line_search_failed", 3: "not_a_maximum", 4: "diverged",
             5: "not_finite"}


def _columns(*cols):
    views = [as_doubles(c, name) for c, name in cols]
    n = views[0][1]
    for (_, m, _), (_, name) in zip(views, cols):
        if m != n:
            raise InvalidArgument("%s has %d rows, expected %d" % (name, m, n), -1)
    return [v[0] for v in views], n, views


def _out(n):
    buf = ffi.new("double[]", max(n, 1))
    try:
        import numpy as np
        return buf, lambda: np.frombuffer(ffi.buffer(buf, 8 * n), dtype=np.float64).copy()
    except ImportError:
        return buf, lambda: [float(buf[i]) for i in range(n)]


def _fit_options(penalty=None, starts=None, max_iterations=None, tolerance=None):
    o = ffi.new("cx_lifetime_fit_options *")
    check(lib.cx_lifetime_fit_options_init(o, 1))
    if penalty is not None:
        o.penalty = penalty
    if starts is not None:
        o.starts = starts
    if max_iterations is not None:
        o.max_iterations = max_iterations
    if tolerance is not None:
        o.tolerance = tolerance
    return o


class PurchaseFit:
    """A fitted BG/NBD or Pareto/NBD model: r, alpha, a, b (BG/NBD) or r,
    alpha, s, beta (Pareto/NBD), log_likelihood, std_errors, diagnosis."""

    def __init__(self, c):
        self._c = c
        self.model = "bgnbd" if c.model == 1 else "pareto_nbd"
        for name in ("r", "alpha", "a", "b", "s", "beta", "log_likelihood", "weight", "gradient_norm"):
            setattr(self, name, float(getattr(c, name)))
        self.std_errors = {p: float(getattr(c, "std_error_" + p)) for p in ("r", "alpha", "a", "b", "s", "beta")}
        self.diagnosis = DIAGNOSES.get(int(c.diagnosis), int(c.diagnosis))
        self.iterations, self.rows = int(c.iterations), int(c.rows)

    def __repr__(self):
        return "PurchaseFit(%s r=%.4g alpha=%.4g LL=%.6g)" % (self.model, self.r, self.alpha, self.log_likelihood)

    def json(self):
        buf = ffi.new("cx_buffer *", {"version": 1})
        check(lib.cx_lifetime_fit_json(buf, self._c))
        try:
            return ffi.string(buf.data, buf.size).decode()
        finally:
            lib.cx_buffer_dispose(buf)

    def _predict(self, fn, t, frequency, recency, T):
        ptrs, n, keep = _columns((frequency, "frequency"), (recency, "recency"), (T, "T"))
        buf, result = _out(n)
        check(fn(buf, self._c, t, *ptrs, n))
        return result()

    def p_alive(self, frequency, recency, T, t=0.0):
        """P(alive) of each customer now (t = 0) or t periods ahead."""
        return self._predict(lib.cx_lifetime_p_alive, t, frequency, recency, T)

    def expected_purchases(self, t, frequency, recency, T):
        """Expected purchases of each customer in the next t periods."""
        return self._predict(lib.cx_lifetime_expected_purchases, t, frequency, recency, T)

    def expected_population(self, t):
        """Expected purchases of a new customer in (0, t] for each t."""
        ptrs, n, keep = _columns((t, "t"))
        buf, result = _out(n)
        check(lib.cx_lifetime_expected_population(buf, self._c, ptrs[0], n))
        return result()

    def purchase_probabilities(self, t, count):
        """P(X(t) = 0 .. count - 1) for a new customer."""
        buf, result = _out(count)
        check(lib.cx_lifetime_purchase_probabilities(buf, self._c, t, count))
        return result()

    def log_likelihood_of(self, frequency, recency, T, weights=None):
        cols = [(frequency, "frequency"), (recency, "recency"), (T, "T")] + ([(weights, "weights")] if weights is not None else [])
        ptrs, n, keep = _columns(*cols)
        out = ffi.new("double *")
        check(lib.cx_lifetime_log_likelihood(out, self._c, *ptrs[:3], ptrs[3] if weights is not None else ffi.NULL, n))
        return float(out[0])


def fit_purchases(frequency, recency, T, model="bgnbd", weights=None, **options):
    """Fits BG/NBD (default) or Pareto/NBD by maximum likelihood; raises
    cx.StateError when the fit does not converge (with the reason)."""
    if model not in MODELS:
        raise InvalidArgument("unknown model %r (bgnbd or pareto_nbd)" % (model,), -1)
    cols = [(frequency, "frequency"), (recency, "recency"), (T, "T")] + ([(weights, "weights")] if weights is not None else [])
    ptrs, n, keep = _columns(*cols)
    fit = ffi.new("cx_lifetime_fit *")
    check(lib.cx_lifetime_fit_init(fit, 1))
    check(lib.cx_lifetime_fit_purchases(fit, MODELS[model], *ptrs[:3], ptrs[3] if weights is not None else ffi.NULL, n,
                                        _fit_options(**options)))
    return PurchaseFit(fit)


class SpendFit:
    """A fitted Gamma-Gamma spend model: p, q, gamma, log_likelihood."""

    def __init__(self, c):
        self._c = c
        for name in ("p", "q", "gamma", "log_likelihood", "mean_spend"):
            setattr(self, name, float(getattr(c, name)))
        self.diagnosis = DIAGNOSES.get(int(c.diagnosis), int(c.diagnosis))

    def __repr__(self):
        return "SpendFit(p=%.4g q=%.4g gamma=%.4g)" % (self.p, self.q, self.gamma)

    def expected_spend(self, frequency, monetary):
        ptrs, n, keep = _columns((frequency, "frequency"), (monetary, "monetary"))
        buf, result = _out(n)
        check(lib.cx_lifetime_expected_spend(buf, self._c, *ptrs, n))
        return result()


def fit_spend(frequency, monetary, weights=None, **options):
    """Fits the Gamma-Gamma spend model on repeat customers."""
    cols = [(frequency, "frequency"), (monetary, "monetary")] + ([(weights, "weights")] if weights is not None else [])
    ptrs, n, keep = _columns(*cols)
    fit = ffi.new("cx_lifetime_spend_fit *")
    check(lib.cx_lifetime_spend_fit_init(fit, 1))
    check(lib.cx_lifetime_fit_spend(fit, ptrs[0], ptrs[1], ptrs[2] if weights is not None else ffi.NULL, n,
                                    _fit_options(**options)))
    return SpendFit(fit)


def clv(purchases, spend, frequency, recency, T, monetary, periods=None, period_length=None, discount_rate=None,
        margin=None):
    """Discounted customer lifetime value of each customer."""
    o = ffi.new("cx_lifetime_clv_options *")
    check(lib.cx_lifetime_clv_options_init(o, 1))
    for name, v in (("periods", periods), ("period_length", period_length), ("discount_rate", discount_rate),
                    ("margin", margin)):
        if v is not None:
            setattr(o, name, v)
    ptrs, n, keep = _columns((frequency, "frequency"), (recency, "recency"), (T, "T"), (monetary, "monetary"))
    buf, result = _out(n)
    check(lib.cx_lifetime_clv(buf, purchases._c, spend._c, *ptrs, n, o))
    return result()
