"""Labels from the shown state: of the data (File → Export labels) and of another file
(File → Predict file).

Both write the CSV of :mod:`gmm_explorer.data.labelled_rows`, the format of
``gmm-explorer predict``: the row's line in its file (or its 0-based row),
the most probable component by identity (as the Components table names it),
one ``p_<id>`` column per component and the known class, if any. Exported
probabilities are the engine's responsibilities (as the points are coloured);
another file is labelled with the model of the shown state, rebuilt as
``gmm-explorer predict`` rebuilds a saved one. Both do the slow part (reading,
labelling, formatting, writing) in the runner's job thread, with progress and
Cancel; one at a time.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from gmm_explorer.cli.common import check_writable, write_text
from gmm_explorer.data import load_data
from gmm_explorer.data.errors import DataError, LoadCancelled
from gmm_explorer.data.labelled_rows import (
    ROWS_PER_BLOCK,
    hard_labels,
    labels_csv_blocks,
    model_columns,
)
from gmm_explorer.data.model_reading import engine_from_parameters
from gmm_explorer.engine import GaussianMixtureEM

if TYPE_CHECKING:  # the window makes this from its workspace; a run-time import is not needed
    from gmm_explorer.app.model.workspace import Workspace

#: The runner's name for the labelling job (one at a time; a new one cancels the old).
JOB = "labels"

#: Fractions of predicting's progress bar: reading the file, then labelling; then formatting.
_READ, _LABEL = 0.5, 0.2

#: Rows formatted between two looks at Cancel (about a tenth of a second).
_ROWS_PER_CHECK = 20000


class Labelling(QObject):
    """Export labels of the data and predict other files, for one workspace.

    Signals
    -------
    labelStarted(str)
        Labels began to be made in the background: what, in plain words
        ("Labelling iris.csv").
    labelProgress(float)
        Fraction of that work done.
    labelEnded(str, str)
        ``"written"``, ``"cancelled"`` or ``"failed"``, and plain words
        naming the files; unless written, nothing was.
    """

    labelStarted = Signal(str)
    labelProgress = Signal(float)
    labelEnded = Signal(str, str)

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent or workspace)
        self.workspace = workspace
        self.last_reason = ""
        self._cancelled_text = ""
        workspace.runner.jobProgressed.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        """Whether labels are being made in the background."""
        return self.workspace.runner.job_running(JOB)

    # ---------------------------------------------------------- export
    def export_labels(self, path) -> None:
        """Write the labels of every data row under the shown state to ``path`` (CSV).

        The probabilities are the engine's responsibilities for that state,
        shape (N, K), taken now (stepping on changes nothing written); the first
        column is each row's line in its file when the data came from a text
        file (``Workspace.lines``), else its 0-based row. Formatting and
        writing go on in the background; the outcome comes as ``labelEnded``.

        Raises
        ------
        ValueError
            No data yet, or ``path`` cannot be written (a ``DataError`` naming
            it); nothing started.
        """
        ws = self.workspace
        state = ws.state
        if state is None:
            raise ValueError("there is nothing to label yet: load or generate data first")
        path = os.fspath(path)
        check_writable(path, inputs=(ws.loading.file_path,))  # never over the data's file
        proba = np.array(ws.data_responsibilities(state))  # a copy: the engine steps on
        rows = dict(lines=ws.lines, ids=np.array(state.component_ids), classes=ws.labels,
                    class_names=ws.label_names)
        job = partial(_format_and_write, path, proba, rows, 0.0)
        done = f"Labels of {len(proba):,} rows (iteration {state.iteration}, " \
               f"{state.n_components} components) written to {path}."
        self._start(job, lambda result: done, f"Writing labels to {os.path.basename(path)}",
                    f"Writing the labels to {path} cancelled; nothing was written.",
                    "Could not export the labels: ", path, path)

    # --------------------------------------------------------- predict
    def state_model(self) -> GaussianMixtureEM:
        """An engine holding the shown state's parameters (in the data's units).

        Raises ``ValueError`` when there is no state, or its parameters cannot
        label other points (a singular covariance).
        """
        ws = self.workspace
        state = ws.state
        if state is None:
            raise ValueError("there is no model yet: load or generate data first")
        try:
            return engine_from_parameters(state.weights, state.means, state.covariances,
                                          ws.fit.recipe.settings.covariance_type)
        except DataError as exc:
            raise ValueError(f"the shown state (iteration {state.iteration}) cannot label "
                             f"other data: {exc.reason}; step back to a sound iteration or "
                             f"apply a remedy") from None

    def predict_file(self, data_path, output_path) -> None:
        """Label ``data_path`` with the shown state's model; write the CSV to ``output_path``.

        The model, the feature names and the output folder are checked here
        (``ValueError``, nothing started); the file is read, checked (the
        model's columns, by name when it has names; finite values) and
        labelled in the background. The outcome comes as ``labelEnded``.
        """
        ws = self.workspace
        em = self.state_model()
        data_path, output_path = os.fspath(data_path), os.fspath(output_path)
        check_writable(output_path, inputs=(data_path, ws.loading.file_path))
        names = list(ws.feature_names)
        if names == [f"x{j}" for j in range(len(names))]:
            names = []  # made-up names: columns are matched by position
        job = partial(_predict, data_path, output_path, em, names, ws.n_features,
                      np.array(ws.state.component_ids))

        def done(result):
            n, counts = result
            spread = ", ".join(f"{i}: {c:,}" for i, c in counts)
            return f"Labelled {n:,} rows of {data_path} ({spread}); written to {output_path}."

        self._start(job, done, f"Labelling {os.path.basename(data_path)}",
                    f"Labelling {data_path} cancelled; nothing was written.",
                    "Could not label ", data_path, output_path)

    # ------------------------------------------------------- the job
    def _start(self, job, done_text, what: str, cancelled_text: str, failed: str,
               *paths: str) -> None:
        self.cancel()  # one at a time: the one going now ends, saying so
        self._cancelled_text = cancelled_text

        def ended(result, error):
            if error is None and result is None or isinstance(error, LoadCancelled):
                self._end("cancelled", cancelled_text)
            elif error is not None:
                # the data layer's errors name the file already
                text = str(error) if isinstance(error, (ValueError, OSError)) \
                    else f"{type(error).__name__}: {error}"
                if not text.startswith(paths):
                    text = f"{paths[0]}: {text}"
                self._end("failed", failed + text)
            else:
                self._end("written", done_text(result))

        self.workspace.runner.start_job(job, ended, name=JOB)
        self.labelStarted.emit(what)

    def cancel(self) -> None:
        """Stop the labels being made (nothing is written)."""
        if self.busy:
            self.workspace.runner.cancel_job(JOB)
            self._end("cancelled", self._cancelled_text)

    def wait(self, timeout_ms: int = 120000) -> str:
        """Block until the labels being made are written or not; how it ended (scripts,
        tests)."""
        self.workspace.runner.wait_job(timeout_ms, name=JOB)
        return self.last_reason

    def _on_progress(self, name: str, fraction: float) -> None:
        if name == JOB:
            self.labelProgress.emit(fraction)

    def _end(self, reason: str, message: str) -> None:
        self.last_reason = reason
        self.labelEnded.emit(reason, message)
        if reason != "failed":
            self.workspace.message.emit(message)


def _format_and_write(output_path: str, proba: np.ndarray, rows: dict, begun: float,
                      cancelled, progress, report=None):
    """Format the labels CSV (:func:`labels_csv_blocks` with ``rows``) and write it.

    Progress goes on from ``begun`` to 1. Returns True, or None when cancelled
    (then nothing is written).
    """
    chunks = []
    N = max(len(proba), 1)
    for text, done in labels_csv_blocks(proba, rows_per_block=_ROWS_PER_CHECK, **rows):
        if cancelled():
            return None
        chunks.append(text)
        progress(begun + (0.95 - begun) * done / N)
    write_text(output_path, "".join(chunks))
    progress(1.0)
    return True


def _predict(data_path: str, output_path: str, em: GaussianMixtureEM, names: list,
             n_features: int, ids: np.ndarray, cancelled, progress, report):
    """The job: read, check, label in blocks, format and write; None when cancelled.

    Returns
    -------
    n_rows : int
    counts : list of (int, int)
        Each component's identity and how many rows it labels.
    """
    data = load_data(data_path, progress=lambda f: progress(_READ * f), cancel=cancelled)
    X = model_columns(data, names, n_features, path=data_path,
                      how="give a file with the columns of the data shown")
    N = len(X)
    proba = np.empty((N, len(ids)))
    for start in range(0, N, ROWS_PER_BLOCK):
        if cancelled():
            return None
        stop = min(N, start + ROWS_PER_BLOCK)
        proba[start:stop] = em.predict_proba(X[start:stop])
        progress(_READ + _LABEL * stop / max(N, 1))
    rows = dict(lines=data.lines, ids=ids, classes=data.labels, class_names=data.label_names)
    if not _format_and_write(output_path, proba, rows, _READ + _LABEL, cancelled, progress):
        return None
    labels = hard_labels(proba, ids)
    return N, [(int(i), int(np.sum(labels == i))) for i in ids]
