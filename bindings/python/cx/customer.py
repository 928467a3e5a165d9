"""Customers, segments, churn risk and plugins over cx/customer.h,
cx/segment.h, cx/risk.h and cx/plugin.h. Times are milliseconds since the
epoch; signals and scores are as of now unless `as_of_ms` is given. Python functions become risk rules through the same C callback
interface as C rules and plugins."""
import time

from ._lib import EmptyError, InvalidArgument, PluginError, check, ffi, lib

EVENT_KINDS = {"interaction": 1, "purchase": 2, "complaint": 3, "complaint_resolved": 4, "reply": 5, "nps": 6,
               "csat": 7, "ces": 8, "sentiment": 9}
NPS_CATEGORIES = {0: None, 1: "detractor", 2: "passive", 3: "promoter"}
ATTR_TYPES = {"string": 1, "number": 2, "bool": 3, "timestamp": 4}
SURVIVORSHIP = {"most_recent": 1, "oldest": 2, "non_empty": 3, "sum": 4}
TIME_NONE = -(2 ** 63)
CX_EPLUGIN = -11


def _kind(kind):
    if kind not in EVENT_KINDS:
        raise InvalidArgument("unknown event kind %r (expected one of %s)" % (kind, ", ".join(EVENT_KINDS)), -1)
    return EVENT_KINDS[kind]


def _time(ms):
    return TIME_NONE if ms is None else int(ms)


def _as_of(ms):
    """A scoring time: the given one, or now."""
    return int(time.time() * 1000) if ms is None else int(ms)


def _signals_dict(c):
    out = {}
    for name, field in ffi.typeof("cx_customer_signals").fields:
        if name == "version":
            continue
        v = getattr(c, name)
        if name == "nps_category":
            v = NPS_CATEGORIES.get(int(v))
        elif name.endswith("_ms") and v == TIME_NONE:
            v = None
        out[name] = v
    return out


class Customers:
    """A set of customer profiles with incrementally kept signals:
    Customers(keep_history=True, recent_half_life_days=30, ...)."""

    def __init__(self, keep_history=True, recent_half_life_days=None, baseline_half_life_days=None):
        o = ffi.new("cx_customers_options *")
        check(lib.cx_customers_options_init(o, 1))
        o.keep_history = int(keep_history)
        if recent_half_life_days is not None:
            o.recent_half_life_days = recent_half_life_days
        if baseline_half_life_days is not None:
            o.baseline_half_life_days = baseline_half_life_days
        out = ffi.new("cx_customers **")
        check(lib.cx_customers_new(out, o))
        self._ptr = ffi.gc(out[0], lib.cx_customers_free)

    def add(self, customer_id, first_seen_ms=None):
        check(lib.cx_customers_add(self._ptr, customer_id.encode(), _time(first_seen_ms)))

    def __len__(self):
        n = ffi.new("size_t *")
        check(lib.cx_customers_count(n, self._ptr))
        return int(n[0])

    def add_event(self, customer_id, timestamp_ms, kind, value=float("nan")):
        """kind: interaction, purchase (value: amount), complaint,
        complaint_resolved, reply (value: latency seconds), nps, csat, ces
        (value: the answer), sentiment (value: -1..1)."""
        check(lib.cx_customers_add_event(self._ptr, customer_id.encode(), int(timestamp_ms), _kind(kind), value))

    def add_events(self, customer_ids, timestamps_ms, kinds, values=None):
        """Many events in one call, all or nothing."""
        ids = [ffi.new("char[]", c.encode()) for c in customer_ids]
        n = len(ids)
        ts, ks = [int(t) for t in timestamps_ms], [_kind(k) for k in kinds]
        vs = [float("nan")] * n if values is None else [float("nan") if v is None else float(v) for v in values]
        if not (len(ts) == len(ks) == len(vs) == n):
            raise InvalidArgument("ids, timestamps, kinds and values must have the same length", -1)
        check(lib.cx_customers_add_events(self._ptr, ffi.new("const char *[]", ids), ffi.new("int64_t[]", ts),
                                          ffi.new("cx_event_kind[]", ks), ffi.new("double[]", vs), n))

    def signals(self, customer_id, as_of_ms=None):
        """The customer's signals (as of a past time when given) as a dict."""
        s = ffi.new("cx_customer_signals *")
        check(lib.cx_customer_signals_init(s, 1))
        check(lib.cx_customers_get_signals(s, self._ptr, customer_id.encode(), _as_of(as_of_ms)))
        return _signals_dict(s)

    def define_attribute(self, name, type, survivorship="most_recent"):
        d = ffi.new("cx_attribute_def *")
        check(lib.cx_attribute_def_init(d, 1))
        keep = ffi.new("char[]", name.encode())
        d.name = keep
        if type not in ATTR_TYPES or survivorship not in SURVIVORSHIP:
            raise InvalidArgument("type must be one of %s and survivorship one of %s"
                                  % (", ".join(ATTR_TYPES), ", ".join(SURVIVORSHIP)), -1)
        d.type, d.survivorship = ATTR_TYPES[type], SURVIVORSHIP[survivorship]
        check(lib.cx_customers_define_attribute(self._ptr, d))

    def set_attribute(self, customer_id, name, value, updated_ms=0):
        cid, key = customer_id.encode(), name.encode()
        if isinstance(value, bool):
            check(lib.cx_customers_set_bool(self._ptr, cid, key, int(value), updated_ms))
        elif isinstance(value, (int, float)):
            check(lib.cx_customers_set_number(self._ptr, cid, key, float(value), updated_ms))
        else:
            check(lib.cx_customers_set_string(self._ptr, cid, key, str(value).encode(), updated_ms))

    def get_attribute(self, customer_id, name):
        v = ffi.new("cx_attr_value *")
        check(lib.cx_attr_value_init(v, 1))
        check(lib.cx_customers_get_attribute(v, self._ptr, customer_id.encode(), name.encode()))
        return {1: lambda: ffi.string(v.string).decode(), 2: lambda: float(v.number), 3: lambda: bool(v.boolean),
                4: lambda: int(v.timestamp_ms)}[int(v.type)]()

    def merge(self, survivor_id, absorbed_id, at_ms):
        """Identity merge (logged; undo with unmerge)."""
        check(lib.cx_customers_merge(self._ptr, survivor_id.encode(), absorbed_id.encode(), int(at_ms)))

    def unmerge(self, absorbed_id):
        check(lib.cx_customers_unmerge(self._ptr, absorbed_id.encode()))

    def ids(self):
        out, n = [], len(self)
        p = ffi.new("const char **")
        for i in range(n):
            check(lib.cx_customers_get_id(p, self._ptr, i))
            out.append(ffi.string(p[0]).decode())
        return out


class Plugin:
    """A plugin shared object with risk rules: Plugin(path)."""

    def __init__(self, path):
        out = ffi.new("cx_plugin **")
        check(lib.cx_plugin_load(out, str(path).encode()))
        self._ptr = ffi.gc(out[0], lib.cx_plugin_free)

    def info(self):
        i = ffi.new("cx_plugin_info *")
        check(lib.cx_plugin_info_init(i, 1))
        check(lib.cx_plugin_get_info(i, self._ptr))
        return {"name": ffi.string(i.name).decode(), "version": ffi.string(i.plugin_version).decode(),
                "description": ffi.string(i.description).decode(), "rules": int(i.rules)}


class Risk:
    """A churn-risk model: built-in rules (unless builtin_rules=False), rules
    added as Python functions, and plugins. Risk(half_life_days=90,
    strict=False)."""

    def __init__(self, half_life_days=None, strict=False, builtin_rules=True):
        o = ffi.new("cx_risk_options *")
        check(lib.cx_risk_options_init(o, 1))
        if half_life_days is not None:
            o.half_life_days = half_life_days
        o.strict, o.builtin_rules = int(strict), int(builtin_rules)
        out = ffi.new("cx_risk **")
        check(lib.cx_risk_new(out, o))
        self._ptr = ffi.gc(out[0], lib.cx_risk_free)
        self._callbacks = []   # keep Python rules and their C trampolines alive with the model
        self._plugins = []
        self._error = None

    def add_rule(self, rule_id, fn, weight=0.1, decays=False, description=None):
        """fn(signals: dict) returns a value in 0..1, or (value, detail) or a
        dict with value, detail, input, reference, evidence_ms. An exception
        fails the rule: it is left out of the score and named in the
        explanation (or, with strict=True, raised from score())."""
        model = self

        @ffi.callback("int(cx_rule_output *, const cx_rule_context *, void *)")
        def trampoline(out, ctx, _payload):
            try:
                result = fn(_signals_dict(ctx.signals))
                if isinstance(result, tuple):
                    result = {"value": result[0], "detail": result[1]}
                elif not isinstance(result, dict):
                    result = {"value": result}
                out.value = float(result["value"])
                for key in ("input", "reference"):
                    if result.get(key) is not None:
                        setattr(out, key, float(result[key]))
                if result.get("evidence_ms") is not None:
                    out.evidence_ms = int(result["evidence_ms"])
                detail = result.get("detail")
                if detail and out.detail != ffi.NULL and out.detail_cap > 0:
                    raw = str(detail).encode()[:out.detail_cap - 1]
                    ffi.memmove(out.detail, raw + b"\0", len(raw) + 1)
                return 0
            except BaseException as e:  # the C caller isolates the rule; strict mode re-raises it
                model._error = e
                if out.detail != ffi.NULL and out.detail_cap > 0:
                    raw = ("%s: %s" % (type(e).__name__, e)).encode()[:out.detail_cap - 1]
                    ffi.memmove(out.detail, raw + b"\0", len(raw) + 1)
                return CX_EPLUGIN

        r = ffi.new("cx_rule *")
        check(lib.cx_rule_init(r, 1))
        keep = [ffi.new("char[]", rule_id.encode())]
        r.id = keep[0]
        if description is not None:
            keep.append(ffi.new("char[]", description.encode()))
            r.description = keep[-1]
        r.weight, r.decays, r.fn = weight, int(decays), trampoline
        check(lib.cx_risk_add_rule(self._ptr, r))
        self._callbacks.append((trampoline, fn))

    def add_plugin(self, plugin):
        check(lib.cx_risk_add_plugin(self._ptr, plugin._ptr))
        self._plugins.append(plugin)

    def set_weight(self, rule_id, weight):
        check(lib.cx_risk_set_weight(self._ptr, rule_id.encode(), weight))

    def rules(self):
        n = ffi.new("size_t *")
        check(lib.cx_risk_rule_count(n, self._ptr))
        out = []
        for i in range(int(n[0])):
            info = ffi.new("cx_rule_info *")
            check(lib.cx_rule_info_init(info, 1))
            check(lib.cx_risk_get_rule(info, self._ptr, i))
            out.append({"id": ffi.string(info.id).decode(), "weight": float(info.weight),
                        "origin": {1: "builtin", 2: "callback", 3: "plugin"}[int(info.origin)]})
        return out

    def _call(self, rc):
        error, self._error = self._error, None
        if rc != 0 and error is not None:
            raise error
        check(rc)

    def score(self, customers, customer_id, as_of_ms=None):
        """{"score": 0..1, "rules": counted, "failed": left out}."""
        r = ffi.new("cx_risk_result *")
        check(lib.cx_risk_result_init(r, 1))
        self._call(lib.cx_risk_score(r, self._ptr, customers._ptr, customer_id.encode(), _as_of(as_of_ms)))
        return {"score": float(r.score), "rules": int(r.rules), "failed": int(r.failed)}

    def explain(self, customers, customer_id, as_of_ms=None):
        """(score, evidence): each rule's id, value, contribution, input and
        detail, largest contribution first."""
        out = ffi.new("cx_risk_explanation **")
        self._call(lib.cx_risk_explain(out, self._ptr, customers._ptr, customer_id.encode(), _as_of(as_of_ms)))
        e = out[0]
        try:
            r = ffi.new("cx_risk_result *")
            check(lib.cx_risk_result_init(r, 1))
            check(lib.cx_risk_explanation_get_result(r, e))
            n = ffi.new("size_t *")
            check(lib.cx_risk_explanation_count(n, e))
            evidence = []
            for i in range(int(n[0])):
                ev = ffi.new("cx_risk_evidence *")
                check(lib.cx_risk_evidence_init(ev, 1))
                check(lib.cx_risk_explanation_get(ev, e, i))
                evidence.append({"rule": ffi.string(ev.rule_id).decode(), "status": int(ev.status),
                                 "value": float(ev.value), "weight": float(ev.weight),
                                 "contribution": float(ev.contribution), "input": float(ev.input),
                                 "detail": ffi.string(ev.detail).decode() if ev.detail != ffi.NULL else ""})
            return float(r.score), evidence
        finally:
            lib.cx_risk_explanation_free(e)

    def top(self, customers, k, as_of_ms=None):
        """The k customers most at risk: [(customer_id, score), ...]."""
        idx, scores, n = ffi.new("size_t[]", max(k, 1)), ffi.new("double[]", max(k, 1)), ffi.new("size_t *")
        self._call(lib.cx_risk_top(idx, scores, k, n, self._ptr, customers._ptr, _as_of(as_of_ms)))
        out, p = [], ffi.new("const char **")
        for i in range(int(n[0])):
            check(lib.cx_customers_get_id(p, customers._ptr, idx[i]))
            out.append((ffi.string(p[0]).decode(), float(scores[i])))
        return out


class Segments:
    """Segment definitions: Segments().define("at_risk", "open_complaints >= 2 and nps_category = 'detractor'")."""

    def __init__(self):
        out = ffi.new("cx_segments **")
        check(lib.cx_segments_new(out))
        self._ptr = ffi.gc(out[0], lib.cx_segments_free)

    def define(self, name, expression):
        check(lib.cx_segments_define(self._ptr, name.encode(), expression.encode()))

    def members(self, name, customers, as_of_ms=None):
        """Ids of the customers in a segment."""
        n = len(customers)
        member = ffi.new("uint8_t[]", max(n, 1))
        check(lib.cx_segments_evaluate(member, n, self._ptr, name.encode(), customers._ptr, _as_of(as_of_ms)))
        ids = customers.ids()
        return [ids[i] for i in range(n) if member[i]]
