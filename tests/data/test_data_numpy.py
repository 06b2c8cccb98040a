""".npy and .npz: arrays in, pickles refused with nothing executed."""

import pathlib
import pickle
import zipfile

import numpy as np
import pytest

from gmm_explorer.data import DataError, load_data


class Payload:
    """Unpickling this creates a file: proof that code would have run."""

    def __init__(self, sentinel):
        self.sentinel = sentinel

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.sentinel),))


def refused(path, **kwargs) -> DataError:
    with pytest.raises(DataError) as info:
        load_data(path, **kwargs)
    assert str(path) in str(info.value)
    return info.value


def test_npy_2d_1d_int_bool(tmp_path):
    X = np.arange(12.0).reshape(6, 2)
    np.save(tmp_path / "a.npy", X)
    data = load_data(tmp_path / "a.npy")
    np.testing.assert_array_equal(data.X, X)
    assert data.feature_names == ("x0", "x1") and data.format == "npy" and data.lines is None
    np.save(tmp_path / "b.npy", np.arange(5))
    assert load_data(tmp_path / "b.npy").X.shape == (5, 1)
    np.save(tmp_path / "c.npy", np.array([[True, False], [False, True]]))
    assert load_data(tmp_path / "c.npy").X.dtype == np.float64


def test_npy_structured_fields_and_classes(tmp_path):
    arr = np.array([(1.0, 2, "a"), (3.0, 4, "b"), (5.0, 6, "a")],
                   dtype=[("length", "f8"), ("width", "i4"), ("species", "U5")])
    np.save(tmp_path / "s.npy", arr)
    data = load_data(tmp_path / "s.npy")
    assert data.feature_names == ("length", "width")
    assert data.label_names == ("a", "b") and data.labels.tolist() == [0, 1, 0]
    assert data.label_column == "species"


def test_npz_single_and_named_arrays(tmp_path):
    X = np.arange(8.0).reshape(4, 2)
    np.savez(tmp_path / "one.npz", points=X)
    np.testing.assert_array_equal(load_data(tmp_path / "one.npz").X, X)
    np.savez(tmp_path / "two.npz", first=X, second=2 * X)
    err = refused(tmp_path / "two.npz")
    assert "'first'" in str(err) and "--array" in str(err)
    np.testing.assert_array_equal(load_data(tmp_path / "two.npz", array_name="second").X, 2 * X)
    assert "no array named" in str(refused(tmp_path / "two.npz", array_name="third"))


def test_npz_X_and_y_as_scikit_learn_saves_them(tmp_path):
    X = np.arange(8.0).reshape(4, 2)
    np.savez(tmp_path / "xy.npz", X=X, y=np.array([2, 0, 2, 1]),
             feature_names=np.array(["a", "b"]))
    data = load_data(tmp_path / "xy.npz")
    np.testing.assert_array_equal(data.X, X)
    assert data.feature_names == ("a", "b")
    assert data.label_names == ("0", "1", "2") and data.labels.tolist() == [2, 0, 2, 1]
    assert data.label_column == "y"


def test_npy_missing_values(tmp_path):
    X = np.array([[1.0, 2], [np.nan, 3], [4, np.inf], [5, 6]])
    np.save(tmp_path / "m.npy", X)
    err = refused(tmp_path / "m.npy")
    assert "2 values in 2 rows" in str(err) and "row 1" in str(err)
    data = load_data(tmp_path / "m.npy", drop_missing=True)
    assert data.n_dropped == 2 and data.dropped_lines == (1, 2)


@pytest.mark.parametrize("array, words", [
    (np.zeros((2, 3, 4)), "shape (2, 3, 4)"),
    (np.array(3.0), "single number"),
    (np.array([1 + 2j, 3j]), "complex"),
    (np.array(["1", "2"]), "text"),
])
def test_unusable_arrays(tmp_path, array, words):
    np.save(tmp_path / "u.npy", array)
    assert words in str(refused(tmp_path / "u.npy"))


def test_pickled_npy_is_refused_and_nothing_runs(tmp_path):
    sentinel = tmp_path / "pwned"
    path = tmp_path / "evil.npy"
    np.save(path, np.array([Payload(sentinel), 1], dtype=object), allow_pickle=True)
    err = refused(path)
    assert "pickle" in str(err) and "never unpickles" in str(err)
    assert not sentinel.exists()
    # The payload is live: unpickling it would have created the file.
    pickle.loads(pickle.dumps(Payload(sentinel)))
    assert sentinel.exists()


def test_pickled_npz_is_refused_and_nothing_runs(tmp_path):
    sentinel = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    np.savez(path, X=np.array([Payload(sentinel)], dtype=object))
    err = refused(path)
    assert "pickle" in str(err)
    assert not sentinel.exists()
    np.savez(path, X=np.ones((3, 2)), extra=np.array([Payload(sentinel)], dtype=object))
    assert load_data(path).X.shape == (3, 2)  # the pickled array is never touched
    assert "pickle" in str(refused(path, array_name="extra"))
    assert not sentinel.exists()


def test_truncated_npy(tmp_path):
    np.save(tmp_path / "t.npy", np.arange(1000.0).reshape(500, 2))
    raw = (tmp_path / "t.npy").read_bytes()
    (tmp_path / "t.npy").write_bytes(raw[: len(raw) // 2])
    assert "truncated" in str(refused(tmp_path / "t.npy"))


def test_zip_that_is_not_npz(tmp_path):
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("sheet.xml", "<xml/>")
    err = refused(path)
    assert "zip" in str(err) or "arrays" in str(err)


def test_empty_npz(tmp_path):
    np.savez(tmp_path / "e.npz")
    assert "no arrays" in str(refused(tmp_path / "e.npz"))
