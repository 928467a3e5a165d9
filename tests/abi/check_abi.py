#!/usr/bin/python3
"""ABI check: compare a built libcx against the committed abidw baseline.

Passes when the only differences are additions: new functions or variables,
members appended to versioned structs (tests/abi/abi.suppr), new
enumerators (libabigail treats those as harmless). Fails on any removed or
changed function or variable, and on every libabigail error.

usage: check_abi.py BASELINE LIBRARY SUPPRESSIONS [HEADERS_DIR ...]
"""
import re
import subprocess
import sys

SUMMARY = re.compile(r"(Functions|Variables) changes summary: (\d+) Removed, (\d+) Changed")


def verdict(baseline, library, suppressions, headers=()):
    """Returns (ok, report) for baseline vs library."""
    cmd = ["abidiff", "--suppressions", suppressions, baseline, library]
    for h in headers:
        cmd += ["--hd2", h]
    run = subprocess.run(cmd, capture_output=True, text=True)
    report = run.stdout + run.stderr
    if run.returncode & 1:  # ABIDIFF_ERROR (or usage error)
        return False, "abidiff failed (exit %d):\n%s" % (run.returncode, report)
    if run.returncode & 8:  # ABIDIFF_ABI_INCOMPATIBLE_CHANGE
        return False, "incompatible change:\n" + report
    for kind, removed, changed in SUMMARY.findall(report):
        if int(removed) or int(changed):
            return False, "%s removed or changed:\n%s" % (kind.lower(), report)
    return True, report


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    ok, report = verdict(argv[1], argv[2], argv[3], argv[4:])
    print(report.strip() or "no ABI change")
    print("ABI check: " + ("compatible (additions only)" if ok else "INCOMPATIBLE"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
