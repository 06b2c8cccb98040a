"""The centre's choice of view: one pair of axes, all pairs, or the principal plane.

:class:`CentreSwitcher` holds the three views in a ``QStackedWidget`` (one
shown; the hidden ones wait, see :mod:`~gmm_explorer.app.views.lazy`), a
combo box for the window to place (beside the timeline), and forwards the display options (point
colours, sigma levels) to every view, so that switching shows the same
choices. With fewer than three features, pairs and PCA add nothing to the
axes view (one pair; a rotation of it) and are disabled.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QStackedWidget

from gmm_explorer.app.views.pairs_view import PairsView
from gmm_explorer.app.views.pca_view import PcaView

#: The views by name, in the combo's order, with their titles.
VIEWS = {"axes": "Axes pair", "pairs": "Pairs", "pca": "PCA"}
#: Features needed by the views beyond the axes view.
MIN_FEATURES = 3

_TIPS = {
    "axes": "Two data columns (chosen in the Data panel) with the components' exact marginal "
            "ellipses and draggable means",
    "pairs": "Every pair of features in a grid (up to 10): points, marginal ellipses and, on "
             "the diagonal, histograms with the components' densities",
    "pca": "The data and the components projected exactly onto the data's first two "
           "principal axes",
}


class CentreSwitcher(QObject):
    """The centre's three views and the choice between them.

    Parameters
    ----------
    workspace : gmm_explorer.app.model.workspace.Workspace
    axes_view : gmm_explorer.app.views.scatter_view.CentreView
        The window's axes view (it keeps its own extras: handles, maps, marks).

    Signals
    -------
    viewChanged(str)
        The shown view's name (a key of :data:`VIEWS`).
    """

    viewChanged = Signal(str)

    def __init__(self, workspace, axes_view, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.views = {"axes": axes_view, "pairs": PairsView(workspace), "pca": PcaView(workspace)}
        self.stack = QStackedWidget()
        for view in self.views.values():
            self.stack.addWidget(view)
        self.combo = QComboBox()
        for i, (name, title) in enumerate(VIEWS.items()):
            self.combo.addItem(title, name)
            self.combo.setItemData(i, _TIPS[name], Qt.ToolTipRole)
        self.combo.setToolTip("What the centre shows: one pair of columns (Ctrl+1), every pair "
                              "(Ctrl+2) or the first two principal components (Ctrl+3)")
        self.combo.activated.connect(lambda i: self.set_view(self.combo.itemData(i)))
        self.views["pairs"].pairChosen.connect(lambda *_: self.set_view("axes"))
        workspace.dataChanged.connect(self._on_data_changed)
        self._on_data_changed()

    @property
    def current(self) -> str:
        """The shown view's name."""
        return self.combo.itemData(self.combo.currentIndex())

    @property
    def pairs(self) -> PairsView:
        return self.views["pairs"]

    @property
    def pca(self) -> PcaView:
        return self.views["pca"]

    def available(self, name: str) -> bool:
        """Whether view ``name`` can be shown for the current data."""
        return name == "axes" or self.workspace.n_features >= MIN_FEATURES

    def set_view(self, name: str) -> None:
        """Show view ``name`` (``"axes"``, ``"pairs"`` or ``"pca"``).

        Raises ``ValueError`` for an unknown name, or for pairs and PCA on
        data with fewer than three features.
        """
        if name not in VIEWS:
            raise ValueError(f"unknown centre view {name!r}; choose one of "
                             + ", ".join(VIEWS))
        if not self.available(name):
            raise ValueError(f"the {VIEWS[name]} view needs at least {MIN_FEATURES} features; "
                             f"these data have {self.workspace.n_features}: use the axes view")
        self.combo.setCurrentIndex(list(VIEWS).index(name))
        self.stack.setCurrentWidget(self.views[name])
        self.viewChanged.emit(name)

    def set_color_mode(self, mode: str) -> None:
        """Point colours in every view: ``"blended"`` or ``"hard"``."""
        for view in self.views.values():
            view.set_color_mode(mode)

    def set_sigma_visible(self, level: int, visible: bool) -> None:
        """Ellipses at ``level`` sigma in every view."""
        for view in self.views.values():
            view.set_sigma_visible(level, visible)

    def _on_data_changed(self) -> None:
        model = self.combo.model()
        for i, name in enumerate(VIEWS):
            model.item(i).setEnabled(self.available(name))
        if not self.available(self.current):
            self.set_view("axes")
