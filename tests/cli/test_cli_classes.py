"""fit and predict compare the model with known classes: confusion table, ARI, NMI."""

import io
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from gmm_explorer.cli.common import EXIT_OK, EXIT_USAGE
from gmm_explorer.cli.run import run_command
from gmm_explorer.data import load_data

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
IRIS = str(RESOURCES / "iris.csv")
FAITHFUL = str(RESOURCES / "faithful.csv")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _scores(text):
    match = re.search(r"ARI (-?[\d.]+)\s+NMI ([\d.]+)\s+accuracy ([\d.]+)", text)
    assert match, text
    return tuple(float(v) for v in match.groups())


def _table(text, names):
    """The printed confusion table's counts (stars dropped), one row per class name."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.split()[:1] == ["class"])
    rows = [line.split() for line in lines[head + 1:head + 1 + len(names)]]
    assert [row[0] for row in rows] == list(names)
    return np.array([[int(c.rstrip("*")) for c in row[1:]] for row in rows])


def _predicted_labels(csv_path):
    return np.loadtxt(csv_path, delimiter=",", skiprows=1, usecols=1, dtype=int)


def test_fit_prints_the_classes_found_in_a_text_column(tmp_path):
    model, labels_csv = tmp_path / "iris.json", tmp_path / "labels.csv"
    code, out, err = run("fit", IRIS, "-k", 3, "--seed", 0, "-q", "-o", model)
    assert code == EXIT_OK, err
    assert "3 known classes in 'Species'" in out
    names = ("setosa", "versicolor", "virginica")
    table = _table(out, names)
    assert table.shape == (3, 3) and table.sum() == 150
    # the printed scores are those of the model's own labels, as scikit-learn scores them
    code, _, err = run("predict", IRIS, "-m", model, "-o", labels_csv, "-q")
    assert code == EXIT_OK, err
    predicted = _predicted_labels(labels_csv)
    truth = load_data(IRIS).labels
    ari, nmi, accuracy = _scores(out)
    assert ari == pytest.approx(adjusted_rand_score(truth, predicted), abs=5e-5)
    assert nmi == pytest.approx(normalized_mutual_info_score(truth, predicted), abs=5e-5)
    assert np.array_equal(table, np.array([[np.sum((truth == c) & (predicted == k))
                                            for k in range(3)] for c in range(3)]))
    assert accuracy == pytest.approx(np.sort(table.max(axis=1)).sum() / 150, abs=5e-5)
    # each class's best cell is starred: iris's components match one class each
    starred = [line for line in out.splitlines() if "*" in line and line.split()[0] in names]
    assert len(starred) == 3


def test_predict_prints_the_classes_with_its_summary(tmp_path):
    model = tmp_path / "iris.json"
    assert run("fit", IRIS, "-k", 3, "--seed", 0, "-q", "-o", model)[0] == EXIT_OK
    code, out, err = run("predict", IRIS, "-m", model, "-o", tmp_path / "l.csv")
    assert code == EXIT_OK, err
    assert "ARI" in out and "setosa" in out  # stdout is free: the comparison goes there
    code, out, err = run("predict", IRIS, "-m", model)  # the CSV on stdout
    assert out.startswith("line,label,") and "ARI" not in out
    assert "ARI" in err and "virginica" in err


def test_classes_column_chosen_by_name(tmp_path):
    # a numeric column as classes: faithful's waiting times rounded into two groups
    path = tmp_path / "groups.csv"
    data = load_data(FAITHFUL)
    group = (data.X[:, 1] > 70).astype(int)
    rows = "\n".join(f"{a!r},{b!r},{g}" for (a, b), g in zip(data.X.tolist(), group))
    path.write_text("eruptions,waiting,group\n" + rows + "\n")
    code, out, err = run("fit", path, "-k", 2, "--seed", 0, "-q", "--columns", "eruptions",
                         "waiting", "--classes", "group", "-o", tmp_path / "m.json")
    assert code == EXIT_OK, err
    assert "2 known classes in 'group'" in out
    assert _table(out, ("0", "1")).sum() == 272
    assert _scores(out)[0] > 0.5  # the two eruption types are (mostly) the two groups


def test_no_classes_prints_no_table(tmp_path):
    code, out, err = run("fit", FAITHFUL, "-k", 2, "--seed", 0, "-q", "-o", tmp_path / "m.json")
    assert code == EXIT_OK, err
    assert "ARI" not in out and "known classes" not in out


def test_unknown_classes_column_is_one_line_error(tmp_path):
    code, out, err = run("fit", IRIS, "-k", 3, "--classes", "Colour", "-o", tmp_path / "m.json")
    assert code == EXIT_USAGE
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "'Colour'" in lines[0] and "Traceback" not in err
    assert not (tmp_path / "m.json").exists()


def test_readme_known_classes_output_is_the_real_output(tmp_path, monkeypatch):
    import shutil

    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- section: classes -->")
    section = text[start:text.index("<!-- section:", start + 10)]
    block = re.search(r"```console\n\$ gmm-explorer (fit .+?)\n(.+?)```", section, re.S)
    shutil.copy(IRIS, tmp_path)
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert run_command(block.group(1).split(), stdout=out, stderr=err) == 0, err.getvalue()
    assert out.getvalue() == block.group(2)
