"""Budgets: hostile files are refused from what they claim, before memory is taken.

Each hostile file is built in ``tmp_path`` by the ``hostile`` fixture
(tests/hostile_files.py). tracemalloc measures what numpy and Python allocate
while a file is refused: a refusal "before allocating" takes a few MB at most.
"""

import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from gmm_explorer.data import DataError, load_data
from gmm_explorer.data.budgets import BUDGETS, budget
from gmm_explorer.data.session_codec import SessionFileError
from gmm_explorer.data.session_file import read_session

MB = 1 << 20


def refused(path, *, match, **options):
    """load_data's refusal of ``path``: its message, the peak allocation and the time."""
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(DataError, match=match) as info:
            load_data(path, **options)
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return message, peak, seconds


def test_zip_bomb_npz_is_refused_from_the_directory(hostile):
    path = hostile.bomb_npz()  # 4 MB on disk, 4.2 GB inflated
    assert path.stat().st_size < 5 * MB
    message, peak, seconds = refused(path, match="GMM_EXPLORER_MAX_ZIP_RATIO")
    assert "X.npy" in message and "4.2 GB" in message
    assert peak < 20 * MB and seconds < 5


def test_zip_bomb_past_the_ratio_budget_meets_the_values_budget(hostile, monkeypatch):
    monkeypatch.setenv("GMM_EXPLORER_MAX_ZIP_RATIO", "100000")
    message, peak, _ = refused(hostile.bomb_npz(), match="GMM_EXPLORER_MAX_VALUES")
    assert "524,288,000 values" in message
    assert peak < 20 * MB


def test_a_bomb_within_every_budget_loads(hostile, monkeypatch):
    """The budgets refuse what is too big, not what is compressed: raised, the file loads."""
    monkeypatch.setenv("GMM_EXPLORER_MAX_ZIP_RATIO", "100000")
    data = load_data(hostile.bomb_npz(n_mb=32, with_crc=True))
    assert data.X.shape == (2 * MB, 2) and not data.X.any()


def test_zip_bomb_inside_a_session_file(hostile):
    path = hostile.bomb_gmmx()
    tracemalloc.start()
    try:
        with pytest.raises(SessionFileError, match="GMM_EXPLORER_MAX_ZIP_RATIO") as info:
            read_session(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "data/X.npy" in str(info.value) and peak < 20 * MB


@pytest.mark.parametrize("maker, member", [("lying_npy", ""), ("lying_npz", "array 'X'")])
def test_a_header_claiming_8_tb_allocates_nothing(hostile, maker, member):
    path = getattr(hostile, maker)()
    assert path.stat().st_size < 1000
    message, peak, _ = refused(path, match="GMM_EXPLORER_MAX_VALUES")
    assert "8.0 TB" in message and member in message
    assert peak < 5 * MB


def test_a_header_larger_than_its_file_is_refused(tmp_path, monkeypatch):
    """Within the budget, a header that claims more than the file holds is damage."""
    path = tmp_path / "short.npy"
    np.save(path, np.ones((1000, 3)))
    path.write_bytes(path.read_bytes()[:-800])
    message, _, _ = refused(path, match="truncated or damaged")
    assert "(1000, 3)" in message


@pytest.mark.parametrize("maker, words", [
    ("bad_header_npz", "Cannot parse header"),
    ("encrypted_npz", "is encrypted"),
    ("unknown_compression_npz", "compression method 99"),
    ("symlink_npz", "is a symbolic link"),
])
def test_unreadable_members_are_one_clear_line(hostile, maker, words):
    message, _, _ = refused(getattr(hostile, maker)(), match=words)
    assert "X" in message and "pickled" not in message


def test_wide_file_is_refused_with_the_covariance_memory(hostile):
    path = hostile.wide_csv()
    message, _, _ = refused(path, match="GMM_EXPLORER_MAX_FEATURES")
    assert "10,000 feature columns" in message and "800.0 MB" in message
    # choosing columns is the way out the message names
    assert load_data(path, columns=[0, 1, 2]).X.shape == (60, 3)


def test_a_line_of_fifty_million_fields(hostile):
    path = hostile.many_fields_csv()
    message, peak, seconds = refused(path, match="GMM_EXPLORER_MAX_FIELDS")
    assert "line 4" in message and "50,000,000 fields" in message
    # The file is 100 MB. The budget is checked in its bytes, before they are decoded
    # and split into lines (which took about 4 times its size); splitting the line into
    # fields, which the budget prevents, would take 2.5 GB of Python strings.
    assert peak < 1.2 * path.stat().st_size and seconds < 10


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_fields_in_bytes_count_lines_whatever_their_breaks(tmp_path, monkeypatch, newline):
    monkeypatch.setenv("GMM_EXPLORER_MAX_FIELDS", "50")
    path = tmp_path / "t.csv"
    rows = ["a,b"] + ["1,2"] * 40 + [",".join(["1"] * 60)] + ["3,4"] * 40
    path.write_bytes(newline.join(rows).encode() + newline.encode())
    message, _, _ = refused(path, match="60 fields, more than the budget of 50")
    assert "line 42" in message
    # many short lines, the file much longer than the budget: nothing to refuse
    path.write_bytes(newline.join(["a,b"] + ["1,2"] * 200).encode())
    assert load_data(path).X.shape == (200, 2)


def test_fields_budget_is_raised_by_its_variable(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,7\n")
    monkeypatch.setenv("GMM_EXPLORER_MAX_FIELDS", "2")
    refused(path, match="3 fields, more than the budget of 2")
    monkeypatch.setenv("GMM_EXPLORER_MAX_FIELDS", "3")
    assert load_data(path).X.shape == (2, 3)


def test_values_budget_is_raised_by_its_variable(tmp_path, monkeypatch):
    path = tmp_path / "x.npz"
    np.savez(path, X=np.arange(200.0).reshape(100, 2))
    monkeypatch.setenv("GMM_EXPLORER_MAX_VALUES", "199")
    refused(path, match="200 values")
    monkeypatch.setenv("GMM_EXPLORER_MAX_VALUES", "200")
    assert load_data(path).X.shape == (100, 2)


def test_a_bad_budget_variable_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("GMM_EXPLORER_MAX_FEATURES", "lots")
    with pytest.raises(DataError, match="GMM_EXPLORER_MAX_FEATURES='lots'"):
        budget("GMM_EXPLORER_MAX_FEATURES")
    assert set(BUDGETS) == {"GMM_EXPLORER_MAX_VALUES", "GMM_EXPLORER_MAX_FEATURES",
                            "GMM_EXPLORER_MAX_FIELDS", "GMM_EXPLORER_MAX_ZIP_RATIO"}


def test_ordinary_npz_still_loads_with_classes_and_fortran_order(tmp_path):
    path = tmp_path / "iris_like.npz"
    X = np.asfortranarray(np.random.RandomState(0).rand(30, 3))
    np.savez_compressed(path, X=X, y=np.repeat(["a", "b", "c"], 10),
                        feature_names=np.array(["p", "q", "r"]))
    data = load_data(path)
    np.testing.assert_array_equal(data.X, X)
    assert data.feature_names == ("p", "q", "r") and data.label_names == ("a", "b", "c")
    assert zipfile.ZipFile(path).getinfo("X.npy").compress_type == zipfile.ZIP_DEFLATED


def test_readme_lists_every_budget_with_its_default():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = text.index("<!-- section: refuses -->")
    section = text[start:text.index("<!-- section:", start + 10)]
    for name, default in BUDGETS.items():
        assert f"| `{name}` | {default:,} |" in section, name


def test_loading_every_column_holds_the_data_once(tmp_path):
    # Taking every column used to copy the parsed array (fancy indexing), so that a
    # NumPy file's load peaked at three times its data: now at about once.
    path = tmp_path / "big.npy"
    X = np.random.RandomState(0).standard_normal((200_000, 4))
    np.save(path, X)
    tracemalloc.start()
    try:
        data = load_data(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.array_equal(data.X, X)
    assert peak < 1.3 * X.nbytes
    assert load_data(path, columns=[1, 0]).X.tolist() == X[:, [1, 0]].tolist()
