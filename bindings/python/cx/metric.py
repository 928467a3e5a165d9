"""Metric calculators: cx.Metric over cx_metric."""
from ._lib import InvalidArgument, as_doubles, check, ffi, lib

KINDS = {"nps": 1, "csat": 2, "ces": 3, "fcr": 4, "duration": 5, "cxi": 6}
KIND_NAMES = {v: k for k, v in KINDS.items()}
VARIANTS = {
    "csat": {"top_box": 1, "mean": 2},
    "ces": {"mean": 3, "agree": 4, "net": 5, "v1": 6},
}
CI_METHODS = {"default": 0, "wald": 1, "adjusted_wald": 2, "wilson": 3, "t": 4, "order_statistic": 5}
TESTS = {1: "net_z", 2: "two_proportion_z", 3: "welch_t", 4: "median_z"}


class Result:
    """A calculator's result: value, std_error, ci_low, ci_high, confidence,
    count, weight, effective_n, promoters, passives, detractors, mean, min,
    max (NaN where a field does not apply), and kind."""

    __slots__ = ("kind", "value", "std_error", "ci_low", "ci_high", "confidence", "count", "weight",
                 "effective_n", "promoters", "passives", "detractors", "mean", "min", "max")

    def __init__(self, c):
        self.kind = KIND_NAMES.get(int(c.kind), int(c.kind))
        for name in self.__slots__[1:]:
            value = getattr(c, name)
            setattr(self, name, int(value) if name == "count" else float(value))

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self):
        return "Result(%s %.4g [%.4g, %.4g], n=%d)" % (self.kind, self.value, self.ci_low, self.ci_high, self.count)


class Comparison:
    """cx_metric_compare: difference (a - b), std_error, ci_low, ci_high,
    z (Welch's t for means), p_value, df, confidence and method."""

    __slots__ = ("difference", "std_error", "ci_low", "ci_high", "z", "p_value", "df", "confidence", "method")

    def __init__(self, c):
        for name in self.__slots__[:-1]:
            setattr(self, name, float(getattr(c, name)))
        self.method = TESTS.get(int(c.method), int(c.method))

    def __repr__(self):
        return "Comparison(%+.4g [%.4g, %.4g], p=%.4g, %s)" % (self.difference, self.ci_low, self.ci_high,
                                                              self.p_value, self.method)


def kind_code(kind):
    try:
        return KINDS[kind.lower()] if isinstance(kind, str) else KINDS[KIND_NAMES[int(kind)]]
    except (KeyError, ValueError):
        raise InvalidArgument("unknown metric kind %r (expected one of %s)" % (kind, ", ".join(KINDS)), -1) from None


def make_options(kind, confidence=None, scale=None, threshold=None, low_threshold=None, ci_method=None,
                 variant=None, item_weights=None, sketch_k=None):
    """A cx_metric_options from keyword arguments (None keeps a default)."""
    opts = ffi.new("cx_metric_options *")
    check(lib.cx_metric_options_init(opts, 1))
    if confidence is not None:
        opts.confidence = confidence
    if scale is not None:
        opts.scale_min, opts.scale_max = scale
    if threshold is not None:
        opts.threshold = threshold
    if low_threshold is not None:
        opts.low_threshold = low_threshold
    if ci_method is not None:
        if ci_method not in CI_METHODS:
            raise InvalidArgument("unknown ci_method %r (expected one of %s)" % (ci_method, ", ".join(CI_METHODS)), -1)
        opts.ci_method = CI_METHODS[ci_method]
    if variant is not None:
        names = VARIANTS.get(KIND_NAMES[kind], {})
        if variant not in names:
            raise InvalidArgument("variant %r does not apply to %s (expected one of %s)"
                                  % (variant, KIND_NAMES[kind], ", ".join(names) or "none"), -1)
        opts.variant = names[variant]
    if item_weights is not None:
        for i, w in enumerate(item_weights):
            opts.item_weights[i] = w
    if sketch_k is not None:
        opts.sketch_k = sketch_k
    return opts


def _new_result():
    r = ffi.new("cx_metric_result *")
    check(lib.cx_metric_result_init(r, 1))
    return r


class Metric:
    """A metric calculator: Metric("nps"), Metric("csat", variant="mean"),
    Metric("ces", variant="net"), Metric("fcr"), Metric("duration"),
    Metric("cxi"). Options: confidence, scale=(min, max), threshold,
    low_threshold, ci_method ("wald", "adjusted_wald", "wilson", "t",
    "order_statistic"), variant, item_weights (CX Index), sketch_k."""

    def __init__(self, kind, **options):
        code = kind_code(kind)
        opts = make_options(code, **options)
        out = ffi.new("cx_metric **")
        check(lib.cx_metric_new(out, code, opts))
        self._ptr = ffi.gc(out[0], lib.cx_metric_free)

    @classmethod
    def _adopt(cls, ptr):
        m = cls.__new__(cls)
        m._ptr = ffi.gc(ptr, lib.cx_metric_free)
        return m

    @property
    def _handle(self):
        if self._ptr is None:
            raise InvalidArgument("the calculator is closed", -1)
        return self._ptr

    def close(self):
        """Frees the calculator now; later calls raise cx.InvalidArgument."""
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def kind(self):
        out = ffi.new("cx_metric_kind *")
        check(lib.cx_metric_get_kind(out, self._handle))
        return KIND_NAMES[int(out[0])]

    def add(self, value, weight=None):
        """Adds one answer (optionally weighted)."""
        if weight is None:
            check(lib.cx_metric_add(self._handle, value))
        else:
            check(lib.cx_metric_add_weighted(self._handle, value, weight))

    def add_many(self, values, weights=None):
        """Adds many answers in one call, all or nothing. Contiguous float64
        buffers (numpy arrays, array('d')) are read in place."""
        ptr, n, keep = as_doubles(values)
        if weights is None:
            check(lib.cx_metric_add_many(self._handle, ptr, n))
            return
        wptr, wn, wkeep = as_doubles(weights, "weights")
        if wn != n:
            raise InvalidArgument("%d weights for %d values" % (wn, n), -1)
        check(lib.cx_metric_add_many_weighted(self._handle, ptr, wptr, n))
        del keep, wkeep

    def add_cxi(self, effectiveness, ease, emotion, weight=1.0):
        """Adds one respondent's three CX Index answers (1..5)."""
        check(lib.cx_metric_add_cxi(self._handle, effectiveness, ease, emotion, weight))

    def add_cxi_many(self, triples):
        """Adds respondents from an (n, 3) array or a list of triples, all or nothing."""
        try:
            flat = [float(x) for row in triples for x in row]
        except TypeError:
            flat = triples
        ptr, n, keep = as_doubles(flat)
        if n % 3:
            raise InvalidArgument("CX Index answers come in triples; got %d numbers" % n, -1)
        check(lib.cx_metric_add_cxi_many(self._handle, ptr, n // 3))
        del keep

    def result(self):
        """The Result of the answers so far (cx.EmptyError without answers)."""
        r = _new_result()
        check(lib.cx_metric_get_result(self._handle, r))
        return Result(r)

    def quantile(self, q):
        """A quantile of a duration calculator (seconds)."""
        out = ffi.new("double *")
        check(lib.cx_metric_quantile(self._handle, q, out))
        return float(out[0])

    def distribution(self):
        """Sum of weights per scale point, from the lowest point up."""
        n = ffi.new("size_t *")
        check(lib.cx_metric_distribution(ffi.NULL, self._handle, 0, n))
        buf = ffi.new("double[]", n[0])
        check(lib.cx_metric_distribution(buf, self._handle, n[0], n))
        return [float(x) for x in buf]

    def merge(self, other):
        """Adds the answers of another calculator of the same kind and options."""
        check(lib.cx_metric_merge(self._handle, other._handle))
        return self

    def compare(self, other):
        """Comparison of self (a) against other (b)."""
        c = ffi.new("cx_comparison *")
        check(lib.cx_comparison_init(c, 1))
        check(lib.cx_metric_compare(self._handle, other._handle, c))
        return Comparison(c)

    def clone(self):
        out = ffi.new("cx_metric **")
        check(lib.cx_metric_clone(out, self._handle))
        return Metric._adopt(out[0])

    __copy__ = clone

    def serialize(self):
        """The calculator as a portable blob (bytes)."""
        n = ffi.new("size_t *")
        check(lib.cx_metric_serialize(self._handle, ffi.NULL, 0, n))
        buf = ffi.new("char[]", n[0])
        check(lib.cx_metric_serialize(self._handle, buf, n[0], n))
        return ffi.buffer(buf, n[0])[:]

    @classmethod
    def deserialize(cls, blob):
        """A calculator read back from serialize()'s bytes."""
        data = bytes(blob)
        out = ffi.new("cx_metric **")
        check(lib.cx_metric_deserialize(out, data, len(data)))
        return cls._adopt(out[0])

    def __reduce__(self):  # pickling, for multiprocessing, Dask or Spark
        return (Metric.deserialize, (self.serialize(),))

    def __repr__(self):
        if self._ptr is None:
            return "Metric(closed)"
        try:
            return "Metric(%s: %r)" % (self.kind, self.result())
        except Exception:
            return "Metric(%s, empty)" % self.kind

