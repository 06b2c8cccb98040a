"""Exports: the model as JSON, the history as CSV, the plot as PNG/SVG, the window as PNG,
the shown state as a reproduce script (Python for scikit-learn, or R for mclust).

:func:`history_rows` and :func:`write_history_csv` are plain Python; the image
exports need Qt. Every file is written beside its target first and moved
into place, so a failed export never leaves half a file; failures raise
``ValueError`` (a :class:`~gmm_explorer.data.DataError`) naming the file.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import asdict

from gmm_explorer.data import save_model
from gmm_explorer.app.model.reproducing import workspace_reproduction
from gmm_explorer.data.errors import DataError
from gmm_explorer.data.reproduce import write_script
from gmm_explorer.data.reproduce_python import python_script
from gmm_explorer.data.reproduce_r import r_script
from gmm_explorer.files import atomic_write

#: Columns of the history CSV before the per-component ones.
HISTORY_COLUMNS = ("iteration", "log_likelihood", "objective", "converged", "status")


def _overall_status(state) -> str:
    if state.collapse is not None:
        return f"collapsed ({state.collapse.action})"
    for s in ("singular", "degenerate"):
        if s in state.component_status:
            return s
    return "ok"


def _number(x) -> str:
    x = float(x)
    return repr(x) if math.isfinite(x) else ("inf" if x > 0 else "-inf" if x < 0 else "nan")


def history_rows(history) -> list[list[str]]:
    """The history as rows of text, a header first.

    Columns: iteration, log_likelihood, objective, converged, status (``ok``,
    ``degenerate``, ``singular`` or ``collapsed (action)``), then for each
    component k (its identity, kept for its whole life) ``weight_k``,
    ``condition_k``, ``status_k``; empty cells once a component has been removed.
    """
    K = max((int(s.component_ids.max()) + 1 for s in history), default=0)
    header = list(HISTORY_COLUMNS)
    for k in range(K):
        header += [f"weight_{k}", f"condition_{k}", f"status_{k}"]
    rows = [header]
    for s in history:
        row = [str(s.iteration), _number(s.log_likelihood), _number(s.objective),
               str(bool(s.converged)).lower(), _overall_status(s)]
        cells = [["", "", ""] for _ in range(K)]
        for k, identity in enumerate(s.component_ids):
            cells[identity] = [_number(s.weights[k]), _number(s.condition_numbers[k]),
                               s.component_status[k]]
        rows.append(row + [cell for triple in cells for cell in triple])
    return rows


def _write_atomic(path, write, suffix: str, what: str) -> None:
    """Call ``write(tmp_path)`` and move the result to ``path`` (see :mod:`gmm_explorer.files`)."""
    def checked(tmp):
        ok = write(tmp)
        if ok is False or os.path.getsize(tmp) == 0:
            raise DataError(f"could not be written: the {what} export produced nothing",
                            path=path)

    try:
        atomic_write(path, checked, suffix)
    except FileNotFoundError:
        raise DataError(f"cannot be written: its folder does not exist; create it or choose "
                        f"another path for the {what}", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be written ({exc.strerror or exc}); choose another path",
                        path=path) from None


def write_history_csv(path, history) -> None:
    """Write the history as CSV (see :func:`history_rows`)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(history_rows(history))
    text = buf.getvalue()

    def write(tmp):
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    _write_atomic(path, write, ".csv", "history")


def export_model(path, workspace, index: int | None = None) -> dict:
    """Save the shown state (or ``history[index]``) as a JSON model file.

    Uses :func:`gmm_explorer.data.save_model`; a collapsed state is refused
    with the remedies (``ValueError``).
    """
    state = workspace.state if index is None else workspace.state_at(index)
    if state is None:
        raise ValueError("there is no model yet: load or generate data first")
    settings = {k: v for k, v in asdict(workspace.model).items()}
    provenance = {"data_file": workspace.data_name, "settings": settings}
    return save_model(path, state, provenance=provenance, n_samples=len(workspace.X),
                      feature_names=list(workspace.feature_names))


def export_script(path, workspace) -> None:
    """A script that rebuilds the shown state elsewhere: R (mclust) for ``.R``, else Python."""
    rep = workspace_reproduction(workspace)
    is_r = os.path.splitext(os.fspath(path))[1].lower() == ".r"
    write_script(path, r_script(rep, workspace.X) if is_r else python_script(rep, workspace.X))


def export_plot(path, plot_widget, scale: float = 1.0) -> None:
    """Export the shown plot as PNG (``scale`` times its pixels) or SVG (by the suffix).

    The centre plot's SVG comes from our own writer
    (:mod:`~gmm_explorer.app.views.svg_picture`): one circle per point in its
    colour, strokes that render alike everywhere. Other plots (the 1-D view)
    go through Qt's SVG generator.
    """
    # Qt and pyqtgraph load here: the module's JSON and CSV exports need neither
    import pyqtgraph.exporters as pgx

    from gmm_explorer.app.model.picture import workspace_picture
    from gmm_explorer.app.views.scatter_view import CentreView
    from gmm_explorer.app.views.svg_picture import plot_svg

    suffix = os.path.splitext(os.fspath(path))[1].lower()
    item = plot_widget.getPlotItem()
    if suffix == ".svg":
        if isinstance(plot_widget, CentreView) and plot_widget.workspace.state is not None:
            width, height = max(plot_widget.width(), 480), max(plot_widget.height(), 400)
            text = plot_svg(workspace_picture(plot_widget.workspace, plot_widget),
                            width, height)

            def write_svg(tmp):
                with open(tmp, "w", encoding="utf-8") as fh:
                    fh.write(text)

            _write_atomic(path, write_svg, suffix, "plot")
            return
        _write_atomic(path, lambda tmp: render_svg(tmp, plot_widget), suffix, "plot")
        return
    if suffix != ".png":
        raise DataError("has an unknown image type; use .png or .svg", path=path)
    if not scale or scale <= 0:
        raise DataError(f"needs a positive scale, got {scale!r}", path=path)
    exporter = pgx.ImageExporter(item)
    ratio = plot_widget.devicePixelRatioF()
    width = max(int(round(item.sceneBoundingRect().width() * ratio * scale)), 16)
    exporter.parameters()["width"] = width  # sharp on high-DPI screens, or larger for print
    _write_atomic(path, lambda tmp: exporter.export(fileName=tmp), suffix, "plot")


def render_svg(path, widget) -> None:
    """Render a widget as shown into an SVG file with Qt's ``QSvgGenerator`` (vector)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(os.fspath(path))
    generator.setSize(widget.size())
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle("GMM Explorer")
    painter = QPainter(generator)
    try:
        widget.render(painter)
    finally:
        painter.end()


def export_window(path, window) -> None:
    """Save the whole window, as shown, to a PNG."""
    if os.path.splitext(os.fspath(path))[1].lower() != ".png":
        raise DataError("must end in .png for a window image", path=path)
    pixmap = window.grab()
    _write_atomic(path, lambda tmp: pixmap.save(tmp, "PNG"), ".png", "window image")
