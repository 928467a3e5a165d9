"""The SQLite store and its CSV / JSON Lines import: cx.Store over cx/store.h."""
from ._lib import InvalidArgument, check, ffi, lib

TABLES = {"customers": 1, "touchpoints": 2, "events": 3, "answers": 4, "tickets": 5, "ticket_events": 6,
          "comments": 7}
ROW_TYPES = {1: "cx_store_customer", 2: "cx_store_touchpoint", 3: "cx_store_event", 4: "cx_store_answer",
             5: "cx_store_ticket", 6: "cx_store_ticket_event", 7: "cx_store_comment"}
ROW_INIT = {1: "cx_store_customer_init", 2: "cx_store_touchpoint_init", 3: "cx_store_event_init",
            4: "cx_store_answer_init", 5: "cx_store_ticket_init", 6: "cx_store_ticket_event_init",
            7: "cx_store_comment_init"}
ADD = {1: "cx_store_add_customers", 2: "cx_store_add_touchpoints", 3: "cx_store_add_events", 4: "cx_store_add_answers",
       5: "cx_store_add_tickets", 6: "cx_store_add_ticket_events", 7: "cx_store_add_comments"}
EACH = {1: ("cx_store_each_customer", "cx_store_customer_fn"), 2: ("cx_store_each_touchpoint", "cx_store_touchpoint_fn"),
        3: ("cx_store_each_event", "cx_store_event_fn"), 4: ("cx_store_each_answer", "cx_store_answer_fn"),
        5: ("cx_store_each_ticket", "cx_store_ticket_fn"), 7: ("cx_store_each_comment", "cx_store_comment_fn")}
FORMATS = {None: 0, "auto": 0, "csv": 1, "jsonl": 2}
ORDERS = {None: 0, "stored": 0, "time": 1, "customer_time": 2}
NO_TIME = -(2 ** 63)
ABORT = -1000  # returned by a Python callback that raised; the exception is re-raised after the call


def _table(table):
    if table not in TABLES:
        raise InvalidArgument("unknown table %r (expected one of %s)" % (table, ", ".join(TABLES)), -1)
    return TABLES[table]


def _row_dict(row):
    out = {}
    for name, field in ffi.typeof(row[0]).fields:
        if name == "version":
            continue
        v = getattr(row, name)
        if field.type.kind == "pointer":
            v = None if v == ffi.NULL else ffi.string(v).decode("utf-8", "replace")
        elif isinstance(v, int) and v == NO_TIME and name.endswith("_ms"):
            v = None
        out[name] = v
    return out


class Store:
    """A store file (or ":memory:"): Store(path, read_only=False, must_exist=False).
    Rows are dicts with the fields of docs/data-format.md."""

    def __init__(self, path=":memory:", read_only=False, must_exist=False):
        o = ffi.new("cx_store_options *")
        check(lib.cx_store_options_init(o, 1))
        o.flags = (1 if read_only else 0) | (2 if must_exist else 0)
        out = ffi.new("cx_store **")
        check(lib.cx_store_open(out, str(path).encode(), o))
        self._ptr = ffi.gc(out[0], lib.cx_store_close)

    def close(self):
        if self._ptr is not None:
            ffi.release(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def _handle(self):
        if self._ptr is None:
            raise InvalidArgument("the store is closed", -1)
        return self._ptr

    def count(self, table):
        out = ffi.new("uint64_t *")
        check(lib.cx_store_count(out, self._handle, _table(table)))
        return int(out[0])

    def import_file(self, path, table=None, format=None, skip_bad=False, reject_path=None, column_map=None,
                    batch_rows=None, progress=None):
        """Imports a CSV or JSON Lines file (one transaction per batch);
        returns counts as a dict. progress(dict) may return False to stop."""
        opts, keep = self._import_options(table, format, skip_bad, reject_path, column_map, batch_rows, progress)
        r = ffi.new("cx_import_result *")
        check(lib.cx_import_result_init(r, 1))
        rc = lib.cx_store_import_file(r, self._handle, str(path).encode(), opts)
        return self._finish_import(rc, r, keep)

    def import_data(self, data, name, **options):
        """Imports from bytes or text; `name` ("events.csv") names the table and format."""
        raw = data.encode() if isinstance(data, str) else bytes(data)
        opts, keep = self._import_options(**options)
        r = ffi.new("cx_import_result *")
        check(lib.cx_import_result_init(r, 1))
        rc = lib.cx_store_import_memory(r, self._handle, raw, len(raw), name.encode(), opts)
        return self._finish_import(rc, r, keep)

    def _import_options(self, table=None, format=None, skip_bad=False, reject_path=None, column_map=None,
                        batch_rows=None, progress=None):
        o = ffi.new("cx_import_options *")
        check(lib.cx_import_options_init(o, 1))
        keep = {"opts": o, "error": None}
        if table is not None:
            o.table = _table(table)
        o.format = FORMATS[format]
        o.skip_bad = int(skip_bad)
        if reject_path is not None:
            keep["reject"] = ffi.new("char[]", str(reject_path).encode())
            o.reject_path = keep["reject"]
        if column_map is not None:
            text = column_map if isinstance(column_map, str) else ",".join("%s=%s" % kv for kv in column_map.items())
            keep["map"] = ffi.new("char[]", text.encode())
            o.column_map = keep["map"]
        if batch_rows is not None:
            o.batch_rows = batch_rows
        if progress is not None:
            @ffi.callback("int(const cx_import_progress *, void *)")
            def on_progress(p, _payload):
                try:
                    go_on = progress({"rows_read": int(p.rows_read), "rows_committed": int(p.rows_committed),
                                      "rows_rejected": int(p.rows_rejected), "bytes_read": int(p.bytes_read),
                                      "bytes_total": int(p.bytes_total), "done": bool(p.done)})
                    return ABORT if go_on is False else 0
                except BaseException as e:  # re-raised after the C call returns
                    keep["error"] = e
                    return ABORT
            keep["callback"] = on_progress
            o.progress = on_progress
        return o, keep

    def _finish_import(self, rc, r, keep):
        """Re-raises a callback's exception; a progress callback that returned
        False stopped the import: the committed batches stay."""
        if keep.get("error") is not None:
            raise keep["error"]
        if rc != ABORT:
            check(rc)
        result = self._import_result(r)
        result["stopped"] = rc == ABORT
        return result

    @staticmethod
    def _import_result(r):
        names = ("rows_read", "inserted", "updated", "unchanged", "rejected", "batches", "last_committed_line",
                 "first_bad_line")
        out = {n: int(getattr(r, n)) for n in names}
        out["table"] = {v: k for k, v in TABLES.items()}.get(int(r.table))
        out["first_bad_reason"] = ffi.string(r.first_bad_reason).decode("utf-8", "replace")
        return out

    def add(self, table, rows):
        """Writes rows (dicts) in one transaction, all or nothing; returns
        {"inserted", "updated", "unchanged"}."""
        t = _table(table)
        rows = list(rows)
        arr = ffi.new(ROW_TYPES[t] + "[]", max(len(rows), 1))
        keep = []
        fields = dict(ffi.typeof(ROW_TYPES[t]).fields)
        for i, row in enumerate(rows):
            check(getattr(lib, ROW_INIT[t])(ffi.addressof(arr, i), 1))
            for name, value in row.items():
                if name not in fields or name == "version":
                    raise InvalidArgument("%s has no field %r" % (table, name), -1)
                if value is None:
                    continue
                if fields[name].type.kind == "pointer":
                    value = ffi.new("char[]", str(value).encode())
                    keep.append(value)
                elif name == "metric" and isinstance(value, str):
                    from .metric import kind_code
                    value = kind_code(value)
                setattr(arr[i], name, value)
        r = ffi.new("cx_store_write_result *")
        check(lib.cx_store_write_result_init(r, 1))
        check(getattr(lib, ADD[t])(r, self._handle, arr, len(rows)))
        return {"inserted": int(r.inserted), "updated": int(r.updated), "unchanged": int(r.unchanged)}

    def rows(self, table, since_ms=None, until_ms=None, customer=None, touchpoint=None, order=None):
        """Every row of a table (tickets with their "events") as dicts, streamed
        from the store and collected."""
        t = _table(table)
        if t not in EACH:
            raise InvalidArgument("ticket events are read with their tickets (table 'tickets')", -1)
        f = ffi.new("cx_store_filter *")
        check(lib.cx_store_filter_init(f, 1))
        keep = []
        if since_ms is not None:
            f.from_ms = since_ms
        if until_ms is not None:
            f.to_ms = until_ms
        if customer is not None:
            keep.append(ffi.new("char[]", customer.encode()))
            f.customer_id = keep[-1]
        if touchpoint is not None:
            keep.append(ffi.new("char[]", touchpoint.encode()))
            f.touchpoint = keep[-1]
        f.order = ORDERS[order]
        out, state = [], {"error": None}
        func, ctype = EACH[t]
        if t == 5:
            def collect(row, events, n, _payload):
                try:
                    d = _row_dict(row)
                    d["events"] = [_row_dict(events + i) for i in range(n)]
                    out.append(d)
                    return 0
                except BaseException as e:
                    state["error"] = e
                    return ABORT
            cb = ffi.callback("int(const cx_store_ticket *, const cx_store_ticket_event *, size_t, void *)", collect)
        else:
            def collect(row, _payload):
                try:
                    out.append(_row_dict(row))
                    return 0
                except BaseException as e:
                    state["error"] = e
                    return ABORT
            cb = ffi.callback("int(const %s *, void *)" % ROW_TYPES[t], collect)
        rc = getattr(lib, func)(self._handle, f, cb, ffi.NULL)
        if state["error"] is not None:
            raise state["error"]
        check(rc)
        return out
