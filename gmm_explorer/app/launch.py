"""``gmm-explorer [DATA] [options]``: open the window.

``gmm_explorer.cli`` calls :func:`launch` for anything that is not a
headless command. Flags for scripts, docs and checks: ``--steps N`` steps
through exactly the Step button's code path, letting the window repaint
after each step; ``--screenshot PNG`` renders the window offscreen, saves
it and exits.
"""

from __future__ import annotations

import argparse
import sys

from gmm_explorer.app.presets import DEFAULT_PRESET, PRESETS, get_preset
from gmm_explorer.engine.options import COVARIANCE_TYPES

WINDOW_SIZE = (1280, 800)


def build_parser() -> argparse.ArgumentParser:
    """The window's command-line options."""
    p = argparse.ArgumentParser(
        prog="gmm-explorer",
        description="Open the GMM Explorer window: watch EM fit a Gaussian mixture, "
                    "one iteration at a time. (Headless: gmm-explorer fit|select|predict.)")
    p.add_argument("data", nargs="?", metavar="DATA",
                   help="data file to open (default: the preset's built-in data)")
    p.add_argument("--components", "-k", type=int, metavar="K",
                   help="number of components (default: the preset's)")
    p.add_argument("--covariance-type", choices=COVARIANCE_TYPES, metavar="T",
                   help="covariance type: " + ", ".join(COVARIANCE_TYPES))
    p.add_argument("--preset", default=DEFAULT_PRESET, metavar="NAME",
                   help=f"starting scene; known: {', '.join(sorted(PRESETS))} "
                        f"(default {DEFAULT_PRESET})")
    p.add_argument("--steps", type=int, default=0, metavar="N",
                   help="take N EM steps through the Step button's code path after opening")
    p.add_argument("--screenshot", metavar="PNG",
                   help="render the window offscreen, save it to PNG and exit")
    return p


def build_window(args, app=None, defer_data: bool = False):
    """Make the session and the window from parsed arguments.

    Raises ``ValueError`` (a clear message) for an unknown preset, bad
    settings or data that cannot be loaded. With ``defer_data`` a DATA file
    is not read here: the caller opens it once the window shows
    (:meth:`ExplorerWindow.open_file`, in the background).
    """
    from gmm_explorer.app.session import Session
    from gmm_explorer.app.window import ExplorerWindow

    preset = get_preset(args.preset)
    model = preset.model
    changes = {}
    if args.components is not None:
        changes["n_components"] = args.components
    if args.covariance_type is not None:
        changes["covariance_type"] = args.covariance_type
    session = Session()
    session.model = model.__class__(**{**model.engine_kwargs(), **changes})
    if args.data:
        if not defer_data:
            session.open_file(args.data)
    elif preset.engine_preset:  # a singularity-lab scene: data, settings and start
        from gmm_explorer.app.lab import lab_for

        lab_for(session).load_preset(preset.engine_preset)
        if changes:
            session.set_model(**changes)
    else:
        session.load_builtin(preset.dataset)
    window = ExplorerWindow(session)
    window.resize(*WINDOW_SIZE)
    return session, window


def launch(argv: list[str]) -> int:
    """Open the window; return the process exit status."""
    args = build_parser().parse_args(argv)
    if args.steps < 0:
        print("gmm-explorer: --steps must be >= 0", file=sys.stderr)
        return 2
    from gmm_explorer.blas import limit_blas_threads

    limit_blas_threads()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["gmm-explorer"])
    app.setApplicationName("GMM Explorer")
    try:
        # start-up does not wait for a data file: it loads once the window shows
        session, window = build_window(args, app, defer_data=True)
    except (ValueError, OSError) as exc:
        print(f"gmm-explorer: {exc}", file=sys.stderr)
        return 2
    if not args.screenshot:  # an interactive run: remembered layout, errors to a dialog + log
        from gmm_explorer.app.error_handling import install_excepthook
        from gmm_explorer.app.preferences import restore_window_state

        restore_window_state(window)
        install_excepthook()
    window.show()
    app.processEvents()
    if args.data:
        scripted = bool(args.screenshot or args.steps)
        if not window.open_file(args.data, wait=scripted) and scripted:
            print(f"gmm-explorer: {window.last_error}", file=sys.stderr)
            window.close()
            return 2
    for _ in range(args.steps):
        window.step()
        app.processEvents()
    if args.screenshot:
        app.processEvents()
        ok = window.grab().save(args.screenshot)
        window.close()
        window.deleteLater()
        app.processEvents()
        if not ok:
            print(f"gmm-explorer: could not write {args.screenshot}", file=sys.stderr)
            return 1
        return 0
    return app.exec()
