"""File → Export labels and File → Predict file: rows, labels and probabilities a user can
map back to the file."""

import csv

import numpy as np
import pytest
from PySide6.QtGui import QKeySequence

from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell.window import ExplorerWindow
from gmm_explorer.data import load_data


def _labelled_file(path, n=300, seed=1):
    """Three blobs with a class column, a comment, a header and blank lines in between,
    so that a row's line is not its index plus a constant."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]])
    kind = rng.integers(0, 3, n)
    X = centres[kind] + rng.normal(size=(n, 2))
    out = ["# three blobs", "width,height,kind"]
    for i, (row, k) in enumerate(zip(X, kind)):
        if i % 37 == 5:
            out.append("")
        out.append(f"{float(row[0])!r},{float(row[1])!r},{'abc'[k]}")
    path.write_text("\n".join(out) + "\n")
    return path


def _read(path):
    rows = list(csv.reader(open(path, newline="")))
    return rows[0], rows[1:]


@pytest.fixture
def fitted(qtbot, tmp_path):
    """A window on a labelled CSV file, K = 3, five EM steps taken."""
    data = _labelled_file(tmp_path / "blobs.csv")
    ws = Workspace()
    ws.set_model(n_components=3, random_state=0)
    w = ExplorerWindow(ws)
    qtbot.addWidget(w)
    assert w.open_file(str(data)), w.last_error
    for _ in range(5):
        w.step()
    yield w, data
    ws.shutdown()


def test_export_labels_are_the_engines_responsibilities_by_file_line(fitted, tmp_path):
    w, data = fitted
    ws = w.workspace
    out = tmp_path / "labels.csv"
    assert w.labels_ui.export_labels(str(out), wait=True)
    header, rows = _read(out)
    ids = ws.state.component_ids
    assert header == ["line", "label"] + [f"p_{i}" for i in ids] + ["class"]
    loaded = load_data(str(data))
    assert len(rows) == len(loaded.X) == len(ws.X)
    np.testing.assert_array_equal([int(r[0]) for r in rows], loaded.lines)
    # the lines are the file's: each names the line holding that row's numbers
    text = data.read_text().splitlines()
    for r, x in zip(rows[::29], loaded.X[::29]):
        assert [float(v) for v in text[int(r[0]) - 1].split(",")[:2]] == list(x)
    P = np.array([[float(v) for v in r[2:-1]] for r in rows])
    R = ws.data_responsibilities(ws.state)
    np.testing.assert_array_equal(P, R)  # written with repr: every digit comes back
    np.testing.assert_array_equal([int(r[1]) for r in rows], ids[R.argmax(axis=1)])
    # the class as the file names it, on the row's own line
    assert [r[-1] for r in rows] == [text[int(r[0]) - 1].split(",")[2] for r in rows]


def test_export_is_of_the_iteration_shown_when_asked_though_em_steps_on(fitted, tmp_path):
    w, _ = fitted
    ws = w.workspace
    shown = ws.state
    expected = np.array(ws.data_responsibilities(shown))
    out = tmp_path / "at5.csv"
    assert w.labels_ui.export_labels(str(out))  # in the background
    for _ in range(3):
        w.step()
    assert w.labels_ui.labelling.wait() == "written"
    assert ws.state.iteration == shown.iteration + 3
    P = np.array([r[2:-1] for r in _read(out)[1]], dtype=float)
    np.testing.assert_array_equal(P, expected)
    assert f"iteration {shown.iteration}" in w.last_message


def test_labels_name_components_by_identity_after_a_removal(qtbot, tmp_path):
    ws = Workspace()
    w = ExplorerWindow(ws)
    qtbot.addWidget(w)
    ws.set_model(n_components=3, random_state=0)
    X = np.random.default_rng(0).normal(size=(60, 2))
    ws.set_data(X)
    # a pinned start whose middle component sits on nothing: 'remove' drops it
    ws.set_model(on_collapse="remove", reg_covar=0.0)
    far = np.array([[0.0, 0.0], [1e3, 1e3], [0.5, 0.5]])
    ws.reinitialize(np.full(3, 1 / 3), far, np.stack([np.eye(2)] * 3))
    for _ in range(3):
        w.step()
    ids = list(ws.state.component_ids)
    assert ids == [0, 2]  # the far component was removed: the others keep their names
    out = tmp_path / "l.csv"
    assert w.labels_ui.export_labels(str(out), wait=True)
    header, rows = _read(out)
    assert header == ["row", "label"] + [f"p_{i}" for i in ids]
    assert [int(r[0]) for r in rows] == list(range(60))
    assert {int(r[1]) for r in rows} <= set(ids)
    ws.shutdown()


def test_predicting_the_datas_own_file_gives_the_exported_labels(fitted, tmp_path):
    w, data = fitted
    exported, predicted = tmp_path / "exported.csv", tmp_path / "predicted.csv"
    assert w.labels_ui.export_labels(str(exported), wait=True)
    assert w.labels_ui.predict_file(str(data), str(predicted), wait=True), w.last_error
    (h1, r1), (h2, r2) = _read(exported), _read(predicted)
    assert h1[:-1] == h2[:-1] and h2[-1] == "class"
    assert [r[:2] for r in r1] == [r[:2] for r in r2]  # lines and labels
    np.testing.assert_allclose(np.array([r[2:-1] for r in r1], dtype=float),
                               np.array([r[2:-1] for r in r2], dtype=float), atol=1e-12)
    assert "Labelled 300 rows" in w.last_message


def test_predict_file_picks_columns_by_name_and_refuses_others(fitted, tmp_path):
    w, data = fitted
    swapped = tmp_path / "swapped.csv"
    rows = [line.split(",") for line in data.read_text().splitlines()[1:] if line]
    swapped.write_text("\n".join(",".join([r[2], r[1], r[0]]) for r in rows) + "\n")
    out = tmp_path / "s.csv"
    assert w.labels_ui.predict_file(str(swapped), str(out), wait=True), w.last_error
    expected = w.workspace.data_responsibilities(w.workspace.state)
    P = np.array([r[2:-1] for r in _read(out)[1]], dtype=float)
    np.testing.assert_allclose(P, expected, atol=1e-12)

    other = tmp_path / "other.csv"
    other.write_text("width,depth\n1,2\n3,4\n")
    before = out.read_bytes()
    assert not w.labels_ui.predict_file(str(other), str(out), wait=True)
    assert w.last_error.count("\n") == 0
    assert str(other) in w.last_error and "'height'" in w.last_error
    assert out.read_bytes() == before  # what the user had stays

    broken = tmp_path / "broken.csv"
    broken.write_text("width,height\n1,2\n3,nan\n")
    assert not w.labels_ui.predict_file(str(broken), str(out), wait=True)
    assert str(broken) in w.last_error and out.read_bytes() == before


def test_predict_file_refuses_an_output_in_no_folder_before_starting(fitted, tmp_path):
    w, data = fitted
    assert not w.labels_ui.predict_file(str(data), str(tmp_path / "nope" / "l.csv"))
    assert "folder does not exist" in w.last_error
    assert not w.labels_ui.labelling.busy


def test_cancelling_a_prediction_writes_nothing(fitted, tmp_path, qtbot):
    w, data = fitted
    big = tmp_path / "big.csv"
    rng = np.random.default_rng(0)
    np.savetxt(big, rng.normal(size=(200000, 2)), delimiter=",", header="width,height",
               comments="")
    out = tmp_path / "big-labels.csv"
    ended = []
    w.labels_ui.labelling.labelEnded.connect(lambda reason, msg: ended.append(reason))
    assert w.labels_ui.predict_file(str(big), str(out))
    assert w.labels_ui.progress.isVisibleTo(w)
    w.labels_ui.cancel_button.click()
    assert ended == ["cancelled"] and not out.exists()
    assert not w.labels_ui.progress.isVisibleTo(w)


def test_menu_entries_keys_and_tips(window):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in file_menu.actions()]
    ui = window.labels_ui
    assert ui.actions["export_labels"] in file_menu.actions()
    assert texts.index("Export &labels…") < texts.index("&Predict file…") < texts.index("&Quit")
    assert ui.actions["export_labels"].shortcut() == QKeySequence("Ctrl+L")
    assert ui.actions["predict_file"].shortcut() == QKeySequence("Ctrl+Shift+L")
    assert all(a.toolTip() for a in ui.actions.values())
    # no other action of the window has these keys
    keys = [a.shortcut() for a in window.actions() if not a.shortcut().isEmpty()]
    assert keys.count(QKeySequence("Ctrl+L")) == 1
    assert keys.count(QKeySequence("Ctrl+Shift+L")) == 1


def test_without_data_there_is_nothing_to_label(qtbot, tmp_path):
    ws = Workspace()
    w = ExplorerWindow(ws)
    qtbot.addWidget(w)
    assert not w.labels_ui.export_labels(str(tmp_path / "l.csv"))
    assert "load or generate data first" in w.last_error
    assert not w.labels_ui.predict_file(str(tmp_path / "x.csv"), str(tmp_path / "l.csv"))
    assert "load or generate data first" in w.last_error
    assert not (tmp_path / "l.csv").exists()
    ws.shutdown()
