"""Loading a data file off the GUI thread, with progress and Cancel.

:func:`load_and_prepare` is a pure function: it reads the file with
:func:`gmm_explorer.data.load_data` (its ``progress`` and ``cancel`` hooks)
and, when given an engine factory, also builds the engine and computes the
first EM state, the other slow part of opening a big file. :class:`LoadWorker`
runs it in a ``QThread``; the runner keeps at most one, cancels it before
starting another and waits for it on close. Nothing here touches the
workspace: the GUI thread adopts the result, so a cancelled or failed load
leaves the data that were there.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from gmm_explorer.data import LoadCancelled, load_data

#: How a load ended.
LOADED = "loaded"
CANCELLED = "cancelled"
FAILED = "failed"

#: Progress is reported in steps of at least this fraction (a signal per
#: percent is plenty for a progress bar and keeps the GUI thread free).
PROGRESS_STEP = 0.01


@dataclass
class Prepared:
    """A loaded file and, when asked for, an engine started on it.

    Attributes
    ----------
    data : gmm_explorer.datasets.Dataset
    engine : object or None
        Built by the factory and initialised on ``data.X``.
    engine_key : object
        Whatever the caller passed to say which settings built the engine
        (the workspace compares it with its settings when it adopts the result).
    """

    data: Any
    engine: Any = None
    engine_key: Any = None


def load_and_prepare(path, *, progress: Callable[[float], None],
                     cancelled: Callable[[], bool], make_engine=None,
                     engine_key=None, load_share: float = 0.7,
                     load_options: dict | None = None) -> Prepared:
    """Load ``path`` and start an engine on it; raise ``LoadCancelled`` on Cancel.

    Parameters
    ----------
    path : str or Path
    progress : callable(float)
        Fraction done, 0 to 1 (loading takes ``load_share`` of it).
    cancelled : callable() -> bool
        Polled while loading and once before starting the engine.
    make_engine : callable() -> engine, optional
        A fresh engine; ``engine.initialize(X)`` is called on it here.
    engine_key : object, optional
        Stored in the result as is.
    load_share : float
        Share of the progress bar for reading the file.
    load_options : dict, optional
        More keyword arguments of :func:`~gmm_explorer.data.load_data` (columns, classes,
        dropping rows with missing values).
    """
    share = load_share if make_engine is not None else 1.0
    data = load_data(path, progress=lambda f: progress(share * f), cancel=cancelled,
                     **(load_options or {}))
    engine = None
    if make_engine is not None:
        if cancelled():
            raise LoadCancelled(path)
        engine = make_engine()
        engine.initialize(data.X)
        if cancelled():
            raise LoadCancelled(path)
    progress(1.0)
    return Prepared(data, engine, engine_key)


class LoadWorker(QThread):
    """Runs :func:`load_and_prepare` off the GUI thread.

    Signals
    -------
    progressed(float)
        Fraction done, at most about a hundred times per load.
    finished_with(str, object, str)
        ``(LOADED, Prepared, "")``, ``(CANCELLED, None, message)`` or
        ``(FAILED, error or None, message)``; queued to the GUI thread.
    """

    progressed = Signal(float)
    finished_with = Signal(str, object, str)

    def __init__(self, path, *, make_engine=None, engine_key=None, load_options=None,
                 parent=None):
        super().__init__(parent)
        self.path = path
        self.load_options = dict(load_options or {})
        self._make_engine = make_engine
        self._engine_key = engine_key
        self._cancel = threading.Event()
        self._last = -1.0

    @property
    def engine_key(self):
        """What the caller passed to say which settings built the engine."""
        return self._engine_key

    def request_cancel(self) -> None:
        """Ask the load to stop at its next check (within a block of the file)."""
        self._cancel.set()

    # the runner (and the tests' thread check) stop every worker through this name
    request_stop = request_cancel

    @property
    def cancel_requested(self) -> bool:
        """Whether Cancel was asked for."""
        return self._cancel.is_set()

    def _progress(self, fraction: float) -> None:
        if fraction >= 1.0 or fraction - self._last >= PROGRESS_STEP:
            self._last = fraction
            self.progressed.emit(float(fraction))

    def run(self) -> None:  # noqa: D102 - QThread entry point
        try:
            result = load_and_prepare(self.path, progress=self._progress,
                                      cancelled=self._cancel.is_set,
                                      make_engine=self._make_engine,
                                      engine_key=self._engine_key,
                                      load_options=self.load_options)
        except LoadCancelled:
            self.finished_with.emit(CANCELLED, None, f"Loading {self.path} cancelled; "
                                                     "the data are as they were.")
        except (ValueError, OSError, MemoryError) as exc:  # DataError is a ValueError
            # the error itself too: the window offers what it allows (dropping rows)
            self.finished_with.emit(FAILED, exc, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported, the data are kept
            self.finished_with.emit(FAILED, None, f"{type(exc).__name__}: {exc}")
        else:
            self.finished_with.emit(LOADED, result, "")
