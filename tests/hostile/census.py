"""Counts of the corpus by observed outcome, for any version of the program.

    python -m tests.hostile.census                    # this checkout
    python tests/hostile/census.py --python OTHER/.venv/bin/python --verbose

Every case runs in a fresh interpreter (``--python``: another checkout's, to count
an older version), under an address-space cap and a timeout, so that a version
that hangs or swells is counted instead of taking the census down. The corpus's
files are built here; only the runs use ``--python``. File cases are also read
by the window's loader, counted in a column of their own.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # run by path: import the corpus as the package it is
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile.corpus import CASES
    from hostile.runner import CLASSES, classify, expected_class, spawn
else:
    from .corpus import CASES
    from .runner import CLASSES, classify, expected_class, spawn


def runs():
    """(case, entry) pairs: every case at its entry, and each file case in the window."""
    pairs = [(c, c.entry) for c in CASES]
    pairs += [(c, "window") for c in CASES if c.window is not None and c.entry == "cli"]
    return pairs


def observe(case, entry, python):
    with tempfile.TemporaryDirectory(prefix="census-") as folder:
        seen = spawn(case, Path(folder), entry, python=python)
        outcome, why = classify(case, seen, Path(folder), entry)
    return case, entry, outcome, why


def table(results) -> str:
    """Markdown: outcome classes by entry."""
    main = Counter(o for c, e, o, _ in results if e != "window")
    window = Counter(o for c, e, o, _ in results if e == "window")
    lines = ["| outcome | command line, engine, sessions | window's loader | all |",
             "| --- | ---: | ---: | ---: |"]
    for name in CLASSES:
        lines.append(f"| {name} | {main[name]} | {window[name]} | {main[name] + window[name]} |")
    lines.append(f"| **runs** | {sum(main.values())} | {sum(window.values())} | "
                 f"{len(results)} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter whose gmm_explorer is counted")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true",
                        help="also list every run that did not end as it should")
    args = parser.parse_args(argv)
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda pair: observe(*pair, args.python), runs()))
    print(f"{len(CASES)} cases, {len(results)} runs, with {args.python}\n")
    print(table(results))
    wrong = [(c, e, o, w) for c, e, o, w in results if o != expected_class(c, e)]
    print(f"\n{len(results) - len(wrong)} of {len(results)} runs as expected")
    if args.verbose:
        for c, e, o, w in sorted(wrong, key=lambda r: (r[2], r[0].name)):
            print(f"  {o:20s} {c.kind:9s} {c.name} [{e}]: {' '.join(str(w).split())[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
