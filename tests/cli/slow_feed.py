#!/usr/bin/python3
"""Writes a CSV file to standard output slowly: the header, then ROWS rows
at a time with a pause of SECONDS between them, as a live export would.

usage: slow_feed.py FILE ROWS SECONDS
"""
import sys
import time


def main(argv):
    path, rows, pause = argv[1], int(argv[2]), float(argv[3])
    out = sys.stdout
    with open(path, encoding="utf-8", newline="") as f:
        out.write(f.readline())
        chunk = []
        for line in f:
            chunk.append(line)
            if len(chunk) == rows:
                out.write("".join(chunk))
                out.flush()
                chunk = []
                time.sleep(pause)
        out.write("".join(chunk))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:  # the importer was killed
        sys.exit(0)
