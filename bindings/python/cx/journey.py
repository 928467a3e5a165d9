"""Touchpoints and journeys over cx/touchpoint.h and cx/journey.h:
cx.Journey with funnels, variants, the directly-follows graph, friction and
attribution. Results are lists of dicts (the C result objects are read
and released at once)."""
import json

from ._lib import InvalidArgument, check, ffi, lib

LEVELS = {"touchpoint": 1, "stage": 2, "channel": 3}
CHANNELS = {"web": 1, "app": 2, "email": 3, "phone": 4, "chat": 5, "social": 6, "store": 7, "other": 8}
ORDERS = {"count": 1, "lost": 2, "total_time": 3}
MODELS = {"first_touch": 1, "last_touch": 2, "linear": 3, "markov": 4}
NAN_OUTCOME = float("nan")


def _pick(table, name, what):
    if name not in table:
        raise InvalidArgument("unknown %s %r (expected one of %s)" % (what, name, ", ".join(table)), -1)
    return table[name]


def _string(p):
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")


def _struct_dict(c, skip=("version",)):
    out = {}
    for name, field in ffi.typeof(c).item.fields if ffi.typeof(c).kind == "pointer" else ffi.typeof(c).fields:
        if name in skip:
            continue
        v = getattr(c, name)
        if field.type.kind == "pointer" and field.type.item.cname == "char":
            v = _string(v)
        out[name] = v
    return out


def _read(count_fn, get_fn, ctype, init_fn, handle, free_fn):
    """Reads every entry of a C result object, then frees it."""
    try:
        n = ffi.new("size_t *")
        check(count_fn(n, handle))
        rows = []
        for i in range(int(n[0])):
            e = ffi.new(ctype + " *")
            check(init_fn(e, 1))
            check(get_fn(e, handle, i))
            rows.append(_struct_dict(e))
        return rows
    finally:
        free_fn(handle)


def _c_strings(items):
    keep = [ffi.new("char[]", s.encode()) for s in items]
    return ffi.new("const char *[]", keep) if keep else ffi.NULL, keep


class Journey:
    """Journeys of customers across touchpoints. Journey(stages=["awareness",
    ..., "purchase"], goals=["purchase"], auto_register=True,
    inactivity_gap_ms=0). Timestamps are milliseconds since the epoch."""

    def __init__(self, stages=(), goals=(), auto_register=False, inactivity_gap_ms=0):
        o = ffi.new("cx_journey_options *")
        check(lib.cx_journey_options_init(o, 1))
        stage_ptr, self._keep_stages = _c_strings(list(stages))
        goal_ptr, self._keep_goals = _c_strings(list(goals))
        o.stages, o.stage_count = stage_ptr, len(self._keep_stages)
        o.goal_stages, o.goal_count = goal_ptr, len(self._keep_goals)
        o.auto_register = int(auto_register)
        o.inactivity_gap_ms = inactivity_gap_ms
        out = ffi.new("cx_journey **")
        check(lib.cx_journey_new(out, ffi.NULL, o))
        self._ptr = ffi.gc(out[0], lib.cx_journey_free)

    def add_touchpoint(self, id, name=None, channel="other", stage=None):
        """Registers a touchpoint; returns its index."""
        info = ffi.new("cx_touchpoint_info *")
        check(lib.cx_touchpoint_info_init(info, 1))
        keep = [ffi.new("char[]", id.encode())]
        info.id = keep[-1]
        if name is not None:
            keep.append(ffi.new("char[]", name.encode()))
            info.name = keep[-1]
        if channel in CHANNELS:
            info.channel = CHANNELS[channel]
        else:
            info.channel = 9  # CX_CHANNEL_CUSTOM
            keep.append(ffi.new("char[]", channel.encode()))
            info.channel_name = keep[-1]
        if stage is not None:
            keep.append(ffi.new("char[]", stage.encode()))
            info.stage = keep[-1]
        out = ffi.new("uint32_t *")
        check(lib.cx_journey_add_touchpoint(out, self._ptr, info))
        return int(out[0])

    def observe(self, customer, touchpoint, timestamp_ms, outcome=None):
        check(lib.cx_journey_observe(self._ptr, customer.encode(), touchpoint.encode(), timestamp_ms,
                                     NAN_OUTCOME if outcome is None else outcome))

    def observe_many(self, customers, touchpoints, timestamps_ms, outcomes=None):
        """Adds many events in one call, all or nothing."""
        customers, touchpoints, timestamps_ms = list(customers), list(touchpoints), [int(t) for t in timestamps_ms]
        n = len(customers)
        if not (len(touchpoints) == len(timestamps_ms) == n) or (outcomes is not None and len(outcomes) != n):
            raise InvalidArgument("customers, touchpoints, timestamps and outcomes must have the same length", -1)
        cust, keep_c = _c_strings(customers)
        tps, keep_t = _c_strings(touchpoints)
        out_ptr = ffi.NULL if outcomes is None else ffi.new("double[]", [NAN_OUTCOME if o is None else o for o in outcomes])
        check(lib.cx_journey_observe_many(self._ptr, cust, tps, ffi.new("int64_t[]", timestamps_ms), out_ptr, n))

    def merge(self, other):
        check(lib.cx_journey_merge(self._ptr, other._ptr))
        return self

    def summary(self):
        s = ffi.new("cx_journey_summary *")
        check(lib.cx_journey_summary_init(s, 1))
        check(lib.cx_journey_get_summary(s, self._ptr))
        return _struct_dict(s)

    def funnel(self, confidence=None, from_ms=None, to_ms=None):
        """(steps, summary): cases entering each stage in order, drop-offs,
        step and overall conversion with Wilson intervals, durations."""
        o = ffi.new("cx_funnel_options *")
        check(lib.cx_funnel_options_init(o, 1))
        if confidence is not None:
            o.confidence = confidence
        if from_ms is not None:
            o.from_ms = from_ms
        if to_ms is not None:
            o.to_ms = to_ms
        out = ffi.new("cx_funnel **")
        check(lib.cx_journey_funnel(out, self._ptr, o))
        f = out[0]
        s = ffi.new("cx_funnel_summary *")
        check(lib.cx_funnel_summary_init(s, 1))
        rc = lib.cx_funnel_get_summary(s, f)
        if rc != 0:
            lib.cx_funnel_free(f)
            check(rc)
        summary = _struct_dict(s)
        steps = _read(lib.cx_funnel_step_count, lib.cx_funnel_get_step, "cx_funnel_step", lib.cx_funnel_step_init,
                      f, lib.cx_funnel_free)
        return steps, summary

    def variants(self, top=0, level="touchpoint", collapse_repeats=False):
        """Most frequent paths: [{"path": [...], "count", "share", "goal_rate"}, ...]."""
        o = ffi.new("cx_variant_options *")
        check(lib.cx_variant_options_init(o, 1))
        o.level, o.top_k, o.collapse_repeats = _pick(LEVELS, level, "level"), top, int(collapse_repeats)
        out = ffi.new("cx_variants **")
        check(lib.cx_journey_variants(out, self._ptr, o))
        v = out[0]
        try:
            listed, distinct, cases = ffi.new("size_t *"), ffi.new("size_t *"), ffi.new("uint64_t *")
            check(lib.cx_variants_count(listed, distinct, cases, v))
            rows = []
            for i in range(int(listed[0])):
                e = ffi.new("cx_variant *")
                check(lib.cx_variant_init(e, 1))
                check(lib.cx_variants_get(e, v, i))
                rows.append({"path": [_string(e.names[k]) for k in range(e.length)], "count": int(e.count),
                             "share": float(e.share), "goal_count": int(e.goal_count), "goal_rate": float(e.goal_rate)})
            return rows
        finally:
            lib.cx_variants_free(v)

    def dfg(self, level="touchpoint", order="count", collapse_repeats=False):
        """Directly-follows graph: (nodes, edges); order "lost" or
        "total_time" ranks the bottlenecks."""
        o = ffi.new("cx_dfg_options *")
        check(lib.cx_dfg_options_init(o, 1))
        o.level, o.order = _pick(LEVELS, level, "level"), _pick(ORDERS, order, "order")
        o.collapse_repeats = int(collapse_repeats)
        out = ffi.new("cx_dfg **")
        check(lib.cx_journey_dfg(out, self._ptr, o))
        g = out[0]
        try:
            nn, ne = ffi.new("size_t *"), ffi.new("size_t *")
            check(lib.cx_dfg_count(nn, ne, g))
            nodes, edges = [], []
            for i in range(int(nn[0])):
                e = ffi.new("cx_dfg_node *")
                check(lib.cx_dfg_node_init(e, 1))
                check(lib.cx_dfg_get_node(e, g, i))
                nodes.append(_struct_dict(e))
            for i in range(int(ne[0])):
                e = ffi.new("cx_dfg_edge *")
                check(lib.cx_dfg_edge_init(e, 1))
                check(lib.cx_dfg_get_edge(e, g, i))
                edges.append(_struct_dict(e))
            return nodes, edges
        finally:
            lib.cx_dfg_free(g)

    def dot(self, level="touchpoint", order="count"):
        """The directly-follows graph in Graphviz DOT."""
        o = ffi.new("cx_dfg_options *")
        check(lib.cx_dfg_options_init(o, 1))
        o.level, o.order = _pick(LEVELS, level, "level"), _pick(ORDERS, order, "order")
        out = ffi.new("cx_dfg **")
        check(lib.cx_journey_dfg(out, self._ptr, o))
        buf = ffi.new("cx_buffer *", {"version": 1})
        try:
            check(lib.cx_dfg_to_dot(buf, out[0]))
            return ffi.string(buf.data, buf.size).decode()
        finally:
            lib.cx_buffer_dispose(buf)
            lib.cx_dfg_free(out[0])

    def friction(self, repeat_window_ms=None):
        """(summary, per_touchpoint): repeats, loops, backtracks, channel switches."""
        o = ffi.new("cx_friction_options *")
        check(lib.cx_friction_options_init(o, 1))
        if repeat_window_ms is not None:
            o.repeat_window_ms = repeat_window_ms
        out = ffi.new("cx_friction **")
        check(lib.cx_journey_friction(out, self._ptr, o))
        s = ffi.new("cx_friction_summary *")
        check(lib.cx_friction_summary_init(s, 1))
        rc = lib.cx_friction_get_summary(s, out[0])
        if rc != 0:
            lib.cx_friction_free(out[0])
            check(rc)
        summary = _struct_dict(s)
        rows = _read(lib.cx_friction_count, lib.cx_friction_get, "cx_friction_entry", lib.cx_friction_entry_init,
                     out[0], lib.cx_friction_free)
        return summary, rows

    def attribution(self, model="markov", level="touchpoint", markov_order=1, remove=None):
        """Credit of goal conversions per node. With remove=[names], the
        removal effect of that set (Markov) is returned instead."""
        o = ffi.new("cx_attribution_options *")
        check(lib.cx_attribution_options_init(o, 1))
        o.model, o.level, o.markov_order = _pick(MODELS, model, "model"), _pick(LEVELS, level, "level"), markov_order
        out = ffi.new("cx_attribution **")
        check(lib.cx_journey_attribution(out, self._ptr, o))
        a = out[0]
        if remove is not None:
            try:
                names, keep = _c_strings(list(remove))
                effect = ffi.new("double *")
                check(lib.cx_attribution_removal_effect(effect, a, names, len(keep)))
                return float(effect[0])
            finally:
                lib.cx_attribution_free(a)
        return _read(lib.cx_attribution_count, lib.cx_attribution_get, "cx_attribution_entry",
                     lib.cx_attribution_entry_init, a, lib.cx_attribution_free)

    def to_json(self, top=0, level="touchpoint"):
        """The `cx journey --json` object (cases, variants, edges) as a dict."""
        o = ffi.new("cx_journey_json_options *")
        check(lib.cx_journey_json_options_init(o, 1))
        o.level, o.top_k = _pick(LEVELS, level, "level"), top
        buf = ffi.new("cx_buffer *", {"version": 1})
        try:
            check(lib.cx_journey_to_json(buf, self._ptr, o))
            return json.loads(ffi.string(buf.data, buf.size).decode())
        finally:
            lib.cx_buffer_dispose(buf)
