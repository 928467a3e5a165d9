#!/usr/bin/python3
"""The content keys of facts without an id (docs/data-format.md, "Identity
and idempotent imports"), computed in plain Python from the definition in
lib/store_write.c, for tests/unit/test_store_internal.c. Never calls libcx.

A key is "#" and 32 hex digits: two 64-bit lanes over the same bytes (an
FNV-1a lane and a multiply-rotate lane), each finished with an avalanche.
The bytes are the table name with its NUL, then per field after the id a
tag (present 0/1, field kind) and the value: text with its NUL (when
present), times as 8 bytes little-endian (always), reals as the 8 bytes of
the IEEE double little-endian (when present), enumerations as 4 bytes
little-endian. Keys are stored, so they must not change between versions
or machines.

usage: store_fact_key_reference.py   (prints the keys the test expects)
"""
import struct

M64 = (1 << 64) - 1
TEXT, TIME, REAL, ENUM = 0, 1, 2, None  # kinds; enums carry their own kind number


def lanes(data):
    a, b = 0xCBF29CE484222325, 0x6A09E667F3BCC908
    for p in data:
        a = ((a ^ p) * 0x100000001B3) & M64
        b = ((b + p + 1) * 0x9E3779B97F4A7C15) & M64
        b = ((b << 23) | (b >> 41)) & M64
    return a, b


def avalanche(x, m1, m2):
    x ^= x >> 31
    x = (x * m1) & M64
    x ^= x >> 29
    x = (x * m2) & M64
    x ^= x >> 32
    return x


def key(table, fields):
    """fields: (kind, value) after the id; kind 0 text, 1 time, 2 real, or
    ("enum", kind_number, value)."""
    data = table.encode() + b"\0"
    for f in fields:
        if f[0] == "enum":
            data += bytes([1, f[1]]) + struct.pack("<i", f[2])
        elif f[0] == TEXT:
            present = f[1] not in (None, "")
            data += bytes([present, TEXT]) + ((f[1].encode() + b"\0") if present else b"")
        elif f[0] == TIME:
            present = f[1] is not None
            data += bytes([present, TIME]) + struct.pack("<q", f[1] if present else -(1 << 63))
        else:
            present = f[1] is not None
            data += bytes([present, REAL]) + (struct.pack("<d", f[1]) if present else b"")
    a, b = lanes(data)
    a = avalanche(a, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)
    b = avalanche(b, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)
    return "#%016x%016x" % (a, b)


# events: customer_id, touchpoint, channel, type, timestamp, value, session_id
print("event", key("events", [(TEXT, "ab"), (TEXT, "c"), (TEXT, None), (TEXT, None), (TIME, 0), (REAL, None),
                              (TEXT, None)]))
print("event with a value", key("events", [(TEXT, "C1"), (TEXT, "web_payment"), (TEXT, None), (TEXT, "purchase"),
                                           (TIME, 1735689600000), (REAL, 59.9), (TEXT, "S1")]))
# answers: customer_id, touchpoint, channel, metric (kind 3; CX_METRIC_NPS = 1), score, timestamp, comment,
# survey, ticket_id
print("answer", key("answers", [(TEXT, "C7"), (TEXT, "hotline"), (TEXT, None), ("enum", 3, 1), (REAL, 3.0),
                                (TIME, -86400000), (TEXT, None), (TEXT, None), (TEXT, None)]))
