"""Labels from the shown state: of the data (File → Export labels) and of another file
(File → Predict file).

Both write the CSV of :mod:`gmm_explorer.data.labelled_rows`, the format of
``gmm-explorer predict``: the row's line in its file (or its 0-based row),
the most probable component by identity (as the Components table names it),
one ``p_<id>`` column per component and the known class, if any. Exporting
is immediate (the responsibilities are the engine's, as the points are
coloured); predicting reads, labels and writes in the runner's job thread
(progress, Cancel), with the model of the shown state exactly as
``gmm-explorer predict`` rebuilds a saved one.
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
    labels_csv_text,
    model_columns,
)
from gmm_explorer.data.model_reading import engine_from_parameters
from gmm_explorer.engine import GaussianMixtureEM

if TYPE_CHECKING:  # the window makes this from its workspace; a run-time import is not needed
    from gmm_explorer.app.model.workspace import Workspace

#: The runner's name for the predicting job (one at a time; a new one cancels the old).
JOB = "predict"

#: Fractions of the progress bar: reading the file, then labelling, then writing.
_READ, _LABEL = 0.6, 0.3


def class_names(workspace) -> tuple:
    """Names of the workspace's class codes, or () when it keeps none."""
    # another part of the program gives the workspace ``label_names``; until then codes
    return tuple(getattr(workspace, "label_names", None) or ())


class Labelling(QObject):
    """Export labels of the data and predict other files, for one workspace.

    Signals
    -------
    predictStarted(str)
        A file began to be labelled in the background (its path).
    predictProgress(float)
        Fraction of that work done.
    predictEnded(str, str)
        ``"written"``, ``"cancelled"`` or ``"failed"``, and plain words
        naming the files; after a failure nothing was written.
    """

    predictStarted = Signal(str)
    predictProgress = Signal(float)
    predictEnded = Signal(str, str)

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent or workspace)
        self.workspace = workspace
        self.last_reason = ""
        self._data_path = ""
        workspace.runner.jobProgressed.connect(self._on_progress)

    # ---------------------------------------------------------- export
    def export_labels(self, path) -> str:
        """Write the labels of every data row under the shown state to ``path`` (CSV).

        Rows are the engine's responsibilities for that state, shape (N, K);
        the first column is each row's line in its file when the data came
        from a text file (``Workspace.lines``), else its 0-based row. Returns
        the message it also emits.

        Raises
        ------
        ValueError
            No data yet, or ``path`` cannot be written (a ``DataError`` naming it).
        """
        ws = self.workspace
        state = ws.state
        if state is None:
            raise ValueError("there is nothing to label yet: load or generate data first")
        check_writable(os.fspath(path))
        proba = ws.data_responsibilities(state)
        text = labels_csv_text(proba, lines=ws.lines, ids=state.component_ids,
                               classes=ws.labels, class_names=class_names(ws))
        write_text(os.fspath(path), text)
        message = (f"Labels of {len(proba):,} rows (iteration {state.iteration}, "
                   f"{state.n_components} components) written to {path}.")
        ws.message.emit(message)
        return message

    # --------------------------------------------------------- predict
    @property
    def busy(self) -> bool:
        """Whether a file is being labelled in the background."""
        return self.workspace.runner.job_running(JOB)

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
        labelled in the background. The outcome comes as ``predictEnded``.
        """
        ws = self.workspace
        em = self.state_model()
        data_path, output_path = os.fspath(data_path), os.fspath(output_path)
        check_writable(output_path)
        if os.path.abspath(data_path) == os.path.abspath(output_path):
            raise DataError("is the file to label; choose another name for the labels",
                            path=output_path)
        names = list(ws.feature_names)
        if names == [f"x{j}" for j in range(len(names))]:
            names = []  # made-up names: columns are matched by position
        job = partial(_predict, data_path, output_path, em, names, ws.n_features,
                      np.array(ws.state.component_ids))
        self._data_path = data_path
        ws.runner.start_job(job, partial(self._on_done, data_path, output_path), name=JOB)
        self.predictStarted.emit(data_path)

    def cancel_predict(self) -> None:
        """Stop labelling a file (nothing is written)."""
        if self.busy:
            self.workspace.runner.cancel_job(JOB)
            self._end("cancelled", f"Labelling {self._data_path} cancelled; nothing was "
                                   "written.")

    def wait(self, timeout_ms: int = 120000) -> str:
        """Block until the labelling in progress has ended; how it ended (scripts, tests)."""
        self.workspace.runner.wait_job(timeout_ms, name=JOB)
        return self.last_reason

    def _on_progress(self, name: str, fraction: float) -> None:
        if name == JOB:
            self.predictProgress.emit(fraction)

    def _on_done(self, data_path: str, output_path: str, result, error) -> None:
        if error is None and result is None:
            self._end("cancelled", f"Labelling {data_path} cancelled; nothing was written.")
        elif isinstance(error, LoadCancelled):
            self._end("cancelled", f"Labelling {data_path} cancelled; nothing was written.")
        elif error is not None:
            # the data layer's errors name the file already
            text = str(error) if isinstance(error, (ValueError, OSError)) \
                else f"{type(error).__name__}: {error}"
            if not text.startswith(data_path) and not text.startswith(output_path):
                text = f"{data_path}: {text}"
            self._end("failed", f"Could not label {text}")
        else:
            n, counts = result
            spread = ", ".join(f"{i}: {c:,}" for i, c in counts)
            self._end("written", f"Labelled {n:,} rows of {data_path} ({spread}); written "
                                 f"to {output_path}.")

    def _end(self, reason: str, message: str) -> None:
        self.last_reason = reason
        self.predictEnded.emit(reason, message)
        if reason != "failed":
            self.workspace.message.emit(message)


def _predict(data_path: str, output_path: str, em: GaussianMixtureEM, names: list,
             n_features: int, ids: np.ndarray, cancelled, progress, report):
    """The job: read, check, label in blocks and write; None when cancelled.

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
    text = labels_csv_text(proba, lines=data.lines, ids=ids, classes=data.labels,
                           class_names=data.label_names)
    if cancelled():
        return None
    write_text(output_path, text)
    progress(1.0)
    labels = hard_labels(proba, ids)
    return N, [(int(i), int(np.sum(labels == i))) for i in ids]
