#!/usr/bin/python3
"""Every public header compiles on its own, as C11 and as C++11, with
-Wall -Wextra -Wpedantic -Werror, and declares its functions extern "C".

usage: check_headers.py CC CXX INCLUDE_DIR... -- HEADER...
"""
import os
import subprocess
import sys
import tempfile


def main(argv):
    sep = argv.index("--")
    cc, cxx, includes, headers = argv[1], argv[2], argv[3:sep], argv[sep + 1:]
    flags = ["-Wall", "-Wextra", "-Wpedantic", "-Werror", "-fsyntax-only"] + ["-I" + i for i in includes]
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        for header in headers:
            name = os.path.basename(header)
            body = '#include "cx/%s"\n#include "cx/%s" /* include guard */\nint main(void) { return 0; }\n' % (name, name)
            for lang, compiler, std, ext in (("C11", cc, "-std=c11", "c"), ("C++11", cxx, "-std=c++11", "cpp")):
                src = os.path.join(d, "t_%s.%s" % (name.replace(".", "_"), ext))
                with open(src, "w") as f:
                    f.write(body)
                run = subprocess.run([compiler, std] + flags + [src], capture_output=True, text=True)
                ok = run.returncode == 0
                print("%-12s %-6s %s" % (name, lang, "ok" if ok else "FAILED"))
                if not ok:
                    failures += 1
                    print(run.stderr)
            with open(header) as f:
                text = f.read()
            if "CX_API" in text and 'extern "C"' not in text:
                print("%s declares functions without extern \"C\"" % name)
                failures += 1
    print("%d header checks failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
