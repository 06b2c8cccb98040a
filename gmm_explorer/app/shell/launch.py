"""``gmm-explorer [DATA] [options]``: open the window.

``gmm_explorer.cli`` calls :func:`launch` for anything that is not a
headless command. Flags for scripts, docs and checks: ``--steps N`` steps
through exactly the Step button's code path, letting the window repaint
after each step; ``--select LO-HI`` runs the model-selection grid;
``--screenshot PNG`` renders the window offscreen (after the grid, if any),
saves it and exits; ``--animation GIF|MP4`` and ``--export-plot SVG|PNG``
likewise write the run's animation or the centre plot, without showing a window.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gmm_explorer.app.model.density_grid import BACKGROUNDS
from gmm_explorer.app.model.file_options import FileOptions
from gmm_explorer.app.model.lower_bound import SLICES as BOUND_SLICES
from gmm_explorer.app.model.presets import DEFAULT_PRESET, PRESETS, get_preset
from gmm_explorer.app.model.remedies import REMEDIES
from gmm_explorer.app.model.settings import COVARIANCE_TYPES
from gmm_explorer.app.shell.launch_checks import (SCREENSHOT_SUFFIXES, check_outputs,
                                                  near_command)
from gmm_explorer.cli.parser import (columns_took_the_data, parse_components,
                                     swallowed_data_file)

WINDOW_SIZE = (1280, 800)


def k_range(text: str) -> tuple[int, int]:
    """``"1-6"`` -> ``(1, 6)``: the model-selection grid's rows (a lone ``"4"`` is 1 to 4)."""
    counts = parse_components(text)
    if len(counts) == 1 and "-" not in text:
        return 1, counts[0]
    return counts[0], counts[-1]


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (no usage dump) and exit status 2."""

    def error(self, message):
        print(f"gmm-explorer: {message} (see `gmm-explorer --help`)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The window's command-line options."""
    p = _OneLineParser(
        prog="gmm-explorer",
        description="Open the GMM Explorer window: watch EM fit a Gaussian mixture, "
                    "one iteration at a time. (Headless: gmm-explorer fit|select|predict.)")
    p.add_argument("data", nargs="?", metavar="DATA",
                   help="data file, or .gmmx session file, to open (default: the preset's "
                        "built-in data)")
    p.add_argument("--columns", nargs="+", metavar="COLUMN",
                   help="the features to fit, by name or 0-based position (default: every "
                        "numeric column)")
    p.add_argument("--classes", metavar="COLUMN",
                   help="the column of known classes (default: the file's first text column)")
    p.add_argument("--no-standardize", dest="standardize", action="store_false",
                   help="fit a data file in its own units (default: in standardised units, "
                        "shown in the data's)")
    p.add_argument("--drop-missing", action="store_true",
                   help="drop rows with missing, non-numeric or non-finite values instead of "
                        "refusing the file")
    p.add_argument("--components", "-k", type=int, metavar="K",
                   help="number of components (default: the preset's)")
    p.add_argument("--covariance-type", choices=COVARIANCE_TYPES, metavar="T",
                   help="covariance type: " + ", ".join(COVARIANCE_TYPES))
    p.add_argument("--preset", default=DEFAULT_PRESET, metavar="NAME",
                   help=f"starting scene; known: {', '.join(sorted(PRESETS))} "
                        f"(default {DEFAULT_PRESET})")
    p.add_argument("--remedy", choices=list(REMEDIES), metavar="NAME",
                   help="with a lab preset: re-run it from its start with a remedy: "
                        + ", ".join(REMEDIES))
    p.add_argument("--steps", type=int, default=0, metavar="N",
                   help="take N EM steps through the Step button's code path after opening")
    p.add_argument("--starts", type=int, default=0, metavar="N",
                   help="open the Atlas of starts and run N starts of the model (with "
                        "--screenshot: the picture is taken when they have finished)")
    p.add_argument("--background", choices=BACKGROUNDS, metavar="MAP",
                   help="what the centre plot draws under the points: "
                        + ", ".join(BACKGROUNDS) + " (default histogram)")
    p.add_argument("--view", choices=("axes", "pairs", "pca"), metavar="VIEW",
                   help="what the centre shows: axes (two columns, the default), pairs "
                        "(every pair of features) or pca (the first two principal axes)")
    p.add_argument("--screenshot", metavar="PNG",
                   help="render the window offscreen, save it to PNG and exit")
    p.add_argument("--animation", metavar="FILE",
                   help="write the run so far (after --steps) as an animated .gif or .mp4 "
                        "and exit, without a window")
    p.add_argument("--fps", type=float, default=4.0, metavar="F",
                   help="frames (iterations) per second of --animation (default 4)")
    p.add_argument("--frame-size", type=frame_size, default=(960, 540), metavar="WxH",
                   help="pixels of each --animation frame (default 960x540)")
    p.add_argument("--export-plot", metavar="FILE",
                   help="write the centre plot as .svg (vector) or .png and exit, without "
                        "a window")
    p.add_argument("--scale", type=float, default=1.0, metavar="S",
                   help="with --export-plot FILE.png: S times the plot's pixels each way "
                        "(2 for slides, 4 for print)")
    p.add_argument("--select", type=k_range, metavar="LO-HI",
                   help="open the Model selection dock and run the grid over K from LO to HI "
                        "(with --screenshot: once it has finished)")
    p.add_argument("--lower-bound", metavar="SLICE[:ID]",
                   help="open the Lower bound dock on a slice (" + ", ".join(BOUND_SLICES)
                        + "), optionally of the component with identity ID: scale:3")
    p.add_argument("--presentation", action="store_true",
                   help="open in presentation mode (F11): larger text and points, fewer panels")
    p.add_argument("--size", type=window_size, default=WINDOW_SIZE, metavar="WxH",
                   help="the window's size in pixels, e.g. 1024x768 (default 1280x800)")
    p.add_argument("--classes-panel", action="store_true",
                   help="open the Classes dock (confusion table of the known classes against "
                        "the components, ARI, NMI) and colour the points by class")
    return p


def frame_size(text: str) -> tuple[int, int]:
    """``"960x540"`` -> ``(960, 540)``."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 960x540, got "
                                         f"{text!r}") from None
    if width < 16 or height < 16:
        raise argparse.ArgumentTypeError("the frame must be at least 16x16 pixels")
    return width, height


def window_size(text: str) -> tuple[int, int]:
    """``"1024x768"`` -> ``(1024, 768)`` (argparse shows an ArgumentTypeError's own words)."""
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit() or int(width) < 200 \
            or int(height) < 200:
        raise argparse.ArgumentTypeError(
            f"a size is WIDTHxHEIGHT in pixels, each at least 200: {text!r}")
    return int(width), int(height)


def check_arguments(args) -> None:
    """Refuse, with one line that says what to do, every window argument known to be bad
    before Qt starts (so that even without a display the real mistake is named).

    Raises ``ValueError``.
    """
    if args.steps < 0 or args.starts < 0:
        raise ValueError("--steps and --starts must be >= 0")
    if args.components is not None and args.components < 1:
        raise ValueError(f"--components must be at least 1, got {args.components}")
    preset = get_preset(args.preset)  # an unknown name: ValueError listing the known ones
    if args.remedy and not preset.engine_preset:
        raise ValueError(f"--remedy needs a lab preset (--preset seed, say); {args.preset!r} "
                         f"is not one")
    if args.data and preset.engine_preset:
        raise ValueError(f"the lab preset {args.preset!r} brings its own data; give either "
                         f"--preset {args.preset} or a data file, not both")
    swallowed = None if args.data else swallowed_data_file(args.columns)
    if swallowed:
        raise ValueError(columns_took_the_data(swallowed, "gmm-explorer"))
    if not args.data and (args.columns or args.classes or args.drop_missing
                          or not args.standardize):
        raise ValueError("--columns, --classes, --no-standardize and --drop-missing are for "
                         "a data file: give one")
    if args.lower_bound:
        bound_choice(args.lower_bound)
    if args.screenshot and Path(args.screenshot).suffix.lower() not in SCREENSHOT_SUFFIXES:
        raise ValueError(f"--screenshot {args.screenshot}: a picture is "
                         + ", ".join(SCREENSHOT_SUFFIXES) + "; end the name with one of them")
    check_outputs(args)


def file_options(args):
    """The data file's :class:`FileOptions` from the parsed flags."""
    return FileOptions(columns=tuple(args.columns) if args.columns else None, label_column=args.classes,
                       drop_missing=args.drop_missing, standardize=args.standardize)


def bound_choice(text: str) -> tuple:
    """``"scale:3"`` -> ``("scale", 3)``, ``"mean-step"`` -> ``("mean-step", None)``."""
    name, _, identity = text.partition(":")
    if name not in BOUND_SLICES:
        raise ValueError(f"--lower-bound: unknown slice {name!r}; known: "
                         + ", ".join(BOUND_SLICES))
    try:
        return name, int(identity) if identity else None
    except ValueError:
        raise ValueError(f"--lower-bound: the component after ':' must be a whole number, "
                         f"got {identity!r}") from None


def is_session(path) -> bool:
    """Whether DATA is a session file (File → Open session opens it), not data."""
    from gmm_explorer.data.session_file import is_session_file  # numpy: not for --help

    return is_session_file(path)


def build_window(args, app=None, defer_data: bool = False):
    """Make the workspace and the window from parsed arguments.

    Raises ``ValueError`` (a clear message) for an unknown preset, bad
    settings or data that cannot be loaded. With ``defer_data`` a DATA file
    is not read here: the caller opens it once the window shows
    (:meth:`ExplorerWindow.open_file`, in the background). A session file
    as DATA is opened here, as File → Open session opens it.
    """
    # Qt and the engine load here, not at import: --help and bad flags answer at once
    from gmm_explorer.app.model.workspace import Workspace
    from gmm_explorer.app.shell.window import ExplorerWindow

    check_arguments(args)
    preset = get_preset(args.preset)
    model = preset.model
    changes = {}
    if args.components is not None:
        changes["n_components"] = args.components
    if args.covariance_type is not None:
        changes["covariance_type"] = args.covariance_type
    session = bool(args.data) and is_session(args.data)
    if session and (changes or args.columns or args.classes or args.drop_missing
                    or not args.standardize):
        raise ValueError(f"{args.data} is a session file: it brings its own data and settings; "
                         f"leave out --components, --covariance-type and the data flags, and "
                         f"change them in the window once it is open")
    workspace = Workspace()
    workspace.set_model(**{**model.engine_kwargs(), **changes})
    if args.data:
        if not defer_data and not session:  # a session opens once its window exists
            workspace.loading.open_file(args.data, file_options(args))
    elif preset.engine_preset:  # a singularity-lab scene: data, settings and start

        workspace.lab.load_preset(preset.engine_preset)
        if changes:
            workspace.set_model(**changes)
        if args.remedy:
            workspace.lab.apply_remedy(args.remedy, steps=0)
    else:
        # the scene's start is for its own K and type: with others, the model's start
        workspace.loading.load_builtin(preset.dataset,
                                       start=None if changes else preset.pinned_start)
    window = ExplorerWindow(workspace)
    if session:  # the session's view state (colours, ellipses, range) is the window's
        try:
            window.desktop.load_session(args.data)
        except (ValueError, OSError):
            window.close()
            workspace.shutdown()
            raise
    if args.background:
        window.background.choose(args.background)
    window.resize(*args.size)
    if args.presentation:
        window.presentation.set_on(True)
    return workspace, window


#: Libraries Qt's X11 platform needs beyond what most desktops already have (Debian names).
_XCB_LIBRARIES = {"xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4",
                  "xcb-keysyms": "libxcb-keysyms1"}


def display_problem(environ, platform: str, screenshot: bool) -> str:
    """Why the window cannot open here, in one line with what to do, or "".

    On Linux a screenshot needs no display: Qt's offscreen platform is chosen
    (changing ``environ``), also where DISPLAY names a server that is gone or
    X11 libraries are missing, either of which would make Qt abort. Without a
    display an interactive start would abort with a core dump, so it is
    refused with a message; missing X11 libraries (a bare server with Xvfb)
    likewise.
    """
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return ""
    if screenshot:  # grab() renders the window without showing it anywhere
        environ["QT_QPA_PLATFORM"] = "offscreen"
        return ""
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return ("no display to open the window on (DISPLAY is not set); run it on a desktop, "
                "under xvfb-run, or with --screenshot PNG to save a picture instead")
    if environ.get("WAYLAND_DISPLAY"):
        return ""
    from ctypes.util import find_library  # only on Linux with X11, at start-up

    missing = [package for name, package in _XCB_LIBRARIES.items() if not find_library(name)]
    if missing:
        return (f"Qt needs the system libraries {', '.join(missing)} to open a window on X11; "
                f"install them (Debian/Ubuntu: sudo apt-get install {' '.join(missing)})")
    return ""


#: Qt's notes that say nothing a user can act on (the offscreen platform's, for pictures).
_QUIET_QT_MESSAGES = ("does not support propagateSizeHints",)


def _qt_message(_mode, _context, message: str) -> None:
    """Qt's messages on stderr, but the ones in :data:`_QUIET_QT_MESSAGES`."""
    if not any(quiet in message for quiet in _QUIET_QT_MESSAGES):
        print(message, file=sys.stderr)


def launch(argv: list[str]) -> int:
    """Open the window; return the process exit status."""
    near = near_command(argv)
    if near:
        print(f"gmm-explorer: {argv[0]!r} is neither a command nor a file; did you mean "
              f"`gmm-explorer {near}`?", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    try:
        check_arguments(args)  # before the display: the mistake itself is the news
    except ValueError as exc:
        print(f"gmm-explorer: {exc}", file=sys.stderr)
        return 2
    # a picture or animation to write needs no display, as a screenshot
    offscreen = bool(args.screenshot or args.animation or args.export_plot)
    if (args.animation or args.export_plot) and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # files only: no window flashes up
    problem = display_problem(os.environ, sys.platform, offscreen)
    if problem:
        print(f"gmm-explorer: {problem}", file=sys.stderr)
        return 2
    from gmm_explorer.blas import limit_blas_threads

    limit_blas_threads()
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(["gmm-explorer"])
    app.setApplicationName("GMM Explorer")
    try:
        # start-up does not wait for a data file: it loads once the window shows
        workspace, window = build_window(args, app, defer_data=True)
    except (ValueError, OSError) as exc:
        print(f"gmm-explorer: {exc}", file=sys.stderr)
        return 2
    if not offscreen:  # an interactive run: remembered layout, errors to a dialog + log
        from gmm_explorer.app.shell.error_handling import install_excepthook
        from gmm_explorer.app.shell.preferences import restore_window_state

        restore_window_state(window)
        install_excepthook()
    window.show()  # offscreen for pictures: the plots need their laid-out size
    app.processEvents()
    if args.data and not is_session(args.data):
        # flags that act on the file's data wait for it (else they met the empty window)
        scripted = bool(offscreen or args.steps or args.starts or args.select or args.view
                        or args.lower_bound or args.classes_panel)
        if not window.open_file(args.data, wait=scripted,
                                options=file_options(args)) and scripted:
            print(f"gmm-explorer: {window.last_error}", file=sys.stderr)
            window.close()
            return 2
    if args.view and not window.show_centre_view(args.view):
        print(f"gmm-explorer: --view: {window.last_error}", file=sys.stderr)
        window.close()
        return 2
    for _ in range(args.steps):
        window.step()
        app.processEvents()
    if args.lower_bound:
        try:
            name, identity = bound_choice(args.lower_bound)
            known = window.bound_ui.bound.identities()
            if identity is not None and identity not in known:
                raise ValueError(f"--lower-bound: no component {identity} in the shown state "
                                 f"(its components are {', '.join(map(str, known))})")
            window.bound_ui.show(name, identity)
        except ValueError as exc:
            print(f"gmm-explorer: {exc}", file=sys.stderr)
            window.close()
            return 2
        app.processEvents()
    if args.classes_panel:
        window.classes_ui.show()
        window.classes_ui.color_by_class()
        app.processEvents()
    if args.starts:
        window.atlas_ui.run(args.starts)
        if args.screenshot:
            window.atlas_ui.atlas.wait()
    if args.select:
        window.run_selection(*args.select)
        if args.screenshot:  # the picture shows the finished grid
            window.selection.wait()
    if args.animation or args.export_plot:
        status = write_pictures(args, window)
        if status or not args.screenshot:
            window.close()
            window.deleteLater()
            app.processEvents()
            return status
    if args.screenshot:
        app.processEvents()
        ok = window.grab().save(args.screenshot)
        window.close()
        window.deleteLater()
        app.processEvents()
        if not ok:
            print(f"gmm-explorer: could not write {args.screenshot}", file=sys.stderr)
            return 1
        print(f"screenshot written to {args.screenshot}")  # as the plot and animation say
        return 0
    return app.exec()


def write_pictures(args, window) -> int:
    """``--export-plot`` and ``--animation``: write them; the exit status (1 on failure)."""
    from gmm_explorer.app.model.animation import AnimationSpec
    from gmm_explorer.app.shell import exports

    if args.export_plot:
        try:
            exports.export_plot(args.export_plot, window.shown_plot(), scale=args.scale)
        except (ValueError, OSError) as exc:
            print(f"gmm-explorer: {exc}", file=sys.stderr)
            return 1
        print(f"plot written to {args.export_plot}")
    if args.animation:
        width, height = args.frame_size
        spec = AnimationSpec(args.animation, width=width, height=height, fps=args.fps)
        if not window.animation_ui.export(spec, wait=True):
            error = window.animation_ui.animation.last_error
            print(f"gmm-explorer: could not write {args.animation}: {error}" if error
                  else f"gmm-explorer: {window.last_error}", file=sys.stderr)
            return 1
        print(f"animation written to {args.animation}")
    return 0
