"""A guard against a reference-counting bug in some PySide6 builds.

PySide6 6.12.0 on Python 3.11 returns ``None``, ``True`` and ``False``
without taking a reference to them: every call of a method that returns
nothing (``setValue``, ``processEvents``, ...), every Python slot that Qt
calls and every ``Signal.emit()`` lowers the reference count of one of
these singletons by one. After enough calls the count reaches zero and the
interpreter aborts ("Fatal Python error: none_dealloc: deallocating None",
or ``bool_dealloc``). Python 3.12 made these objects immortal, which hides
the bug there; that build assumes it.

:func:`install` measures the leak once and, only when it is there, does
what Python 3.12 does: it gives ``None``, ``True``, ``False``,
``NotImplemented`` and ``Ellipsis`` a reference count so large (2**40)
that no session can drain it. On a sound PySide6, or on Python >= 3.12, it
changes nothing.
"""

from __future__ import annotations

import ctypes
import sys

SINGLETONS = (None, True, False, NotImplemented, Ellipsis)
_RESERVE = 1 << 40
_installed = False


def leaks() -> bool:
    """Whether PySide6 drops references to ``None`` or ``True`` here."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none0, true0 = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.ping.emit()
        probe.setObjectName("probe")
    return (sys.getrefcount(None) - none0 <= -16) or (sys.getrefcount(True) - true0 <= -16)


def install() -> bool:
    """Protect the singletons if PySide6 leaks; return whether it did."""
    global _installed
    if _installed:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not leaks():
        return False
    for obj in SINGLETONS:
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t)
        ctypes.c_ssize_t.from_address(id(obj)).value += _RESERVE
    _installed = True
    return True
