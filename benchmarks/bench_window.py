"""The window's latency: one Step with its redraw at N=1e5, K=10, and start-up.

Not a test. Run with::

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_window.py

Step + redraw is the Step button's code path (``ExplorerWindow.step``: one
engine iteration, then every view updates) followed by ``processEvents()``,
in which Qt paints what changed (the centre plot, both curves, the table,
the status bar), as after a click. A second, pessimistic figure forces a
synchronous repaint of the whole 1280x800 window after the step. It is timed interleaved with one scikit-learn
EM iteration (one ``_e_step`` and one ``_m_step`` of a ``GaussianMixture``
on the same data and the same parameters), so both see the same machine
load; the medians and their ratio are printed. The goal is a ratio of at
most 0.25. Start-up is the wall time of ``python -m gmm_explorer DATA
--screenshot PNG`` on a CSV of 1e5 points, from process start to the saved
image (imports, loading, first EM state, first paint).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

N_SAMPLES = 100_000
K = 10
REPEATS = 15


def make_data():
    """The seed's scene scaled to 1e5 points: ten stretched blobs."""
    from gmm_explorer.engine.datasets import make_blobs

    X, _ = make_blobs(n_samples=N_SAMPLES, centers=K, cluster_std=0.5, random_state=20)
    return X @ np.random.RandomState(0).randn(2, 2)


def sklearn_iteration(X, state):
    """A callable doing one scikit-learn EM iteration from ``state``'s parameters."""
    from sklearn.mixture import GaussianMixture

    gm = GaussianMixture(n_components=K, covariance_type="full", reg_covar=1e-6,
                         weights_init=state.weights, means_init=state.means,
                         precisions_init=np.linalg.inv(state.covariances), max_iter=1, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)

    def one():
        _, log_resp = gm._e_step(X)
        gm._m_step(X, log_resp)

    return one


def bench_step(app, window, X):
    session = window.session
    sk = sklearn_iteration(X, session.state)
    ours, full, theirs, engine_only = [], [], [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        window.step()
        app.processEvents()  # the event loop's paint of what changed
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        window.step()
        window.repaint()  # pessimistic: a synchronous paint of the whole window
        app.processEvents()
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sk()
        theirs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        session.engine.step()  # the engine alone, outside the session
        engine_only.append(time.perf_counter() - t0)
        session.engine.rewind(session.current)
    return np.median(ours), np.median(full), np.median(theirs), np.median(engine_only)


def bench_startup(X):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "points.csv")
        np.savetxt(path, X, delimiter=",", header="x1,x2", comments="", fmt="%.6f")
        png = os.path.join(tmp, "shot.png")
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "gmm_explorer", path, "--components", str(K),
                            "--screenshot", png], check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from gmm_explorer.app.session import Session
    from gmm_explorer.app.window import ExplorerWindow

    app = QApplication.instance() or QApplication([])
    X = make_data()
    session = Session()
    session.model = session.model.__class__(n_components=K, reg_covar=1e-6)
    session.set_data(X, name="benchmark")
    window = ExplorerWindow(session)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.step()  # warm-up: caches, first paint
    app.processEvents()
    ours, full, theirs, engine = bench_step(app, window, X)
    print(f"N={N_SAMPLES}, K={K}, D=2, full covariances, {REPEATS} interleaved repeats (medians)")
    print(f"  Step + redraw (window):          {ours * 1e3:8.1f} ms")
    print(f"  the engine's step alone:         {engine * 1e3:8.1f} ms")
    print(f"  Step + full-window repaint:      {full * 1e3:8.1f} ms")
    print(f"  scikit-learn, one EM iteration:  {theirs * 1e3:8.1f} ms")
    print(f"  ratio (goal <= 0.25):            {ours / theirs:8.3f}"
          f"   (full-window repaint: {full / theirs:.3f})")
    window.close()
    startup = bench_startup(X)
    print(f"  start-up with 1e5 points (process start to saved screenshot): {startup:.2f} s")


if __name__ == "__main__":
    main()
