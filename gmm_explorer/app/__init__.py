"""The explorer window: a Qt (PySide6 + pyqtgraph) front end to the EM engine.

Layers inside this package, as in napari's model/view split:

- :mod:`.session` owns the engine, runs it (in a worker thread for long runs,
  see :mod:`.worker`), keeps the history and emits Qt signals;
- the views (:mod:`.scatter_view`, :mod:`.curves_view`, :mod:`.table_view`)
  take the session, connect to its signals and redraw only what changed;
- :mod:`.controls` holds the docks of widgets, whose only job is to call the
  session; :mod:`.window` assembles them with menus, keys and a status bar;
- :mod:`.launch` parses the command line and opens the window.

Views never call the engine. The pure helpers in :mod:`.geometry` and
:mod:`.colors` import no Qt widgets and are tested on their own.
"""

from gmm_explorer.app import qt_compat as _qt_compat

_qt_compat.install()
