"""Grouped calculators: cx.Group over cx_group."""
from ._lib import InvalidArgument, as_doubles, check, ffi, lib
from .metric import Metric, Result, kind_code, make_options, _new_result

PERIODS = {None: 0, "none": 0, "day": 1, "iso_week": 2, "week": 2, "month": 3}


class GroupEntry:
    """One group: segment, period_start_ms, period_label, count, suppressed,
    and result (None when suppressed)."""

    __slots__ = ("segment", "period_start_ms", "period_label", "count", "suppressed", "result")

    def __repr__(self):
        return "GroupEntry(%r, %r, n=%d%s)" % (self.segment, self.period_label, self.count,
                                              ", suppressed" if self.suppressed else "")


def _encode(segment):
    if segment is None:
        return ffi.NULL
    if isinstance(segment, str):
        return segment.encode("utf-8")
    return bytes(segment)


class Group:
    """One calculator per segment and period: Group("nps", period="iso_week",
    min_count=30). Metric options are passed as for cx.Metric."""

    def __init__(self, kind, period=None, utc_offset_minutes=0, min_count=0, **metric_options):
        code = kind_code(kind)
        if period not in PERIODS:
            raise InvalidArgument("unknown period %r (expected day, iso_week or month)" % (period,), -1)
        gopts = ffi.new("cx_group_options *")
        check(lib.cx_group_options_init(gopts, 1))
        gopts.period = PERIODS[period]
        gopts.utc_offset_minutes = utc_offset_minutes
        gopts.min_count = min_count
        out = ffi.new("cx_group **")
        check(lib.cx_group_new(out, code, make_options(code, **metric_options), gopts))
        self._ptr = ffi.gc(out[0], lib.cx_group_free)

    @classmethod
    def _adopt(cls, ptr):
        g = cls.__new__(cls)
        g._ptr = ffi.gc(ptr, lib.cx_group_free)
        return g

    @property
    def _handle(self):
        if self._ptr is None:
            raise InvalidArgument("the group is closed", -1)
        return self._ptr

    def close(self):
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add(self, segment, value, timestamp_ms=0, weight=None):
        """Adds one answer to the group of its segment and period."""
        seg = _encode(segment)
        if weight is None:
            check(lib.cx_group_add(self._handle, seg, timestamp_ms, value))
        else:
            check(lib.cx_group_add_weighted(self._handle, seg, timestamp_ms, value, weight))

    def add_cxi(self, segment, effectiveness, ease, emotion, timestamp_ms=0, weight=1.0):
        check(lib.cx_group_add_cxi(self._handle, _encode(segment), timestamp_ms, effectiveness, ease, emotion,
                                   weight))

    def add_many(self, values, segments=None, timestamps_ms=None):
        """Adds many answers, all or nothing; segments and timestamps (ms)
        are sequences of the same length as values, or None."""
        ptr, n, keep = as_doubles(values)
        seg_ptr, seg_keep = ffi.NULL, None
        if segments is not None:
            seg_keep = [ffi.new("char[]", _encode(s)) for s in segments]
            if len(seg_keep) != n:
                raise InvalidArgument("%d segments for %d values" % (len(seg_keep), n), -1)
            seg_ptr = ffi.new("const char *[]", seg_keep)
        ts_ptr = ffi.NULL
        if timestamps_ms is not None:
            ts = [int(t) for t in timestamps_ms]
            if len(ts) != n:
                raise InvalidArgument("%d timestamps for %d values" % (len(ts), n), -1)
            ts_ptr = ffi.new("int64_t[]", ts)
        check(lib.cx_group_add_many(self._handle, seg_ptr, ts_ptr, ptr, n))
        del keep, seg_keep

    def __len__(self):
        out = ffi.new("size_t *")
        check(lib.cx_group_count(out, self._handle))
        return int(out[0])

    def entry(self, index):
        e = ffi.new("cx_group_entry *")
        e.version = 1
        check(lib.cx_group_get(e, self._handle, index))
        item = GroupEntry()
        item.segment = ffi.string(e.segment).decode("utf-8")
        item.period_start_ms = int(e.period_start_ms)
        item.period_label = ffi.string(e.period_label).decode()
        item.count = int(e.count)
        item.suppressed = bool(e.suppressed)
        item.result = None
        if not item.suppressed and item.count:
            r = _new_result()
            check(lib.cx_group_get_result(r, self._handle, index))
            item.result = Result(r)
        return item

    def __iter__(self):
        for i in range(len(self)):
            yield self.entry(i)

    def find(self, segment, timestamp_ms=0):
        """Index of the group of a segment and time (cx.NotFound if none)."""
        out = ffi.new("size_t *")
        check(lib.cx_group_find(out, self._handle, _encode(segment), timestamp_ms))
        return int(out[0])

    def total(self):
        """A cx.Metric holding every answer of every group."""
        out = ffi.new("cx_metric **")
        check(lib.cx_group_total(out, self._handle))
        return Metric._adopt(out[0])

    def merge(self, other):
        check(lib.cx_group_merge(self._handle, other._handle))
        return self

    def serialize(self):
        n = ffi.new("size_t *")
        check(lib.cx_group_serialize(self._handle, ffi.NULL, 0, n))
        buf = ffi.new("char[]", n[0])
        check(lib.cx_group_serialize(self._handle, buf, n[0], n))
        return ffi.buffer(buf, n[0])[:]

    @classmethod
    def deserialize(cls, blob):
        data = bytes(blob)
        out = ffi.new("cx_group **")
        check(lib.cx_group_deserialize(out, data, len(data)))
        return cls._adopt(out[0])

    def __reduce__(self):
        return (Group.deserialize, (self.serialize(),))
