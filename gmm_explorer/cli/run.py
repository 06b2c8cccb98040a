"""The headless commands: ``gmm-explorer fit | select | predict``.

``fit`` fits a mixture to a data file and writes a model file
(:mod:`~gmm_explorer.cli.fit`), ``select`` prints BIC, AIC and ICL for a range of
component counts and covariance types (:mod:`~gmm_explorer.cli.select`), and
``predict`` labels the rows of a data file with a saved model
(:mod:`~gmm_explorer.cli.predict`). They need numpy and scipy only: nothing
here imports Qt.

Exit status:

- 0: done.
- 2: bad input: a data or model file that cannot be used, or bad arguments.
  One line ``error: <file>: <what is wrong and what to do>`` on stderr.
- 3: every start collapsed (a covariance became singular and stayed so:
  always under ``--on-collapse stop``, possibly under ``continue``), so there
  is no sound model to write.
- 1: an internal error (a bug): one line naming a log file that holds the
  traceback (see :mod:`~gmm_explorer.cli.crash`); please report it with that file.
- 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import re
import sys
import warnings

from gmm_explorer.cli.common import (
    EXIT_COLLAPSE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CollapseError, Log,
    UsageError,
)
from gmm_explorer.cli.crash import write_crash_log, write_warnings_log
from gmm_explorer.cli.fit import cmd_fit
from gmm_explorer.cli.parser import build_parser, columns_took_the_data, swallowed_data_file
from gmm_explorer.cli.predict import cmd_predict
from gmm_explorer.cli.select import cmd_select
from gmm_explorer.data import DataError, LoadCancelled

COMMANDS = {"fit": cmd_fit, "select": cmd_select, "predict": cmd_predict}


def _columns_words(argv) -> list:
    """The words the last ``--columns`` (or an abbreviation such as ``--col``) took, as
    argparse takes them: up to the next option, a negative number or ``-`` being words."""
    starts = [i for i, word in enumerate(argv)
              if word.startswith("--col") and "--columns".startswith(word)]
    if not starts:
        return []
    words = []
    for word in argv[starts[-1] + 1:]:
        if word.startswith("-") and word != "-" and not _NEGATIVE.match(word):
            break
        words.append(word)
    return words


_NEGATIVE = re.compile(r"^-\d+$|^-\d*\.\d+$")  # argparse's own test of a negative number


def run_command(argv, stdout=None, stderr=None) -> int:
    """Run ``gmm-explorer fit|select|predict ...`` and return the exit status.

    ``argv`` starts with the command's name (``["fit", "data.csv", "-k", "2"]``).
    """
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    argv = list(argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        text = str(exc)
        if argv and argv[0] in COMMANDS:
            text = text.replace("`gmm-explorer --help`", f"`gmm-explorer {argv[0]} --help`")
            swallowed = swallowed_data_file(_columns_words(argv))
            if "required: DATA" in text and swallowed:
                text = columns_took_the_data(swallowed, f"gmm-explorer {argv[0]}")
        err.write(f"error: {text}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    if args.command is None:
        err.write("error: give a command: fit, select or predict (see `gmm-explorer --help`)\n")
        return EXIT_USAGE
    args.argv = argv
    # Warnings go to a log file, not stderr: numpy's RuntimeWarnings say nothing the user
    # can act on. The filters are left alone, so an "error" filter (as the tests set)
    # still turns one into an exception, which the boundary below reports.
    with warnings.catch_warnings(record=True) as caught:
        status = _run(args, out, err)
    write_warnings_log(caught, argv)
    return status


def _run(args, out, err) -> int:
    """Run the parsed command; each way it can fail is one ``error:`` line and a status."""
    log = Log(err, quiet=args.quiet, verbose=args.verbose)
    try:
        return COMMANDS[args.command](args, out, log)
    except DataError as exc:
        log.clear()
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except UsageError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except CollapseError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_COLLAPSE
    except LoadCancelled as exc:
        err.write(f"error: {exc}\n")
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        err.write("\nerror: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `gmm-explorer predict ... | head`: the reader left; not an error.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except MemoryError:
        log.clear()
        err.write(f"error: {args.data}: this machine ran out of memory within the budgets; "
                  "lower them (GMM_EXPLORER_MAX_VALUES, GMM_EXPLORER_MAX_FEATURES), or use "
                  "fewer rows, columns, components or starts\n")
        return EXIT_USAGE
    except OSError as exc:  # the disk or the system refused: the user's to fix
        log.clear()
        err.write(f"error: {exc.filename or args.data}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    except Exception as exc:  # a bug: one line here, the traceback in a file
        log.clear()
        where = write_crash_log(exc, args.argv)
        detail = f"; the traceback is in {where}" if where else ""
        what = " ".join(str(exc).split())[:200]
        err.write(f"error: internal error ({type(exc).__name__}: {what}){detail}; please "
                  "report it with that file\n")
        return EXIT_INTERNAL
