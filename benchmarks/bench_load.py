"""Loading a CSV: seconds, and the peak memory the load adds against the data's size.

Usage::

    python benchmarks/bench_load.py [--rows 1000000] [--cols 4] [--repeats 3]
                                    [--fmt %.6f] [--checkout ../other]

Writes an N x D CSV of standard normal numbers (a header, ``--fmt`` per cell) in a temporary
folder, then loads it with :func:`gmm_explorer.data.load_data` in a fresh interpreter per
repeat: the child imports the program first, then reads its own high-water mark (``VmHWM``,
as the hostile corpus's memory cases do) before and after the load, so the peak it reports is
what loading added. Prints each run and the best time, and the peak added over the array's
size (N x D float64): the hostile corpus allows at most 2 plus 8 MiB. ``--checkout`` loads with
another checkout's code (its folder first on ``sys.path``), to compare before and after in one
run. Not a timed test; the numbers go into README's benchmarks section.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = r"""
import json, sys, time
if sys.argv[2]:
    sys.path.insert(0, sys.argv[2])


def peak_kb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])


import numpy, scipy.linalg, scipy.special
import gmm_explorer.data
from gmm_explorer.data import load_data
before = peak_kb()
began = time.perf_counter()
data = load_data(sys.argv[1])
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "peak": (peak_kb() - before) << 10,
                  "shape": list(data.X.shape), "module": gmm_explorer.data.__file__}))
"""


def write_csv(path: Path, rows: int, cols: int, fmt: str) -> np.ndarray:
    """An (rows, cols) standard normal table written with a header ``x0,x1,...``."""
    X = np.random.default_rng(0).standard_normal((rows, cols))
    header = ",".join(f"x{j}" for j in range(cols))
    np.savetxt(path, X, delimiter=",", header=header, comments="", fmt=fmt)
    return X


def load_once(path: Path, checkout: str) -> dict:
    """One load in a fresh interpreter: seconds, peak added (bytes), shape, module loaded."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), checkout],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--cols", type=int, default=4)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--fmt", default="%.6f")
    p.add_argument("--checkout", default="", help="load with this checkout's code instead")
    args = p.parse_args(argv)
    checkout = os.path.abspath(args.checkout) if args.checkout else ""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        path = Path(folder) / "data.csv"
        X = write_csv(path, args.rows, args.cols, args.fmt)
        print(f"{args.rows:,} x {args.cols} CSV ({args.fmt}): {path.stat().st_size / 1e6:.1f} MB "
              f"of text, {X.nbytes / 1e6:.1f} MB as float64")
        runs = []
        for _ in range(args.repeats):
            got = load_once(path, checkout)
            assert got["shape"] == list(X.shape), got
            runs.append(got)
            print(f"  {got['seconds']:.2f} s, peak added {got['peak'] / 2**20:.1f} MiB "
                  f"({got['peak'] / X.nbytes:.2f} x the data)")
        print(f"code: {os.path.dirname(runs[0]['module'])}")
        best = min(r["seconds"] for r in runs)
        peak = max(r["peak"] for r in runs)
        print(f"best {best:.2f} s; peak added at most {peak / 2**20:.1f} MiB = "
              f"{peak / X.nbytes:.2f} x the data (the corpus allows 2 x + 8 MiB)")


if __name__ == "__main__":
    main()
