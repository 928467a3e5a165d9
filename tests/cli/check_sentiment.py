#!/usr/bin/python3
"""Checks the output of `cx sentiment` against the library through the
Python binding (bindings/python, libcx from $CX_LIBRARY): the same texts
scored by cx.Sentiment must give the same compound scores and labels.

usage: check_sentiment.py INPUT OUTPUT [--json] [--lang L --lexicon-dir DIR]

INPUT is what cx read (one text per line; LF or CR LF; bytes that are not
UTF-8 are passed on as they are, cx reads them as U+FFFD); OUTPUT is what
it printed. Text output: one line per input line, "compound<TAB>label",
compound with four decimals in -1..1. --json: one object per line with
compound, label, positive, negative, neutral, tokens at full precision.

Prints "ok ..." or "FAIL ..." per check; exits 1 on a failure.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
import cx  # noqa: E402

LINE = re.compile(r"^(-?[01]\.\d{4})\t(negative|neutral|positive)$")


def main(argv):
    args = argv[1:]
    opts = {a: args[i + 1] for i, a in enumerate(args) if a in ("--lang", "--lexicon-dir")}
    with open(args[0], "rb") as f:
        texts = [line[:-1] if line.endswith(b"\r") else line for line in f.read().split(b"\n")]
    if texts and texts[-1] == b"":
        texts.pop()  # the newline ending the last line
    with open(args[1], encoding="utf-8") as f:
        out = f.read().splitlines()
    lexicon = cx.Lexicon.language(opts["--lang"], dir=opts.get("--lexicon-dir")) if "--lang" in opts else None
    analyzer = cx.Sentiment(lexicon, replace_invalid=True)
    failed = 0

    def check(ok, what):
        nonlocal failed
        failed += not ok
        print(("ok " if ok else "FAIL ") + what)

    check(len(out) == len(texts), "one output line per input line (%d in, %d out)" % (len(texts), len(out)))
    bad_format = bad_score = 0
    for text, line in zip(texts, out):
        want = analyzer.score(text)
        if "--json" in args:
            got = json.loads(line)
            same = got["label"] == want.label and got["tokens"] == want.tokens and all(
                abs(got[k] - getattr(want, k)) <= 1e-12 for k in ("compound", "positive", "negative", "neutral"))
        else:
            m = LINE.match(line)
            if m is None or not -1 <= float(m.group(1)) <= 1:
                bad_format += 1
                continue
            same = m.group(2) == want.label and abs(float(m.group(1)) - want.compound) <= 0.5e-4 + 1e-12
        bad_score += not same
        if not same and bad_score <= 3:
            print("  differs: %r -> cx %r, library %.6f %s" % (text[:60], line, want.compound, want.label))
    if "--json" not in args:
        check(bad_format == 0, "every line is compound<TAB>label, compound in -1..1 with 4 decimals (%d bad)"
              % bad_format)
    check(bad_score == 0, "scores and labels equal the library's through the binding (%d of %d differ)"
          % (bad_score, len(texts)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
