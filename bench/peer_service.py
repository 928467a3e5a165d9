#!/usr/bin/python3
"""Peer of bench_service.c: the same work done by the independent Python
implementation of the definitions (tests/reference/service_reference.py,
business time from Python zoneinfo) on a subset of the benchmark's tickets.

Usage: peer_service.py SUBSET.json [--quick]
Prints tickets and business durations per second of wall time and of CPU
time ("tickets_per_s", "durations_per_s", "tickets_per_cpu_s",
"durations_per_cpu_s"), medians of 3 runs.
"""
import json
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
from calendar_reference import Calendar  # noqa: E402
from service_reference import measure, parse_definition  # noqa: E402

H = 3600
# The SLA policy of bench_service.c: targets by priority low..urgent.
SLA = {"business_hours": True, "pause": "pending",
       "first_reply": {p: (4 - k) * H for k, p in enumerate(["low", "normal", "high", "urgent"])},
       "next_reply": {p: (8 - k) * H for k, p in enumerate(["low", "normal", "high", "urgent"])},
       "resolution": {p: (40 - 8 * k) * H for k, p in enumerate(["low", "normal", "high", "urgent"])}}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        subset = json.load(f)
    definition = parse_definition("")
    tickets = subset["tickets"]
    ticket_times, duration_times, ticket_cpu, duration_cpu = [], [], [], []
    cal = Calendar(subset["calendar"])
    rng = random.Random(7)
    start = 1704067200
    pairs = []
    for _ in range(len(tickets)):
        a = start + rng.randrange(4 * 365 * 86400)
        pairs.append((a, a + rng.randrange(30 * 86400)))
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        for t in tickets:
            measure(t, definition, subset["calendar"], SLA, None)
        ticket_times.append(time.perf_counter() - t0)
        ticket_cpu.append(time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        for a, b in pairs:
            cal.business(a, b)
        duration_times.append(time.perf_counter() - t0)
        duration_cpu.append(time.process_time() - c0)
    print(f"tickets {len(tickets)} median {statistics.median(ticket_times):.3f} s")
    print(f"tickets_per_s {len(tickets) / statistics.median(ticket_times):.3f}")
    print(f"durations_per_s {len(pairs) / statistics.median(duration_times):.3f}")
    print(f"tickets_per_cpu_s {len(tickets) / statistics.median(ticket_cpu):.3f}")
    print(f"durations_per_cpu_s {len(pairs) / statistics.median(duration_cpu):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
