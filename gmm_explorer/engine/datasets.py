"""Data to fit: scikit-learn's ``make_blobs`` (bit for bit), the seed's scene, generators, built-ins.

Everything here is numpy only (plus the standard library for reading the shipped CSV files);
scikit-learn is never imported. The tests check that :func:`make_blobs` returns exactly
what ``sklearn.datasets.make_blobs`` returns for the same arguments and ``random_state``.

- :func:`make_blobs`: isotropic Gaussian blobs, the same ``RandomState`` calls in the same
  order as scikit-learn, so the same seed gives the same numbers.
- :func:`seed_scene`: the ten stretched blobs of the question the program grew from:
  ``make_blobs(n_samples=1000, centers=10, cluster_std=0.5, random_state=20)`` multiplied by
  ``np.random.RandomState(0).randn(2, 2)``.
- Generators with one signature ``(n_samples, n_centers, spread, random_state) -> (X, labels)``:
  :func:`blobs`, :func:`anisotropic_blobs`, :func:`unequal_blobs`, :func:`rings`, collected in
  :data:`GENERATORS` with a short description each.
- :class:`Dataset` and :func:`load_builtin` for everything by name (:data:`BUILTIN_NAMES`),
  including the shipped Old Faithful and iris data.
"""

from __future__ import annotations

import csv
import importlib.resources
import inspect
import io
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

__all__ = [
    "BUILTIN_NAMES",
    "Dataset",
    "GENERATORS",
    "GeneratorSpec",
    "anisotropic_blobs",
    "blobs",
    "check_random_state",
    "load_builtin",
    "make_blobs",
    "rings",
    "seed_scene",
    "unequal_blobs",
]


# ---------------------------------------------------------------------------------------------
# Random state
# ---------------------------------------------------------------------------------------------


def check_random_state(seed) -> np.random.RandomState:
    """Turn ``seed`` into a :class:`numpy.random.RandomState`, as scikit-learn does.

    ``None`` (or the ``np.random`` module) gives numpy's global ``RandomState``; an integer a
    new ``RandomState(seed)``; a ``RandomState`` is returned as is (and so is advanced by
    whatever draws from it). Anything else is a ``ValueError``.
    """
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.RandomState(seed)
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(
        f"random_state={seed!r} cannot seed a numpy.random.RandomState; "
        "give None, an integer or a numpy.random.RandomState"
    )


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# make_blobs
# ---------------------------------------------------------------------------------------------


def _check_centers(centers) -> np.ndarray:
    """What scikit-learn's ``check_array(centers)`` does for a dense array of centres.

    A 2-D, non-empty, finite numeric array; the dtype is kept unless it is ``object``
    (then float64), as ``check_array(dtype="numeric")`` does.
    """
    try:
        array = np.asarray(centers)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"centers must be a 2-D array of numbers; got {centers!r}") from exc
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"centers must be a 2-D array of numbers; got {centers!r}") from exc
    if array.dtype.kind not in "biuf":
        raise ValueError(f"centers must be a 2-D array of numbers; got dtype {array.dtype}")
    if array.ndim != 2:
        raise ValueError(
            f"centers must be an int or a 2-D array of shape (n_centers, n_features); "
            f"got an array of shape {array.shape}"
        )
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"centers must hold at least one centre of at least one feature; got shape {array.shape}")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError("centers must be finite; got NaN or infinity")
    return array.copy()


def make_blobs(
    n_samples=100,
    n_features=2,
    *,
    centers=None,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    shuffle=True,
    random_state=None,
    return_centers=False,
):
    """Isotropic Gaussian blobs: scikit-learn's ``make_blobs``, bit for bit, in numpy only.

    The same arguments and ``random_state`` give exactly the arrays
    ``sklearn.datasets.make_blobs`` gives, because the same ``RandomState`` methods are
    called with the same arguments in the same order: ``uniform`` for random centres,
    one ``normal`` per centre, then ``shuffle`` of the row indices.

    Parameters
    ----------
    n_samples : int or array-like of int, default=100
        If an int, the total number of points, divided as equally as possible among the
        centres (the first ``n_samples % n_centers`` centres get one more). If array-like,
        the number of points of each centre.
    n_features : int, default=2
        Dimension of the points, when the centres are drawn at random.
    centers : int or array-like of shape (n_centers, n_features), default=None
        Number of centres to draw uniformly in ``center_box``, or the centres themselves.
        ``None`` means 3 when ``n_samples`` is an int, one per entry of ``n_samples`` otherwise.
    cluster_std : float or array-like of float, default=1.0
        Standard deviation of every blob, or one per centre.
    center_box : (float, float), default=(-10.0, 10.0)
        Bounds of the box in which random centres are drawn.
    shuffle : bool, default=True
        Shuffle the points (otherwise they come blob by blob).
    random_state : None, int or numpy.random.RandomState, default=None
        As scikit-learn's ``random_state`` (see :func:`check_random_state`).
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int
        The blob each point was drawn from.
    centers : ndarray of shape (n_centers, n_features)
        Only when ``return_centers`` is true.
    """
    # Argument checks first, before any draw, as scikit-learn's validate_params does.
    if _is_int(n_samples):
        if n_samples < 1:
            raise ValueError(f"n_samples must be an int >= 1 or an array of counts; got {n_samples!r}")
    elif isinstance(n_samples, Iterable) and not isinstance(n_samples, (str, bytes)):
        n_samples = [int(c) if _is_int(c) else c for c in n_samples]
        if not all(_is_int(c) and c >= 0 for c in n_samples):
            raise ValueError(
                f"n_samples given per centre must be non-negative integers; got {n_samples!r}"
            )
    else:
        raise ValueError(f"n_samples must be an int >= 1 or an array of counts; got {n_samples!r}")
    if not _is_int(n_features) or n_features < 1:
        raise ValueError(f"n_features must be an int >= 1; got {n_features!r}")
    if centers is not None and isinstance(centers, bool):
        raise ValueError(f"centers must be None, an int >= 1 or an array of centres; got {centers!r}")
    if _is_int(centers) and centers < 1:
        raise ValueError(f"centers must be None, an int >= 1 or an array of centres; got {centers!r}")
    if isinstance(cluster_std, numbers.Real) and not isinstance(cluster_std, bool):
        if not cluster_std >= 0:
            raise ValueError(f"cluster_std must be >= 0; got {cluster_std!r}")
    elif hasattr(cluster_std, "__len__"):
        stds = np.asarray(cluster_std, dtype=np.float64)
        if stds.ndim != 1 or not np.all(stds >= 0):
            raise ValueError(
                f"cluster_std must be a number >= 0 or one such number per centre; got {cluster_std!r}"
            )
    else:
        raise ValueError(
            f"cluster_std must be a number >= 0 or one such number per centre; got {cluster_std!r}"
        )
    try:
        low, high = center_box
    except (TypeError, ValueError) as exc:
        raise ValueError(f"center_box must be a pair (min, max); got {center_box!r}") from exc

    generator = check_random_state(random_state)

    if _is_int(n_samples):
        if centers is None:
            centers = 3
        if _is_int(centers):
            n_centers = int(centers)
            centers = generator.uniform(low, high, size=(n_centers, n_features))
        else:
            centers = _check_centers(centers)
            n_features = centers.shape[1]
            n_centers = centers.shape[0]
    else:
        n_centers = len(n_samples)
        if centers is None:
            centers = generator.uniform(low, high, size=(n_centers, n_features))
        if not isinstance(centers, Iterable):
            raise ValueError(
                f"when n_samples gives a count per centre, centers must be None or an array of "
                f"{n_centers} centres; got {centers!r}"
            )
        if len(centers) != n_centers:
            raise ValueError(
                f"n_samples gives {n_centers} counts but centers holds {len(centers)} centres"
            )
        centers = _check_centers(centers)
        n_features = centers.shape[1]

    if hasattr(cluster_std, "__len__") and len(cluster_std) != n_centers:
        raise ValueError(
            f"cluster_std gives {len(cluster_std)} standard deviations for {n_centers} centres"
        )
    if isinstance(cluster_std, numbers.Real):
        cluster_std = np.full(len(centers), cluster_std)

    if _is_int(n_samples):
        n_per_center = [int(n_samples // n_centers)] * n_centers
        for i in range(n_samples % n_centers):
            n_per_center[i] += 1
    else:
        n_per_center = list(n_samples)

    ends = np.cumsum(n_per_center)
    total = int(sum(n_per_center))
    X = np.empty((total, n_features), dtype=np.float64)
    y = np.empty((total,), dtype=int)
    for i, (n, std) in enumerate(zip(n_per_center, cluster_std)):
        start = ends[i - 1] if i > 0 else 0
        X[start : ends[i]] = generator.normal(loc=centers[i], scale=std, size=(n, n_features))
        y[start : ends[i]] = i

    if shuffle:
        # scikit-learn's utils.shuffle: permute arange(n) in place with the same generator.
        order = np.arange(total)
        generator.shuffle(order)
        X = X[order]
        y = y[order]

    if return_centers:
        return X, y, centers
    return X, y


# ---------------------------------------------------------------------------------------------
# The seed's scene
# ---------------------------------------------------------------------------------------------


def seed_scene(n_samples=1000, random_state=20, transform_seed=0):
    """The ten stretched blobs of the question GMM Explorer grew from.

    ``make_blobs(n_samples=1000, centers=10, cluster_std=0.5, random_state=20)`` multiplied on
    the right by ``np.random.RandomState(0).randn(2, 2)``, which shears and stretches every blob
    the same way. A hand-written EM started from integer means and ``5 I`` covariances lets
    some components collapse on this data: the "singular matrix" of the question.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    labels : ndarray of shape (n_samples,), int
        The blob each point came from (0 to 9).
    """
    X, labels = make_blobs(
        n_samples=n_samples, centers=10, cluster_std=0.5, random_state=random_state
    )
    transformation = np.random.RandomState(transform_seed).randn(2, 2)
    return X @ transformation, labels


# ---------------------------------------------------------------------------------------------
# Generators: (n_samples, n_centers, spread, random_state) -> (X, labels)
# ---------------------------------------------------------------------------------------------

_CENTER_BOX = (-10.0, 10.0)
_RING_GAP = 5.0


def _check_generator_args(name, n_samples, n_centers, spread):
    if not _is_int(n_centers) or n_centers < 1:
        raise ValueError(f"{name}: n_centers must be an int >= 1; got {n_centers!r}")
    if not _is_int(n_samples) or n_samples < n_centers:
        raise ValueError(
            f"{name}: n_samples must be an int >= n_centers ({n_centers}); got {n_samples!r}"
        )
    if (
        not isinstance(spread, numbers.Real)
        or isinstance(spread, bool)
        or not np.isfinite(spread)
        or spread < 0
    ):
        raise ValueError(f"{name}: spread must be a finite number >= 0; got {spread!r}")


def _equal_counts(n_samples, n_centers):
    counts = np.full(n_centers, n_samples // n_centers, dtype=int)
    counts[: n_samples % n_centers] += 1
    return counts


def _proportional_counts(n_samples, weights):
    """Counts summing to ``n_samples``, close to ``weights`` (largest remainders), each >= 1."""
    k = len(weights)
    weights = np.asarray(weights, dtype=np.float64)
    extra = n_samples - k  # every group gets one point first
    exact = extra * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    remainder = extra - counts.sum()
    if remainder > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:remainder]] += 1
    return counts + 1


def _shuffled(X, labels, rng):
    order = rng.permutation(len(labels))
    return X[order], labels[order]


def blobs(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Round Gaussian blobs of equal size and equal spread: :func:`make_blobs` in 2-D.

    ``spread`` is every blob's standard deviation; centres are uniform in [-10, 10]^2.
    """
    _check_generator_args("blobs", n_samples, n_centers, spread)
    return make_blobs(
        n_samples=n_samples,
        n_features=2,
        centers=n_centers,
        cluster_std=float(spread),
        center_box=_CENTER_BOX,
        random_state=random_state,
    )


def anisotropic_blobs(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Elongated Gaussian blobs, each with its own orientation and elongation.

    Each blob's covariance is ``R diag(a^2, 1/a^2) R^T spread^2`` with a random rotation ``R``
    and an axis ratio ``a^2`` between 2.25 and 9, so its area is that of a round blob of
    standard deviation ``spread``. Centres are uniform in [-10, 10]^2; sizes are equal.
    """
    _check_generator_args("anisotropic_blobs", n_samples, n_centers, spread)
    rng = check_random_state(random_state)
    centers = rng.uniform(*_CENTER_BOX, size=(n_centers, 2))
    angles = rng.uniform(0.0, np.pi, size=n_centers)
    ratios = rng.uniform(1.5, 3.0, size=n_centers)
    counts = _equal_counts(n_samples, n_centers)
    X = np.empty((n_samples, 2), dtype=np.float64)
    labels = np.empty(n_samples, dtype=int)
    start = 0
    for k, n in enumerate(counts):
        c, s = np.cos(angles[k]), np.sin(angles[k])
        rotation = np.array([[c, -s], [s, c]])
        scales = spread * np.array([ratios[k], 1.0 / ratios[k]])
        z = rng.standard_normal((n, 2)) * scales
        X[start : start + n] = centers[k] + z @ rotation.T
        labels[start : start + n] = k
        start += n
    return _shuffled(X, labels, rng)


def unequal_blobs(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Round blobs of very different sizes: the largest holds about 8 times the smallest.

    Sizes follow a geometric progression from 1 to 1/8 in random order (each blob gets at
    least one point); every blob has standard deviation ``spread``; centres are uniform in
    [-10, 10]^2.
    """
    _check_generator_args("unequal_blobs", n_samples, n_centers, spread)
    rng = check_random_state(random_state)
    if n_centers == 1:
        weights = np.ones(1)
    else:
        weights = 8.0 ** (-np.arange(n_centers) / (n_centers - 1))
    weights = weights[rng.permutation(n_centers)]
    counts = _proportional_counts(n_samples, weights)
    return make_blobs(
        n_samples=[int(c) for c in counts],
        n_features=2,
        cluster_std=float(spread),
        center_box=_CENTER_BOX,
        random_state=rng,
    )


def rings(n_samples=500, n_centers=3, spread=1.0, random_state=None):
    """Concentric rings around the origin, of radii 5, 10, 15, ...: data no Gaussian fits.

    Ring ``k`` has radius ``5 (k + 1)`` and holds points in proportion to its radius (the same
    density along every ring, at least one point each); angles are uniform and ``spread`` is
    the standard deviation of the radial noise.
    """
    _check_generator_args("rings", n_samples, n_centers, spread)
    rng = check_random_state(random_state)
    radii = _RING_GAP * np.arange(1, n_centers + 1)
    counts = _proportional_counts(n_samples, radii)
    labels = np.repeat(np.arange(n_centers), counts)
    angles = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
    radius = radii[labels] + spread * rng.standard_normal(n_samples)
    X = np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])
    return _shuffled(X, labels, rng)


@dataclass(frozen=True)
class GeneratorSpec:
    """A named generator and what it makes. Calling the spec calls the function."""

    name: str
    function: Callable[..., tuple]
    description: str

    def __call__(self, n_samples=500, n_centers=3, spread=1.0, random_state=None):
        return self.function(n_samples, n_centers, spread, random_state)


GENERATORS: dict[str, GeneratorSpec] = {
    spec.name: spec
    for spec in (
        GeneratorSpec("blobs", blobs, "Round Gaussian blobs of equal size and spread."),
        GeneratorSpec(
            "anisotropic_blobs",
            anisotropic_blobs,
            "Elongated Gaussian blobs, each with its own orientation: full covariances.",
        ),
        GeneratorSpec(
            "unequal_blobs",
            unequal_blobs,
            "Round blobs of very different sizes (largest about 8 times the smallest).",
        ),
        GeneratorSpec(
            "rings",
            rings,
            "Concentric rings: clusters that are not Gaussian at all.",
        ),
    )
}
"""Generator name -> :class:`GeneratorSpec` (``spec(n_samples, n_centers, spread, random_state)``)."""


# ---------------------------------------------------------------------------------------------
# Datasets by name
# ---------------------------------------------------------------------------------------------


def _frozen_array(values, dtype):
    array = np.array(values, dtype=dtype, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set to fit, with what is known about it. Its arrays are read-only.

    Attributes
    ----------
    X : ndarray of shape (N, D), float64
    labels : ndarray of shape (N,), int, or None
        True classes (the blob a point came from, iris's species), when known.
    feature_names : tuple of str, length D
    name : str
        The name :func:`load_builtin` knows it by.
    description : str
        One or two sentences for people.
    source : str
        Where the numbers come from (a reference, or the call that generated them).
    label_names : tuple of str or None
        The name of each label value (iris's species), when there are names.
    """

    X: np.ndarray
    labels: np.ndarray | None
    feature_names: tuple
    name: str
    description: str
    source: str
    label_names: tuple | None = None

    def __post_init__(self):
        X = _frozen_array(self.X, np.float64)
        if X.ndim != 2:
            raise ValueError(f"Dataset X must be 2-D (N, D); got shape {X.shape}")
        object.__setattr__(self, "X", X)
        feature_names = tuple(str(f) for f in self.feature_names)
        if len(feature_names) != X.shape[1]:
            raise ValueError(
                f"Dataset has {X.shape[1]} features but {len(feature_names)} feature names"
            )
        object.__setattr__(self, "feature_names", feature_names)
        if self.labels is not None:
            labels = _frozen_array(self.labels, int)
            if labels.shape != (X.shape[0],):
                raise ValueError(
                    f"Dataset labels must have shape ({X.shape[0]},); got {labels.shape}"
                )
            object.__setattr__(self, "labels", labels)
        if self.label_names is not None:
            object.__setattr__(self, "label_names", tuple(str(n) for n in self.label_names))

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int | None:
        """Number of distinct labels, or None without labels."""
        return None if self.labels is None else int(np.unique(self.labels).size)


_FILE_DATASETS = ("faithful", "iris")
BUILTIN_NAMES: tuple[str, ...] = ("seed",) + _FILE_DATASETS + tuple(GENERATORS)
"""Every name :func:`load_builtin` accepts."""

_FAITHFUL_SOURCE = (
    "R's datasets::faithful (Härdle 1991; Azzalini and Bowman 1990); "
    "shipped as gmm_explorer.resources/faithful.csv"
)
_IRIS_SOURCE = "Fisher (1936), R's datasets::iris; shipped as gmm_explorer.resources/iris.csv"


def _resource_text(filename: str) -> str:
    """A shipped file's text: from the installed package, or from a source checkout."""
    try:
        root = importlib.resources.files("gmm_explorer.resources")
    except ModuleNotFoundError:
        # Running from a checkout that was not pip-installed: resources/ is at the top.
        root = Path(__file__).resolve().parents[2] / "resources"
    return (root / filename).read_text(encoding="utf-8")


def _read_csv(filename: str):
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
    names: list[str] = []
    for s in species:  # label values in order of first appearance
        if s not in names:
            names.append(s)
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
    return f"generated: gmm_explorer.engine.datasets.{function_name}({arguments})"


def load_builtin(name: str, **kwargs) -> Dataset:
    """A built-in data set by name: one of :data:`BUILTIN_NAMES`.

    - ``"seed"``: the seed's ten stretched blobs (:func:`seed_scene`; options ``n_samples``,
      ``random_state``, ``transform_seed``).
    - ``"faithful"``: Old Faithful, 272 x 2, no labels, no options.
    - ``"iris"``: Fisher's iris, 150 x 4, species as labels 0, 1, 2 (names in
      ``label_names``), no options.
    - a generator name (:data:`GENERATORS`): options ``n_samples``, ``n_centers``, ``spread``,
      ``random_state``.

    An unknown name or option is a ``ValueError`` that lists what is allowed.
    """
    if not isinstance(name, str) or name not in BUILTIN_NAMES:
        raise ValueError(
            f"unknown dataset {name!r}; the built-in datasets are {', '.join(BUILTIN_NAMES)}"
        )
    if name in _FILE_DATASETS:
        if kwargs:
            raise ValueError(
                f"dataset {name!r} takes no options; got {', '.join(sorted(kwargs))}"
            )
        return _load_faithful() if name == "faithful" else _load_iris()
    if name == "seed":
        X, labels = _call_with_options(name, seed_scene, kwargs)
        return Dataset(
            X=X,
            labels=labels,
            feature_names=("x0", "x1"),
            name="seed",
            description=(
                "The seed question's ten stretched blobs: make_blobs(n_samples=1000, centers=10, "
                "cluster_std=0.5, random_state=20) times RandomState(0).randn(2, 2). "
                "Unregularised EM lets components collapse here."
            ),
            source=_format_call("seed_scene", seed_scene, kwargs),
        )
    spec = GENERATORS[name]
    X, labels = _call_with_options(name, spec.function, kwargs)
    return Dataset(
        X=X,
        labels=labels,
        feature_names=("x0", "x1"),
        name=name,
        description=spec.description,
        source=_format_call(name, spec.function, kwargs),
    )
