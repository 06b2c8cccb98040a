"""``gmm-explorer`` flags: --screenshot, --steps, --components, --preset, DATA."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gmm_explorer.app.shell import launch as launch_module
from gmm_explorer.app.shell.launch import build_parser, build_window, launch
from gmm_explorer.engine import GaussianMixtureEM


def test_screenshot_writes_a_png_of_the_window(qapp, tmp_path, capsys):
    out = tmp_path / "window.png"
    assert launch(["--steps", "3", "--screenshot", str(out)]) == 0
    assert capsys.readouterr().out == f"screenshot written to {out}\n"
    img = QImage(str(out))
    assert not img.isNull()
    assert (img.width(), img.height()) == launch_module.WINDOW_SIZE


def test_steps_go_through_the_step_button_path(qapp, qtbot, monkeypatch):
    from gmm_explorer.app.shell.window import ExplorerWindow

    calls = []
    original = ExplorerWindow.step
    monkeypatch.setattr(ExplorerWindow, "step", lambda self: (calls.append(1), original(self)))
    args = build_parser().parse_args(["--steps", "4", "--components", "3",
                                      "--covariance-type", "tied"])
    session, window = build_window(args)
    qtbot.addWidget(window)
    assert session.engine.n_components == 3 and session.engine.covariance_type == "tied"
    for _ in range(args.steps):
        window.actions_by_name["step"].trigger()  # what the Step button does
    assert len(calls) == 4 and session.state.iteration == 4


def test_default_preset_is_the_first_scene(qapp, qtbot):
    session, window = build_window(build_parser().parse_args([]))
    qtbot.addWidget(window)
    assert session.data_name == "overlap" and session.model.n_components == 4
    # the poor start is pinned; the model keeps k-means++ for other data and New start
    assert session.model.reg_covar == 1e-6 and session.model.init == "k-means++"
    drawn = GaussianMixtureEM(n_components=4, init="random_from_data", random_state=5)
    np.testing.assert_array_equal(session.history[0].means, drawn.initialize(session.X).means)


def test_the_first_scene_gives_em_visible_work(qapp, qtbot):
    """Opened with no arguments, EM takes a while to converge and its means travel:
    Step after Step changes the picture (the seed's k-means++ start sat still)."""
    session, window = build_window(build_parser().parse_args([]))
    qtbot.addWidget(window)
    start = session.state.means.copy()
    for _ in range(200):
        window.step()
        if session.state.converged:
            break
    assert session.state.converged and session.state.collapse is None
    assert session.state.iteration >= 15
    X = session.X
    spread = np.sqrt(np.trace(np.cov(X.T)))
    travel = np.linalg.norm(session.state.means - start, axis=1)
    assert travel.mean() >= 0.1 * spread


def test_a_data_file_opens_with_a_k_means_start_not_the_first_scenes(qapp, qtbot):
    faithful = Path(__file__).resolve().parents[2] / "resources" / "faithful.csv"
    session, window = build_window(build_parser().parse_args([str(faithful), "-k", "3"]))
    qtbot.addWidget(window)
    assert session.model.init == "k-means++" and session.model.n_components == 3


def test_the_seed_scene_is_still_a_preset(qapp, qtbot):
    session, window = build_window(build_parser().parse_args(["--preset", "seed-scene"]))
    qtbot.addWidget(window)
    assert session.data_name == "seed" and session.model.n_components == 10
    assert session.model.reg_covar == 1e-6 and session.model.init == "k-means++"


def test_bad_preset_or_file_exits_2_with_a_message(qapp, tmp_path, capsys):
    assert launch(["--preset", "nope", "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "unknown preset 'nope'" in capsys.readouterr().err
    assert launch([str(tmp_path / "missing.csv"), "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "gmm-explorer:" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_a_data_file_after_columns_is_named_with_the_fix(qapp, tmp_path, capsys):
    data = tmp_path / "two.csv"
    data.write_text("a,b\n1,2\n3,5\n4,4\n")
    out = tmp_path / "x.png"
    assert launch(["--columns", "a", "b", str(data), "--screenshot", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--columns took {data} as a column name" in err
    assert f"gmm-explorer {data} --columns" in err and not out.exists()


def test_negative_steps_are_refused(qapp, capsys):
    assert launch(["--steps", "-1"]) == 2
    assert "--steps" in capsys.readouterr().err


def test_unknown_covariance_type_is_refused(qapp):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--covariance-type", "round"])


def test_no_display_is_one_clear_line_and_a_screenshot_needs_none(monkeypatch):
    from gmm_explorer.app.shell import launch as launch_module

    env = {}
    message = launch_module.display_problem(env, "linux", screenshot=False)
    assert "no display" in message and "--screenshot" in message and "\n" not in message
    env = {}
    assert launch_module.display_problem(env, "linux", screenshot=True) == ""
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert launch_module.display_problem({}, "darwin", screenshot=False) == ""
    assert launch_module.display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", False) == ""
    monkeypatch.setattr("ctypes.util.find_library",
                        lambda name: None if name == "xcb-cursor" else f"lib{name}.so")
    message = launch_module.display_problem({"DISPLAY": ":0"}, "linux", screenshot=False)
    assert "libxcb-cursor0" in message and "apt-get install libxcb-cursor0" in message


def test_a_lab_preset_with_a_data_file_is_refused(tmp_path):
    from gmm_explorer.app.shell.launch import build_parser, build_window

    args = build_parser().parse_args([str(tmp_path / "x.csv"), "--preset", "seed"])
    with pytest.raises(ValueError, match="brings its own data"):
        build_window(args)


def test_a_preset_with_a_remedy_from_the_command_line(qapp, tmp_path):
    out = tmp_path / "remove.png"
    assert launch(["--preset", "seed", "--remedy", "remove", "--steps", "9",
                   "--screenshot", str(out)]) == 0
    assert not QImage(str(out)).isNull()
    args = build_parser().parse_args(["--preset", "seed", "--remedy", "remove", "--steps", "9"])
    workspace, window = build_window(args)
    for _ in range(args.steps):
        window.step()
    assert workspace.model.on_collapse == "remove" and workspace.state.n_components == 9
    window.close()
    workspace.shutdown()
    with pytest.raises(ValueError, match="needs a lab preset"):
        build_window(build_parser().parse_args(["--remedy", "ridge"]))


def test_the_model_dock_says_when_the_start_is_pinned(qapp, qtbot):
    session, window = build_window(build_parser().parse_args([]))
    qtbot.addWidget(window)
    label = window.model_panel.start_label
    assert label.text() == "Start (pinned)" and "Reset goes back to it" in label.toolTip()
    session.new_start()
    assert label.text() == "Start" and session.start is None


def test_a_screenshot_renders_offscreen_even_where_a_display_is_named(monkeypatch):
    env = {"DISPLAY": ":99"}  # perhaps a server that is gone: Qt's xcb would abort
    assert launch_module.display_problem(env, "linux", screenshot=True) == ""
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    env = {"DISPLAY": ":99", "QT_QPA_PLATFORM": "xcb"}  # a platform chosen by hand stays
    assert launch_module.display_problem(env, "linux", screenshot=True) == ""
    assert env["QT_QPA_PLATFORM"] == "xcb"


@pytest.mark.parametrize("argv, words", [
    (["--preset", "nope"], "unknown preset 'nope'"),
    (["--components", "0"], "--components must be at least 1"),
    (["--remedy", "ridge", "--preset", "first-scene"], "needs a lab preset"),
    (["--columns", "a"], "are for a data file"),
    (["--lower-bound", "sideways"], "unknown slice 'sideways'"),
    (["--steps", "-2"], "--steps"),
    (["--view", "pair"], "invalid choice: 'pair'"),
    (["--size", "100x100"], "each at least 200"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["fitt", "faithful.csv"], "did you mean `gmm-explorer fit`"),
    (["--screenshot", "/nonexistent-folder/x.png"], "its folder does not exist"),
    (["--screenshot", "shot.jpgx"], "end the name with one of them"),
])
def test_every_bad_window_argument_is_one_line_even_without_a_display(
        qapp, monkeypatch, capsys, argv, words):
    monkeypatch.delenv("DISPLAY", raising=False)  # an interactive start here could not show
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    try:
        code = launch(argv)
    except SystemExit as exc:  # argparse's own refusals end the process, as one line
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and err.startswith("gmm-explorer: ")


def test_size_and_presentation_flags(qapp, tmp_path):
    out = tmp_path / "small.png"
    assert launch(["--preset", "seed", "--size", "1024x768", "--presentation",
                   "--screenshot", str(out)]) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1024, 768)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--size", "big"])
