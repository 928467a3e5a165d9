#!/usr/bin/python3
"""Checks the "keywords" section of `cx report --json` on the sample data set.

usage: check_keywords.py SAMPLE_DIR REPORT.json [--min-count N]

Independently, with Python's csv and json modules: the numbers of
detractors' (NPS 0-6) and promoters' (9-10) comments, and the comments per
touchpoint and channel (survey comments, read as English; reviews unless
tagged with another language; the channel from the touchpoint registry
when a comment has none). Through the Python binding (bindings/python,
libcx from $CX_LIBRARY), that the section fed the right comments to the
library: the same texts in cx.Keywords give the same terms, z and counts,
and in cx.Sentiment the same mean compound scores and shares of negative
and positive comments (Wilson intervals as service_reference.wilson).
Sanity: detractors' terms lean to detractors (z > 0, more uses by them).

Prints "ok"/"FAIL" lines and a summary; exits 1 on a failure.
"""
import collections
import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import cx  # noqa: E402
from service_reference import wilson  # noqa: E402

TOP = 12


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


class Checker:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, what, ok, detail=""):
        self.passed += bool(ok)
        self.failed += not ok
        if not ok:
            print("FAIL %s %s" % (what, detail))

    def close(self, what, got, want, tol=1e-9):
        ok = got is not None and want is not None and abs(got - want) <= tol * max(1.0, abs(want))
        self.check(what, ok, "cx %r, reference %r" % (got, want))


def comments(sample):
    """(touchpoint, channel, text) of every comment the section scores, and how many it leaves out."""
    registry = {r["touchpoint"]: r["channel"] for r in read_csv(os.path.join(sample, "touchpoints.csv"))}
    out, other = [], 0
    for a in read_csv(os.path.join(sample, "answers.csv")):
        if a["comment"].strip():
            tp = a["touchpoint"] or "(none)"
            out.append((tp, registry.get(a["touchpoint"]) or "(none)", a["comment"]))
    with open(os.path.join(sample, "comments.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            lang = (r.get("lang") or "").lower()
            if lang and lang != "en" and not lang.startswith(("en-", "en_")):
                other += 1
                continue
            tp = r.get("touchpoint") or "(none)"
            out.append((tp, r.get("channel") or registry.get(tp) or "(none)", r["text"]))
    return out, other


def check_terms(c, sample, section):
    answers = [a for a in read_csv(os.path.join(sample, "answers.csv")) if a["metric"] == "nps" and a["comment"]]
    det = [a["comment"] for a in answers if float(a["score"]) <= 6]
    pro = [a["comment"] for a in answers if float(a["score"]) >= 9]
    c.check("detractor_comments", section["detractor_comments"] == len(det), (section["detractor_comments"], len(det)))
    c.check("promoter_comments", section["promoter_comments"] == len(pro), (section["promoter_comments"], len(pro)))
    kw = cx.Keywords()
    kw.add_many("a", det)
    kw.add_many("b", pro)
    ranked = kw.rank()
    want = {"detractor_terms": [t for t in ranked if t["z"] > 0][:TOP],
            "promoter_terms": [t for t in reversed(ranked) if t["z"] < 0][:TOP]}
    for key, terms in want.items():
        got = section[key]
        c.check(key + " terms", [t["term"] for t in got] == [t["term"] for t in terms],
                "cx %r, binding %r" % ([t["term"] for t in got][:5], [t["term"] for t in terms][:5]))
        for g, w in zip(got, terms):
            c.close("%s %s z" % (key, w["term"]), g["z"], w["z"])
            c.check("%s %s counts" % (key, w["term"]), (g["detractors"], g["promoters"]) == (w["count_a"], w["count_b"]))
            leans = g["z"] > 0 and g["detractors"] > g["promoters"] if key == "detractor_terms" else \
                g["z"] < 0 and g["promoters"] > g["detractors"]
            c.check("%s %s leans to its group" % (key, w["term"]), leans)


def check_sentiment(c, sample, section, min_count):
    rows, other = comments(sample)
    c.check("comments_other_language", section["comments_other_language"] == other,
            (section["comments_other_language"], other))
    c.check("comments_scored", section["comments_scored"] == len(rows), (section["comments_scored"], len(rows)))
    compound, labels = cx.Sentiment(replace_invalid=True).score_many([r[2] for r in rows])
    for d, key in ((0, "touchpoint"), (1, "channel")):
        groups = collections.defaultdict(list)
        for row, score, label in zip(rows, compound, labels):
            groups[row[d]].append((score, label))
        got = {g[key]: g for g in section["by_" + key]}
        c.check("by_%s keys" % key, sorted(got) == sorted(groups), (sorted(got), sorted(groups)))
        for name, values in groups.items():
            g = got.get(name, {})
            what = "by_%s.%s" % (key, name)
            c.check(what + ".comments", g.get("comments") == len(values), (g.get("comments"), len(values)))
            c.close(what + ".mean_compound", g.get("mean_compound"), sum(v[0] for v in values) / len(values))
            for share in ("negative", "positive"):
                k, n = sum(1 for v in values if v[1] == share), len(values)
                if n < min_count:
                    c.check(what + "." + share + " withheld", g.get(share) is None)
                    continue
                lo, hi = wilson(k, n)
                r = g.get(share) or {}
                c.close(what + "." + share + ".value", r.get("value"), 100 * k / n)
                c.close(what + "." + share + ".std_error", r.get("std_error"),
                        100 * math.sqrt(k / n * (1 - k / n) / n))
                c.close(what + "." + share + ".ci_low", r.get("ci_low"), lo)
                c.close(what + "." + share + ".ci_high", r.get("ci_high"), hi)


def main(argv):
    sample, path = argv[1], argv[2]
    min_count = int(argv[argv.index("--min-count") + 1]) if "--min-count" in argv else 30
    with open(path, encoding="utf-8") as f:
        section = json.load(f)["sections"]["keywords"]
    c = Checker()
    c.check("lexicon en", section["lexicon"] == "en")
    check_terms(c, sample, section)
    check_sentiment(c, sample, section, min_count)
    print("check_keywords: %d checks, %d failed" % (c.passed + c.failed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
