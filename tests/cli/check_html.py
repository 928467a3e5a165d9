#!/usr/bin/python3
"""Opens an HTML report in headless Chromium and checks it:

  * no console message at all (errors, failed loads, warnings);
  * the rendered DOM holds at least MIN_SVG <svg> charts;
  * the page is self-contained: no scripts, links, images or URLs to fetch;
  * a screenshot is taken and is not blank: enough non-white pixels, many
    colours, and the charts' blue (#4e79a7) drawn.

usage: check_html.py REPORT.html SCREENSHOT.png [MIN_SVG]
       check_html.py --self-test WORKDIR   (a page with a script error must fail)

Prints "ok <check>" or "FAIL <check>: why" per check; exits 1 on a failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--window-size=1100,3800"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("FAIL chromium: not installed (Debian package chromium)")


def run(args, profile):
    cmd = [chromium()] + FLAGS + ["--user-data-dir=" + profile] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def console_lines(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, name, ok, why=""):
        print(("ok " if ok else "FAIL ") + name + ("" if ok else ": " + why))
        self.failed += not ok


def check_page(html, shot, min_svg):
    c = Checks()
    url = "file://" + os.path.abspath(html)
    with tempfile.TemporaryDirectory() as profile:
        dom = run(["--dump-dom", url], profile)
    c.check("chromium renders the page", dom.returncode == 0 and "</html>" in dom.stdout,
            "exit %d: %s" % (dom.returncode, dom.stderr[-500:]))
    msgs = console_lines(dom.stderr)
    c.check("no console messages", not msgs, "; ".join(msgs[:3]))
    svgs = len(re.findall(r"<svg\b", dom.stdout))
    c.check("%d SVG charts in the DOM (at least %d)" % (svgs, min_svg), svgs >= min_svg, "found %d" % svgs)
    with open(html, encoding="utf-8") as f:
        text = f.read()
    fetches = re.findall(r"<script|<link|<img|<iframe|\bsrc=|url\(|https?://(?!www\.w3\.org/2000/svg)", text)
    c.check("self-contained (nothing to fetch, no scripts)", not fetches, ", ".join(sorted(set(fetches))))
    with tempfile.TemporaryDirectory() as profile:
        snap = run(["--screenshot=" + os.path.abspath(shot), url], profile)
    c.check("screenshot taken", snap.returncode == 0 and os.path.exists(shot), snap.stderr[-300:])
    if os.path.exists(shot):
        im = Image.open(shot).convert("RGB")
        w, h = im.size
        small = im.resize((w // 4, h // 4))
        pixels = list(small.getdata())
        ink = sum(1 for p in pixels if min(p) < 235) / len(pixels)
        colours = len(set(pixels))
        blue = sum(1 for r, g, b in pixels if abs(r - 78) < 30 and abs(g - 121) < 30 and abs(b - 167) < 30)
        c.check("screenshot not blank (%.1f %% ink, %d colours)" % (100 * ink, colours), ink > 0.02 and colours > 32,
                "%.2f %% ink, %d colours" % (100 * ink, colours))
        c.check("charts drawn (%d chart-blue pixels)" % blue, blue > 200, "%d" % blue)
    return c.failed


def self_test(workdir):
    """The checks must catch a broken page: a script error, a fetch, no charts."""
    page = os.path.join(workdir, "broken.html")
    with open(page, "w") as f:
        f.write("<!DOCTYPE html><html><body><p>x</p><img src=\"https://example.invalid/x.png\">"
                "<script>undefinedFunction();</script></body></html>")
    failed = check_page(page, os.path.join(workdir, "broken.png"), 1)
    print("self-test: the broken page failed %d checks (expected at least 3)" % failed)
    return 0 if failed >= 3 else 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if check_page(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 1) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
