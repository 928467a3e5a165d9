#!/usr/bin/python3
"""Writes examples/data/scorecard.csv: one survey or ticket answer per line
(`metric,value`), a seeded synthetic quarter of a small support team.
The data is invented; it only has to look like a real scorecard."""
import random

random.seed(20261123)
rows = []
for _ in range(420):  # NPS 0..10, skewed to promoters with a detractor tail
    rows.append(("nps", random.choices(range(11), weights=[3, 1, 1, 2, 2, 4, 6, 10, 18, 22, 31])[0]))
for _ in range(380):  # CSAT 1..5
    rows.append(("csat", random.choices(range(1, 6), weights=[4, 5, 10, 38, 43])[0]))
for _ in range(260):  # CES 2.0 1..7
    rows.append(("ces", random.choices(range(1, 8), weights=[2, 3, 6, 12, 25, 30, 22])[0]))
for _ in range(500):  # first-contact resolution
    rows.append(("fcr", 1 if random.random() < 0.72 else 0))
for _ in range(600):  # first response time in seconds, log-normal
    rows.append(("response_seconds", int(random.lognormvariate(6.3, 1.1))))
random.shuffle(rows)
with open("scorecard.csv", "w") as f:
    f.write("metric,value\n")
    for metric, value in rows:
        f.write(f"{metric},{value}\n")
