"""Every data set by name: the seed's scene, the shipped Old Faithful and iris, the generators.

:func:`load_builtin` returns a :class:`~gmm_explorer.datasets.record.Dataset`; the shipped CSV
files are read with the standard library's ``csv`` (they are small and known).
"""

from __future__ import annotations

import csv
import importlib.resources
import inspect
import io
from pathlib import Path

import numpy as np

from gmm_explorer.datasets.blob_maker import seed_scene
from gmm_explorer.datasets.generators import GENERATORS, anisotropic_blobs
from gmm_explorer.datasets.record import Dataset

__all__ = ["BUILTIN_NAMES", "load_builtin"]

_FILE_DATASETS = ("faithful", "iris")
BUILTIN_NAMES: tuple[str, ...] = ("seed", "overlap") + _FILE_DATASETS + tuple(GENERATORS)
"""Every name :func:`load_builtin` accepts."""

_FAITHFUL_SOURCE = (
    "R's datasets::faithful (Härdle 1991; Azzalini and Bowman 1990); "
    "shipped as gmm_explorer.resources/faithful.csv"
)
_IRIS_SOURCE = "Fisher (1936), R's datasets::iris; shipped as gmm_explorer.resources/iris.csv"
_SEED_DESCRIPTION = (
    "The seed question's ten stretched blobs: make_blobs(n_samples=1000, centers=10, "
    "cluster_std=0.5, random_state=20) times RandomState(0).randn(2, 2). "
    "Unregularised EM lets components collapse here."
)

_OVERLAP_DESCRIPTION = (
    "The window's first scene: four stretched, overlapping blobs, "
    "anisotropic_blobs(n_samples=600, n_centers=4, spread=2.5, random_state=7). "
    "From a poor start EM needs some thirty iterations here, so there is something to watch."
)


def overlap_scene(n_samples=600, random_state=7):
    """Four stretched blobs that overlap: the window's first scene.

    Chosen by measuring candidates: from ``random_from_data`` with seed 5 and
    K = 4, EM at the window's tolerance takes 36 iterations and reaches the
    best optimum of 15 k-means++ starts (within 1 nat), its means travelling
    more than the data's spread. Fixed arguments, so the scene replays.

    Parameters
    ----------
    n_samples : int
        Number of points.
    random_state : int
        Seed of :func:`anisotropic_blobs`.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    labels : ndarray of shape (n_samples,)
        The blob each point was drawn from.
    """
    return anisotropic_blobs(n_samples=n_samples, n_centers=4, spread=2.5,
                             random_state=random_state)


# --------------------------------------------------------------------------- shipped files
def _resource_text(filename: str) -> str:
    """A shipped file's text: from the installed package, or from a source checkout."""
    try:
        root = importlib.resources.files("gmm_explorer.resources")
    except ModuleNotFoundError:
        # Running from a checkout that was not pip-installed: resources/ is at the top.
        root = Path(__file__).resolve().parents[2] / "resources"
    return (root / filename).read_text(encoding="utf-8")


def _read_csv(filename: str):
    """The header (stripped names) and the non-blank rows of a shipped CSV file."""
    reader = csv.reader(io.StringIO(_resource_text(filename)))
    header = [h.strip() for h in next(reader)]
    rows = [row for row in reader if row and any(cell.strip() for cell in row)]
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ValueError(f"{filename} line {i}: {len(row)} fields, expected {len(header)}")
    return header, rows


def _load_faithful() -> Dataset:
    header, rows = _read_csv("faithful.csv")
    X = np.array([[float(v) for v in row] for row in rows], dtype=np.float64)
    return Dataset(
        X=X,
        labels=None,
        feature_names=tuple(header),
        name="faithful",
        description=(
            "Old Faithful geyser, Yellowstone: 272 eruptions, their duration (minutes) and the "
            "waiting time to the next (minutes). Two clear groups."
        ),
        source=_FAITHFUL_SOURCE,
    )


def _load_iris() -> Dataset:
    header, rows = _read_csv("iris.csv")
    species_column = header.index("Species")
    feature_columns = [j for j in range(len(header)) if j != species_column]
    X = np.array([[float(row[j]) for j in feature_columns] for row in rows], dtype=np.float64)
    species = [row[species_column].strip() for row in rows]
    names = list(dict.fromkeys(species))  # label values in order of first appearance
    labels = np.array([names.index(s) for s in species], dtype=int)
    return Dataset(
        X=X,
        labels=labels,
        feature_names=tuple(header[j] for j in feature_columns),
        name="iris",
        description=(
            "Fisher's iris: 150 flowers, sepal and petal length and width (cm), "
            "and the species (3 classes of 50)."
        ),
        source=_IRIS_SOURCE,
        label_names=tuple(names),
    )


# --------------------------------------------------------------------------- generated data
def _call_with_options(name, function, kwargs):
    allowed = tuple(inspect.signature(function).parameters)
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise ValueError(
            f"dataset {name!r} has no option(s) {', '.join(unknown)}; "
            f"its options are {', '.join(allowed)}"
        )
    return function(**kwargs)


def _format_call(function_name, function, kwargs):
    bound = inspect.signature(function).bind(**kwargs)
    bound.apply_defaults()
    arguments = ", ".join(f"{k}={v!r}" for k, v in bound.arguments.items())
    return f"generated: gmm_explorer.datasets.{function_name}({arguments})"


def _generated(name: str, kwargs: dict) -> Dataset:
    """The seed's scene or a generator's data, with the call that made them as the source."""
    if name == "seed":
        function, function_name, description = seed_scene, "seed_scene", _SEED_DESCRIPTION
    elif name == "overlap":
        function, function_name, description = overlap_scene, "overlap_scene", _OVERLAP_DESCRIPTION
    else:
        spec = GENERATORS[name]
        function, function_name, description = spec.function, name, spec.description
    X, labels = _call_with_options(name, function, kwargs)
    return Dataset(
        X=X,
        labels=labels,
        feature_names=("x0", "x1"),
        name=name,
        description=description,
        source=_format_call(function_name, function, kwargs),
    )


def load_builtin(name: str, **kwargs) -> Dataset:
    """A built-in data set by name: one of :data:`BUILTIN_NAMES`.

    - ``"seed"``: the seed's ten stretched blobs (:func:`seed_scene`; options ``n_samples``,
      ``random_state``, ``transform_seed``).
    - ``"overlap"``: four stretched, overlapping blobs, the window's first scene
      (:func:`overlap_scene`; options ``n_samples``, ``random_state``).
    - ``"faithful"``: Old Faithful, 272 x 2, no labels, no options.
    - ``"iris"``: Fisher's iris, 150 x 4, species as labels 0, 1, 2 (names in
      ``label_names``), no options.
    - a generator name (:data:`~gmm_explorer.datasets.GENERATORS`): options ``n_samples``,
      ``n_centers``, ``spread``, ``random_state``.

    An unknown name or option is a ``ValueError`` that lists what is allowed.
    """
    if not isinstance(name, str) or name not in BUILTIN_NAMES:
        raise ValueError(
            f"unknown dataset {name!r}; the built-in datasets are {', '.join(BUILTIN_NAMES)}"
        )
    if name not in _FILE_DATASETS:
        return _generated(name, kwargs)
    if kwargs:
        raise ValueError(
            f"dataset {name!r} takes no options; got {', '.join(sorted(kwargs))}"
        )
    return _load_faithful() if name == "faithful" else _load_iris()
