"""Test set-up: the binding under test is bindings/python/cx, loading the
libcx named by CX_LIBRARY (meson passes the freshly built one)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
