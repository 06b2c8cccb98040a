"""load_data on delimited text: formats, columns, classes, and every bad file."""

from pathlib import Path

import numpy as np
import pytest

from gmm_explorer.data import DataError, LoadCancelled, delimited, load_data
from gmm_explorer.datasets import Dataset, load_builtin

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refused(path, **kwargs) -> DataError:
    with pytest.raises(DataError) as info:
        load_data(path, **kwargs)
    err = info.value
    assert str(path) in str(err), "the message names the file"
    assert err.path == str(path)
    return err


# --------------------------------------------------------------------------- shipped data
def test_faithful():
    data = load_data(RESOURCES / "faithful.csv")
    assert data.X.shape == (272, 2) and data.X.dtype == np.float64
    assert data.feature_names == ("eruptions", "waiting")
    assert data.labels is None and data.label_names == ()
    assert data.n_dropped == 0 and data.delimiter == ","
    np.testing.assert_array_equal(data.X[0], [3.6, 79])
    assert data.lines[0] == 2 and data.lines[-1] == 273


def test_a_file_and_a_builtin_are_one_record():
    """iris.csv opened as a file and the built-in iris are the same Dataset, read-only alike."""
    loaded = load_data(RESOURCES / "iris.csv")
    builtin = load_builtin("iris")
    assert type(loaded) is Dataset and type(builtin) is Dataset
    np.testing.assert_array_equal(loaded.X, builtin.X)
    np.testing.assert_array_equal(loaded.labels, builtin.labels)
    assert loaded.feature_names == builtin.feature_names
    assert loaded.label_names == builtin.label_names == loaded.class_names
    assert loaded.name == "iris.csv" and loaded.format == "text" and builtin.format == "builtin"
    assert loaded.n_classes == builtin.n_classes == 3
    for array in (loaded.X, loaded.labels, loaded.lines):
        assert not array.flags.writeable
    with pytest.raises(AttributeError):
        loaded.X = builtin.X
    assert loaded.describe().startswith("iris.csv: 150 points, 4 features")
    assert builtin.describe() == ("iris: 150 points, 4 features (Sepal.Length, Sepal.Width, "
                                  "Petal.Length, Petal.Width), 3 known classes")


def test_iris_species_become_known_classes():
    data = load_data(RESOURCES / "iris.csv")
    assert data.X.shape == (150, 4)
    assert "Species" not in data.feature_names
    assert data.label_column == "Species"
    assert data.label_names == ("setosa", "versicolor", "virginica")
    assert data.class_names == data.label_names
    np.testing.assert_array_equal(np.bincount(data.labels), [50, 50, 50])
    assert any("Species" in note for note in data.notes)


# --------------------------------------------------------------------------- formats
@pytest.mark.parametrize("text, delimiter", [
    ("a,b\n1,2\n3,4\n5,6\n", ","),
    ("a\tb\n1\t2\n3\t4\n5\t6\n", "\t"),
    ("a;b\n1;2\n3;4\n5;6\n", ";"),
    ("a b\n1 2\n3    4\n  5\t6\n", None),
    ("a, b\n1, 2\n3, 4\n5, 6\n", ","),
])
def test_delimiters_are_sniffed(tmp_path, text, delimiter):
    data = load_data(write(tmp_path, text))
    assert data.delimiter == delimiter
    assert data.feature_names == ("a", "b")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])


def test_given_delimiter_by_name(tmp_path):
    data = load_data(write(tmp_path, "a\tb\n1\t2\n3\t4\n"), delimiter="tab")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])


def test_unknown_delimiter_is_refused(tmp_path):
    err = refused(write(tmp_path, "a,b\n1,2\n3,4\n"), delimiter="abc")
    assert "delimiter" in str(err)


def test_semicolon_with_decimal_commas(tmp_path):
    data = load_data(write(tmp_path, "a;b\n1,5;2\n-3,25;4,0\n"))
    np.testing.assert_array_equal(data.X, [[1.5, 2.0], [-3.25, 4.0]])


def test_no_header_names_columns_by_position(tmp_path):
    data = load_data(write(tmp_path, "1,2,3\n4,5,6\n"))
    assert data.feature_names == ("x0", "x1", "x2")
    assert data.lines.tolist() == [1, 2]


def test_comments_blank_lines_and_line_numbers(tmp_path):
    text = "# measured 2024\nx,y\n\n1,2\n# a note\n3,4\n   \n5,6\n"
    data = load_data(write(tmp_path, text))
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])
    assert data.lines.tolist() == [4, 6, 8]


def test_quoted_fields(tmp_path):
    text = 'x,y,name\n"1.5","2",plain\n3,4,"with, comma"\n5,6,"say ""hi"""\n'
    data = load_data(write(tmp_path, text))
    np.testing.assert_array_equal(data.X, [[1.5, 2], [3, 4], [5, 6]])
    assert data.label_names == ("plain", "with, comma", 'say "hi"')


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_encodings(tmp_path, encoding):
    path = write(tmp_path, "température,y,ville\n1,2,Besançon\n3,4,Orléans\n".encode(encoding))
    data = load_data(path)
    assert data.feature_names == ("température", "y")
    assert data.label_names == ("Besançon", "Orléans")


def test_windows_line_endings(tmp_path):
    data = load_data(write(tmp_path, b"x,y\r\n1,2\r\n3,4\r\n"))
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])


def test_numpy_file_with_a_text_extension_is_read_by_content(tmp_path):
    path = tmp_path / "renamed.csv"
    with open(path, "wb") as fh:
        np.save(fh, np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(load_data(path).X, np.arange(6.0).reshape(3, 2))


# --------------------------------------------------------------------------- columns
def test_columns_by_name_position_and_comma_list(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,3\n4,5,6\n")
    assert load_data(path, columns=["c", "a"]).feature_names == ("c", "a")
    np.testing.assert_array_equal(load_data(path, columns=[2, 0]).X, [[3, 1], [6, 4]])
    assert load_data(path, columns="b,c").feature_names == ("b", "c")
    assert load_data(path, columns=["1"]).feature_names == ("b",)
    assert load_data(path, columns=["B"]).feature_names == ("b",)  # case-insensitive
    assert load_data(path, columns=["b"]).columns == (1,)


def test_bad_column_choices(tmp_path):
    path = write(tmp_path, "a,b,kind\n1,2,x\n4,5,y\n")
    assert "'a', 'b', 'kind'" in str(refused(path, columns=["z"]))
    assert "positions run from 0 to 2" in str(refused(path, columns=[7]))
    assert "known classes" in str(refused(path, columns=["kind"]))
    assert "twice" in str(refused(path, columns=["a", "a"]))


def test_label_column_of_numbers(tmp_path):
    data = load_data(write(tmp_path, "x,y,class\n1,2,0\n3,4,1\n5,6,1\n"), label_column="class")
    assert data.feature_names == ("x", "y")
    assert data.labels.tolist() == [0, 1, 1] and data.label_names == ("0", "1")


def test_second_text_column_is_reported_not_silently_dropped(tmp_path):
    data = load_data(write(tmp_path, "x,y,species,site\n1,2,a,north\n3,4,b,south\n"))
    assert data.label_column == "species"
    assert any("site" in note and "not used" in note for note in data.notes)


def test_label_column_without_header(tmp_path):
    data = load_data(write(tmp_path, "1,2,a\n3,4,b\n5,6,a\n"))
    assert data.feature_names == ("x0", "x1")
    assert data.labels.tolist() == [0, 1, 0]


# --------------------------------------------------------------------------- bad files
def test_missing_file(tmp_path):
    err = refused(tmp_path / "nope.csv")
    assert "no such file" in str(err)


def test_folder(tmp_path):
    (tmp_path / "inside.csv").write_text("x\n1\n2\n")
    err = refused(tmp_path)
    assert "folder" in str(err) and "inside.csv" in str(err)


@pytest.mark.parametrize("content", [b"", b"   \n\n  \t\n"])
def test_empty_file(tmp_path, content):
    assert "empty" in str(refused(write(tmp_path, content)))


def test_comments_only(tmp_path):
    assert "only comment lines" in str(refused(write(tmp_path, "# nothing\n# here\n")))


def test_header_only(tmp_path):
    err = refused(write(tmp_path, "eruptions,waiting\n"))
    assert "header" in str(err) and "no data rows" in str(err)


def test_word_in_a_numeric_cell_names_line_and_column(tmp_path):
    err = refused(write(tmp_path, "x,y\n1,2\n3,4\n5,oops\n7,8\n"))
    assert err.line == 4
    assert "line 4" in str(err) and "'y'" in str(err) and "'oops'" in str(err)
    assert "--columns" in str(err)


def test_word_far_down_in_a_later_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "CHUNK_LINES", 100)
    rows = [f"{i},{i * 2}" for i in range(1000)]
    rows[876] = "876,eight"
    err = refused(write(tmp_path, "a,b\n" + "\n".join(rows) + "\n"))
    assert err.line == 878


def test_ragged_rows(tmp_path):
    err = refused(write(tmp_path, "x,y\n1,2\n3,4,5\n6,7\n"))
    assert err.line == 3
    assert "3 fields" in str(err) and "2" in str(err)


def test_short_row(tmp_path):
    err = refused(write(tmp_path, "x,y,z\n1,2,3\n4,5\n"))
    assert err.line == 3


def test_unclosed_quote(tmp_path):
    err = refused(write(tmp_path, 'x,y,name\n1,2,a\n3,4,"b\n5,6,c\n'))
    assert "quote" in str(err)


@pytest.mark.parametrize("content", ["x,y\n1,2\n", "1,2\n"])
def test_fewer_than_two_rows(tmp_path, content):
    assert "only one data row" in str(refused(write(tmp_path, content)))


def test_binary_junk(tmp_path):
    junk = bytes(range(256)) * 10
    err = refused(write(tmp_path, junk, "junk.csv"))
    assert "binary" in str(err)


def test_text_named_npy(tmp_path):
    err = refused(write(tmp_path, "x,y\n1,2\n3,4\n", "data.npy"))
    assert "not a NumPy file" in str(err)


def test_no_numeric_column(tmp_path):
    err = refused(write(tmp_path, "a,b\nx,y\nz,w\n"))
    assert "no numeric columns" in str(err)


# --------------------------------------------------------------------------- missing values
def test_missing_values_are_refused_with_count_and_first_line(tmp_path):
    path = write(tmp_path, "x,y\n1,2\n3,\n5,6\nNA,8\n9,?\n11,12\n")
    err = refused(path)
    assert err.line == 3
    assert "3 values in 3 rows" in str(err) and "line 3" in str(err)
    assert "--drop-missing" in str(err)


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_nan_and_inf_are_refused(tmp_path, cell):
    err = refused(write(tmp_path, f"x,y\n1,2\n3,{cell}\n5,6\n"))
    assert err.line == 3
    assert "NaN" in str(err) or "infinite" in str(err)


def test_drop_missing_drops_and_reports(tmp_path):
    path = write(tmp_path, "x,y,kind\n1,2,a\n3,,b\n5,6,c\nNA,inf,d\n9,10,a\n")
    data = load_data(path, drop_missing=True)
    np.testing.assert_array_equal(data.X, [[1, 2], [5, 6], [9, 10]])
    assert data.n_dropped == 2 and data.dropped_lines == (3, 5)
    assert data.lines.tolist() == [2, 4, 6]
    assert [data.label_names[i] for i in data.labels] == ["a", "c", "a"]
    assert any("2 rows" in note for note in data.notes)


def test_missing_value_in_an_unused_column_does_not_matter(tmp_path):
    data = load_data(write(tmp_path, "x,y,z\n1,2,\n3,4,5\n"), columns=["x", "y"])
    assert data.X.shape == (2, 2) and data.n_dropped == 0


def test_dropping_everything_leaves_too_few_rows(tmp_path):
    err = refused(write(tmp_path, "x,y\n1,\n,2\n3,4\n"), drop_missing=True)
    assert "only one data row" in str(err) and "dropping 2" in str(err)


# --------------------------------------------------------------------------- progress, cancel
def test_progress_and_cancel(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "CHUNK_LINES", 1000)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 3))
    path = tmp_path / "big.csv"
    np.savetxt(path, X, delimiter=",", header="a,b,c", comments="", fmt="%.17g")
    seen = []
    data = load_data(path, progress=seen.append)
    np.testing.assert_array_equal(data.X, X)  # 17 digits: exact
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(b >= a for a, b in zip(seen, seen[1:])) and len(seen) > 10

    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(LoadCancelled):
        load_data(path, cancel=cancel)
