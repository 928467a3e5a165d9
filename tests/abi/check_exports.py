#!/usr/bin/python3
"""Checks that three lists of libcx's public functions agree:
the CX_API declarations in the installed headers, the names in the linker
version script, and the dynamic symbols the built shared library exports.

usage: check_exports.py LIBCX_SO MAP HEADER...
"""
import re
import subprocess
import sys

DECL = re.compile(r"CX_API\b[^;{]*?\b(cx_[a-z0-9_]+)\s*\(", re.S)


def declared(headers):
    names = set()
    for path in headers:
        with open(path) as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        names |= set(DECL.findall(text))
    return names


def mapped(path):
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    nodes = re.findall(r"(LIBCX_[0-9.]+)\s*\{(.*?)\}", text, re.S)
    names = {}
    for node, body in nodes:
        body = body.split("local:")[0]
        for name in re.findall(r"\b(cx_[a-z0-9_]+)\s*;", body):
            if name in names:
                sys.exit("%s is listed twice in the map (%s and %s)" % (name, names[name], node))
            names[name] = node
    return names


def exported(so):
    out = subprocess.run(["nm", "-D", "--defined-only", so], capture_output=True, text=True, check=True).stdout
    names = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWwDdBbRr":
            name, _, version = parts[2].partition("@@")
            if not name.startswith("LIBCX_"):
                names[name] = version
    return names


def main(argv):
    so, map_path, headers = argv[1], argv[2], argv[3:]
    h, m, e = declared(headers), mapped(map_path), exported(so)
    problems = []
    problems += ["declared but not in the map: " + n for n in sorted(h - set(m))]
    problems += ["in the map but not declared: " + n for n in sorted(set(m) - h)]
    problems += ["exported but not declared: " + n for n in sorted(set(e) - h)]
    problems += ["declared but not exported: " + n for n in sorted(h - set(e))]
    problems += ["%s exported in %s but mapped to %s" % (n, e[n], m[n]) for n in sorted(set(e) & set(m))
                 if e[n] != m[n]]
    for p in problems:
        print(p)
    print("%d declared, %d mapped, %d exported: %s" % (len(h), len(m), len(e), "agree" if not problems else "DISAGREE"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
