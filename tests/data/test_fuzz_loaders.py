"""Fuzzing the loaders: any bytes give a DataError or a valid array, never another error."""

import os
import tempfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_explorer.data import DataError, load_data

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


def _load(content: bytes, suffix: str):
    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        try:
            loaded = load_data(path)
        except DataError as exc:
            assert str(exc) and path in str(exc)
            return None
        X = loaded.X
        assert isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype == np.float64
        assert X.shape[0] >= 1 and X.shape[1] >= 1 and np.all(np.isfinite(X))
        assert len(loaded.feature_names) == X.shape[1]
        return loaded
    finally:
        os.unlink(path)


@_SETTINGS
@given(st.binary(max_size=400), st.sampled_from([".csv", ".txt", ".npy", ".npz", ".dat"]))
def test_arbitrary_bytes(content, suffix):
    _load(content, suffix)


_cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.sampled_from(["", "NA", "nan", "-", "1,5", "1e400", "a", '"x"', "  3 ", "0x10"]),
    st.text(alphabet="0123456789.-e,; \t\"'", max_size=6),
)


@_SETTINGS
@given(st.lists(st.lists(_cell, min_size=1, max_size=5), min_size=0, max_size=12),
       st.sampled_from([",", ";", "\t", " "]), st.booleans())
def test_near_csv_text(rows, sep, header):
    lines = [sep.join(r) for r in rows]
    if header:
        lines.insert(0, sep.join(f"col{j}" for j in range(3)))
    _load("\n".join(lines).encode(), ".csv")


def test_a_plain_csv_still_loads():
    loaded = _load(b"a,b\n1,2\n3,4\n5,6\n", ".csv")
    np.testing.assert_array_equal(loaded.X, [[1, 2], [3, 4], [5, 6]])
