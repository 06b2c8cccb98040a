"""What a reproduce script needs: the data's source, the start, the steps and the target.

A shown state is rebuilt elsewhere by running the same number of EM steps
from the fit's start (iteration 0) with scikit-learn's ``GaussianMixture``
(:mod:`~gmm_explorer.data.reproduce_python`) or R's mclust
(:mod:`~gmm_explorer.data.reproduce_r`). This module decides what the scripts
say: where the data come from (the file with its columns and dropped rows, or
the data embedded), the standardisation, and how far scikit-learn can follow
(not past a collapse remedy or with the conjugate prior). Qt-free.

scikit-learn's ``fit`` runs ``for n_iter in range(1, max_iter + 1)``: one
E-step and one M-step each, starting from the given parameters, so
``max_iter=n`` gives our iteration ``n``; ``tol=0`` never stops it early.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from gmm_explorer.data.errors import DataError
from gmm_explorer.files import atomic_write

#: The relative tolerance the scripts assert (DESIGN.md's correctness reference).
RTOL = 1e-8


@dataclass(frozen=True)
class DataSource:
    """Where a script reads the data from.

    Attributes
    ----------
    kind : str
        ``"text"``, ``"npy"`` or ``"npz"`` (read from ``path``) or ``"embedded"``
        (the script carries ``X``).
    path : str
    columns : tuple of int
        0-based positions of the features among the file's fields or columns.
    feature_names : tuple of str
    delimiter, encoding : str or None
        Text files: as the loader sniffed them (None delimiter: whitespace).
    first_line : int
        Text files: the 1-based line of the first data row (the header is above).
    drop_missing : bool
        Rows with a missing or non-finite feature are dropped (else refused).
    array_name : str or None
        ``.npz``: the array holding the data.
    X : ndarray of shape (N, D) or None
        Embedded data.
    why_embedded : str
        For people: why the data are embedded (built-in, generated, edited).
    """

    kind: str
    path: str = ""
    columns: tuple = ()
    feature_names: tuple = ()
    delimiter: str | None = None
    encoding: str | None = None
    first_line: int = 1
    drop_missing: bool = False
    array_name: str | None = None
    X: np.ndarray | None = None
    why_embedded: str = ""

    @classmethod
    def from_dataset(cls, dataset, path, drop_missing=False, array_name=None) -> "DataSource":
        """The source of a :class:`~gmm_explorer.datasets.Dataset` loaded from ``path``."""
        if dataset.format not in ("text", "npy", "npz"):
            return cls.embedded(dataset.X, dataset.feature_names,
                                f"built-in data {dataset.name!r}")
        first = int(np.min(dataset.lines)) if dataset.lines is not None and \
            len(dataset.lines) else 1
        # absolute: the script may run from another folder
        return cls(kind=dataset.format, path=os.path.abspath(path), columns=tuple(int(c) for c in
                   dataset.columns), feature_names=tuple(dataset.feature_names),
                   delimiter=dataset.delimiter, encoding=dataset.encoding, first_line=first,
                   drop_missing=bool(drop_missing), array_name=array_name)

    @classmethod
    def embedded(cls, X, feature_names, why: str) -> "DataSource":
        """Data the script carries itself (``why`` says where they came from)."""
        return cls(kind="embedded", X=np.array(X, dtype=float),
                   feature_names=tuple(feature_names), why_embedded=why)

    def describe(self) -> str:
        """One line for the scripts' headers."""
        if self.kind == "embedded":
            return f"embedded in this script ({self.why_embedded})"
        what = f"{self.path}, columns {', '.join(self.feature_names)} " \
               f"(0-based positions {', '.join(map(str, self.columns))})"
        return what + (", rows with missing or non-finite values dropped"
                       if self.drop_missing else "")


@dataclass(frozen=True)
class Reproduction:
    """Everything a reproduce script says, in plain numbers.

    Attributes
    ----------
    source : DataSource
    covariance_type : str
    reg_covar : float
        In the units the fit ran in.
    prior : str or None
    start : tuple of ndarray
        Weights (K,), means (K, D), full covariances (K, D, D) of iteration 0,
        in the units the fit ran in.
    target : tuple of ndarray
        The same for iteration ``n_steps``, in the data's own units.
    n_steps : int
        EM iterations from the start to the target.
    shown_iteration : int
        The iteration the person was looking at (``n_steps`` is smaller when
        scikit-learn cannot follow that far).
    center, scale : ndarray of shape (D,) or None
        The standardisation the fit ran in (``Z = (X - center) / scale``).
    notes : list of str
        Why scikit-learn stops short of ``shown_iteration``, for the header.
    python_refusal : str or None
        Why scikit-learn cannot reproduce the fit at all (the prior).
    origin : str
        Where the state was made (the window, or the command line's command).
    """

    source: DataSource
    covariance_type: str
    reg_covar: float
    prior: str | None
    start: tuple
    target: tuple
    n_steps: int
    shown_iteration: int
    center: np.ndarray | None = None
    scale: np.ndarray | None = None
    notes: list = field(default_factory=list)
    python_refusal: str | None = None
    origin: str = "GMM Explorer"

    @property
    def n_components(self) -> int:
        return len(self.start[0])


def _parameters(state) -> tuple:
    return (np.array(state.weights, float), np.array(state.means, float),
            np.array(state.covariances, float))


def last_reproducible(history, index: int) -> tuple[int, list[str]]:
    """The last iteration up to ``index`` that plain EM reaches, and why it stops there.

    A collapse (whatever the policy: the state after it is singular, re-seeded,
    reduced or pseudo-inverted) and any re-seed or removal event end what
    scikit-learn can follow: it reproduces the iteration before.
    """
    for i in range(1, index + 1):
        state = history[i]
        if state.collapse is not None:
            return i - 1, [f"iteration {i}: {state.collapse.describe()} (policy: "
                           f"{state.collapse.action}); scikit-learn has no such remedy and "
                           f"would fail or differ, so the script stops at iteration {i - 1}"]
        if state.events:
            return i - 1, [f"iteration {i}: {'; '.join(state.events)}; scikit-learn does not "
                           f"do that, so the script stops at iteration {i - 1}"]
    return index, []


def reproduction(history, index: int, source: DataSource, covariance_type: str,
                 reg_covar: float, prior: str | None, standardizer=None,
                 origin: str = "GMM Explorer", state_at=None) -> Reproduction:
    """The reproduction of ``history[index]``.

    Parameters
    ----------
    history : sequence of EMState
        ``history[0]`` is the start; the states are in the units the fit ran in.
    index : int
    source : DataSource
    covariance_type : str
    reg_covar : float
    prior : str or None
    standardizer : Standardizer, optional
        The map from the data's units to the fit's (None: the data's own units).
    origin : str
    state_at : callable, optional
        ``state_at(i)``: the full state of iteration ``i`` when the history may hold
        thinned records (the engine's :meth:`state_at`, which replays them); the
        start is never thinned.

    Raises
    ------
    ValueError
        There is no such state.
    """
    if not 0 <= index < len(history):
        raise ValueError(f"there is no iteration {index} to reproduce (0 to "
                         f"{len(history) - 1}); run EM first")
    steps, notes = last_reproducible(history, index)
    refusal = None
    if prior is not None:
        refusal = ("the fit used the conjugate prior (MAP estimation, mclust's default "
                   "prior); scikit-learn's GaussianMixture has no prior, so every M-step "
                   "differs. Use the R script (mclust's em() with priorControl()) instead")
    target = _parameters(history[steps] if state_at is None else state_at(steps))
    center = scale = None
    if standardizer is not None and not standardizer.is_identity:
        target = standardizer.to_user(*target)
        center, scale = np.array(standardizer.center), np.array(standardizer.scale)
    return Reproduction(source=source, covariance_type=covariance_type,
                        reg_covar=float(reg_covar), prior=prior,
                        start=_parameters(history[0]), target=target, n_steps=steps,
                        shown_iteration=index, center=center, scale=scale, notes=notes,
                        python_refusal=refusal, origin=origin)


def number(x) -> str:
    """A float as Python and R read it back exactly (``repr``: shortest round trip)."""
    x = float(x)
    if np.isfinite(x):
        return repr(x)
    raise ValueError(f"cannot write {x!r} into a script")


def write_script(path, text: str) -> None:
    """Write a script atomically; an unwritable path raises :class:`DataError` naming it."""
    def write(tmp):
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    try:
        atomic_write(path, write, ".tmp")
    except FileNotFoundError:
        raise DataError("cannot be written: its folder does not exist; create it or choose "
                        "another path for the script", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be written ({exc.strerror or exc}); choose another path",
                        path=path) from None
