"""One EM iteration of the engine against one of scikit-learn, interleaved in one run.

For each configuration both start from the same parameters; the script then
alternates one engine ``step()`` with one scikit-learn iteration (its own
``_e_step`` followed by ``_m_step``, exactly the body of its fit loop), or with
``--block B`` turns of B iterations of each (as in a run of EM, where a step
follows a step), and reports the median times, their ratio, and the engine's
peak memory during a run against the budget ``2 * X.nbytes + N * K * 8``.

Usage::

    python benchmarks/bench_engine.py            # the full grid (several minutes)
    python benchmarks/bench_engine.py --quick    # N up to 1e5
    python benchmarks/bench_engine.py --only 100000,10,2,full
    python benchmarks/bench_engine.py --goals    # the threading goals, in one table
    python benchmarks/bench_engine.py --goals --one-blas-thread
    python benchmarks/bench_engine.py --goals --block 5    # second timing: turns of five

``--goals`` times each case twice in one run: in turns of about half a second
of each library's iterations, each turn starting EM again from the shared start
(``--turn``; the goal's column: in a run of EM a step follows a step), and
alternating single iterations (or ``--block``). The
two differ because OpenBLAS's threads spin for about 0.1 s after each
multi-threaded call (measured here: a 300 x 300 product, then 0.1 s of CPU
during a sleep). Alternating, every engine step shares the second core with
scikit-learn's spinning BLAS thread: at N = 1e5, D = 2 steps took 4.7 ms for the
0.1 s after ten scikit-learn iterations and 2.8 ms after it.

By default both libraries run in the default environment (a library user's:
OpenBLAS picks its own thread count); the engine limits BLAS to one thread
while it computes and spreads its chunks over ``--jobs`` worker threads (default
every core). ``--one-blas-thread`` sets OPENBLAS_NUM_THREADS=1 before numpy
loads, as ``gmm-explorer`` itself does, for the second row of README's table.
"""

from __future__ import annotations

import os
import sys

if "--one-blas-thread" in sys.argv:  # before numpy loads, or it is too late
    for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_name] = "1"

import argparse  # noqa: E402  (after the thread settings, which must precede numpy)
import gc  # noqa: E402
import itertools  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from gmm_explorer.engine import GaussianMixtureEM  # noqa: E402

TYPES = ("full", "tied", "diag", "spherical")


#: Each library's turn in the goals' timing, in seconds, and how many turns each takes.
TURN_SECONDS = 0.5
TURNS = 5


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


def peak_memory(X, k, covariance_type, weights, means, covariances, steps=2, n_jobs=None):
    """Peak traced bytes while the engine initialises and steps, X included."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    em = GaussianMixtureEM(k, covariance_type=covariance_type, n_jobs=n_jobs)
    em.initialize(X, weights, means, covariances)
    for _ in range(steps):
        em.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak + X.nbytes  # X was allocated before tracing started


def bench(n, k, d, covariance_type, repeats, n_jobs=None, block=1, turn=None, turns=TURNS):
    """Median seconds per iteration of each library.

    Without ``turn``: ``repeats`` iterations of each, in alternating blocks of
    ``block`` (1: single iterations alternate). With ``turn`` (seconds): ``turns``
    turns of each library, each about ``turn`` seconds of iterations in a row, and
    each starting EM again from the shared start, so that every turn times the
    iterations a run of EM begins with (how much a step costs depends on where EM
    is: at N = 1e5, D = 10 the expanded form turned itself off at iteration 46).
    After a multi-threaded BLAS call OpenBLAS's threads spin for about 0.1 s
    (measured here), so with single iterations every engine step shares a core
    with scikit-learn's spinning BLAS threads; in turns most steps do not.
    """
    X, weights, means, covariances = make_data(n, k, d)
    em = GaussianMixtureEM(k, covariance_type=covariance_type, n_jobs=n_jobs)
    em.initialize(X, weights, means, covariances)
    gm = sklearn_model(X, covariance_type, weights, means, covariances)
    if turn is None:
        rounds, ours_block, theirs_block = max(1, repeats // block), block, block
    else:
        rounds = turns
        ours_block = _iterations_in(turn, em.step)
        theirs_block = _iterations_in(turn, lambda: sklearn_iteration(gm, X))
    ours, theirs = [], []
    for _ in range(rounds):
        if turn is not None:  # from the start again, untimed
            em.initialize(X, weights, means, covariances)
        for _ in range(ours_block):
            start = time.perf_counter()
            em.step()
            ours.append(time.perf_counter() - start)
        if turn is not None:
            # made just before its own turn: its fit's multi-threaded BLAS calls leave
            # spinning threads that would take the engine's second core
            gm = sklearn_model(X, covariance_type, weights, means, covariances)
        for _ in range(theirs_block):
            start = time.perf_counter()
            sklearn_iteration(gm, X)
            theirs.append(time.perf_counter() - start)
    budget = 2 * X.nbytes + n * k * 8
    peak = peak_memory(X, k, covariance_type, weights, means, covariances, n_jobs=n_jobs)
    return statistics.median(ours), statistics.median(theirs), peak, budget


def _iterations_in(seconds, iteration):
    """How many calls of ``iteration`` fill about ``seconds`` (from two timed calls)."""
    times = []
    for _ in range(2):
        start = time.perf_counter()
        iteration()
        times.append(time.perf_counter() - start)
    return max(1, math.ceil(seconds / min(times)))


def bench_jobs(n, k, d, covariance_type, repeats, jobs, turn=None):
    """Median engine step time for each of ``jobs`` worker counts.

    Single steps alternate, or with ``turn`` (seconds) each worker count runs
    about that long in each of ``repeats`` turns (an idle second core can take
    milliseconds to wake on a VM, which alternating steps pay every time).
    """
    X, weights, means, covariances = make_data(n, k, d)
    engines = {}
    for n_jobs in jobs:
        em = GaussianMixtureEM(k, covariance_type=covariance_type, n_jobs=n_jobs)
        em.initialize(X, weights, means, covariances)
        engines[n_jobs] = em
    blocks = {n_jobs: 1 if turn is None else _iterations_in(turn, em.step)
              for n_jobs, em in engines.items()}
    times = {n_jobs: [] for n_jobs in jobs}
    for _ in range(repeats):
        for n_jobs, em in engines.items():
            if turn is not None:  # from the start again, untimed, as in bench()
                em.initialize(X, weights, means, covariances)
            for _ in range(blocks[n_jobs]):
                start = time.perf_counter()
                em.step()
                times[n_jobs].append(time.perf_counter() - start)
    return {n_jobs: statistics.median(t) for n_jobs, t in times.items()}


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    from threadpoolctl import threadpool_info

    blas = ", ".join(f"{lib['internal_api']} {lib['num_threads']} threads"
                     for lib in threadpool_info() if lib["user_api"] == "blas")
    setting = os.environ.get("OPENBLAS_NUM_THREADS") or "default"
    return (f"{cpu}, {os.cpu_count()} cores, numpy {np.__version__}, "
            f"Python {platform.python_version()}, BLAS: {blas} "
            f"(OPENBLAS_NUM_THREADS {setting})")


#: The threading goals: (N, K, D, type, goal for engine / scikit-learn).
GOALS = [(100_000, 10, 2, "full", 0.05), (100_000, 10, 10, "full", 0.25),
         (1_000_000, 10, 2, "full", 0.05), (100_000, 10, 10, "diag", 0.3),
         (100_000, 10, 10, "spherical", 0.3), (300, 3, 2, "full", 0.5)]


def goals(n_jobs, block=1, turn=TURN_SECONDS):
    """The table of the threading goals, one line each, and n_jobs=2 against 1 at N=1e6.

    Each case is timed twice: in turns of about ``turn`` seconds of each library
    (the goal's column) and alternating turns of ``block`` iterations (single
    iterations by default; see :func:`bench` for why the two differ).
    """
    print(f"| case | engine ms | scikit-learn ms | ratio, turns of {turn} s | "
          f"ratio, turns of {block} iteration(s) | goal | met | peak / (X + N K) |")
    print("|---|---|---|---|---|---|---|---|")
    for n, k, d, t, goal in GOALS:
        # medians of many: a shared VM's neighbours come and go within a run
        repeats = 11 if n >= 1_000_000 else (1000 if n < 1000 else 41)
        alternating, theirs_alternating, _, _ = bench(n, k, d, t, repeats, n_jobs, block)
        ours, theirs, peak, _ = bench(n, k, d, t, repeats, n_jobs, turn=turn)
        X_and_resp = n * d * 8 + n * k * 8
        ratio = ours / theirs
        print(f"| N={n:.0e}, K={k}, D={d}, {t} | {ours * 1e3:.2f} | {theirs * 1e3:.2f} | "
              f"{ratio:.3f} | {alternating / theirs_alternating:.3f} | <= {goal} | "
              f"{'yes' if ratio <= goal else 'no'} | {peak / X_and_resp:.2f} |", flush=True)
    alternating = bench_jobs(1_000_000, 10, 2, "full", 21, (1, 2))
    times = bench_jobs(1_000_000, 10, 2, "full", TURNS, (1, 2), turn)
    ratio = times[2] / times[1]
    print(f"| N=1e+06, K=10, D=2, full: n_jobs=2 / n_jobs=1 | {times[2] * 1e3:.1f} | "
          f"{times[1] * 1e3:.1f} (n_jobs=1) | {ratio:.3f} | "
          f"{alternating[2] / alternating[1]:.3f} | <= 0.6 | "
          f"{'yes' if ratio <= 0.6 else 'no'} | |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only N = 1e4 and 1e5")
    parser.add_argument("--only", help="one configuration: N,K,D,TYPE")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--goals", action="store_true", help="the threading goals only")
    parser.add_argument("--jobs", type=int, default=None,
                        help="the engine's worker threads (default: every core)")
    parser.add_argument("--one-blas-thread", action="store_true",
                        help="OPENBLAS_NUM_THREADS=1 for both libraries (set before numpy)")
    parser.add_argument("--block", type=int, default=1,
                        help="iterations each library runs in a row before the other's turn "
                             "(default 1: single iterations alternate)")
    parser.add_argument("--turn", type=float, default=TURN_SECONDS,
                        help="with --goals: seconds of each library's iterations per turn "
                             f"(default {TURN_SECONDS})")
    args = parser.parse_args(argv)
    if args.goals:
        print(f"Machine: {machine()}")
        print()
        goals(args.jobs, args.block, args.turn)
        return
    if args.only:
        parts = args.only.split(",")
        if len(parts) != 4 or parts[3] not in TYPES:
            parser.error(f"--only is N,K,D,TYPE with TYPE one of {', '.join(TYPES)}; "
                         f"got {args.only!r}")
        n, k, d, t = parts
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
        ours, theirs, peak, budget = bench(n, k, d, t, repeats, args.jobs, args.block)
        print(f"| {n:.0e} | {k} | {d} | {t} | {ours * 1e3:.1f} | {theirs * 1e3:.1f} | "
              f"{ours / theirs:.3f} | {peak / 2**20:.0f} | {budget / 2**20:.0f} | "
              f"{peak / budget:.2f} |", flush=True)


if __name__ == "__main__":
    main()
