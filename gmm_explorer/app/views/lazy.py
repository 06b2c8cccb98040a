"""Views that redraw only while shown.

The centre holds several views of the same data (axes pair, pairs, PCA) in
a stack, one shown at a time. A hidden view that redrew on every Step would
make a step cost every view's drawing; instead it remembers what changed
and catches up when it is shown again.
"""

from __future__ import annotations


class LazyRedraw:
    """Mixin for a ``QWidget`` view: :meth:`deferred` while hidden, catch up on show.

    The view's ``on_data_changed()`` and ``on_current_changed(index)`` start
    with ``if self.deferred("data"): return`` (or ``"current"``); when the
    widget is shown again, the deferred updates run once each, data first.
    """

    # replaced, never changed in place: the class's empty default serves until the
    # first update is skipped (a base class's __init__ may draw before ours runs)
    _stale: frozenset = frozenset()

    def deferred(self, what: str) -> bool:
        """Whether to skip an update now (the view is hidden); remembers ``what``."""
        if self.isVisible():
            return False
        self._stale = self._stale | {what}
        return True

    @property
    def is_stale(self) -> bool:
        """Whether updates wait for the view to be shown (for tests)."""
        return bool(self._stale)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        stale, self._stale = self._stale, frozenset()
        if "data" in stale:
            self.on_data_changed()
        # after new data the state is drawn again on them
        if stale:
            self.on_current_changed(self.workspace.current)
