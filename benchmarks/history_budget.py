"""The history's memory budget: memory of a long run at high D with and without it, and the
time to replay a thinned iteration.

Usage::

    python benchmarks/history_budget.py [--iterations 2000] [--dim 40] [--components 10]
                                        [--budget 20e6]

Runs EM (tol 0, one thread) on K Gaussian blobs in D dimensions twice: with every state
kept (``history_budget = inf``) and under ``--budget`` bytes, and prints the Python
allocations the history holds (tracemalloc, from after the first state to the end), the full
states kept, and the time ``state_at`` takes to replay thinned iterations (cold, cached,
and scrubbing forward one by one). Not a timed test; the numbers go into README's engine
section.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.thinning import full_state_bytes


def blobs(n: int, dim: int, k: int) -> np.ndarray:
    """``n`` points in ``k`` unit-variance blobs with centres drawn at scale 3, (n, dim)."""
    rng = np.random.RandomState(0)
    centers = rng.randn(k, dim) * 3
    return np.vstack([rng.randn(n // k, dim) + c for c in centers])


def measure(X: np.ndarray, k: int, iterations: int, budget: float) -> GaussianMixtureEM:
    em = GaussianMixtureEM(k, random_state=0, n_jobs=1)
    em.history_budget = budget
    tracemalloc.start()
    em.initialize(X)
    base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    em.run(iterations, tol=0)
    seconds = time.perf_counter() - start
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    print(f"budget {budget:.3g} B: {len(em.history)} states, {em.full_states} full "
          f"({full_state_bytes(em.history[-1])} B each), history {held / 2 ** 20:.1f} MiB, "
          f"run {seconds:.1f} s")
    return em


def replay_times(em: GaussianMixtureEM) -> None:
    thinned = [i for i, s in enumerate(em.history) if s.thinned]
    if not thinned:
        print("nothing thinned")
        return
    for i in (thinned[0], thinned[len(thinned) // 2], thinned[-1]):
        em._replayed = None  # cold: nothing replayed before
        start = time.perf_counter()
        em.state_at(i)
        took = time.perf_counter() - start
        kept = max(j for j in range(i) if not em.history[j].thinned)
        print(f"  replay iteration {i} from kept {kept} ({i - kept} steps): "
              f"{took * 1000:.0f} ms")
    start = time.perf_counter()
    em.state_at(thinned[-1])
    print(f"  the same again (cached): {(time.perf_counter() - start) * 1e6:.0f} us")
    times = []
    for i in thinned[-40:]:
        start = time.perf_counter()
        em.state_at(i)
        times.append(time.perf_counter() - start)
    print(f"  scrubbing forward over 40 thinned iterations: mean {np.mean(times) * 1000:.1f} ms, "
          f"max {np.max(times) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--dim", type=int, default=40)
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=20e6)
    args = parser.parse_args()
    X = blobs(args.points, args.dim, args.components)
    measure(X, args.components, args.iterations, float("inf"))
    replay_times(measure(X, args.components, args.iterations, args.budget))


if __name__ == "__main__":
    main()
