"""gmm_explorer.datasets: make_blobs bit for bit against scikit-learn, generators, built-ins."""

from pathlib import Path

import numpy as np
import pytest
from sklearn import datasets as sk_datasets  # a test dependency: fail loudly if missing

from gmm_explorer import datasets
from gmm_explorer.datasets import (
    BUILTIN_NAMES,
    GENERATORS,
    Dataset,
    load_builtin,
    make_blobs,
    seed_scene,
)


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape
        assert a.dtype == b.dtype
        assert np.array_equal(a, b)


BLOB_CASES = [
    dict(),
    dict(n_samples=10, centers=3, n_features=2),
    dict(n_samples=1000, centers=10, cluster_std=0.5),
    dict(n_samples=101, centers=7, n_features=5, cluster_std=2.5),
    dict(n_samples=1, centers=1, n_features=1),
    dict(n_samples=50, centers=4, cluster_std=[0.1, 1.0, 2.0, 0.0]),
    dict(n_samples=50, centers=4, cluster_std=np.array([0.3, 0.4, 0.5, 0.6])),
    dict(n_samples=77, centers=[[0.0, 0.0], [5.0, 5.0], [-3.0, 7.0]]),
    dict(n_samples=77, centers=np.array([[1, 2, 3], [4, 5, 6]])),  # int centres stay int
    dict(n_samples=60, centers=5, center_box=(-1.0, 1.0)),
    dict(n_samples=60, centers=5, shuffle=False),
    dict(n_samples=[3, 3, 4], centers=None),
    dict(n_samples=[10, 0, 25, 5], n_features=3),
    dict(n_samples=np.array([5, 15]), centers=[[0.0, 1.0], [2.0, 3.0]], cluster_std=[1.0, 3.0]),
    dict(n_samples=(20, 30), centers=None, shuffle=False),
    dict(n_samples=200, centers=3, return_centers=True),
    dict(n_samples=[7, 8, 9], return_centers=True, shuffle=False),
    dict(n_samples=40, centers=np.array([[0.5, -0.5]]), return_centers=True),
]


@pytest.mark.parametrize("seed", [0, 1, 20, 42, 2**31 - 1])
@pytest.mark.parametrize("kwargs", BLOB_CASES, ids=lambda kw: ",".join(sorted(kw)) or "defaults")
def test_make_blobs_equals_sklearn_exactly(kwargs, seed):
    ours = make_blobs(**kwargs, random_state=seed)
    theirs = sk_datasets.make_blobs(**kwargs, random_state=seed)
    _assert_same(ours, theirs)


def test_make_blobs_positional_n_features_and_shapes():
    X, y = make_blobs(30, 4, centers=3, random_state=3)
    assert X.shape == (30, 4) and X.dtype == np.float64
    assert y.shape == (30,) and set(y) == {0, 1, 2}
    _assert_same((X, y), sk_datasets.make_blobs(30, 4, centers=3, random_state=3))


def test_make_blobs_with_a_randomstate_advances_it_like_sklearn():
    ours_rng, their_rng = np.random.RandomState(7), np.random.RandomState(7)
    for _ in range(3):  # the same stream, call after call
        _assert_same(
            make_blobs(n_samples=25, centers=2, random_state=ours_rng),
            sk_datasets.make_blobs(n_samples=25, centers=2, random_state=their_rng),
        )
    assert ours_rng.randint(1 << 30) == their_rng.randint(1 << 30)


def test_make_blobs_with_none_uses_the_global_state_like_sklearn():
    np.random.seed(123)
    ours = make_blobs(n_samples=20, centers=2)
    np.random.seed(123)
    theirs = sk_datasets.make_blobs(n_samples=20, centers=2)
    _assert_same(ours, theirs)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n_samples=0),
        dict(n_samples=10, centers=0),
        dict(n_samples=10, n_features=0),
        dict(n_samples=10, cluster_std=-1.0),
        dict(n_samples=10, centers=3, cluster_std=[1.0, 2.0]),
        dict(n_samples=[5, 5], centers=3),
        dict(n_samples=[5, 5], centers=[[0.0, 0.0]]),
        dict(n_samples=[5, -1]),
        dict(n_samples=10, centers=[0.0, 1.0]),
        dict(n_samples=10, random_state="seed"),
    ],
)
def test_make_blobs_bad_arguments_are_value_errors(kwargs):
    with pytest.raises(ValueError):
        make_blobs(**kwargs)


def test_the_datasets_modules_do_not_import_sklearn():
    folder = Path(datasets.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert folder / "blob_maker.py" in modules
    for module in modules:
        source = module.read_text(encoding="utf-8")
        assert "import sklearn" not in source and "from sklearn" not in source, module.name


# --- the seed's scene ---------------------------------------------------------------------------


def test_seed_scene_equals_the_sklearn_built_scene_exactly():
    X_sk, y_sk = sk_datasets.make_blobs(
        n_samples=1000, centers=10, cluster_std=0.5, random_state=20
    )
    X_sk = X_sk @ np.random.RandomState(0).randn(2, 2)
    X, labels = seed_scene()
    assert X.shape == (1000, 2) and labels.shape == (1000,)
    assert np.array_equal(X, X_sk)
    assert np.array_equal(labels, y_sk)
    assert set(labels) == set(range(10))


def test_seed_dataset_is_the_seed_scene():
    ds = load_builtin("seed")
    X, labels = seed_scene()
    assert np.array_equal(ds.X, X) and np.array_equal(ds.labels, labels)
    assert ds.name == "seed" and ds.feature_names == ("x0", "x1") and ds.n_classes == 10


# --- generators ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n_samples,n_centers", [(300, 3), (101, 10), (5, 5), (40, 1)])
def test_generators_shapes_labels_and_determinism(name, n_samples, n_centers):
    spec = GENERATORS[name]
    assert spec.name == name and spec.description
    X, labels = spec(n_samples, n_centers, 0.7, 11)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert labels.shape == (n_samples,) and labels.dtype.kind == "i"
    assert np.all(np.isfinite(X))
    assert set(labels.tolist()) == set(range(n_centers))  # every centre has points
    X2, labels2 = spec.function(n_samples=n_samples, n_centers=n_centers, spread=0.7, random_state=11)
    assert np.array_equal(X, X2) and np.array_equal(labels, labels2)
    X3, _ = spec(n_samples, n_centers, 0.7, 12)
    assert not np.array_equal(X, X3)


def test_blobs_is_make_blobs():
    X, labels = datasets.blobs(200, 4, 1.5, 3)
    _assert_same(
        (X, labels),
        sk_datasets.make_blobs(n_samples=200, n_features=2, centers=4, cluster_std=1.5, random_state=3),
    )


def test_unequal_blobs_sizes_are_unequal():
    _, labels = datasets.unequal_blobs(1000, 4, 1.0, 0)
    counts = np.bincount(labels)
    assert counts.sum() == 1000
    assert counts.max() >= 6 * counts.min()


def test_anisotropic_blobs_are_elongated():
    X, labels = datasets.anisotropic_blobs(3000, 3, 1.0, 5)
    for k in range(3):
        eigenvalues = np.linalg.eigvalsh(np.cov(X[labels == k].T))
        assert eigenvalues[-1] / eigenvalues[0] > 3.0


def test_rings_are_concentric_with_growing_radii():
    X, labels = datasets.rings(3000, 3, 0.2, 1)
    radius = np.hypot(X[:, 0], X[:, 1])
    means = [radius[labels == k].mean() for k in range(3)]
    assert np.allclose(means, [5.0, 10.0, 15.0], atol=0.1)
    counts = np.bincount(labels)
    assert counts[0] < counts[1] < counts[2]


@pytest.mark.parametrize(
    "args",
    [(2, 3, 1.0, 0), (10, 0, 1.0, 0), (10, 2, -1.0, 0), (10, 2, float("nan"), 0), (10.5, 2, 1.0, 0)],
)
def test_generators_reject_bad_arguments(args):
    for spec in GENERATORS.values():
        with pytest.raises(ValueError):
            spec(*args)


# --- built-in datasets --------------------------------------------------------------------------


def test_builtin_names():
    assert set(BUILTIN_NAMES) == {"seed", "overlap", "faithful", "iris"} | set(GENERATORS)


def test_faithful():
    ds = load_builtin("faithful")
    assert isinstance(ds, Dataset)
    assert ds.X.shape == (272, 2) and ds.X.dtype == np.float64
    assert ds.labels is None and ds.n_classes is None
    assert ds.feature_names == ("eruptions", "waiting")
    assert ds.X[0].tolist() == [3.6, 79.0]
    assert "faithful" in ds.source
    assert not ds.X.flags.writeable


def test_iris():
    ds = load_builtin("iris")
    assert ds.X.shape == (150, 4)
    assert ds.feature_names == ("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width")
    assert ds.label_names == ("setosa", "versicolor", "virginica")
    assert ds.n_classes == 3
    assert np.array_equal(np.bincount(ds.labels), [50, 50, 50])
    assert ds.X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and ds.labels[0] == 0
    assert ds.labels[-1] == 2


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_datasets(name):
    ds = load_builtin(name, n_samples=120, n_centers=4, spread=0.5, random_state=9)
    X, labels = GENERATORS[name](120, 4, 0.5, 9)
    assert np.array_equal(ds.X, X) and np.array_equal(ds.labels, labels)
    assert ds.name == name and ds.description == GENERATORS[name].description
    assert "random_state=9" in ds.source


def test_dataset_is_frozen():
    ds = load_builtin("blobs", n_samples=20, random_state=0)
    with pytest.raises(AttributeError):
        ds.name = "other"
    with pytest.raises(ValueError):
        ds.X[0, 0] = 1.0


def test_unknown_name_lists_the_allowed_names():
    with pytest.raises(ValueError) as info:
        load_builtin("old-faithful")
    message = str(info.value)
    assert "old-faithful" in message
    for name in BUILTIN_NAMES:
        assert name in message


def test_unknown_options_are_value_errors():
    with pytest.raises(ValueError, match="no options"):
        load_builtin("iris", n_samples=3)
    with pytest.raises(ValueError, match="n_centers"):
        load_builtin("rings", radius=3)


def test_dataset_freezes_a_copy_and_leaves_the_callers_array_writable():
    X = np.arange(6.0).reshape(3, 2)
    ds = Dataset(X=X, feature_names=("a", "b"), labels=[0, 1, 0])
    assert not ds.X.flags.writeable and not ds.labels.flags.writeable
    X[0, 0] = 99.0  # the caller's array is neither frozen nor shared
    assert ds.X[0, 0] == 0.0
    frozen = np.ones((3, 2))
    frozen.setflags(write=False)
    assert Dataset(X=frozen, feature_names=("a", "b")).X is frozen  # read-only: kept, not copied


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(X=np.ones(3), feature_names=("a",)), "2-D"),
        (dict(X=np.ones((3, 2)), feature_names=("a",)), "2 features but 1 feature names"),
        (dict(X=np.ones((3, 2)), feature_names=("a", "b"), labels=[0, 1]), r"labels must have shape \(3,\)"),
        (dict(X=np.ones((3, 2)), feature_names=("a", "b"), lines=[2, 3]), r"lines must have shape \(3,\)"),
    ],
)
def test_dataset_refuses_inconsistent_fields(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Dataset(**kwargs)
