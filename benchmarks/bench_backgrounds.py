"""The centre plot's background maps at N=1e5, K=10: what a Step costs with each.

Not a test. Run with::

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_backgrounds.py
    QT_QPA_PLATFORM=offscreen python benchmarks/bench_backgrounds.py --n 1000000

For each background (none, density, uncertainty) it prints the median of
eight Steps through the workspace with the centre plot following them
(``processEvents()`` after each, so Qt paints), the number of grids computed
(one per shown state: the maps never look at the points), and the median
time of one map update alone (grid, iso-lines, image), which is the same for
any N.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from PySide6.QtWidgets import QApplication

from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.app.views.scatter_view import CentreView


def data(n: int, k: int = 10, seed: int = 2) -> np.ndarray:
    """``k`` stretched Gaussian blobs of ``n // k`` points each, shape (n, 2)."""
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(0.0, 1.0, (n // k, 2)) @ rng.normal(size=(2, 2))
                      + rng.normal(0.0, 8.0, 2) for _ in range(k)])


def bench(app, X: np.ndarray, mode: str, steps: int = 8) -> tuple:
    """(median Step + redraw in ms, grids computed) for one background."""
    s = Workspace()
    s.set_model(n_components=10, random_state=0)
    s.set_data(X)
    view = CentreView(s)
    view.resize(700, 600)
    view.show()
    app.processEvents()
    view.set_background(mode)
    app.processEvents()
    b = view.backgrounds
    before = b.computations
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        s.step()
        app.processEvents()
        times.append(time.perf_counter() - start)
    computed = b.computations - before
    s.shutdown()
    view.close()
    view.deleteLater()
    app.processEvents()
    return 1e3 * float(np.median(times)), computed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    args = p.parse_args()
    app = QApplication.instance() or QApplication([])
    X = data(args.n)
    for mode in ("none", "density", "uncertainty"):
        step_ms, computed = bench(app, X, mode)
        print(f"{mode:12s} Step + redraw at N={args.n:,}, K=10: median {step_ms:5.1f} ms; "
              f"grids computed in 8 steps: {computed}")
    for mode in ("density", "uncertainty"):
        s = Workspace()
        s.set_model(n_components=10, random_state=0)
        s.set_data(X)
        view = CentreView(s)
        view.resize(700, 600)
        view.set_background(mode)
        b = view.backgrounds
        times = []
        for i in range(20):
            start = time.perf_counter()
            b.set_range((-40.0 + 1e-3 * i, 40.0), (-40.0, 40.0))  # a new grid each time
            if mode == "density":
                b.isolines()
            times.append(time.perf_counter() - start)
        print(f"{mode:12s} one map update (200 x 200 grid, image, iso-lines): "
              f"median {1e3 * float(np.median(times)):.1f} ms")
        s.shutdown()
        view.deleteLater()


if __name__ == "__main__":
    main()
