"""What the centre plot draws under the points: the background's choice and its maps.

:class:`Backgrounds` follows the workspace's shown state and the plot's
range, and recomputes the maps (:mod:`~gmm_explorer.app.model.density_grid`)
only when one of them changed and a map is chosen: a step costs one grid,
whatever the number of points. The view draws what it holds.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from gmm_explorer.app.model import density_grid
from gmm_explorer.app.model.density_grid import BACKGROUNDS

#: The choice for each map: what it shows, for tooltips and the README.
DESCRIPTIONS = {
    "none": "Nothing under the points.",
    "histogram": "A grey 2-D histogram of every data point, drawn when the plot colours "
                 "only a subsample (large data).",
    "density": "The shown iteration's mixture density, exact, on a 200 x 200 grid over the "
               "plot: shaded by log density, with lines around the densest regions that hold "
               "50, 90 and 99% of its mass. With more than two features it is the marginal "
               "mixture of the two shown columns (their means and 2 x 2 blocks of the "
               "covariances). A component narrower than half a grid cell (one collapsing) is drawn "
               "one cell wide.",
    "uncertainty": "The uncertainty of the assignment, as in mclust: 1 minus the largest "
                   "posterior probability of a component at each place of a 200 x 200 grid, "
                   "under the shown iteration's mixture (with more than two features, its "
                   "marginal on the two shown columns). White: one component explains the "
                   "place alone; darkest: all are equally likely (1 - 1/K). Hover a point "
                   "for its own uncertainty, from all its features.",
}


class Backgrounds(QObject):
    """The background's choice and, for the maps, the current state's grids.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace

    Signals
    -------
    changed()
        The choice or the maps changed: the view redraws.

    Attributes
    ----------
    mode : str
        One of :data:`BACKGROUNDS`.
    maps : density_grid.DensityMaps or None
        The maps of the shown state over the plot's range (None when the
        choice is not a map, or nothing is shown).
    computations : int
        Grids computed so far (tests count them).
    """

    changed = Signal()

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.mode = "histogram"
        self.maps: density_grid.DensityMaps | None = None
        self.computations = 0
        self.grid_size = density_grid.GRID_SIZE
        self._range: tuple | None = None
        self._key: tuple | None = None
        self._isolines: list | None = None
        # the maps depend on the state's parameters and the axes, not on the points; new
        # data and new axes are followed by currentChanged, with the state to draw
        workspace.currentChanged.connect(self.refresh)

    def set_mode(self, mode: str) -> None:
        """Choose the background: one of :data:`BACKGROUNDS`."""
        if mode not in BACKGROUNDS:
            raise ValueError(f"background must be one of {', '.join(BACKGROUNDS)}, got {mode!r}")
        if mode != self.mode:
            self.mode = mode
            self.refresh(force_signal=True)

    def set_range(self, x_range: tuple, y_range: tuple) -> None:
        """The plot's shown range, ``(x0, x1), (y0, y1)``, which the grid covers."""
        new = (tuple(map(float, x_range)), tuple(map(float, y_range)))
        if new != self._range:
            self._range = new
            self.refresh()

    @property
    def is_map(self) -> bool:
        """Whether the choice is one of the computed maps."""
        return self.mode in ("density", "uncertainty")

    def refresh(self, *_args, force_signal: bool = False) -> None:
        """Recompute the maps if the shown state, axes or range changed."""
        s = self.workspace
        state = s.state
        # just after new data the old fit is still shown for a moment: skip it
        fits = state is not None and max(s.axes) < state.means.shape[1]
        if not self.is_map or not fits or self._range is None:
            had = self.maps is not None
            self.maps, self._key, self._isolines = None, None, None
            if had or force_signal:
                self.changed.emit()
            return
        # the state itself, not its index: Back, the timeline and a new fit all change it
        key = (state, tuple(s.axes), self._range, self.grid_size)
        if self._key is not None and key[1:] == self._key[1:] and key[0] is self._key[0]:
            if force_signal:
                self.changed.emit()
            return
        grid = density_grid.make_grid(*self._range, size=self.grid_size)
        self.maps = density_grid.density_maps(state.weights, state.means, state.covariances,
                                              s.axes, grid)
        self._key, self._isolines = key, None
        self.computations += 1
        self.changed.emit()

    def isolines(self) -> list:
        """Segments of the density's iso-lines, one (S, 2, 2) array per mass level.

        In the order of :data:`density_grid.MASS_LEVELS`; computed once per
        maps, when first asked for. Empty without maps.
        """
        if self.maps is None:
            return []
        if self._isolines is None:
            m = self.maps
            self._isolines = [density_grid.iso_segments(m.log_density, m.grid.xs, m.grid.ys,
                                                        level) for level in m.levels]
        return self._isolines
