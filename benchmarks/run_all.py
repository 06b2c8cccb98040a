"""Every benchmark the issues set goals for, in one run, as one table.

Not a test. Run with::

    QT_QPA_PLATFORM=offscreen python benchmarks/run_all.py          # about 3 minutes
    QT_QPA_PLATFORM=offscreen python benchmarks/run_all.py --quick  # engine at 1e6 D=2 only

Rows: the engine against scikit-learn at N=1e6, K=10 (D=2 and D=10, full
covariances) with its peak memory against the budget; the window's Step +
redraw against one scikit-learn iteration, start-up and event-loop lateness
during Run, at N=1e5 and 1e6. Everything runs with one BLAS thread, for both
libraries, as ``gmm-explorer`` does (``bench_engine.py --goals`` measures the
engine as a library, in the default environment). The details of each measurement are in ``bench_engine.py`` and
``bench_window.py``; the table is what README carries.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gmm_explorer.blas import limit_blas_threads  # noqa: E402

limit_blas_threads()  # before numpy loads: the window's setting, for both libraries

import bench_engine  # noqa: E402
import bench_window  # noqa: E402


def _row(what, value, goal, met):
    return f"| {what} | {value} | {goal} | {'yes' if met else '**no**'} |"


def engine_rows(d_values):
    rows = []
    for d in d_values:
        ours, theirs, peak, budget = bench_engine.bench(1_000_000, 10, d, "full", repeats=3)
        goal = 0.1 if d == 2 else 0.5
        rows.append(_row(f"engine, one iteration, N=1e6 K=10 D={d} full",
                         f"{ours * 1e3:.0f} ms vs scikit-learn {theirs * 1e3:.0f} ms: "
                         f"**{ours / theirs:.3f}**", f"<= {goal}", ours / theirs <= goal))
        rows.append(_row(f"engine peak memory, N=1e6 K=10 D={d}",
                         f"{peak / 2**20:.0f} MB of a {budget / 2**20:.0f} MB budget "
                         f"(2 X + N K floats): **{peak / budget:.2f}**", "<= 1",
                         peak <= budget))
    return rows


def window_rows(n):
    r = bench_window.run(n)
    tag = f"{n:.0e}".replace("+0", "")
    return [
        _row(f"window Step + redraw, N={tag} K=10",
             f"{r['step'] * 1e3:.0f} ms (engine {r['engine'] * 1e3:.0f} ms) vs scikit-learn "
             f"{r['sklearn'] * 1e3:.0f} ms: **{r['ratio']:.3f}**", "<= 0.25",
             r["ratio"] <= 0.25),
        _row(f"window during Run, N={tag}",
             f"longest event-loop gap **{r['max_gap'] * 1e3:.0f} ms** "
             f"(99th percentile {r['p99_gap'] * 1e3:.0f} ms; {r['iterations']} iterations "
             f"in {r['seconds']:.0f} s)", "< 100 ms", r["max_gap"] < 0.1),
        _row(f"start-up, N={tag} CSV",
             f"window painted {r['startup_window']:.2f} s; data loaded and shown "
             f"{r['startup_loaded']:.2f} s", "window < 2 s",
             r["startup_window"] < 2.0),
    ]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="engine at D=2 only")
    args = p.parse_args(argv)
    rows = engine_rows((2,) if args.quick else (2, 10))
    for n in (100_000, 1_000_000):
        rows += window_rows(n)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Machine: {bench_engine.machine()}")
    print()
    print("| measure | measured | goal | met |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"Peak resident memory of this benchmark process (1e6 points in the window and in "
          f"scikit-learn): {peak_rss:.0f} MB.")


if __name__ == "__main__":
    main()
