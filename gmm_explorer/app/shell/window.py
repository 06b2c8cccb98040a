"""The main window: the centre plot, the docks, menus, keys and the status bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gmm_explorer.app import colors
from gmm_explorer.app.model.selection import ModelSelection
from gmm_explorer.app.panels.data_panel import DataPanel
from gmm_explorer.app.panels.model_panel import ModelPanel
from gmm_explorer.app.panels.run_panel import RunPanel
from gmm_explorer.app.panels.selection_panel import SelectionPanel
from gmm_explorer.app.panels.widgets import WidthKeepingScrollArea
from gmm_explorer.app.shell import preferences
from gmm_explorer.app.shell.actions import make_actions, make_menus
from gmm_explorer.app.shell.atlas_window import AtlasUi
from gmm_explorer.app.shell.atlas_window import _menu as menu_named
from gmm_explorer.app.shell.background_choice import BackgroundChoice
from gmm_explorer.app.shell.bound_window import BoundUi
from gmm_explorer.app.shell.classes_window import ClassesUi
from gmm_explorer.app.shell.animation_window import AnimationUi
from gmm_explorer.app.shell.desktop import DesktopFeatures
from gmm_explorer.app.shell.field_keys import FieldKeys
from gmm_explorer.app.shell.help_menu import HelpUi
from gmm_explorer.app.shell.lab_window import LabUi
from gmm_explorer.app.shell.labels_window import LabelsUi
from gmm_explorer.app.shell.missing_rows import MissingRowsOffer
from gmm_explorer.app.shell.presentation import Presentation
from gmm_explorer.app.shell.status_line import StatusLine
from gmm_explorer.app.views.curves_view import ConditionView, LikelihoodView
from gmm_explorer.app.views.centre_switcher import CentreSwitcher
from gmm_explorer.app.views.one_d_view import OneDView
from gmm_explorer.app.views.scatter_view import CentreView
from gmm_explorer.app.views.steady_text import FittingLabel, SteadyLabel
from gmm_explorer.app.views.table_view import ComponentTable
from gmm_explorer.data.loaders import DATA_SUFFIXES

DATA_FILTER = (f"Data files ({' '.join('*' + suffix for suffix in DATA_SUFFIXES)});;"
               "All files (*)")

TIMELINE_TIP = ("Timeline: drag to show any past iteration in every view. "
                "Stepping from a past iteration discards the later ones.")
TIMELINE_LABEL_TIP = "Shown iteration / last iteration in the history"
#: What the timeline adds once the engine thinned older states to stay within its budget.
THINNED_NOTE = "Older states thinned: replayed on demand (the history's memory budget)."
#: The right-hand docks' least width: the curves and the table stay readable, 1024 px fit.
RIGHT_DOCK_WIDTH = 270


class ExplorerWindow(StatusLine, QMainWindow):
    """GMM Explorer's main window, built around a :class:`Workspace`."""

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("GMM Explorer[*]")  # [*]: a star while edits are unsaved
        self.last_error = ""
        self.last_message = ""
        self._status_source = ""  # the last status message, whole
        self._built = False
        self._error_box = None
        self.actions_by_name = make_actions(self)
        self.missing_rows = MissingRowsOffer(self)

        self.centre = CentreView(workspace)
        self.centre_views = CentreSwitcher(workspace, self.centre, self)  # axes, pairs, PCA
        self.one_d = OneDView(workspace)  # shown instead of the scatter for one-column data
        self.timeline = QSlider(Qt.Horizontal)
        self.timeline.setToolTip(TIMELINE_TIP)
        self.timeline.setPageStep(1)
        self.timeline.valueChanged.connect(workspace.go_to)
        self.timeline_label = SteadyLabel()  # changes every Step (steady_text.py)
        self.timeline_label.setMinimumWidth(110)
        self.timeline_label.setToolTip(TIMELINE_LABEL_TIP)
        self.setCentralWidget(self._centre_widget())

        self.data_panel = DataPanel(workspace, self.open_file_dialog, self.show_error)
        self.model_panel = ModelPanel(workspace)
        self.run_panel = RunPanel(workspace, self.actions_by_name)
        self.likelihood = LikelihoodView(workspace)
        self.conditions = ConditionView(workspace)
        self.table = ComponentTable(workspace)
        self.selection = ModelSelection(workspace, self)
        self.selection_panel = SelectionPanel(self.selection, self.show_error)
        self._make_docks()
        make_menus(self)
        self._make_status_bar()

        workspace.historyChanged.connect(self._on_history_changed)
        workspace.currentChanged.connect(self._on_current_changed)
        workspace.runningChanged.connect(self._on_running_changed)
        workspace.message.connect(self.show_message)
        workspace.collapsed.connect(self._on_collapsed)
        workspace.loading.loadEnded.connect(self._on_load_ended)
        self._on_history_changed()
        self._on_current_changed(workspace.current)
        self.resize(1280, 800)
        # session files, exports, recent files, drops; then the singularity lab's
        # presets, collapse dock and marks, which decorate the views built above
        self.desktop = DesktopFeatures(self, restore_layout=False)
        self.lab_ui = LabUi(self)
        self.atlas_ui = AtlasUi(self)  # the atlas of starts: dock and menu entry
        self.bound_ui = BoundUi(self)  # EM's lower bound along a slice: dock and menu entry
        self.classes_ui = ClassesUi(self)  # known classes: dock, class colours, menu entries
        self.labels_ui = LabelsUi(self)  # File → Export labels, Predict file
        self.animation_ui = AnimationUi(self)  # File > Export > Animation: GIF or MP4 of the run
        self.help_ui = HelpUi(self, menu_named(self, "&Help"))  # after the lab's help page
        self.presentation = Presentation(self)  # F11: for projectors and small screens
        for plot in (self.centre, self.one_d):  # the plot takes the keys back from fields
            plot.setFocusPolicy(Qt.StrongFocus)
        self.field_keys = FieldKeys(self, self.shown_plot)  # after every dock is built
        self._built = True

    # ------------------------------------------------------------ layout
    def _centre_widget(self) -> QWidget:
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        self.color_mode = QComboBox()
        self.color_mode.addItems(["blended", "hard"])
        self.color_mode.setToolTip("Point colours: blended (responsibility-weighted mix of the "
                                   "component colours) or hard (the most responsible component, "
                                   "faint where unsure)")
        self.color_mode.currentTextChanged.connect(self.centre_views.set_color_mode)
        self.color_mode.currentTextChanged.connect(self.one_d.set_color_mode)
        bar.addWidget(QLabel("Colours"))
        bar.addWidget(self.color_mode)
        bar.addSpacing(12)
        self.sigma_boxes = {}
        for level in (1, 2, 3):
            box = QCheckBox(f"{level}σ")
            box.setChecked(self.centre.sigma_visible[level])
            box.setToolTip(f"Show the ellipses at {level} sigma (Mahalanobis distance {level})")
            box.toggled.connect(lambda on, lv=level: self.centre_views.set_sigma_visible(lv, on))
            bar.addWidget(box)
            self.sigma_boxes[level] = box
        self.means_box = QCheckBox("means")
        self.means_box.setChecked(True)
        self.means_box.setToolTip("Show the means as handles you can drag")
        self.means_box.toggled.connect(self.centre.set_means_visible)
        self.means_box.toggled.connect(self.one_d.set_means_visible)
        bar.addWidget(self.means_box)
        self.background = BackgroundChoice(self.centre, self)  # the Map button
        bar.addWidget(self.background.button)
        self.centre_views.viewChanged.connect(self._on_centre_view_changed)
        # asks for no width: 200,000 points must not widen the row for good
        self.drawing_note = FittingLabel()
        self.drawing_note.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.drawing_note.setStyleSheet(f"color: {self._text_color('muted')};")
        self.drawing_note.setToolTip("Above a few thousand points the plot draws a fixed random "
                                     "subsample coloured by responsibilities, over a grey "
                                     "histogram of all points, so that each step stays fast.")
        bar.addWidget(self.drawing_note, 1)

        timeline = QHBoxLayout()
        timeline.setContentsMargins(8, 2, 8, 4)
        # the view's choice here, not in the full bar above: beside the shrinkable slider
        # it costs the docks no width at 1280 x 800
        timeline.addWidget(self.centre_views.combo)
        timeline.addSpacing(10)
        timeline.addWidget(QLabel("Iteration"))
        timeline.addWidget(self.timeline, 1)
        timeline.addWidget(self.timeline_label)

        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(bar)
        self.centre_stack = QStackedWidget()  # the 2-D views (axes, pairs, PCA) or the 1-D view
        self.centre_stack.addWidget(self.centre_views.stack)
        self.centre_stack.addWidget(self.one_d)
        box.addWidget(self.centre_stack, 1)
        box.addLayout(timeline)
        w = QWidget()
        w.setLayout(box)
        self.workspace.dataChanged.connect(self._update_drawing_note)
        self.workspace.dataChanged.connect(self._choose_centre_view)
        self._update_drawing_note()
        self._choose_centre_view()
        return w

    def _choose_centre_view(self) -> None:
        """The 1-D view for one-column data, else the scatter; the scatter's options with it."""
        one_d = self.workspace.n_features == 1
        views = self.centre_views.stack  # axes pair, pairs or PCA
        if self.centre_stack.currentWidget() is (self.one_d if one_d else views):
            return  # the same kind of data: nothing to switch (new axes come here too)
        self.centre_stack.setCurrentWidget(self.one_d if one_d else views)
        why = "One-column data: no ellipses or maps to draw; the plot shows densities instead"
        for level, box in self.sigma_boxes.items():
            box.setEnabled(not one_d)
            box.setToolTip(why if one_d else
                           f"Show the ellipses at {level} sigma (Mahalanobis distance {level})")
        self.background.button.setEnabled(not one_d)
        self.background.menu.setEnabled(not one_d)
        if one_d:  # a map over the plane x against x would only mislead
            self.background.button.setToolTip(why)
        else:
            self.background.choose(self.background.mode)  # its own tooltip back

    def shown_plot(self):
        """The plot in the centre now: the axes, pairs or PCA view, or the 1-D view for one
        column."""
        shown = self.centre_stack.currentWidget()
        return self.centre_views.stack.currentWidget() if shown is self.centre_views.stack \
            else shown

    def _dock(self, title: str, widget, area, scroll: bool = False) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        if scroll:
            area_widget = WidthKeepingScrollArea()
            area_widget.setWidget(widget)
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QScrollArea.NoFrame)
            area_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
            widget = area_widget
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _make_docks(self) -> None:
        L, R = Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea
        self.docks = {
            "data": self._dock("Data", self.data_panel, L, scroll=True),
            "model": self._dock("Model", self.model_panel, L),
            "run": self._dock("Run", self.run_panel, L),
            "likelihood": self._dock("Log-likelihood", self.likelihood, R),
            "condition": self._dock("Condition numbers", self.conditions, R),
            "table": self._dock("Components", self.table.with_legend(), R),
        }
        for name in ("likelihood", "condition", "table"):  # 1024 px screens have room for this
            self.docks[name].setMinimumWidth(RIGHT_DOCK_WIDTH)
        self.resizeDocks([self.docks["data"]], [330], Qt.Horizontal)
        self.resizeDocks([self.docks["likelihood"]], [455], Qt.Horizontal)
        self.resizeDocks([self.docks["likelihood"], self.docks["condition"],
                          self.docks["table"]], [220, 220, 260], Qt.Vertical)
        self._make_selection_dock()

    def _make_selection_dock(self) -> None:
        dock = self.docks["selection"] = self._dock("Model selection", self.selection_panel,
                                                    Qt.RightDockWidgetArea)
        dock.hide()

    def show_selection(self, run: bool = False) -> None:
        """Open the Model selection dock (Ctrl+M); with ``run``, run the grid too."""
        dock = self.docks["selection"]
        if not self.tabifiedDockWidgets(dock) and not dock.isFloating():
            # a tab over the curves: the grid needs their height, not the centre's width.
            # Tabbed only once opened: a hidden tab group would still take a tab bar's height
            self.tabifyDockWidget(self.docks["likelihood"], dock)
        dock.show()
        dock.raise_()
        # most of the column's height: the table and the plot need it, the curves can wait
        self.resizeDocks([dock, self.docks["condition"], self.docks["table"]],
                         [max(self.height() - 330, 380), 150, 180], Qt.Vertical)
        if run and not self.selection.running:
            self.selection_panel.toggle_run()

    def run_selection(self, k_min: int, k_max: int) -> None:
        """Open the Model selection dock and run the grid over K from ``k_min`` to ``k_max``."""
        self.selection_panel.set_k_range(k_min, k_max)
        self.show_selection(run=True)

    # ----------------------------------------------------------- actions
    def step(self) -> None:
        """The Step button, the Right key and ``--steps``: one EM iteration."""
        self.workspace.step()

    def show_centre_view(self, name: str) -> bool:
        """Show ``"axes"``, ``"pairs"`` or ``"pca"`` in the centre (Ctrl+1/2/3);
        False (and the reason shown) when the data do not allow it."""
        try:
            self.centre_views.set_view(name)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _on_centre_view_changed(self, name: str) -> None:
        # draggable means and background maps belong to the axes view alone
        self.means_box.setEnabled(name == "axes")
        # one-column data have no maps either (see _choose_centre_view)
        self.background.button.setEnabled(name == "axes" and self.workspace.n_features > 1)

    def load_builtin(self, name: str) -> None:
        """Load a built-in dataset, reporting failures."""
        try:
            self.workspace.loading.load_builtin(name)
        except (ValueError, OSError) as exc:
            self.show_error(str(exc))

    def open_file_dialog(self) -> None:
        """Ask for a data file and open it (Ctrl+O)."""
        path, _ = QFileDialog.getOpenFileName(self, "Open data", "", DATA_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path, wait: bool = True, options=None) -> bool:
        """Open a data file in the background (progress bar, Cancel).

        ``options`` (:class:`~gmm_explorer.app.model.file_options.FileOptions`)
        say how to read and fit it. With ``wait`` the call returns when the
        load has ended, the window answering meanwhile, and says whether the
        data were replaced; on failure or Cancel the data stay and the error
        is shown. Without it, it returns at once (True: the load started).
        """
        if not self.workspace.loading.load_file(path, options):
            return False  # the user kept their edited points
        if not wait:
            return True
        return self.load_progress.wait() == "loaded"

    def _on_load_ended(self, reason: str, message: str) -> None:
        if reason == "failed":
            if not self.missing_rows.offer(message):
                self.show_error(message)
        else:
            self.show_message(message)

    def show_error(self, message: str) -> None:
        """Show an error in the status bar and a non-blocking message box."""
        self.last_error = message
        self.statusBar().showMessage(message, 15000)
        if self._error_box is None:
            self._error_box = QMessageBox(QMessageBox.Warning, "GMM Explorer", "", parent=self)
            self._error_box.setModal(False)
        self._error_box.setText(message)
        self._error_box.show()

    def _on_collapsed(self, record) -> None:
        """A collapse in one short sentence; the whole text is the tooltip (and in the
        run notes and the collapse panel)."""
        which = ", ".join(str(k) for k in record.names)
        self.show_message(f"Collapse at iteration {record.iteration}: component {which} "
                          f"singular ({record.action}). See the Collapse panel.",
                          full=record.describe())

    # --------------------------------------------------------- following
    def _on_history_changed(self) -> None:
        n = len(self.workspace.history)
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, max(n - 1, 0))
        self.timeline.setValue(max(self.workspace.current, 0))
        self.timeline.blockSignals(False)
        self._update_timeline_label()

    def _on_current_changed(self, index: int) -> None:
        self.timeline.blockSignals(True)
        self.timeline.setValue(max(index, 0))
        self.timeline.blockSignals(False)
        self._update_timeline_label()
        self._show_state_in_status_bar()

    def _text_color(self, meaning: str) -> str:
        return colors.text_color(meaning, preferences.is_dark(self.palette()))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """A new (light or dark) palette: text colours that read on it."""
        super().changeEvent(event)
        # Qt sends a palette change while the constructor builds the status bar
        if event.type() == QEvent.PaletteChange and self._built:
            self.drawing_note.setStyleSheet(f"color: {self._text_color('muted')};")
            self._on_current_changed(self.workspace.current)

    def _update_timeline_label(self) -> None:
        s = self.workspace
        last = s.history[-1].iteration if s.history else 0
        # the record's iteration: the shown state itself may be a thinned one to replay
        shown = s.history[s.current].iteration if s.history else 0
        self.timeline_label.setText(f"{shown} / {last}")
        # a long run's older states are kept as scalars and replayed when shown: say so
        note = f"\n{THINNED_NOTE}" if s.history_thinned else ""
        self.timeline.setToolTip(TIMELINE_TIP + note)
        self.timeline_label.setToolTip(TIMELINE_LABEL_TIP + note)

    def _on_running_changed(self, running: bool) -> None:
        a = self.actions_by_name["run"]
        a.setText("Pause" if running else "Run")

    def _update_drawing_note(self) -> None:
        s = self.workspace
        if s.X is None:
            self.drawing_note.setText("")
            return
        n, m = len(s.X), len(s.display_indices)
        self.drawing_note.setText(f"{n:,} points" if m == n else
                                  f"{m:,} of {n:,} points coloured")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """Offer to save edited points, then end a run cleanly before closing."""
        if not self.workspace.may_replace_data("closing the window"):
            event.ignore()
            return
        self.workspace.shutdown()
        super().closeEvent(event)
