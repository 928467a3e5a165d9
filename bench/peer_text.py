#!/usr/bin/python3
"""The peer of bench/bench_text.c: a pure-Python lexicon scorer doing the
same work per comment as cx_sentiment_score() -- tokenize, lower-case, find
the longest lexicon phrase at each word, then emphasis by capitals,
intensifiers and dampeners within three words, negation, "but" weighting,
exclamation marks and compound = S / sqrt(S^2 + 15).

It reads the same lexicon data (data/lexicon/vader_lexicon.txt and
en_rules.tsv) and the comments bench_text wrote, one per line; it times
only the scoring loop and prints "rate <comments per second>" as the median
of REPEATS runs.

Usage: peer_text.py DATA_DIR COMMENTS_FILE COUNT REPEATS
"""
import math
import os
import re
import sys
import time

TOKEN = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*|[.,;:!?]")


def load(data_dir):
    valence, boost, negators, contrast = {}, {}, set(), set()
    with open(os.path.join(data_dir, "lexicon", "vader_lexicon.txt"), encoding="utf-8") as f:
        for line in f:
            cols = line.split("\t")
            valence[cols[0]] = float(cols[1])
    with open(os.path.join(data_dir, "lexicon", "en_rules.tsv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            kind = cols[0]
            if kind in ("word", "service"):
                valence[cols[1]] = float(cols[2])
            elif kind == "negator":
                negators.add(cols[1])
                valence.pop(cols[1], None)
            elif kind == "intensifier":
                boost[cols[1]] = float(cols[2])
            elif kind == "dampener":
                boost[cols[1]] = -float(cols[2])
            elif kind == "contrast":
                contrast.add(cols[1])
    longest = max(len(t.split()) for t in valence)
    return valence, boost, negators, contrast, longest


def score(text, lex):
    valence, boost, negators, contrast, longest = lex
    raw = TOKEN.findall(text)
    words = [t.lower() for t in raw]
    cased = [t for t in raw if t[0].isalpha()]
    mixed = any(not t.isupper() for t in cased)
    units = []  # (text, valence or None, caps)
    i = 0
    while i < len(words):
        best, best_v = 1, valence.get(words[i])
        for k in range(2, longest + 1):
            if i + k > len(words):
                break
            v = valence.get(" ".join(words[i:i + k]))
            if v is not None:
                best, best_v = k, v
        units.append((" ".join(words[i:i + best]), best_v, raw[i].isupper() and len(raw[i]) > 1))
        i += best
    but = next((j for j, u in enumerate(units) if u[0] in contrast), None)
    total = 0.0
    for j, (w, v, caps) in enumerate(units):
        if not v:
            continue
        s = 1.0 if v > 0 else -1.0
        if caps and mixed:
            v += s * 0.733
        for d, decay in ((1, 1.0), (2, 0.95), (3, 0.9)):
            if j - d < 0 or units[j - d][0] in ".,;:!?":
                break
            b = boost.get(units[j - d][0])
            if b:
                v += s * b * decay if b > 0 else -s * min(-b * decay, abs(v))
        for d in (1, 2, 3):
            if j - d < 0 or units[j - d][0] in ".,;:!?":
                break
            if units[j - d][0] in negators:
                v *= -0.74 if v > 0 else -0.5
                break
        if but is not None:
            v *= 0.5 if j < but else 1.5
        total += v
    if total:
        total += math.copysign(0.292 * min(text.count("!"), 4), total)
    return total / math.sqrt(total * total + 15)


def main():
    data_dir, path, count, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    lex = load(data_dir)
    with open(path, encoding="utf-8") as f:
        comments = [line.rstrip("\n") for _, line in zip(range(count), f)]
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        checksum = 0.0
        for c in comments:
            checksum += score(c, lex)
        rates.append(len(comments) / (time.perf_counter() - start))
    rates.sort()
    print(f"rate {rates[len(rates) // 2]:.1f}")
    print(f"checksum {checksum:.6f}")


if __name__ == "__main__":
    main()
