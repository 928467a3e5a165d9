#!/usr/bin/python3
"""Runs `cx calendar --json` on every vector of tests/data/service/calendars.json
(expected values from tests/reference/calendar_reference.py, Python's
zoneinfo) and compares:

  spans      business_seconds and calendar_seconds of FROM TO
  additions  --add SECONDS FROM: result_utc
  open_at    --open AT: open

usage: check_calendar.py CX VECTORS.json WORKDIR

Prints one "ok"/"FAIL" line per kind of vector; exits 1 on a failure.
"""
import json
import os
import subprocess
import sys


def run(cx, args):
    p = subprocess.run([cx, "calendar", "--json"] + args, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return json.loads(p.stdout), ""


def main(argv):
    cx, vectors_path, work = argv[1:4]
    with open(vectors_path, encoding="utf-8") as f:
        vectors = json.load(f)
    files = {}
    for name, spec in vectors["calendars"].items():
        files[name] = os.path.join(work, name + ".json")
        with open(files[name], "w", encoding="utf-8") as f:
            json.dump(spec, f)
    checks = {
        "spans": lambda v: (["--calendar", files[v["calendar"]], v["from"], v["to"]],
                            lambda r: (r["business_seconds"], r["calendar_seconds"]),
                            (v["business_seconds"], v["calendar_seconds"])),
        "additions": lambda v: (["--calendar", files[v["calendar"]], "--add", str(v["seconds"]), v["from"]],
                                lambda r: r["result_utc"], v["expected"]),
        "open_at": lambda v: (["--calendar", files[v["calendar"]], "--open", v["at"]], lambda r: r["open"], v["open"]),
    }
    failed = 0
    for kind, make in checks.items():
        bad = []
        for v in vectors[kind]:
            args, pick, want = make(v)
            got, err = run(cx, args)
            if got is None or pick(got) != want:
                bad.append("%s: cx %s, expected %r" % (" ".join(args[2:]), err or pick(got), want))
        failed += bool(bad)
        print("%s cx calendar %s: %d vectors%s" % ("FAIL" if bad else "ok", kind, len(vectors[kind]),
                                                   "".join("\n  " + b for b in bad[:5])))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
