"""The centre's PCA view: the data and the ellipses on the first two principal axes.

The principal axes are those of the data (centred, every row), from
``scipy.linalg.svd``; they depend on the data only, so they are computed once
per dataset. Projecting a Gaussian ``N(m, S)`` onto orthonormal axes
``V`` (D, 2) gives exactly ``N(V^T m, V^T S V)``, so the ellipses drawn here
are the exact projected components, as the axes view draws exact marginals.
When EM fits the data standardised (a file, by default), the axes are those of
the standardised data, so that a column in large units does not make PC1 alone:
points and components are divided by each column's spread ``s`` first, and a
component projects to ``N(V^T (m - c) / s, V^T D S D V)`` with ``D = diag(1/s)``.

Everything else (colours, the 1/2/3-sigma curves, hover) is the axes view's
(:class:`~gmm_explorer.app.views.scatter_view.CentreView`); this view only
changes the plane. The means cannot be dragged here (a point of the plane is
not a point of the data space), and the view redraws only while shown.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from gmm_explorer.app.views.lazy import LazyRedraw
from gmm_explorer.app.views.scatter_view import CentreView


def principal_axes(X: np.ndarray, count: int = 2) -> tuple:
    """The first principal axes of the data and the share of variance on each.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    count : int

    Returns
    -------
    centre : ndarray of shape (D,)
        The data's mean.
    axes : ndarray of shape (D, count)
        Orthonormal columns: the right singular vectors of the centred data,
        each signed so that its largest entry is positive (a fixed choice, so
        the picture does not flip between datasets of the same shape).
    explained : ndarray of shape (count,)
        Fraction of the total variance along each axis.
    """
    X = np.asarray(X, dtype=float)
    centre = X.mean(axis=0)
    _, sv, vt = scipy.linalg.svd(X - centre, full_matrices=False)
    axes = vt[:count].T
    signs = np.sign(axes[np.argmax(np.abs(axes), axis=0), np.arange(axes.shape[1])])
    axes = axes * np.where(signs == 0, 1.0, signs)
    total = float(np.sum(sv ** 2))
    explained = sv[:count] ** 2 / total if total > 0 else np.zeros(min(count, len(sv)))
    return centre, axes, explained


class PcaView(LazyRedraw, CentreView):
    """The centre plot on the data's first two principal axes.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace
    """

    def __init__(self, workspace, parent=None):
        self.data_mean = np.zeros(0)
        self.data_scale = np.zeros(0)  # each column's divisor: its spread, or 1
        self._axes_of = None  # (data, standardised?) the axes were computed for
        self.pc_axes = np.zeros((0, 2))
        self.explained = np.zeros(2)
        super().__init__(workspace, parent)
        workspace.settingsChanged.connect(self._on_settings_changed)
        self.means_visible = False
        self.handles.hide()
        self.setToolTip("The data and the components projected onto the data's first two "
                        "principal axes (exactly: N(V^T m, V^T S V)).\nHover a point to read "
                        "its responsibilities; scroll to zoom.")

    # --------------------------------------------------------- the plane
    def on_data_changed(self) -> None:
        """New data: the principal axes, then the axes view's own update."""
        if self.deferred("data"):
            return
        self._find_axes()
        super().on_data_changed()

    def _find_axes(self) -> None:
        s = self.workspace
        self._axes_of = (s.X, s.standardize)
        if s.X is not None and s.X.shape[1] >= 2:
            scale = np.std(s.X, axis=0) if s.standardize else np.ones(s.X.shape[1])
            self.data_scale = np.where(scale > 0, scale, 1.0)
            self.data_mean, self.pc_axes, self.explained = principal_axes(s.X / self.data_scale)
            self.data_mean = self.data_mean * self.data_scale
        else:
            self.data_mean, self.pc_axes, self.explained = np.zeros(0), np.zeros((0, 2)), np.zeros(2)
            self.data_scale = np.zeros(0)

    def _on_settings_changed(self) -> None:
        """Standardise toggled: the axes of the data in the units EM now fits in."""
        s = self.workspace
        if self._axes_of is not None and self._axes_of != (s.X, s.standardize):
            self.on_data_changed()

    def on_current_changed(self, index: int) -> None:
        """The shown state changed: redraw now if shown, else when shown."""
        if self.deferred("current"):
            return
        super().on_current_changed(index)

    def _usable(self) -> bool:
        return self.pc_axes.shape[0] >= 2 and self.workspace.X is not None \
            and self.workspace.X.shape[1] == self.pc_axes.shape[0]

    def plane_points(self) -> np.ndarray:
        s = self.workspace
        if not self._usable():
            return np.zeros((0, 2))
        return np.column_stack(self.plane_columns(s.X[s.display_indices]))

    def plane_columns(self, X: np.ndarray) -> tuple:
        if not self._usable() or X.shape[1] != self.pc_axes.shape[0]:
            return np.zeros(0), np.zeros(0)
        # (X - c) / s @ V as X @ (V / s) - (c / s) @ V: (N, 2) temporaries, not (N, D) ones
        # (160 MB at a million points of ten features, on every Fit view)
        V = self.pc_axes / self.data_scale[:, None]
        projected = X @ V - self.data_mean @ V
        return projected[:, 0], projected[:, 1]

    def axis_labels(self) -> tuple:
        if not self._usable():
            return ()
        which = "standardised variance" if self.workspace.standardize else "variance"
        return tuple(f"PC{i + 1} ({100 * e:.1f}% of the {which})"
                     for i, e in enumerate(self.explained))

    def plane_gaussians(self, state) -> tuple:
        """``V^T (m - c)`` and ``V^T S V`` of each component, shapes (K, 2), (K, 2, 2)."""
        if not self._usable() or state.means.shape[1] != self.pc_axes.shape[0]:
            k = state.n_components
            return np.full((k, 2), np.nan), np.zeros((k, 2, 2))
        V = self.pc_axes / self.data_scale[:, None]  # D V: the spread divided out first
        means2 = (state.means - self.data_mean) @ V
        covs2 = np.einsum("di,kde,ej->kij", V, state.covariances, V)
        return means2, covs2

    def set_means_visible(self, visible: bool) -> None:
        """The means are not handles here: a plane point is no point of the data space."""
        self.means_visible = False
        self.handles.hide()

    def update_handles(self) -> None:
        self.handles.hide()

    def _on_handle_dropped(self, k: int, pos) -> None:
        pass  # never shown, so never dropped
