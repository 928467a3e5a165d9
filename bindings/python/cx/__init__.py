"""Python binding of libcx: customer-experience analytics.

A thin layer over the C API: each method calls one C function, status codes
become exceptions (subclasses of cx.Error carrying the C message), handles
are freed with their Python object (or at once with close() / `with`).

>>> import cx
>>> m = cx.Metric("nps")
>>> m.add_many([10, 9, 7, 3, 10])
>>> r = m.result()
>>> round(r.value, 1), r.count
(40.0, 5)
"""
from ._lib import (AlreadyExists, EmptyError, Error, FormatError, InvalidArgument, IOFailure, NotFound,
                   OutOfMemory, OutOfRange, PluginError, StateError, VersionError)
from .metric import Comparison, Metric, Result
from .group import Group, GroupEntry
from .text import Keywords, Lexicon, Sentiment, SentimentResult
from .service import Calendar, Service, Timezone, format_instant, parse_instant
from .store import Store
from .lifetime import PurchaseFit, SpendFit, clv, fit_purchases, fit_spend
from .journey import Journey
from .customer import Customers, Plugin, Risk, Segments
from ._lib import ffi as _ffi, lib as _lib

__all__ = ["Metric", "Result", "Comparison", "Group", "GroupEntry", "Lexicon", "Sentiment", "SentimentResult",
           "Keywords", "Timezone", "Calendar", "Service", "parse_instant", "format_instant", "Store",
           "fit_purchases", "fit_spend", "clv", "PurchaseFit", "SpendFit", "Journey",
           "Customers", "Risk", "Segments", "Plugin",
           "version", "Error", "InvalidArgument",
           "OutOfMemory", "OutOfRange", "NotFound", "AlreadyExists", "IOFailure", "FormatError", "VersionError",
           "EmptyError", "StateError", "PluginError"]


def version():
    """The linked library's version string, e.g. "0.1.0"."""
    return _ffi.string(_lib.cx_version_string()).decode()


__version__ = version()
