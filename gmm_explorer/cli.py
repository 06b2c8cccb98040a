"""The ``gmm-explorer`` command.

``gmm-explorer fit|select|predict ...`` run the engine headless (see
:mod:`gmm_explorer.commands`); anything else opens the window (see
:mod:`gmm_explorer.app.shell.launch`). The window's modules are imported only when
the window is wanted, so the headless commands never load Qt.
"""

from __future__ import annotations

import sys

HEADLESS_COMMANDS = ("fit", "select", "predict")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from gmm_explorer.blas import limit_blas_threads

    limit_blas_threads()  # before numpy loads, see gmm_explorer.blas
    if argv and argv[0] in HEADLESS_COMMANDS:
        from gmm_explorer.commands import run_command

        return run_command(argv)
    from gmm_explorer.app.shell.launch import launch

    return launch(argv)


if __name__ == "__main__":
    sys.exit(main())
