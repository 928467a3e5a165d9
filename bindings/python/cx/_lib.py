"""Loads libcx through cffi (ABI mode) and turns status codes into exceptions."""
import ctypes.util
import os

import cffi

ffi = cffi.FFI()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_cdef.h")) as _f:
    ffi.cdef(_f.read())


def _library_path():
    """CX_LIBRARY if set, else the system's libcx.so.1."""
    explicit = os.environ.get("CX_LIBRARY")
    if explicit:
        return explicit
    found = ctypes.util.find_library("cx")
    return found or "libcx.so.1"


lib = ffi.dlopen(_library_path())


class Error(Exception):
    """Base of every libcx failure. `code` is the C status, `args[0]` the
    message from cx_last_error() naming the value, the limit and the place."""

    code = None

    def __init__(self, message, code=None):
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self):
        return self.args[0]


class InvalidArgument(Error, ValueError):
    """CX_EINVAL: a bad argument or option."""
    code = -1


class OutOfMemory(Error, MemoryError):
    """CX_ENOMEM: an allocation failed; nothing was changed."""
    code = -2


class OutOfRange(Error, ValueError):
    """CX_ERANGE: a value outside its scale, NaN or infinity."""
    code = -3


class NotFound(Error, LookupError):
    """CX_ENOTFOUND: a named item does not exist."""
    code = -4


class AlreadyExists(Error):
    """CX_EEXISTS: an item with this name already exists."""
    code = -5


class IOFailure(Error, OSError):
    """CX_EIO: reading or writing a file failed."""
    code = -6


class FormatError(Error, ValueError):
    """CX_EFORMAT: malformed input, blob or file."""
    code = -7


class VersionError(Error):
    """CX_EVERSION: a struct, blob or plugin of an unknown version."""
    code = -8


class EmptyError(Error):
    """CX_EEMPTY: no data to compute a result from."""
    code = -9


class StateError(Error):
    """CX_ESTATE: mismatched kinds or options, or a wrong state."""
    code = -10


class PluginError(Error):
    """CX_EPLUGIN: a plugin could not be loaded or failed."""
    code = -11


_ERRORS = {cls.code: cls for cls in (InvalidArgument, OutOfMemory, OutOfRange, NotFound, AlreadyExists,
                                     IOFailure, FormatError, VersionError, EmptyError, StateError, PluginError)}


def check(rc):
    """Raises the exception for a failed status, with this thread's message
    read right after the failing call."""
    if rc == 0:
        return
    message = ffi.string(lib.cx_last_error()).decode("utf-8", "replace")
    raise _ERRORS.get(rc, Error)(message or ffi.string(lib.cx_strerror(rc)).decode(), rc)


def as_doubles(values, what="values"):
    """A C double[] view of `values` (zero-copy for contiguous float64
    buffers such as numpy arrays) and its length; the returned owner must
    be kept alive while the pointer is used."""
    try:
        view = memoryview(values)
    except TypeError:
        view = None
    if view is not None and view.format == "d" and view.c_contiguous:
        view = view.cast("B").cast("d") if view.ndim != 1 else view
        return ffi.from_buffer("double[]", view), len(view), view
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None and hasattr(values, "__array__"):
        arr = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        return ffi.from_buffer("double[]", arr), arr.size, arr
    try:
        seq = [float(v) for v in values]
    except (TypeError, ValueError) as e:
        raise InvalidArgument("%s must be numbers: %s" % (what, e), -1) from None
    buf = ffi.new("double[]", seq)
    return buf, len(seq), buf
