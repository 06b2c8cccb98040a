"""EM's lower bound along a slice through the shown state, for the Lower bound dock.

:class:`LowerBoundSlice` follows the workspace's shown iteration (Step, Back,
the timeline, Run) and computes, with
:func:`gmm_explorer.engine.lower_bound.slice_curves`, the log-likelihood and
EM's lower bound along the chosen slice of the chosen component. It computes
only while the dock is visible (:meth:`LowerBoundSlice.set_active`): a slice
costs about 50 to 100 ms at N = 1e4 (one (S, N) pass), worth paying only for a
picture someone looks at; during a run it waits at least
:data:`RUN_INTERVAL_MS`, and three times the last slice's cost, after each
slice, so a run's stream of states does not queue up slices nobody sees and
the window keeps most of its time for the rest. Above :data:`MAX_RUN_POINTS`
points it waits for the run to pause or end, and above :data:`BACKGROUND_POINTS`
it computes in the runner's job thread, one slice at a time, the latest shown
state next.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from gmm_explorer.engine.lower_bound import (
    SliceCurves,
    mean_direction,
    slice_curves,
    state_terms,
)

#: The slices offered, by name, with the words the dock shows.
SLICES = {
    "mean-step": "mean, along its M-step move",
    "mean-axis": "mean, along the x axis",
    "scale": "covariance × exp(s)",
}
#: The range of each slice's parameter before it is widened to show B's peak.
RANGES = {"mean-step": (-3.0, 3.0), "mean-axis": (-3.0, 3.0), "scale": (-4.0, 2.0)}
#: The M-step slice zooms in on a move shorter than this (in standard deviations).
ZOOM_BELOW = 1.2
#: Points along a slice: odd, so that parameter 0 (the state itself) is one of them.
N_VALUES = 121
#: Coarse values of s, far below the scale slice's range, where l may climb again.
CLIMB_PROBES = np.arange(-30.0, -3.0, 2.0)
#: While EM runs, at most one slice per this many milliseconds.
RUN_INTERVAL_MS = 250
#: Above this many points a slice (about 0.5 s at 1e5) would stall the window at every
#: one a run shows: the dock then waits for the run to pause or end.
MAX_RUN_POINTS = 30_000
#: Above this many points a slice is computed in the runner's job thread: on the GUI
#: thread Step, Back and each timeline move stalled the window for 1 to 2 s at 2e5.
BACKGROUND_POINTS = 20_000
#: The runner's name for that job.
JOB_NAME = "lower-bound"


@dataclass(frozen=True)
class BoundPicture:
    """What the Lower bound view draws for the shown state.

    Attributes
    ----------
    curves : SliceCurves
    iteration : int
        The shown state's iteration t.
    identity : int
        The moved component's identity (``EMState.component_ids``).
    slice_name : str
        A key of :data:`SLICES`.
    landing : float or None
        Where the M-step puts the slice's parameter, when it lies on the
        slice (the mean slice along its M-step move); None otherwise.
    axis_label : str
        The slice parameter in words, for the plot's bottom axis.
    """

    curves: SliceCurves
    iteration: int
    identity: int
    slice_name: str
    landing: float | None
    axis_label: str


class LowerBoundSlice(QObject):
    """The slice the Lower bound dock shows, following the workspace.

    Signals
    -------
    changed()
        :attr:`picture` (or :attr:`note`) is new.
    """

    changed = Signal()

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.slice_name = "mean-step"
        #: The chosen component's identity; None: the first of the shown state.
        self.identity: int | None = None
        self.active = False
        self.picture: BoundPicture | None = None
        #: Why there is no picture, or what the one shown waits for, in plain words.
        self.note = ""
        self.computed_ms = 0.0  # the last slice's cost, for the dock's tooltip
        self._last = 0.0
        self._busy = False  # a slice is being computed in the runner's job thread
        self._again = False  # the shown state or the choice changed meanwhile
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)
        workspace.currentChanged.connect(self._on_current_changed)
        workspace.dataChanged.connect(self._on_current_changed)
        # a run may end on a state already shown (skipped or throttled here)
        workspace.runningChanged.connect(self._on_current_changed)

    # ------------------------------------------------------------ choices
    def set_active(self, on: bool) -> None:
        """Compute while the dock shows (``on``), not otherwise."""
        self.active = bool(on)
        if self.active:
            self.refresh()

    def set_slice(self, name: str) -> None:
        """Choose the slice, a key of :data:`SLICES`."""
        if name not in SLICES:
            raise ValueError(f"slice must be one of {', '.join(SLICES)}, got {name!r}")
        if name != self.slice_name:
            self.slice_name = name
            self.refresh()

    def set_component(self, identity: int) -> None:
        """Choose the moved component by its identity."""
        if identity != self.identity:
            self.identity = int(identity)
            self.refresh()

    def identities(self) -> list:
        """The shown state's component identities, in order."""
        state = self.workspace.state
        return [] if state is None else [int(i) for i in state.component_ids]

    # ---------------------------------------------------------- following
    def _on_current_changed(self, *_) -> None:
        if not self.active:
            return
        if self.workspace.running and len(self.workspace.X) > MAX_RUN_POINTS:
            if self.picture is not None and not self.note:
                self.note = "Follows the run when it pauses or ends (many points)."
                self.changed.emit()
            return
        if self.workspace.running:
            # a run's states come faster than slices are worth drawing: one per interval,
            # and the slices never take more than a quarter of the window's time
            interval = max(RUN_INTERVAL_MS, 3 * self.computed_ms)
            wait = interval - 1000 * (time.perf_counter() - self._last)
            if wait > 0:
                if not self._timer.isActive():
                    self._timer.start(int(wait) + 1)
                return
        self.refresh()

    def refresh(self) -> None:
        """Compute the slice for the shown state (when active) and tell the view: now, or
        for many points in the runner's job thread (the picture arrives when done)."""
        if not self.active:
            return
        self._timer.stop()
        s = self.workspace
        state = s.state
        if state is None or s.X is None:
            self.picture, self.note = None, "No data yet."
            self.changed.emit()
            return
        if len(s.X) > BACKGROUND_POINTS:
            self._refresh_in_background(state)
            return
        self._last = time.perf_counter()
        self.picture, self.note = None, ""
        try:
            self.picture = self._compute(self._inputs(state))
        except ValueError as exc:
            self.note = f"No bound at iteration {state.iteration}: {exc}."
        self.changed.emit()
        done = time.perf_counter()
        self.computed_ms = 1000 * (done - self._last)  # with the view's redraw
        self._last = done

    def _refresh_in_background(self, state) -> None:
        if self._busy:  # one at a time: the latest shown state follows this one
            self._again = True
            return
        self._busy, self._again = True, False
        inputs = self._inputs(state)  # read on this thread; the job reads only these
        started = time.perf_counter()

        def job(_cancelled, _progress, _report):
            try:
                return self._compute(inputs), ""
            except ValueError as exc:
                return None, f"No bound at iteration {inputs['state'].iteration}: {exc}."

        def done(result, error) -> None:
            self._busy = False
            if error is not None:
                self.picture, self.note = None, f"The slice failed: {error}"
            elif result is not None:
                self.picture, self.note = result
            self.computed_ms = 1000 * (time.perf_counter() - started)
            self._last = time.perf_counter()
            self.changed.emit()
            if self._again:
                self.refresh()

        if self.picture is not None:
            self.note = "Computing the slice for the shown state…"
            self.changed.emit()
        self.workspace.runner.start_job(job, done, name=JOB_NAME)

    def _inputs(self, state) -> dict:
        """Everything a slice reads, taken from the workspace on the GUI thread."""
        s = self.workspace
        # the next state, for the M-step's move: the shown one's successor in the history
        after = s.state_at(s.current + 1) if s.current + 1 < len(s.history) else None
        return {"X": s.X, "state": state, "axis": s.axes[0],
                "feature_names": list(s.feature_names), "slice_name": self.slice_name,
                "identity": self.identity, "next": after, "prior": s.model.prior}

    def _compute(self, inputs: dict) -> BoundPicture:
        """The picture from :meth:`_inputs` alone (it may run in the job thread)."""
        X, state, slice_name = inputs["X"], inputs["state"], inputs["slice_name"]
        ids = [int(i) for i in state.component_ids]
        identity = inputs["identity"] if inputs["identity"] in ids else ids[0]
        j = ids.index(identity)
        means, cov = state.means, state.covariances
        # one pass over the data for the densities; every call below reuses it
        terms = state_terms(X, state.weights, means, cov)
        lo, hi = RANGES[slice_name]
        direction, landing_mean = None, None
        kind = "scale" if slice_name == "scale" else "mean"
        if kind == "scale":
            label = f"s: component {identity}'s covariance × exp(s)"
        elif slice_name == "mean-axis":
            axis = inputs["axis"]
            direction = mean_direction(X, terms.resp, means, j, toward=axis)
            name = inputs["feature_names"][axis]
            label = f"t: component {identity}'s mean moved along {name} (σ)"
        else:
            direction, landing_mean = self._step_direction(inputs, state, j, terms.resp)
            label = f"t: component {identity}'s mean moved towards its next (σ)"

        def curves_at(values):
            return slice_curves(X, state.weights, means, cov, None, j, kind, values,
                                direction, terms=terms)

        if kind == "scale":
            lo = min(lo, self._climb_start(curves_at(CLIMB_PROBES)))
        landing = None
        if landing_mean is not None:
            step = np.sqrt(direction @ cov[j] @ direction) * direction
            landing = float((landing_mean - means[j]) @ step / (step @ step))
        # widen the range to show B's peak and the landing point, with some room past them
        marks = [curves_at(np.zeros(1)).peak] + ([landing] if landing is not None else [])
        reach = max(abs(m) for m in marks)
        if slice_name == "mean-step" and 1e-9 < reach < ZOOM_BELOW:
            # a late M-step moves a mean by a sliver of sigma: +-3 sigma would show one
            # parabola with the touching point, the peak and the landing on one pixel
            lo, hi = -1.5 * reach, 2.5 * reach
        lo = min(lo, min(marks) - 0.25 * (hi - lo))
        hi = max(hi, max(marks) + 0.25 * (hi - lo))
        values = np.linspace(lo, hi, N_VALUES)
        values[np.argmin(np.abs(values))] = 0.0  # the state itself is on the grid
        return BoundPicture(curves=curves_at(values), iteration=state.iteration,
                            identity=identity, slice_name=slice_name, landing=landing,
                            axis_label=label)

    @staticmethod
    def _climb_start(probes: SliceCurves) -> float:
        """Where, left of the usual range, l has climbed back above its value at
        the state (``probes`` along :data:`CLIMB_PROBES`), or 0 when it has not.

        A mean on a data point makes l climb without limit as the variance
        shrinks, but often only past s = -4, where the other points' loss
        has stopped growing: the slice reaches that far to show it.
        """
        above = np.flatnonzero(probes.log_likelihood > probes.base_log_likelihood + 1.0)
        if not len(above) or above[-1] == len(CLIMB_PROBES) - 1:
            return 0.0  # no climb, or one the usual range shows already
        return float(CLIMB_PROBES[above[-1]]) - 2.0  # the nearest climb, and a little more

    @staticmethod
    def _step_direction(inputs: dict, state, j: int, resp):
        """The direction the M-step moves mean ``j``, and that next mean, or (direction, None).

        From the next state in the history when there is one with the same
        components (the engine's own M-step: with a prior or a ridge too);
        otherwise towards the responsibility-weighted mean (``resp``, (N, K),
        the state's), the M-step's mean without a prior, which is where B peaks.
        """
        after, X = inputs["next"], inputs["X"]
        if after is not None:
            if np.array_equal(after.component_ids, state.component_ids) and \
                    after.collapse is None:
                move = after.means[j] - state.means[j]
                if np.linalg.norm(move) > 0:
                    return move / np.linalg.norm(move), after.means[j]
        direction = mean_direction(X, resp, state.means, j)
        if inputs["prior"] is None:
            return direction, resp[:, j] @ X / resp[:, j].sum()
        return direction, None
