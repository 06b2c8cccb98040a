"""One hostile case as data, and the small writers the case modules share.

A case names its entry point, builds its input in a folder and says what must
happen. Nothing here imports gmm_explorer, so that the census can load the
corpus beside any version of the program (the program's code is imported
only when a case runs).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

#: Outcomes a case may expect.
LOADS, REFUSED, COLLAPSE, OK = "loads", "refused", "collapse", "ok"


@dataclass(frozen=True)
class Case:
    """A hostile input and what the program must do with it.

    Attributes
    ----------
    name : str
    kind : str
        The group it belongs to (text, numpy, zip, model, session, argument, stream,
        write, engine), for the counts.
    build : callable(Path) -> list or callable
        Writes the case's files into the folder; returns the command line
        (``["fit", path, ...]``) for ``entry="cli"``, ``[path]`` for ``"session"``, or
        a function of no arguments for ``"engine"`` (it returns a shape or raises).
    entry : str
        ``"cli"`` (run_command), ``"session"`` (read_session, which the window's
        Open uses), ``"load"`` (load_data, the reader every entry uses) or ``"engine"``.
    expect : str
        ``loads`` (with ``shape``), ``refused`` (one line matching ``match``),
        ``collapse`` (exit 3) or ``ok`` (exit 0, nothing to count).
    shape : tuple or None
        (rows, columns) the input must give; a None column is not checked.
    match : str
        A regular expression the one-line refusal must match.
    process : bool
        Run as a real process (streams, pipes, devices, peak memory).
    stdin : bytes or None
        What a real process reads on its standard input.
    env : dict
        Environment variables for a real process.
    memory : int
        The data's real size in bytes, when peak memory is checked (process only). Such
        a case run by name in its process is built by the runner first, and again in the
        process, whose build must then keep the files already there.
    window : dict or None
        Load options for the window's loader when the file is what the case is about
        (None: the case is about arguments, streams or the engine).
    window_expect : str or None
        What the window's loader must do when it differs from the command line: the
        window loads data whose fit would collapse, so that the collapse can be shown.
    after : callable(Path) -> str or None
        What else must hold afterwards (a file unchanged, none written); a problem
        is described, else None.
    known : str
        A defect the program still has on this case, described: the corpus test
        expects the case to fail until it is fixed (then it must be removed here).
    """

    name: str
    kind: str
    build: Callable
    entry: str = "cli"
    expect: str = LOADS
    shape: tuple | None = None
    match: str = ""
    process: bool = False
    stdin: bytes | None = None
    env: dict = field(default_factory=dict)
    memory: int = 0
    window: dict | None = None
    window_expect: str | None = None
    after: Callable | None = None
    known: str = ""


# ------------------------------------------------------------------ data
def blobs(n=40, d=2, seed=0) -> np.ndarray:
    """Two well separated blobs: every sound fit of two components finds them."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    X[n // 2:] += 6.0
    return X


def csv_text(X=None, names=("a", "b"), sep=",", fmt="%.6f") -> str:
    X = blobs() if X is None else X
    lines = [sep.join(names)] if names else []
    lines += [sep.join(fmt % v for v in row) for row in X]
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, content) -> Path:
    path = Path(folder) / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def npy_bytes(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


def npy_header(shape, descr="<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def fit_args(path, folder, *extra) -> list:
    """``fit`` with a fast, seeded, quiet run (-k 2 unless ``extra`` says otherwise)."""
    extra = list(map(str, extra))
    k = [] if "-k" in extra else ["-k", "2"]
    return ["fit", str(path), *k, "-q", "--seed", "0", "--n-init", "1",
            "-o", str(Path(folder) / "m.json"), *extra]


def good_model(names=("a", "b")) -> dict:
    """A model file as ``fit`` writes it (two components, full covariances)."""
    d = len(names)
    return {
        "format": "gmm-explorer model", "format_version": 1, "covariance_type": "full",
        "n_components": 2, "n_features": d, "feature_names": list(names),
        "weights": [0.5, 0.5], "means": [[0.0] * d, [6.0] * d],
        "covariances": [np.eye(d).tolist(), np.eye(d).tolist()],
        "log_likelihood": -150.0, "n_samples": 40, "mean_log_likelihood": -3.75,
        "n_iter": 5, "converged": True, "n_parameters": 11, "bic": 320.0, "aic": 322.0,
        "standardization": None, "provenance": {},
    }


def json_text(obj) -> str:
    return json.dumps(obj)


def unchanged(path: Path, content: bytes):
    """An ``after`` check: ``path`` still holds ``content``."""
    def check(_folder):
        try:
            now = Path(path).read_bytes()
        except OSError as exc:
            return f"{Path(path).name} is gone ({exc})"
        return None if now == content else f"{Path(path).name} was changed"
    return check


def absent(name: str):
    """An ``after`` check: no file ``name`` was written in the folder."""
    def check(folder):
        return f"{name} was written" if (Path(folder) / name).exists() else None
    return check
