"""Soak: 10,000 EM iterations (tol 0) through the session's run worker; memory growth.

Usage::

    QT_QPA_PLATFORM=offscreen python benchmarks/soak.py [--iterations 10000] [--components 10]

Runs the seed scene (N = 1000, D = 2) with a ridge, in the worker thread
with no delay, and prints the growth of Python allocations (tracemalloc)
and of the process's resident memory (RSS) from after the first state to
the end, with the bytes held per state of the history. It then saves the
whole session to a .gmmx file and prints its size. The goal: growth under
50 MB. Not a timed test; the numbers go into README's desktop section.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc, else ru_maxrss)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iterations", type=int, default=10_000)
    p.add_argument("--components", type=int, default=10)
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    app = QCoreApplication.instance() or QCoreApplication(["soak"])
    from gmm_explorer.app.model.workspace import Workspace

    s = Workspace()
    s.set_model(n_components=args.components, reg_covar=1e-6, random_state=0,
                            on_collapse="reinitialize")
    s.loading.load_builtin("seed")
    s.set_run_settings(max_iter=args.iterations, tol=0.0, delay=0.0)
    gc.collect()
    tracemalloc.start()
    base_py = tracemalloc.get_traced_memory()[0]
    base_rss = rss_mb()
    loop = QEventLoop()
    s.runningChanged.connect(lambda running: None if running else loop.quit())
    t0 = time.perf_counter()
    s.run()
    QTimer.singleShot(30 * 60 * 1000, loop.quit)  # a safety net, never a measurement
    loop.exec()
    elapsed = time.perf_counter() - t0
    s.stop()
    app.processEvents()
    gc.collect()
    py_now, py_peak = tracemalloc.get_traced_memory()
    rss_now = rss_mb()
    n = len(s.history)
    grow_py = (py_now - base_py) / 1e6
    print(f"iterations: {s.history[-1].iteration} ({n} states, K={args.components}, "
          f"N={len(s.X)}) in {elapsed:.1f} s")
    print(f"python allocations (tracemalloc): +{grow_py:.1f} MB "
          f"(peak +{(py_peak - base_py) / 1e6:.1f} MB), {1e6 * grow_py / max(n, 1):.0f} "
          f"bytes per state")
    print(f"resident memory (RSS): {base_rss:.0f} MB -> {rss_now:.0f} MB "
          f"(+{rss_now - base_rss:.1f} MB)")
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "soak.gmmx")
        t0 = time.perf_counter()
        s.loading.save_session(path)
        t_save = time.perf_counter() - t0
        size = os.path.getsize(path) / 1e6
        other = Workspace()
        t0 = time.perf_counter()
        other.loading.open_session(path)
        t_open = time.perf_counter() - t0
        print(f"session file: {size:.1f} MB, saved in {t_save:.2f} s, opened in "
              f"{t_open:.2f} s ({len(other.history)} states)")
    ok = grow_py < 50 and rss_now - base_rss < 50
    print("goal (growth under 50 MB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
