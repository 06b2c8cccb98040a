"""The explorer window: a Qt (PySide6 + pyqtgraph) front end to the EM engine.

Layers inside this package, as in napari's model/view split; data flow one way,
engine -> fits -> workspace -> views:

- :mod:`.model`: the :class:`~.model.workspace.Workspace` (the data, the current
  fit, the shown iteration; Qt signals), its :class:`~.model.runner.Runner` (the
  only owner of worker threads), loading, the lab and compare mode;
- :mod:`.views`: plots, the table and their drawing items; they take the
  workspace, connect to its signals and redraw only what changed;
- :mod:`.panels`: the docks' controls, whose only job is to call the workspace;
- :mod:`.shell`: the window, built in one place with its menus, keys and status
  bar; launch, exports and preferences.

Views never call the engine. The pure helpers in :mod:`.geometry` and
:mod:`.colors` import no Qt widgets and are tested on their own.
"""

from gmm_explorer.app import qt_compat as _qt_compat

_qt_compat.install()
