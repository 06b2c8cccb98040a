"""Undo and redo of point edits and model changes.

:class:`UndoStack` belongs to a workspace (``workspace.undo``). The lab
records each point edit (the data before and after, as arrays kept as they
were, so an undo gives back the very same numbers) and the workspace each
change of model settings. Undoing replays the old state through the same
workspace calls a person would use, so views follow as for any change.

Other data (a file, a preset, a session) start a new story: the stack is
cleared, because the edits before refer to points that are gone.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model.settings import ModelSettings

if TYPE_CHECKING:  # the workspace holds the stack: a run-time import would be circular
    from gmm_explorer.app.model.workspace import Workspace

#: How many changes are kept; the oldest are forgotten first.
LIMIT = 200


@dataclass(frozen=True)
class PointsState:
    """The data as a point edit found or left them."""

    X: np.ndarray
    hand_made: np.ndarray | None
    name: str
    edited: bool
    start: dict | None
    # a point edit lets the known classes and file lines go (its rows are no longer the
    # file's): undoing it back to the file's own rows brings them back
    labels: np.ndarray | None = None
    label_names: tuple = ()
    class_column: str = ""
    lines: np.ndarray | None = None

    @classmethod
    def of(cls, workspace: Workspace) -> PointsState:
        """The workspace's data now (arrays shared, never copied: nothing edits them in place)."""
        return cls(workspace.X, workspace.hand_made, workspace.data_name, workspace.edited,
                   workspace.pinned_start, workspace.labels, workspace.label_names,
                   workspace.class_column, workspace.lines)


@dataclass(frozen=True)
class Change:
    """One undoable change: ``kind`` is "points" or "model"; ``text`` names it in menus."""

    kind: str
    before: PointsState | ModelSettings
    after: PointsState | ModelSettings
    text: str


class UndoStack(QObject):
    """The workspace's undoable changes, newest last.

    Signals
    -------
    changed()
        Something was recorded, undone, redone or cleared (menus update their text).
    """

    changed = Signal()

    def __init__(self, workspace: Workspace):
        super().__init__(workspace)
        self.workspace = workspace
        self.done: list[Change] = []
        self.undone: list[Change] = []
        self._busy = 0  # > 0 while a recorded change or an undo is applied
        workspace.dataChanged.connect(self._on_data_changed)

    # ------------------------------------------------------------ recording
    @contextmanager
    def applying(self):
        """Within: data changes are part of a recorded change, not new data."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1

    @property
    def busy(self) -> bool:
        """Whether a recorded change, an undo or a redo is being applied."""
        return self._busy > 0

    def record(self, kind: str, before, after, text: str) -> None:
        """Add a change that has just been made; the redo list is forgotten."""
        self.done.append(Change(kind, before, after, text))
        del self.done[:-LIMIT]
        self.undone.clear()
        self.changed.emit()

    def clear(self) -> None:
        """Forget every change (other data were loaded)."""
        if self.done or self.undone:
            self.done.clear()
            self.undone.clear()
            self.changed.emit()

    def _on_data_changed(self) -> None:
        if not self.busy:
            self.clear()

    # ------------------------------------------------------------ replaying
    def can_undo(self) -> bool:
        """Whether there is a change to undo."""
        return bool(self.done)

    def can_redo(self) -> bool:
        """Whether there is an undone change to make again."""
        return bool(self.undone)

    def undo_text(self) -> str:
        """What Undo would undo ("" when nothing)."""
        return self.done[-1].text if self.done else ""

    def redo_text(self) -> str:
        """What Redo would make again ("" when nothing)."""
        return self.undone[-1].text if self.undone else ""

    def undo(self) -> bool:
        """Undo the newest change; False when there is none."""
        if not self.done:
            return False
        change = self.done.pop()
        self._apply(change.kind, change.before)
        self.undone.append(change)
        self.workspace.message.emit(f"Undone: {change.text}.")
        self.changed.emit()
        return True

    def redo(self) -> bool:
        """Make the newest undone change again; False when there is none."""
        if not self.undone:
            return False
        change = self.undone.pop()
        self._apply(change.kind, change.after)
        self.done.append(change)
        self.workspace.message.emit(f"Redone: {change.text}.")
        self.changed.emit()
        return True

    def _apply(self, kind: str, target) -> None:
        ws = self.workspace
        with self.applying():
            if kind == "points":
                ws.set_data(target.X, target.labels, ws.feature_names, target.name,
                            start=target.start, edited=target.edited,
                            hand_made=target.hand_made, label_names=target.label_names,
                            class_column=target.class_column, lines=target.lines)
            else:
                ws.set_model(**asdict(target))
