"""What a picture of one iteration shows, as plain numbers (no Qt).

A :class:`PlotPicture` is the centre plot of one state: the drawn points and
their colours, the ellipses' closed curves, the means, the axes' range and
names. :class:`CurvesPicture` is the log-likelihood and the condition numbers
over a run, with a marker at one iteration. The SVG writer
(:mod:`gmm_explorer.app.views.svg_picture`) draws them; the animation export
draws one per frame. Building them from numbers rather than from pyqtgraph's
items keeps every picture exact (one vector mark per point) and lets frames be
made off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gmm_explorer.app import colors, geometry

#: Stroke width (picture pixels) and dash pattern of the ellipses at 1, 2 and 3 sigma,
#: as the centre plot draws them.
SIGMA_STYLES = {1: (2.0, ""), 2: (1.0, "6 4"), 3: (1.0, "1.5 3")}
#: The dashes of a degenerate component's red ellipse (a singular one's is solid), and the
#: red ellipses' widths at 1 and 2 sigma.
COLLAPSE_DASH = "9 5"
COLLAPSE_WIDTHS = {1: 3.0, 2: 2.0}
#: A light band under the solid (1-sigma) ellipses, this many pixels wider on each side,
#: and its RGB: on dense points of a component's own colour its curve would otherwise
#: vanish. Opaque, not antialiased, and none under the dashed curves: a translucent band
#: under every curve cost 3.5 ms a Step at 1e5 points, Qt stroking it many times slower.
ELLIPSE_HALO = (1.5, (255, 255, 255))


@dataclass(frozen=True)
class Curve:
    """One closed or open polyline in data units: ``xy`` (P, 2), RGB, width, dash, and
    whether it lies on a light band (:data:`ELLIPSE_HALO`), as the window's solid
    component ellipses do."""

    xy: np.ndarray
    rgb: tuple
    width: float = 1.0
    dash: str = ""
    banded: bool = False


@dataclass(frozen=True)
class PlotPicture:
    """The centre plot of one state.

    Attributes
    ----------
    points : ndarray of shape (M, 2)
        The drawn points on the shown axes.
    rgba : ndarray of shape (M, 4), uint8
        Each point's colour (blended or hard, as the window draws it).
    ellipses : tuple of Curve
        Drawn back to front (3 sigma first, so 1 sigma is on top).
    means : ndarray of shape (K, 2)
    mean_rgb : tuple of RGB tuples, one per component
    x_range, y_range : (float, float)
    x_label, y_label : str
    title : str
    rings : ndarray of shape (J, 2)
        The means of the degenerate and singular components, ringed in red as the
        window rings them (a component on one point is otherwise invisible).
    held : ndarray of shape (P, 2)
        The drawn points those components hold (largest responsibility, above 1/2),
        each ringed in red.
    """

    points: np.ndarray
    rgba: np.ndarray
    ellipses: tuple
    means: np.ndarray
    mean_rgb: tuple
    x_range: tuple
    y_range: tuple
    x_label: str = ""
    y_label: str = ""
    title: str = ""
    rings: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    held: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))


@dataclass(frozen=True)
class CurvesPicture:
    """The log-likelihood and condition numbers of a run, marked at one iteration.

    Attributes
    ----------
    iterations : ndarray of shape (T,)
    log_likelihood : ndarray of shape (T,)
        Non-finite values (a singular component sitting on points) are left out.
    conditions : dict of int to ndarray of shape (T,)
        Each component's condition number by its identity (nan where it did not exist).
    max_condition : float
        The line above which a covariance counts as singular.
    marker : int
        The iteration marked (the frame's).
    """

    iterations: np.ndarray
    log_likelihood: np.ndarray
    conditions: dict = field(default_factory=dict)
    max_condition: float = 1e12
    marker: int = 0

    def at(self, iteration: int) -> "CurvesPicture":
        """The same curves marked at ``iteration``."""
        return replace(self, marker=int(iteration))


def padded_range(values: np.ndarray, padding: float = 0.05) -> tuple:
    """(lo, hi) of the finite ``values`` widened by ``padding`` of the span each side."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else max(abs(lo), 1.0)
    return lo - padding * span, hi + padding * span


def state_picture(state, points: np.ndarray, resp: np.ndarray, axes: tuple, *,
                  color_mode: str = "blended", sigma_visible=None, x_range=None,
                  y_range=None, names=("", ""), title: str = "",
                  gaussians=None) -> PlotPicture:
    """The centre plot of ``state`` from its responsibilities (pure, thread-safe).

    Parameters
    ----------
    state : EMState
    points : ndarray of shape (M, 2)
        The drawn points on ``axes``.
    resp : ndarray of shape (M, K)
        Their responsibilities under ``state``.
    axes : tuple of two int
        The data columns on x and y.
    color_mode : {"blended", "hard"}
    sigma_visible : dict of int to bool, optional
        Which of the 1, 2, 3 sigma ellipses to draw (default 1 and 2).
    x_range, y_range : (float, float), optional
        Default: the points' extent, padded by 5 %.
    gaussians : tuple of ndarray, optional
        Each component's 2-D mean (K, 2) and covariance (K, 2, 2) in the plot's
        plane, when that is not the two ``axes`` (the PCA view's); ``points`` are
        then in that plane too.
    """
    sigma_visible = {1: True, 2: True, 3: False} if sigma_visible is None else sigma_visible
    ids = state.component_ids
    rgba = colors.point_colors(resp, color_mode, ids=ids)
    means2, covs2 = (geometry.marginal(state.means, state.covariances, axes)
                     if gaussians is None else gaussians)
    ellipses = []
    for level in sorted(SIGMA_STYLES, reverse=True):
        if not sigma_visible.get(level, False):
            continue
        width, dash = SIGMA_STYLES[level]
        curves = geometry.ellipse_curves(means2, covs2, level)
        for k, identity in enumerate(ids):
            ellipses.append(Curve(curves[k], colors.component_color(int(identity)), width, dash,
                                  banded=not dash))
    flagged = flagged_components(state)
    ellipses += _collapse_curves(state, flagged, means2, covs2, sigma_visible)
    points = np.asarray(points, dtype=float)
    held = held_mask(resp, flagged) if len(points) else np.zeros(0, dtype=bool)
    return PlotPicture(
        points=points, rgba=rgba, ellipses=tuple(ellipses),
        means=means2, mean_rgb=tuple(colors.component_color(int(i)) for i in ids),
        x_range=tuple(x_range) if x_range is not None else padded_range(points[:, 0]),
        y_range=tuple(y_range) if y_range is not None else padded_range(points[:, 1]),
        x_label=names[0], y_label=names[1], title=title, rings=means2[flagged],
        held=points[held])


def flagged_components(state) -> list:
    """Indices of the components whose status is not ``"ok"`` (drawn in red)."""
    return [k for k, status in enumerate(state.component_status) if status != "ok"]


def held_mask(resp, components) -> np.ndarray:
    """Which points ``components`` hold: their largest responsibility, above 1/2, is one of
    them. ``resp`` has shape (M, K); the mask (M,)."""
    resp = np.asarray(resp, dtype=float)
    if not len(components) or not resp.size:
        return np.zeros(len(resp), dtype=bool)
    return np.isin(resp.argmax(axis=1), components) & (resp.max(axis=1) > 0.5)


def collapse_levels(sigma_visible) -> list:
    """The sigma levels of a flagged component's red curves: 1 and 2 as shown, else 1."""
    return [level for level in (1, 2) if sigma_visible.get(level, False)] or [1]


def _collapse_curves(state, flagged, means2, covs2, sigma_visible) -> list:
    """Red curves over the flagged components, as the window draws them: dashed while
    degenerate, solid when singular, :data:`COLLAPSE_WIDTHS` wide."""
    if not flagged:
        return []
    out = []
    for level in sorted(collapse_levels(sigma_visible), reverse=True):
        curves = geometry.ellipse_curves(means2[flagged], covs2[flagged], level)
        for j, k in enumerate(flagged):
            dash = "" if state.component_status[k] == "singular" else COLLAPSE_DASH
            out.append(Curve(curves[j], colors.COLLAPSE_RED, COLLAPSE_WIDTHS[level], dash))
    return out


def history_curves(history, max_condition: float, marker: int = 0) -> CurvesPicture:
    """The log-likelihood and every component's condition number over ``history``."""
    iterations = np.array([s.iteration for s in history], dtype=float)
    loglik = np.array([s.log_likelihood for s in history], dtype=float)
    conditions: dict = {}
    for t, s in enumerate(history):
        for k, identity in enumerate(s.component_ids):
            row = conditions.setdefault(int(identity), np.full(len(history), np.nan))
            row[t] = s.condition_numbers[k]
    return CurvesPicture(iterations, loglik, conditions, float(max_condition), int(marker))


def workspace_picture(workspace, view=None, index: int | None = None) -> PlotPicture:
    """The centre plot of the workspace's state at ``index`` (default the shown one).

    ``view`` (the :class:`~gmm_explorer.app.views.scatter_view.CentreView`), when
    given, supplies what the window shows: the colour mode (known classes too),
    the visible ellipses, the means and the plot's range. Called on the GUI thread.
    """
    s = workspace
    index = s.current if index is None else index
    state = s.state_at(index)  # replayed where the history is thinned
    options: dict = {}
    if view is not None:
        (x0, x1), (y0, y1) = view.getPlotItem().viewRange()
        mode = view.color_mode if view.color_mode in ("blended", "hard") else "blended"
        options = dict(color_mode=mode, sigma_visible=dict(view.sigma_visible),
                       x_range=(x0, x1), y_range=(y0, y1))
    names = s.feature_names
    labels = (names[s.axes[0]], names[s.axes[1]]) if names else ("", "")
    points = s.drawn_points()
    if view is not None:  # the view's own plane: two columns, or the PCA view's axes
        points = view.plane_points()
        options["gaussians"] = view.plane_gaussians(state)
        labels = view.axis_labels() or ("", "")
    picture = state_picture(state, points, s.display_responsibilities(index), s.axes,
                            names=labels, title=f"iteration {state.iteration}", **options)
    if view is not None and view.color_mode == "class" and s.labels is not None:
        picture = replace(picture, rgba=colors.class_point_colors(s.labels[s.display_indices]))
    if view is not None and not view.means_visible:  # as the window: means hidden
        picture = replace(picture, means=np.zeros((0, 2)), mean_rgb=())
    return picture
