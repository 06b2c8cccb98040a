"""File > Export > Animation…: the run as GIF or MP4, one frame per iteration asked, made in
the background with progress and Cancel; ``--animation`` and ``--export-plot`` without a window."""

import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from gmm_explorer.app.model.animation import AnimationSpec
from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell.launch import launch
from gmm_explorer.app.shell.window import ExplorerWindow
from gmm_explorer.data.animation_files import read_frames


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_one_frame_per_iteration_asked_and_each_differs(seed_window, tmp_path, suffix):
    path = tmp_path / f"run{suffix}"
    ui = seed_window.animation_ui
    fractions = []
    seed_window.workspace.runner.jobProgressed.connect(lambda name, f: fractions.append(f))
    assert ui.export(AnimationSpec(str(path), first=1, last=5, width=320, height=180, fps=5),
                     wait=True)
    frames = read_frames(path)
    assert len(frames) == 5  # iterations 1 to 5
    assert all(f.shape == (180, 320, 3) for f in frames)
    for a, b in zip(frames, frames[1:]):
        assert np.mean(np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40) > 0.001
    assert fractions and fractions[-1] == 1.0
    assert ui.progress.isHidden()
    assert "Exported 5 frames" in seed_window.statusBar().currentMessage()


def test_the_default_is_the_whole_history_with_the_dialogs_fields(seed_window, tmp_path):
    from gmm_explorer.app.shell.animation_window import AnimationDialog

    dialog = AnimationDialog(seed_window, last=len(seed_window.workspace.history) - 1,
                             path=str(tmp_path / "all"))
    spec = dialog.spec()
    assert (spec.first, spec.last, spec.path[-4:]) == (0, 5, ".gif")
    spec = AnimationSpec(spec.path, spec.first, spec.last, 240, 180, spec.fps)
    assert seed_window.animation_ui.export(spec, wait=True)
    with Image.open(spec.path) as im:
        assert im.n_frames == 6 and im.size == (240, 180)
        assert im.info["duration"] == 250  # 4 frames a second


def test_cancel_leaves_no_file_and_the_window_answers_meanwhile(seed_window, tmp_path):
    ws = seed_window.workspace
    for _ in range(20):  # a longer run: the collapse stops it early under "stop"
        seed_window.step()
    path = tmp_path / "big.gif"
    ui = seed_window.animation_ui
    assert ui.export(AnimationSpec(str(path), width=1600, height=900))
    assert ui.animation.running and ui.progress.isVisible()
    # the GUI thread is free while frames are made: it can show another iteration
    t0 = time.perf_counter()
    ws.go_to(1)
    QApplication.processEvents()
    assert time.perf_counter() - t0 < 1.0
    ui.cancel()
    assert not ui.animation.running and ui.progress.isHidden()
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file either


def test_bad_names_and_ranges_are_refused_with_a_message(seed_window, tmp_path):
    ui = seed_window.animation_ui
    assert not ui.export(AnimationSpec(str(tmp_path / "run.avi")))
    assert ".gif or .mp4" in seed_window.last_error
    assert not ui.export(AnimationSpec(str(tmp_path / "run.gif"), first=4, last=2))
    assert "from 0 to 5" in seed_window.last_error


def test_launch_writes_an_animation_and_pictures_without_a_window(qapp, tmp_path):
    gif, svg, png = tmp_path / "seed.gif", tmp_path / "plot.svg", tmp_path / "plot.png"
    assert launch(["--preset", "seed", "--steps", "3", "--animation", str(gif),
                   "--frame-size", "320x180", "--fps", "2"]) == 0
    with Image.open(gif) as im:
        assert im.n_frames == 4 and im.size == (320, 180)
    assert launch(["--preset", "seed", "--steps", "3", "--export-plot", str(svg)]) == 0
    assert svg.read_text().count("<circle") >= 1000
    assert launch(["--preset", "seed", "--export-plot", str(png), "--scale", "2"]) == 0
    one = tmp_path / "one.png"
    assert launch(["--preset", "seed", "--export-plot", str(one)]) == 0
    with Image.open(png) as a, Image.open(one) as b:
        assert abs(a.size[0] - 2 * b.size[0]) <= 1 and abs(a.size[1] - 2 * b.size[1]) <= 1
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, ExplorerWindow) and w.isVisible()]


def test_the_readme_animation_is_the_seed_run_the_readme_command_makes(qapp):
    """docs/seed.gif: small, the size the README's command asks, one frame per state of the run."""
    from pathlib import Path

    gif = Path(__file__).resolve().parents[2] / "docs" / "seed.gif"
    assert gif.stat().st_size < 2_000_000
    ws = Workspace()
    ws.lab.load_preset("seed")
    for _ in range(15):  # the README's --steps 15; the seed's start collapses before
        ws.step()
    with Image.open(gif) as im:
        assert im.size == (800, 450)
        assert im.n_frames == len(ws.history) < 16
    ws.shutdown()
