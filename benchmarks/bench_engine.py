"""One EM iteration of the engine against one of scikit-learn, interleaved in one run.

For each configuration both start from the same parameters; the script then
alternates one engine ``step()`` with one scikit-learn iteration (its own
``_e_step`` followed by ``_m_step``, exactly the body of its fit loop) and
reports the median times, their ratio, and the engine's peak memory during a
run against the budget ``2 * X.nbytes + N * K * 8``.

Usage::

    python benchmarks/bench_engine.py            # the full grid (several minutes)
    python benchmarks/bench_engine.py --quick    # N up to 1e5
    python benchmarks/bench_engine.py --only 100000,10,2,full

Both libraries run with single-threaded BLAS (set below before numpy loads,
unless the environment already says otherwise): their matrix products are
small, and on a two-core machine a second BLAS thread mostly waits, which
made both several times slower and the ratio noisy.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402  (after the thread settings, which must precede numpy)
import gc  # noqa: E402
import itertools  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from gmm_explorer.engine import GaussianMixtureEM  # noqa: E402

TYPES = ("full", "tied", "diag", "spherical")


def make_data(n, k, d, seed=0):
    """K blobs in D dimensions, and a start shared by both implementations."""
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-10, 10, size=(k, d))
    X = centers[rng.randint(k, size=n)] + rng.randn(n, d)
    means = X[rng.choice(n, k, replace=False)]
    return X, np.full(k, 1.0 / k), means, np.array([np.eye(d)] * k)


def sklearn_model(X, covariance_type, weights, means, covariances):
    from sklearn.mixture import GaussianMixture

    inverse = np.linalg.inv(covariances)
    precisions = {"full": inverse, "tied": inverse[0],
                  "diag": np.diagonal(inverse, axis1=1, axis2=2),
                  "spherical": inverse[:, 0, 0]}[covariance_type]
    gm = GaussianMixture(len(weights), covariance_type=covariance_type, max_iter=1, tol=0,
                         weights_init=weights, means_init=means, precisions_init=precisions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
    return gm


def sklearn_iteration(gm, X):
    _, log_resp = gm._e_step(X)
    gm._m_step(X, log_resp)


def peak_memory(X, k, covariance_type, weights, means, covariances, steps=2):
    """Peak traced bytes while the engine initialises and steps, X included."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    em = GaussianMixtureEM(k, covariance_type=covariance_type)
    em.initialize(X, weights, means, covariances)
    for _ in range(steps):
        em.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak + X.nbytes  # X was allocated before tracing started


def bench(n, k, d, covariance_type, repeats):
    X, weights, means, covariances = make_data(n, k, d)
    em = GaussianMixtureEM(k, covariance_type=covariance_type)
    em.initialize(X, weights, means, covariances)
    gm = sklearn_model(X, covariance_type, weights, means, covariances)
    ours, theirs = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        em.step()
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        sklearn_iteration(gm, X)
        theirs.append(time.perf_counter() - start)
    budget = 2 * X.nbytes + n * k * 8
    peak = peak_memory(X, k, covariance_type, weights, means, covariances)
    return statistics.median(ours), statistics.median(theirs), peak, budget


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    return (f"{cpu}, {os.cpu_count()} cores, numpy {np.__version__}, "
            f"Python {platform.python_version()}, BLAS threads {threads}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only N = 1e4 and 1e5")
    parser.add_argument("--only", help="one configuration: N,K,D,TYPE")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    if args.only:
        n, k, d, t = args.only.split(",")
        grid = [(int(float(n)), int(k), int(d), t)]
    else:
        sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
        grid = list(itertools.product(sizes, (3, 10), (2, 10), TYPES))
    print(f"Machine: {machine()}")
    print()
    print("| N | K | D | type | engine ms | scikit-learn ms | ratio | peak MB | budget MB | peak / budget |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, k, d, t in grid:
        repeats = args.repeats or (3 if n >= 1_000_000 else 7)
        ours, theirs, peak, budget = bench(n, k, d, t, repeats)
        print(f"| {n:.0e} | {k} | {d} | {t} | {ours * 1e3:.1f} | {theirs * 1e3:.1f} | "
              f"{ours / theirs:.3f} | {peak / 2**20:.0f} | {budget / 2**20:.0f} | "
              f"{peak / budget:.2f} |", flush=True)


if __name__ == "__main__":
    main()
