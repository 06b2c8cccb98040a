"""Plot pictures for slides: SVG with one circle per point, read alike by other renderers;
PNG at 2x. The teacher's scene: Presets > seed, five Steps, File > Export."""

import io
import re

import numpy as np
import resvg_py
from PIL import Image
from PySide6.QtGui import QImage

from gmm_explorer.app import colors
from gmm_explorer.app.model.picture import ELLIPSE_HALO, workspace_picture
from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.shell.window import ExplorerWindow
from gmm_explorer.app.views.raster import svg_to_rgb
from gmm_explorer.app.views.svg_picture import plot_pixels


def _svg_size(text):
    m = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', text)
    return int(m.group(1)), int(m.group(2))


def _isolated(pix, radius):
    """Indices of points with no other point within ``radius`` pixels."""
    d = np.hypot(*(pix[:, None, :] - pix[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return np.flatnonzero(d.min(axis=1) > radius)


def _expected_over_white(rgba):
    a = rgba[:, 3:4] / 255.0
    return rgba[:, :3] * a + 255.0 * (1 - a)


def test_svg_has_a_coloured_circle_per_point_and_other_renderers_show_those_colours(
        seed_window, tmp_path):
    ws = seed_window.workspace
    # ellipses and means off: only points under the pixels we read
    for level in (1, 2, 3):
        seed_window.centre.set_sigma_visible(level, False)
    seed_window.centre.set_means_visible(False)
    path = tmp_path / "plot.svg"
    assert seed_window.desktop.export("plot_svg", path)
    text = path.read_text()
    assert len(ws.drawn_points()) == 1000
    assert path.stat().st_size < 1_000_000
    assert "non-scaling-stroke" not in text and "<image" not in text
    # every point is inside the shown range (the red rings of a collapse are not points)
    points = re.findall(r'<g fill="#[0-9a-f]{6}" fill-opacity[^>]*>(.*?)</g>', text)
    assert sum(group.count("<circle") for group in points) == 1000

    width, height = _svg_size(text)
    picture = workspace_picture(ws, seed_window.centre)
    pix = plot_pixels(picture, ws.drawn_points(), width, height)
    # the colours the window gives the points, from the responsibilities (not the SVG)
    expected = _expected_over_white(colors.point_colors(ws.display_responsibilities(),
                                                        "blended", ids=ws.state.component_ids))
    # a neighbour farther than its radius (2.5) plus antialiasing leaves the centre alone
    lonely = _isolated(pix, 4.5)
    assert len(lonely) > 40
    renders = {
        "resvg": np.asarray(Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(
            svg_string=text)))).convert("RGB"), dtype=float),
        "qt": svg_to_rgb(text, width, height).astype(float),
    }
    cols, rows = np.round(pix[lonely]).astype(int).T
    for name, image in renders.items():
        assert image.shape[:2] == (height, width), name
        seen = image[rows, cols]
        error = np.abs(seen - expected[lonely]).max(axis=1)
        assert np.mean(error <= 12) > 0.95, (name, np.percentile(error, [50, 90, 99]))
    # the points carry many colours, not one grey-green speck
    distinct = {tuple(c) for c in np.round(renders["resvg"][rows, cols] / 32).astype(int)}
    assert len(distinct) >= 6


def test_svg_strokes_render_the_same_in_two_renderers(seed_window, tmp_path):
    path = tmp_path / "plot.svg"
    seed_window.centre.set_sigma_visible(3, True)
    assert seed_window.desktop.export("plot_svg", path)
    text = path.read_text()
    width, height = _svg_size(text)
    strokes = re.findall(r'<polyline[^>]* stroke="(#[0-9a-f]{6})" stroke-width="([\d.]+)"',
                         text)
    extra, halo_rgb = ELLIPSE_HALO[0], "#%02x%02x%02x" % ELLIPSE_HALO[1]
    red = "#%02x%02x%02x" % colors.COLLAPSE_RED  # a degenerate component's, thicker
    widths = {float(w) for colour, w in strokes if colour not in (halo_rgb, red)}
    assert widths == {1.0, 2.0}  # 1 sigma thick, 2 and 3 sigma thin, in the document's units
    # each component's solid (1 sigma, 2 wide) curve on its light band, wider by the halo
    # on each side; the dashed curves and the red marks of a collapse on none, as in the
    # window
    bands = [float(w) for colour, w in strokes if colour == halo_rgb]
    solid = [float(w) for colour, w in strokes if colour not in (halo_rgb, red) and w == "2"]
    assert len(bands) == len(solid) > 0 and set(bands) == {2.0 + 2 * extra}
    first_line = next(i for i, (colour, _) in enumerate(strokes) if colour != halo_rgb)
    assert all(colour != halo_rgb for colour, _ in strokes[first_line:])  # bands first
    qt = svg_to_rgb(text, width, height).astype(float)
    rs = np.asarray(Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=text))))
                    .convert("RGB"), dtype=float)
    ink_qt = (qt.min(axis=2) < 200).mean()
    ink_rs = (rs.min(axis=2) < 200).mean()
    # lines of the same width cover the same area (thick bands would not)
    assert abs(ink_qt - ink_rs) < 0.1 * ink_rs, (ink_qt, ink_rs)
    assert np.mean(np.abs(qt - rs).max(axis=2) > 60) < 0.03


def test_exports_mark_a_collapse_as_the_window_does(seed_window, tmp_path):
    w, ws = seed_window, seed_window.workspace
    window_marks = w.lab_ui.marks["centre"]
    red = "#%02x%02x%02x" % colors.COLLAPSE_RED
    for status, dashed in (("degenerate", True), ("singular", False)):
        w.step()  # iteration 6: component 1 degenerate; 7: singular
        flagged = window_marks.red_components()
        assert [ws.state.component_status[k] for k in flagged] == [status]
        picture = workspace_picture(ws, w.centre)
        curves = [c for c in picture.ellipses if c.rgb == colors.COLLAPSE_RED]
        assert len(curves) == 2 and all(bool(c.dash) == dashed for c in curves)  # 1, 2 sigma
        k = flagged[0]
        np.testing.assert_allclose(picture.rings, picture.means[[k]])
        # the drawn points are every point here: the window rings the same ones
        assert len(ws.drawn_points()) == len(ws.X)
        np.testing.assert_allclose(np.sort(picture.held, axis=0),
                                   np.sort(ws.X[window_marks.highlighted][:, list(ws.axes)],
                                           axis=0))
        path = tmp_path / f"{status}.svg"
        assert w.desktop.export("plot_svg", path)
        text = path.read_text()
        rings = re.findall(rf'<g fill="none" stroke="{red}"[^>]*>(.*?)</g>', text)
        assert [group.count("<circle") for group in rings] == [len(picture.held), 1]
        strokes = re.findall(rf'<polyline[^>]* stroke="{red}"[^>]*>', text)
        assert len(strokes) >= 2
        assert all(("stroke-dasharray" in stroke) == dashed for stroke in strokes)


def test_png_at_scale_two_has_twice_the_pixels(seed_window, tmp_path):
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    assert seed_window.desktop.export("plot_png", one)
    assert seed_window.desktop.export("plot_png_2x", two)
    a, b = QImage(str(one)), QImage(str(two))
    assert a.width() > 100 and a.height() > 100
    assert abs(b.width() - 2 * a.width()) <= 1 and abs(b.height() - 2 * a.height()) <= 1


def test_svg_keeps_the_class_colours_when_the_window_shows_them(qtbot, tmp_path):
    ws = Workspace()
    window = ExplorerWindow(ws)
    qtbot.addWidget(window)
    window.load_builtin("iris")  # three known species
    window.step()
    window.classes_ui.color_by_class()
    path = tmp_path / "classes.svg"
    assert window.desktop.export("plot_svg", path)
    fills = set(re.findall(r'<g fill="(#[0-9a-f]{6})"', path.read_text()))
    expected = {"#%02x%02x%02x" % tuple(colors.class_color(c)) for c in range(3)}
    assert fills == expected
    ws.shutdown()
