"""Export a run as an animation: one frame per iteration, made in the background.

:class:`AnimationExport` takes a snapshot of the shown fit (its states, the
drawn points, the view's options) and hands the frames to a runner job: for
each iteration the job computes the drawn points' responsibilities, builds a
:class:`~gmm_explorer.app.model.picture.PlotPicture` and the curves marked at
that iteration, lets ``render`` turn them into pixels, and streams them to
the GIF or MP4 writer (:mod:`gmm_explorer.data.animation_files`). The window
stays responsive, progress goes out through the runner, and Cancel stops the
job between frames without leaving a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from gmm_explorer.app.model.picture import (CurvesPicture, PlotPicture, history_curves,
                                            padded_range, state_picture)
from gmm_explorer.data.animation_files import Cancelled, animation_format, even_size, \
    write_animation

JOB_NAME = "animation"

#: ``render(picture, curves, width, height) -> (H, W, 3) uint8``; safe off the GUI thread.
Render = Callable[[PlotPicture, CurvesPicture, int, int], np.ndarray]


@dataclass(frozen=True)
class AnimationSpec:
    """What to export: the file, iterations ``first`` to ``last`` (inclusive), size, rate."""

    path: str
    first: int = 0
    last: int | None = None  # None: the last iteration shown
    width: int = 960
    height: int = 540
    fps: float = 4.0


def frame_title(state) -> str:
    """The frame's title: its iteration, and a collapse where one happened."""
    if state.collapse is not None:
        return f"iteration {state.iteration}: a component collapsed ({state.collapse.action})"
    return f"iteration {state.iteration}"


class AnimationExport:
    """Starts, follows and cancels the animation job of one workspace.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace
    render : Render
        Draws one frame (the shell passes the SVG-based renderer).
    """

    def __init__(self, workspace, render: Render):
        self.workspace = workspace
        self.render = render
        self.last_result: int | None = None  # frames written by the last export
        self.last_error: Exception | None = None

    @property
    def running(self) -> bool:
        """Whether an export is in progress."""
        return self.workspace.runner.job_running(JOB_NAME)

    def iteration_range(self) -> tuple:
        """(first, last) history indices available (last is -1 without a fit)."""
        return 0, len(self.workspace.history) - 1

    def frames_job(self, spec: AnimationSpec, color_mode: str = "blended",
                   sigma_visible=None, x_range=None, y_range=None):
        """The job for ``spec``: a snapshot now, frames later (see module docstring).

        Raises ``ValueError`` for a bad range or file type before anything starts.
        """
        s = self.workspace
        animation_format(spec.path)
        history = list(s.history)
        if not history:
            raise ValueError("there is no run to animate: load data and take a step first")
        last = len(history) - 1 if spec.last is None else int(spec.last)
        first = int(spec.first)
        if not 0 <= first <= last < len(history):
            raise ValueError(f"the iterations must run from 0 to {len(history) - 1}, first "
                             f"before last; got {first} to {last}")
        width, height = even_size(spec.width, spec.height)
        fit, engine = s.fit, s.fit.engine
        rows = s.X[s.display_indices]
        points = s.drawn_points()
        axes = tuple(s.axes)
        names = s.feature_names
        names = (names[axes[0]], names[axes[1]]) if names else ("", "")
        curves = history_curves(history[first:last + 1], s.fit.recipe.settings.max_condition)
        # a fixed range for the whole film: the points' extent, as the window first shows it
        x_range = x_range or padded_range(points[:, 0])
        y_range = y_range or padded_range(points[:, 1])
        render = self.render
        mode = color_mode if color_mode in ("blended", "hard") else "blended"

        def job(cancelled, progress, report):
            total = last - first + 1

            def frames():
                for n, index in enumerate(range(first, last + 1)):
                    if cancelled():
                        raise Cancelled()
                    state = fit.state_at(index)  # replayed where the history is thinned
                    resp = engine.responsibilities(state, rows)
                    picture = state_picture(state, points, resp, axes, color_mode=mode,
                                            sigma_visible=sigma_visible, x_range=x_range,
                                            y_range=y_range, names=names,
                                            title=frame_title(state))
                    yield render(picture, curves.at(state.iteration), width, height)
                    progress((n + 1) / total)

            try:
                return write_animation(spec.path, frames(), spec.fps, (width, height))
            except Cancelled:
                return None

        return job

    def start(self, spec: AnimationSpec, done: Callable | None = None, **view_options) -> None:
        """Export in the background; ``done(frames_or_None, error)`` afterwards.

        ``view_options`` are :meth:`frames_job`'s (the window's colour mode, visible
        ellipses). A running export is cancelled first.
        """
        job = self.frames_job(spec, **view_options)
        self.last_result, self.last_error = None, None

        def finished(result, error):
            self.last_result, self.last_error = result, error
            if done is not None:
                done(result, error)

        self.workspace.runner.start_job(job, finished, name=JOB_NAME)

    def cancel(self) -> None:
        """Stop the export in progress (no file is written)."""
        self.workspace.runner.cancel_job(JOB_NAME)

    def wait(self, timeout_ms: int = 600000) -> None:
        """Block until the export has ended (scripts and tests)."""
        self.workspace.runner.wait_job(timeout_ms, name=JOB_NAME)
