#!/usr/bin/python3
"""Independent reference values for tests/api/test_text_keywords.c.

Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi &
Quinn 2008, eq. 16, 22, 23), computed in plain Python from the comments
below -- not from libcx. Stop words are read from the English rules file
(data/lexicon/en_rules.tsv, rows of kind "stop"). Words are the comments
lower-cased and split on spaces (the comments hold no punctuation), bigrams
are pairs of adjacent non-stop words.
Run: /usr/bin/python3 tests/reference/text_reference.py
"""
import math
import os
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "..", "..", "data", "lexicon", "en_rules.tsv")

GROUP_A = [  # detractors
    "still waiting for a refund",
    "slow delivery and no response",
    "no response from support",
    "refund took weeks",
    "support never answered",
]
GROUP_B = [  # promoters
    "fast delivery great support",
    "great product",
    "support was great and fast",
    "love the product",
]
BACKGROUND = [
    "delivery was fine",
    "the product works",
    "support answered",
]


def stop_words():
    out = set()
    with open(RULES, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "stop":
                out.add(cols[1])
    return out


def terms(texts, stops):
    c = Counter()
    for t in texts:
        prev = None
        for w in t.lower().split():
            if w in stops:
                prev = None
                continue
            c[w] += 1
            if prev is not None:
                c[prev + " " + w] += 1
            prev = w
    return c


def log_odds(a, b, prior_counts, a0=None, laplace=False, min_count=2):
    na, nb = sum(a.values()), sum(b.values())
    size = sum(prior_counts.values())
    vocab = set(a) | set(b) | set(prior_counts)
    if a0 is None:
        a0 = size
    out = []
    for w in vocab:
        ya, yb = a[w], b[w]
        if ya + yb < min_count or ya + yb == 0:
            continue
        if laplace:
            alpha = a0 * (prior_counts[w] + 1) / (size + len(vocab))
        else:
            alpha = a0 * prior_counts[w] / size
        delta = math.log((ya + alpha) / (na + a0 - ya - alpha)) - math.log((yb + alpha) / (nb + a0 - yb - alpha))
        var = 1 / (ya + alpha) + 1 / (yb + alpha)
        out.append((delta / math.sqrt(var), w, delta, var, ya, yb))
    out.sort(key=lambda r: (-r[0], r[1]))
    return out


def show(name, rows):
    print(f"{name}: ranked={len(rows)}")
    for z, w, d, v, ya, yb in rows:
        print(f"  {w!r}: z={z:.12g} delta={d:.12g} variance={v:.12g} a={ya} b={yb}")


def main():
    stops = stop_words()
    a, b = terms(GROUP_A, stops), terms(GROUP_B, stops)
    show("pooled_prior", log_odds(a, b, a + b))
    show("pooled_prior_a0_10", log_odds(a, b, a + b, a0=10))
    bg = terms(BACKGROUND, stops)
    show("background_prior", log_odds(a, b, bg, laplace=True))


if __name__ == "__main__":
    main()
