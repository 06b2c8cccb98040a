"""A guard against a reference-counting bug in some PySide6 builds.

In PySide6 6.12.0 on Python 3.11, ``SignalInstance.emit`` returns ``True``
without taking a reference to it, so every ``emit()`` call (ours and
pyqtgraph's) lowers the reference count of ``True`` by one. After a few
hundred emissions the count reaches zero and the interpreter aborts with
"Fatal Python error: bool_dealloc: deallocating True or False". (Python 3.12
made ``True`` immortal, which hides the bug there.)

:func:`install` measures the leak once and, only when it is there, wraps
``SignalInstance.emit`` so that it gives back the missing reference. On a
fixed PySide6 it changes nothing.
"""

from __future__ import annotations

import ctypes
import sys

_installed = False


def emit_leaks_true() -> bool:
    """Whether ``SignalInstance.emit`` drops a reference to ``True``."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) - before <= -8


def install() -> bool:
    """Patch ``SignalInstance.emit`` if it leaks; return whether it was patched."""
    global _installed
    if _installed:
        return True
    from PySide6.QtCore import SignalInstance

    if not emit_leaks_true():
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self, *args):
        result = original(self, *args)
        if result is True or result is False:
            incref(result)  # the reference the C++ side forgot to take
        return result

    emit.__doc__ = original.__doc__
    SignalInstance.emit = emit
    _installed = True
    return True
