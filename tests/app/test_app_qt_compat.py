"""The guard against PySide6's leaked reference to True on every emit()."""

import sys

from PySide6.QtCore import QObject, Signal

import gmm_explorer.app  # noqa: F401 - installs the guard
from gmm_explorer.app import qt_compat


class _Emitter(QObject):
    fired = Signal(bool)


def test_emitting_does_not_drain_the_references_to_true(qapp):
    e = _Emitter()
    seen = []
    e.fired.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(2000):
        e.fired.emit(True)
    assert len(seen) == 2000
    seen.clear()
    assert sys.getrefcount(True) - before >= 0
    assert not qt_compat.emit_leaks_true()
