#!/usr/bin/python3
"""Proves that check_abi.py tells additions from breaks.

Builds a small library in versions with gcc -g, writes the baseline of the
first with abidw, and checks each later version against it: additions must
pass, every kind of break must fail.

usage: selftest.py CC SUPPRESSIONS
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_abi import verdict  # noqa: E402

BASE = """
typedef enum cx_kind { CX_A = 1, CX_B = 2 } cx_kind;
typedef struct cx_opts { unsigned int version; double a; int b; } cx_opts;
int cx_f(cx_opts *o, cx_kind k) { return o->b + (int)k; }
int cx_g(int x) { return x; }
"""

CASES = [
    ("new function", True, BASE + "int cx_h(void) { return 1; }\n"),
    ("member appended to a versioned struct", True, BASE.replace("int b; }", "int b; double c; }")),
    ("enumerator added", True, BASE.replace("CX_B = 2 }", "CX_B = 2, CX_C = 3 }")),
    ("function removed", False, BASE.replace("int cx_g(int x) { return x; }", "")),
    ("members reordered", False, BASE.replace("double a; int b;", "int b; double a;")),
    ("member removed", False, BASE.replace("double a; int b;", "int b;")),
    ("enumerator value changed", False, BASE.replace("CX_B = 2", "CX_B = 5")),
    ("parameter type changed", False, BASE.replace("int cx_g(int x)", "int cx_g(long x)")),
]


def build(cc, src, out, workdir):
    path = os.path.join(workdir, os.path.basename(out) + ".c")
    with open(path, "w") as f:
        f.write(src)
    subprocess.run([cc, "-g", "-O0", "-shared", "-fPIC", path, "-o", out], check=True)


def main(argv):
    cc, suppressions = argv[1], argv[2]
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        base_so = os.path.join(d, "libbase.so")
        build(cc, BASE, base_so, d)
        baseline = os.path.join(d, "base.abi")
        with open(baseline, "w") as f:
            subprocess.run(["abidw", "--no-corpus-path", base_so], stdout=f, check=True)
        for i, (name, expect_ok, src) in enumerate(CASES):
            so = os.path.join(d, "libv%d.so" % i)
            build(cc, src, so, d)
            ok, report = verdict(baseline, so, suppressions)
            status = "ok" if ok == expect_ok else "WRONG"
            print("%-40s expected %-6s got %-6s %s" % (name, "pass" if expect_ok else "fail",
                                                      "pass" if ok else "fail", status))
            if ok != expect_ok:
                failures += 1
                print(report)
    print("%d of %d verdicts wrong" % (failures, len(CASES)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
