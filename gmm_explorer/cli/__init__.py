"""The ``gmm-explorer`` command.

``gmm-explorer fit|select|predict ...`` run the engine headless (see
:mod:`gmm_explorer.cli.run`: the parser in :mod:`~gmm_explorer.cli.parser`,
one module per command); anything else opens the window (see
:mod:`gmm_explorer.app.shell.launch`).

Importing this package loads neither numpy nor Qt: :func:`main` first asks
for one BLAS thread (which must happen before numpy loads), then imports
the headless commands or the window, and only the one it runs, so the
headless commands never load Qt.
"""

from __future__ import annotations

import sys

HEADLESS_COMMANDS = ("fit", "select", "predict")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Imports below are inside the function for start-up: BLAS threads are limited
    # before numpy loads, and a headless command never pays for Qt (nor the window
    # for the commands).
    from gmm_explorer.blas import limit_blas_threads

    limit_blas_threads()
    if argv and argv[0] in HEADLESS_COMMANDS:
        from gmm_explorer.cli.run import run_command

        return run_command(argv)
    from gmm_explorer.app.shell.launch import launch

    return launch(argv)


if __name__ == "__main__":
    sys.exit(main())
