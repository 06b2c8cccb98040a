"""Known classes against the shown fit: the confusion table, ARI, NMI and accuracy.

:class:`KnownClasses` reads the workspace's ``labels`` and ``label_names`` and,
for the shown state, the engine's responsibilities of every point
(:meth:`Workspace.data_responsibilities`); each point's hard label is the
argmax. The scores come from :mod:`gmm_explorer.engine.agreement`. Work is done
only while someone looks (:meth:`set_active`), and once per state: scrubbing
back to a state already seen costs nothing.

Where it runs: the engine's latest state (after a Step) costs one argmax over
the responsibilities the engine keeps and one ``bincount``, so it runs inline.
Any other state (the timeline scrubbed back, or every state during a run,
whose buffers the worker owns) needs a fresh E-step over all the points: above
:data:`INLINE_LIMIT` points that goes to a runner job, and the table shows the
last result until the new one arrives.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from gmm_explorer.engine.agreement import Agreement, agreement

#: Above this many points a fresh E-step for the agreement runs in a runner job.
INLINE_LIMIT = 100_000
JOB_NAME = "classes"


def class_names(workspace) -> list[str]:
    """One name per known class of the workspace's data (``class c`` where unnamed)."""
    labels, names = workspace.labels, list(workspace.label_names)
    if labels is None:
        return []
    n = max(int(labels.max(initial=-1)) + 1, len(names))
    return names + [f"class {c}" for c in range(len(names), n)]


class KnownClasses(QObject):
    """The agreement of the shown state's components with the data's known classes.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace

    Signals
    -------
    changed()
        New data or a new shown state: :attr:`result` is up to date (while active).
    """

    changed = Signal()

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.active = False
        #: The agreement of the shown state, or None (no classes, no fit, not active).
        self.result: Agreement | None = None
        self._cache: tuple = (None, None)  # (state, Agreement) of the last computation
        self._busy = False  # a job computes; a newer state waits for it (no blocking cancel)
        self._again = False
        workspace.dataChanged.connect(self._on_data_changed)
        workspace.currentChanged.connect(self.update)

    @property
    def known(self) -> bool:
        """Whether the data have known classes."""
        return self.workspace.labels is not None

    @property
    def class_names(self) -> list[str]:
        """One name per class (``class c`` where the data name none), length C."""
        return class_names(self.workspace)

    def component_ids(self) -> list[int]:
        """The identities of the shown state's components (the table's columns)."""
        state = self.workspace.state
        return [] if state is None else [int(i) for i in state.component_ids]

    def set_active(self, active: bool) -> None:
        """Compute only while the result is on show (a visible dock, a test)."""
        self.active = bool(active)
        if self.active:
            self.update()

    def _on_data_changed(self) -> None:
        # the shown state is still the old data's until the new fit is shown
        # (currentChanged follows), so only forget here
        self._cache = (None, None)
        self.result = None
        self.changed.emit()

    def update(self, *_args) -> None:
        """Recompute :attr:`result` for the shown state (cached per state)."""
        ws = self.workspace
        state = ws.state
        if not self.active or state is None or ws.labels is None or ws.X is None:
            self.result = None
        elif self._cache[0] is state:
            self.result = self._cache[1]
        elif self._inline(state):
            self.result = self.compute(state)
            self._cache = (state, self.result)
        else:
            self._start_job(state)
            return  # the last result stays on show until the job's arrives
        self.changed.emit()

    def _inline(self, state) -> bool:
        ws = self.workspace
        latest = not ws.running and state is ws.fit.engine.state and ws.fit.engine.X is ws.X
        return latest or len(ws.X) <= INLINE_LIMIT

    def compute(self, state) -> Agreement | None:
        """The agreement of ``state``'s hard labels with the known classes (this thread)."""
        ws = self.workspace
        clusters = ws.data_hard_labels(state)
        if clusters is None or ws.labels is None or len(clusters) != len(ws.labels):
            return None
        return agreement(ws.labels, clusters, len(self.class_names), state.n_components)

    def _start_job(self, state) -> None:
        if self._busy:
            self._again = True
            return
        ws = self.workspace
        # read on this thread; the job computes afresh from the state's parameters
        engine, X, labels = ws.fit.engine, ws.X, ws.labels
        n_classes, n_components = len(self.class_names), state.n_components

        def job(_cancelled, _progress, _report):
            return agreement(labels, engine.hard_labels(state, X), n_classes, n_components)

        def done(result, error) -> None:
            self._busy = False
            if error is None and ws.X is X:  # still the same data
                self._cache = (state, result)
            if self._again or ws.state is not state:
                self._again = False
                self.update()
            else:
                self.result = self._cache[1] if self._cache[0] is state else None
                self.changed.emit()

        self._busy, self._again = True, False
        ws.runner.start_job(job, done, name=JOB_NAME)

    def wait(self) -> None:
        """Block until a job computing the agreement has ended (scripts, tests)."""
        while self._busy:
            self.workspace.runner.wait_job(name=JOB_NAME)
