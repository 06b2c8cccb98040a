"""The guard against PySide6 builds that drop references to None and True."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSlider

import gmm_explorer.app  # noqa: F401 - installs the guard
from gmm_explorer.app import qt_compat


class _Emitter(QObject):
    fired = Signal(bool)


def test_many_qt_calls_cannot_drain_none_or_true(qapp):
    e = _Emitter()
    seen = []
    e.fired.connect(seen.append)
    slider = QSlider()
    slider.valueChanged.connect(lambda v: None)
    for i in range(3000):
        e.fired.emit(True)
        slider.setValue(i % 50)
        qapp.processEvents()
    assert len(seen) == 3000
    # Either PySide6 is sound, or the guard left a reserve no session can use up.
    if qt_compat._installed:
        assert sys.getrefcount(None) > 1 << 39 and sys.getrefcount(True) > 1 << 39
    else:
        assert not qt_compat.leaks()
