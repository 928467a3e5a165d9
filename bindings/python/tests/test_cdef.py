"""The cffi declarations mirror the C headers: every exported symbol is
declared, and every struct has the C compiler's size and field offsets."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from cx._lib import ffi

CDEF = os.path.join(os.path.dirname(__file__), "..", "cx", "_cdef.h")


def declared_functions():
    text = re.sub(r"/\*.*?\*/", "", open(CDEF).read(), flags=re.S)
    return set(re.findall(r"\b(cx_[a-z0-9_]+)\s*\(", text))


def exported_symbols():
    out = subprocess.run(["nm", "-D", "--defined-only", os.environ["CX_LIBRARY"]], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[2].split("@")[0] for line in out.splitlines()
            if len(line.split()) == 3 and line.split()[2].startswith("cx_")}


def test_every_exported_symbol_is_declared():
    missing = exported_symbols() - declared_functions()
    assert not missing, "exported but not in _cdef.h: %s" % sorted(missing)
    unknown = declared_functions() - exported_symbols()
    assert not unknown, "declared in _cdef.h but not exported: %s" % sorted(unknown)


def test_struct_layouts_match_the_compiler():
    includes = os.environ.get("CX_INCLUDE")
    cc = shutil.which("cc")
    if not includes or not cc:
        pytest.skip("CX_INCLUDE or a C compiler is missing")
    text = re.sub(r"/\*.*?\*/", "", open(CDEF).read(), flags=re.S)
    structs = sorted(set(re.findall(r"typedef struct (cx_[a-z0-9_]+) \{", text)))
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "cx/cx.h"', "int main(void) {"]
    expected = []
    for name in structs:
        lines.append('printf("%%zu\\n", sizeof(%s));' % name)
        expected.append(ffi.sizeof(name))
        for field, _ in ffi.typeof(name).fields:
            lines.append('printf("%%zu\\n", offsetof(%s, %s));' % (name, field))
            expected.append(ffi.offsetof(name, field))
    lines.append("return 0; }")
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, "layout.c"), os.path.join(d, "layout")
        open(src, "w").write("\n".join(lines))
        flags = ["-I" + p for p in includes.split(os.pathsep)]
        subprocess.run([cc, "-std=c11", *flags, src, "-o", exe], check=True)
        got = [int(x) for x in subprocess.run([exe], capture_output=True, text=True, check=True).stdout.split()]
    assert got == expected
    assert len(structs) >= 7


def test_declarations_are_generated_from_the_current_headers():
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, ".."))
    import gen_cdef
    include_dir = os.path.join(here, "..", "..", "..", "include")
    assert open(CDEF).read() == gen_cdef.generate(include_dir), \
        "cx/_cdef.h is stale: run bindings/python/gen_cdef.py"
