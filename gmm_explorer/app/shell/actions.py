"""The window's actions and menus: every command has a menu entry, the common ones a key.

Each action only calls a method of the window or the workspace, so a test can
do without clicking what the menu does. :func:`make_action` is the one way an
action is made (the desktop and lab parts of the window use it too).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from gmm_explorer.app.panels.data_panel import BUILTIN_DATASETS
from gmm_explorer.app.shell.pair_features import choose_pair_features

_BUILTIN_TITLES = {"seed": "Seed scene (ten stretched blobs)", "faithful": "Old Faithful",
                   "iris": "Iris"}

# the centre's views (views/centre_switcher.py), for the View menu and Ctrl+1/2/3
_CENTRE_VIEWS = [("axes", "axes pair", "Show two data columns in the centre"),
                 ("pairs", "pairs", "Show every pair of features in the centre (3 or more)"),
                 ("pca", "PCA", "Show the data on their first two principal axes "
                                "(3 or more features)")]


def make_action(window, text: str, slot, key=None, tip: str = "") -> QAction:
    """An action of ``window`` (its shortcut works anywhere in it), tooltip naming the key."""
    action = QAction(text, window)
    if key:
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.WindowShortcut)
    tip = tip or text
    action.setToolTip(f"{tip} ({QKeySequence(key).toString()})" if key else tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def make_actions(window) -> dict:
    """The main window's commands by name: open, quit, step, back, run, reset, ..."""
    ws = window.workspace
    specs = [
        ("open", "&Open data…", window.open_file_dialog, "Ctrl+O", "Load a data file"),
        ("quit", "&Quit", window.close, "Ctrl+Q", "Quit GMM Explorer"),
        ("undo", "&Undo", ws.undo.undo, "Ctrl+Z", "Undo the last point edit or model change"),
        ("redo", "&Redo", ws.undo.redo, "Ctrl+Shift+Z", "Make the last undone change again"),
        ("step", "Step ▶", window.step, Qt.Key_Right, "One EM iteration (E-step and M-step)"),
        ("back", "◀ Back", ws.step_back, Qt.Key_Left,
         "Show the previous iteration (the history is kept)"),
        ("run", "Run", ws.toggle_run, Qt.Key_Space,
         "Run EM until it converges, halts or reaches max_iter; again to pause"),
        ("reset", "Reset", ws.reset, Qt.Key_R, "Back to iteration 0 with the same start"),
        ("new_start", "New random start", ws.new_start, "Ctrl+N",
         "Start again from a new random start (the next start seed)"),
        ("generate", "&Generate data", lambda: window.data_panel.generate(), "Ctrl+G",
         "Generate data with the generator settings of the Data dock"),
        ("presentation", "&Presentation", lambda: window.presentation.toggle(), "F11",
         "Presentation mode: larger text and points, fewer panels, for a projector"),
        ("fit_view", "&Fit view", lambda: window.centre.fit_view(), "Ctrl+0",
         "Show all the points and every ellipse drawn"),
        ("selection", "Model &selection…", lambda: window.show_selection(), "Ctrl+M",
         "Open the model-selection grid: BIC, ICL or AIC for every K and covariance type"),
        ("pair_features", "Pairs &features…", lambda: choose_pair_features(window), None,
         "Choose which features (2 to 10) the pairs view shows"),
    ]
    specs += [(f"view:{name}", f"Centre: {title}", lambda checked=False, n=name:
               window.show_centre_view(n), f"Ctrl+{i + 1}", tip)
              for i, (name, title, tip) in enumerate(_CENTRE_VIEWS)]
    specs += [(f"builtin:{name}", _BUILTIN_TITLES.get(name, name),
               lambda checked=False, n=name: window.load_builtin(n), None,
               f"Load the built-in dataset {name!r}") for name in BUILTIN_DATASETS]
    actions = {name: make_action(window, text, slot, key, tip)
               for name, text, slot, key, tip in specs}
    actions["presentation"].setCheckable(True)
    return actions


def make_menus(window) -> None:
    """File, EM and View menus from the window's actions and display toggles."""
    a = window.actions_by_name
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a["open"])
    builtin = file_menu.addMenu("Built-in data")
    for name in BUILTIN_DATASETS:
        builtin.addAction(a[f"builtin:{name}"])
    file_menu.addAction(a["generate"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit_menu = bar.addMenu("E&dit")
    edit_menu.addAction(a["undo"])
    edit_menu.addAction(a["redo"])
    window.workspace.undo.changed.connect(lambda: _follow_undo(window))
    _follow_undo(window)
    em_menu = bar.addMenu("&EM")
    for name in ("step", "back", "run", "reset", "new_start"):
        em_menu.addAction(a[name])
    em_menu.addSeparator()
    em_menu.addAction(a["selection"])
    _make_view_menu(window, bar.addMenu("&View"))


def _follow_undo(window) -> None:
    """Undo and Redo name what they would do, and are greyed when there is nothing."""
    a, undo = window.actions_by_name, window.workspace.undo
    for name, can, text in (("undo", undo.can_undo(), undo.undo_text()),
                            ("redo", undo.can_redo(), undo.redo_text())):
        a[name].setEnabled(can)
        a[name].setText(f"&{name.capitalize()} {text}" if can else f"&{name.capitalize()}")


def _checkable(window, text: str, checked: bool) -> QAction:
    action = QAction(text, window, checkable=True)
    action.setChecked(checked)
    return action


def _make_view_menu(window, view_menu) -> None:
    """Colours, ellipses, means and panels, each in step with its control on screen."""
    window.color_actions = {}
    for mode in ("blended", "hard"):
        act = _checkable(window, f"{mode.capitalize()} colours", mode == "blended")
        act.triggered.connect(lambda checked=False, m=mode: window.color_mode.setCurrentText(m))
        view_menu.addAction(act)
        window.color_actions[mode] = act
    window.color_mode.currentTextChanged.connect(
        lambda m: [x.setChecked(k == m) for k, x in window.color_actions.items()])
    view_menu.addSeparator()
    toggles = [(f"Ellipses at {level}σ", box) for level, box in window.sigma_boxes.items()]
    for text, box in toggles + [("Means", window.means_box)]:
        act = _checkable(window, text, box.isChecked())
        act.toggled.connect(box.setChecked)
        box.toggled.connect(act.setChecked)
        view_menu.addAction(act)
    view_menu.addSeparator()
    _centre_view_entries(window, view_menu)
    view_menu.addSeparator()
    view_menu.addMenu(window.background.menu)
    view_menu.addAction(window.actions_by_name["fit_view"])
    view_menu.addAction(window.actions_by_name["presentation"])
    docks_menu = window.panels_menu = view_menu.addMenu("Panels")  # docks made later join it
    for dock in window.docks.values():
        docks_menu.addAction(dock.toggleViewAction())


def _centre_view_entries(window, view_menu) -> None:
    """Axes pair, pairs, PCA: checked as the centre shows them, off where the data allow none."""
    switcher = window.centre_views
    entries = {name: window.actions_by_name[f"view:{name}"] for name, _, _ in _CENTRE_VIEWS}
    for name, act in entries.items():
        act.setCheckable(True)
        act.setChecked(name == switcher.current)
        view_menu.addAction(act)
        act.triggered.connect(lambda *_: follow())  # after a refusal too: unchecked again

    features = window.actions_by_name["pair_features"]
    view_menu.addAction(features)

    def follow(*_args):
        for name, act in entries.items():
            act.setChecked(name == switcher.current)
            act.setEnabled(switcher.available(name))
        features.setEnabled(switcher.available("pairs"))

    switcher.viewChanged.connect(follow)
    window.workspace.dataChanged.connect(follow)
    follow()
