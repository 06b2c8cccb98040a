"""A small SVG writer for the centre plot and the run's curves (no Qt).

Why our own writer rather than pyqtgraph's exporter: that one draws each
point as the scatter's whole sprite sheet squeezed into a tiny image (the
colours are lost and 1,000 points weigh megabytes), and its strokes rely on
``vector-effect: non-scaling-stroke``, which librsvg and ImageMagick ignore.
Here every coordinate is mapped to the document's own pixels by us, so each
point is one ``<circle>`` in its colour and every stroke width is a plain
number in the same units: the file looks the same in a browser, librsvg,
Inkscape and Qt, and 1,000 points take well under 100 kB.

Content outside a plot's frame is clipped with ``clipPath`` and, for
renderers without clipping (Qt's SVG Tiny), clamped to the panel and covered
by the panel's white margins, which are drawn after it.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from gmm_explorer.app import colors
from gmm_explorer.app.model.picture import ELLIPSE_HALO, CurvesPicture, PlotPicture

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
POINT_RADIUS = 2.5  # the window's points are 5 pixels across
MARGINS = (62, 18, 14, 44)  # left, top, right, bottom of a panel, around its frame
GRID = "#e4e4e4"
AXIS = "#505050"
LIMIT_RGB = (200, 40, 40)


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(int(c) for c in rgb[:3])


def _num(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(lo: float, hi: float, count: int = 5) -> tuple:
    """Round tick values in [lo, hi], about ``count`` of them, and their labels."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return (), ()
    raw = (hi - lo) / max(count, 1)
    step = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= step * m:
            step *= m
            break
    first = math.ceil(lo / step)
    values = [i * step for i in range(first, int(math.floor(hi / step)) + 1)]
    decimals = 0  # as many as the step needs: 0.25 needs two
    while decimals < 12 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-6:
        decimals += 1
    labels = [f"{round(v, decimals):.{decimals}f}".replace("-", "\u2212") for v in values]
    labels = ["0" if lab in ("\u22120", "\u22120.0") else lab for lab in labels]
    return tuple(values), tuple(labels)


class _Frame:
    """Maps data units to document pixels inside one panel's frame."""

    def __init__(self, box, x_range, y_range, log_y: bool = False):
        bx, by, bw, bh = box
        left, top, right, bottom = MARGINS
        self.panel = box
        self.x0, self.y0 = bx + left, by + top
        self.w, self.h = max(bw - left - right, 1.0), max(bh - top - bottom, 1.0)
        self.x_range, self.y_range, self.log_y = x_range, y_range, log_y

    def map(self, xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        (a, b), (c, d) = self.x_range, self.y_range
        y = np.log10(xy[:, 1]) if self.log_y else xy[:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            px = self.x0 + (xy[:, 0] - a) / (b - a) * self.w
            py = self.y0 + self.h - (y - c) / (d - c) * self.h
        return np.column_stack([px, py])

    def inside(self, pix: np.ndarray) -> np.ndarray:
        return ((pix[:, 0] >= self.x0) & (pix[:, 0] <= self.x0 + self.w)
                & (pix[:, 1] >= self.y0) & (pix[:, 1] <= self.y0 + self.h))

    def clamp(self, pix: np.ndarray) -> np.ndarray:
        bx, by, bw, bh = self.panel
        return np.column_stack([np.clip(pix[:, 0], bx, bx + bw), np.clip(pix[:, 1], by, by + bh)])


class SvgWriter:
    """Collects the elements of one SVG document of ``width`` x ``height`` pixels."""

    def __init__(self, width: int, height: int):
        self.width, self.height = int(width), int(height)
        self.parts: list = []
        self._clips = 0

    def text(self) -> str:
        """The document."""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
                f'width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}">\n'
                f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="#ffffff"/>\n')
        return head + "\n".join(self.parts) + "\n</svg>\n"

    def add(self, element: str) -> None:
        self.parts.append(element)

    def polyline(self, frame: _Frame, xy, rgb, width: float, dash: str = "") -> None:
        """A polyline in data units, split where it has non-finite points."""
        pix = frame.map(xy)
        ok = np.all(np.isfinite(pix), axis=1)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        breaks = np.flatnonzero(np.diff(np.r_[0, ok.astype(int), 0]))
        for start, stop in zip(breaks[::2], breaks[1::2]):
            run = frame.clamp(pix[start:stop])
            if len(run) < 2:
                continue
            pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
            self.add(f'<polyline points="{pts}" fill="none" stroke="{_hex(rgb)}" '
                     f'stroke-width="{_num(width)}" stroke-linejoin="round"{dash_attr}/>')

    def begin_clip(self, frame: _Frame) -> None:
        """Start the frame's content: its grid, then everything clipped to the frame."""
        self.grid(frame)
        self._clips += 1
        cid = f"frame{self._clips}"
        # inside <defs>: renderers without clipping (Qt) would otherwise paint the rect
        self.add(f'<defs><clipPath id="{cid}"><rect x="{_num(frame.x0)}" y="{_num(frame.y0)}" '
                 f'width="{_num(frame.w)}" height="{_num(frame.h)}"/></clipPath></defs>')
        self.add(f'<g clip-path="url(#{cid})">')

    def end_clip(self, frame: _Frame) -> None:
        self.add("</g>")
        bx, by, bw, bh = frame.panel
        right, bottom = frame.x0 + frame.w, frame.y0 + frame.h
        for x, y, w, h in ((bx, by, frame.x0 - bx, bh), (right, by, bx + bw - right, bh),
                           (bx, by, bw, frame.y0 - by), (bx, bottom, bw, by + bh - bottom)):
            if w > 0 and h > 0:
                self.add(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" '
                         f'height="{_num(h)}" fill="#ffffff"/>')

    @staticmethod
    def ticks(frame: _Frame) -> tuple:
        """(x values, x labels, y values, y labels) of a frame's ticks, y in data units."""
        x_ticks, x_labels = nice_ticks(*frame.x_range)
        if frame.log_y:
            lo, hi = frame.y_range
            values = list(range(math.ceil(lo), math.floor(hi) + 1))
            step = max(1, math.ceil(len(values) / 6))
            y_ticks = tuple(float(v) for v in values[::step])
            y_labels = tuple(f"1e{int(v)}" for v in y_ticks)
            y_points = [10.0 ** v for v in y_ticks]
        else:
            y_ticks, y_labels = nice_ticks(*frame.y_range)
            y_points = list(y_ticks)
        return x_ticks, x_labels, y_points, y_labels

    def grid(self, frame: _Frame) -> None:
        """Faint lines at the ticks, drawn under the data."""
        x_ticks, _, y_points, _ = self.ticks(frame)
        top, bottom = frame.y0, frame.y0 + frame.h
        left, right = frame.x0, frame.x0 + frame.w
        lines = [f"M{_num(frame.map([[v, y_points[0] if y_points else 1.0]])[0, 0])} "
                 f"{_num(top)}V{_num(bottom)}" for v in x_ticks]
        lines += [f"M{_num(left)} {_num(frame.map([[frame.x_range[0], v]])[0, 1])}"
                  f"H{_num(right)}" for v in y_points]
        if lines:
            self.add(f'<path d="{"".join(lines)}" stroke="{GRID}" stroke-width="1" fill="none"/>')

    def axes(self, frame: _Frame, x_label: str, y_label: str, title: str = "") -> None:
        """Frame, ticks with labels, axis names and a title (over the data's margins)."""
        x_ticks, x_labels, y_points, y_labels = self.ticks(frame)
        top, bottom = frame.y0, frame.y0 + frame.h
        left = frame.x0
        marks = []
        for v, label in zip(x_ticks, x_labels):
            px = frame.map([[v, y_points[0] if y_points else 1.0]])[0, 0]
            marks.append(f'<text x="{_num(px)}" y="{_num(bottom + 15)}" text-anchor="middle">'
                         f'{escape(label)}</text>')
        for v, label in zip(y_points, y_labels):
            py = frame.map([[frame.x_range[0], v]])[0, 1]
            marks.append(f'<text x="{_num(left - 5)}" y="{_num(py + 4)}" text-anchor="end">'
                         f'{escape(label)}</text>')
        self.add(f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(frame.w)}" '
                 f'height="{_num(frame.h)}" fill="none" stroke="{AXIS}" stroke-width="1"/>')
        self.add(f'<g {FONT} font-size="11" fill="{AXIS}">' + "".join(marks))
        if x_label:
            self.add(f'<text x="{_num(left + frame.w / 2)}" y="{_num(bottom + 33)}" '
                     f'text-anchor="middle">{escape(x_label)}</text>')
        if y_label:
            cx, cy = frame.panel[0] + 13, top + frame.h / 2
            self.add(f'<text x="{_num(cx)}" y="{_num(cy)}" text-anchor="middle" '
                     f'transform="rotate(-90 {_num(cx)} {_num(cy)})">{escape(y_label)}</text>')
        if title:
            self.add(f'<text x="{_num(left)}" y="{_num(top - 5)}" font-size="12" '
                     f'fill="#202020">{escape(title)}</text>')
        self.add("</g>")


def draw_plot(svg: SvgWriter, picture: PlotPicture, box) -> _Frame:
    """The centre plot in ``box`` (x, y, width, height): points, ellipses, means, axes."""
    frame = _Frame(box, picture.x_range, picture.y_range)
    svg.begin_clip(frame)
    pix = frame.map(picture.points)
    keep = np.flatnonzero(frame.inside(pix) & np.all(np.isfinite(pix), axis=1))
    # one group per colour: each circle then carries only its position
    codes = np.ascontiguousarray(picture.rgba).view(np.uint32).ravel()
    for code in np.unique(codes[keep]):
        rgba = np.array([code], dtype=np.uint32).view(np.uint8)
        members = keep[codes[keep] == code]
        circles = "".join(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{POINT_RADIUS}"/>'
                          for x, y in pix[members])
        svg.add(f'<g fill="{_hex(rgba)}" fill-opacity="{rgba[3] / 255:.3f}">{circles}</g>')
    _red_rings(svg, frame, picture.held, radius=5.5, width=1.5)  # the points they hold
    extra, halo_rgb = ELLIPSE_HALO
    for curve in picture.ellipses:  # the light bands first, as the window draws them
        if curve.banded:
            svg.polyline(frame, curve.xy, halo_rgb, curve.width + 2 * extra)
    for curve in picture.ellipses:
        svg.polyline(frame, curve.xy, curve.rgb, curve.width, curve.dash)
    for (x, y), rgb in zip(frame.map(picture.means), picture.mean_rgb):
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        # as the window's handles: a disc in the component's colour, outlined dark
        svg.add(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5.5" fill="{_hex(rgb)}" '
                f'stroke="#202020" stroke-width="1.5"/>')
    _red_rings(svg, frame, picture.rings, radius=12.0, width=2.5)  # collapsed means
    svg.end_clip(frame)
    svg.axes(frame, picture.x_label, picture.y_label, picture.title)
    return frame


def _red_rings(svg: SvgWriter, frame: _Frame, centres, radius: float, width: float) -> None:
    """Hollow red circles (pixels) round ``centres`` (n, 2) in data units, as the window's."""
    pix = frame.map(np.asarray(centres, dtype=float).reshape(-1, 2))
    circles = "".join(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}"/>'
                      for x, y in pix if math.isfinite(x) and math.isfinite(y))
    if circles:
        svg.add(f'<g fill="none" stroke="{_hex(colors.COLLAPSE_RED)}" '
                f'stroke-width="{_num(width)}">{circles}</g>')


def _marker(svg: SvgWriter, frame: _Frame, x: float, ys, rgbs) -> None:
    px = frame.map([[x, 10.0 ** frame.y_range[0] if frame.log_y else frame.y_range[0]]])[0, 0]
    svg.add(f'<path d="M{_num(px)} {_num(frame.y0)}V{_num(frame.y0 + frame.h)}" '
            f'stroke="#303030" stroke-width="1" stroke-dasharray="3 3"/>')
    for y, rgb in zip(ys, rgbs):
        p = frame.map([[x, y]])[0]
        if np.all(np.isfinite(p)):
            svg.add(f'<circle cx="{_num(p[0])}" cy="{_num(p[1])}" r="3.5" fill="{_hex(rgb)}" '
                    f'stroke="#202020" stroke-width="1"/>')


def draw_curves(svg: SvgWriter, curves: CurvesPicture, box_ll, box_cond) -> None:
    """The log-likelihood in ``box_ll`` and the condition numbers in ``box_cond``."""
    it = curves.iterations
    x_range = (float(it.min()) - 0.5, float(it.max()) + 0.5) if len(it) else (0.0, 1.0)
    t = int(np.searchsorted(it, curves.marker)) if len(it) else 0
    t = min(t, max(len(it) - 1, 0))

    ll = np.where(np.isfinite(curves.log_likelihood), curves.log_likelihood, np.nan)
    ll_range = _padded(ll)
    # +inf (a singular component on points) is drawn at the top edge: the curve shoots up
    ll = np.where(curves.log_likelihood == np.inf, ll_range[1], ll)
    frame = _Frame(box_ll, x_range, ll_range)
    svg.begin_clip(frame)
    svg.polyline(frame, np.column_stack([it, ll]), (31, 119, 180), 2.0)
    if len(it):
        _marker(svg, frame, it[t], [ll[t]], [(31, 119, 180)])
    svg.end_clip(frame)
    svg.axes(frame, "iteration", "log-likelihood", "log-likelihood")
    if len(it) and curves.log_likelihood[t] == np.inf:
        _note(svg, frame, "+inf: singular")

    logs = [np.log10(v[np.isfinite(v) & (v > 0)]) for v in curves.conditions.values()]
    logs.append(np.array([math.log10(curves.max_condition), 0.0]))
    all_logs = np.concatenate(logs)
    lo, hi = math.floor(all_logs.min()), math.ceil(all_logs.max()) + 0.3
    frame = _Frame(box_cond, x_range, (lo - 0.3, hi), log_y=True)
    svg.begin_clip(frame)
    svg.polyline(frame, [[x_range[0], curves.max_condition], [x_range[1], curves.max_condition]],
                 LIMIT_RGB, 1.0, "6 4")
    ys, rgbs = [], []
    top = 10.0 ** (hi - 0.05)  # where an infinite condition number is drawn
    for identity, values in curves.conditions.items():
        rgb = colors.component_color(identity)
        v = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        v = np.where(values == np.inf, top, v)
        svg.polyline(frame, np.column_stack([it, v]), rgb, 1.5)
        if len(it):
            ys.append(v[t])
            rgbs.append(rgb)
    if len(it):
        _marker(svg, frame, it[t], ys, rgbs)
    svg.end_clip(frame)
    svg.axes(frame, "iteration", "condition number", "condition numbers")
    limit_y = frame.map([[x_range[0], curves.max_condition]])[0, 1]
    svg.add(f'<text x="{_num(frame.x0 + frame.w - 4)}" y="{_num(limit_y + 13)}" '
            f'text-anchor="end" {FONT} font-size="10" fill="{_hex(LIMIT_RGB)}">'
            f'max_condition</text>')
    if len(it) and any(v[t] == np.inf for v in curves.conditions.values()):
        _note(svg, frame, "inf: singular")


def _note(svg: SvgWriter, frame: _Frame, words: str) -> None:
    """A short red note on the panel's title line, right-aligned: a value off the scale."""
    svg.add(f'<text x="{_num(frame.x0 + frame.w)}" y="{_num(frame.y0 - 5)}" text-anchor="end" '
            f'{FONT} font-size="11" fill="{_hex(LIMIT_RGB)}">{escape(words)}</text>')


def _padded(values) -> tuple:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else max(abs(lo) * 1e-3, 1.0)
    return lo - 0.08 * span, hi + 0.08 * span


def plot_pixels(picture: PlotPicture, xy, width: int, height: int) -> np.ndarray:
    """Where :func:`plot_svg` puts the data points ``xy`` (N, 2), in document pixels."""
    return _Frame((0, 0, width, height), picture.x_range, picture.y_range).map(xy)


def plot_svg(picture: PlotPicture, width: int = 640, height: int = 560) -> str:
    """An SVG document of the centre plot alone."""
    svg = SvgWriter(width, height)
    draw_plot(svg, picture, (0, 0, width, height))
    return svg.text()


def frame_svg(picture: PlotPicture, curves: CurvesPicture, width: int = 960,
              height: int = 540) -> str:
    """One animation frame: the centre plot on the left, the two curves stacked on its right."""
    svg = SvgWriter(width, height)
    plot_w = min(height * 1.05, width * 0.58)
    draw_plot(svg, picture, (0, 0, plot_w, height))
    rest = width - plot_w
    draw_curves(svg, curves, (plot_w, 0, rest, height / 2), (plot_w, height / 2, rest, height / 2))
    return svg.text()
