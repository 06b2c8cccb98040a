"""The engine's own threading: one BLAS thread per worker, chunks of N over all cores.

EM's matrix products are small (a chunk of a few thousand rows against K * D
columns), so a multi-threaded BLAS mostly starts and synchronises its threads
on every call: with OpenBLAS's default threads one step at N=1e5, K=10, D=10
took three times as long as with one. The engine therefore

- limits BLAS to one thread while it computes (:func:`one_blas_thread`, with
  threadpoolctl, the library scikit-learn uses; the caller's setting is restored
  afterwards), whatever the environment says, and
- spreads the row chunks of the E-step over a pool of worker threads
  (:class:`ChunkPool`): numpy and BLAS release the GIL in their kernels, so
  every core works and none is oversubscribed.

Results do not depend on the number of workers: the chunks are the same for
any ``n_jobs`` (they depend on N, K and D only), each worker writes its own
rows, and the per-chunk sums are added in chunk order, so the same bits come
out with 1, 2 or 8 workers.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Sequence

_lock = threading.Lock()
_controller = None  # threadpoolctl's view of the loaded BLAS libraries, made once
_pools: dict = {}  # n_jobs -> ThreadPoolExecutor, shared by every engine in the process
_users = 0  # one_blas_thread() blocks open now, in any thread
_saved: list = []  # (library, its thread count) to restore when the last block ends


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def check_n_jobs(n_jobs) -> int:
    """``n_jobs`` as a count of workers: None or -1 means every core.

    Raises
    ------
    ValueError
        Not None, -1 or a whole number >= 1.
    """
    if n_jobs is None or (isinstance(n_jobs, int) and not isinstance(n_jobs, bool)
                          and n_jobs == -1):
        return available_cores()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs={n_jobs!r} must be a whole number >= 1, or None or -1 for "
                         f"every core.")
    return n_jobs


def _blas_controller():
    """threadpoolctl's controller of the BLAS libraries loaded now (scanning them takes
    milliseconds, so it is made once; a library loaded later is found on a rescan)."""
    global _controller
    with _lock:
        if _controller is None:
            from threadpoolctl import ThreadpoolController  # loaded on the first step only

            _controller = ThreadpoolController().select(user_api="blas")
        return _controller


def rescan_blas() -> None:
    """Find BLAS libraries loaded since the first step (scipy's, say)."""
    global _controller
    with _lock:
        _controller = None


@contextmanager
def one_blas_thread():
    """BLAS runs one thread inside the block; the caller's setting is restored after.

    BLAS keeps one thread count for the whole process, so the limit is counted
    process-wide: the first block to enter sets one thread, the last to leave
    restores the setting, and engines stepping in several threads at once (the
    window's run and compare mode) all compute with one BLAS thread throughout.
    """
    global _users, _saved
    controller = _blas_controller()
    with _lock:
        if _users == 0:
            _saved = [(lib, lib.num_threads) for lib in controller.lib_controllers]
            for lib, threads in _saved:
                if threads != 1:
                    lib.set_num_threads(1)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                for lib, threads in _saved:
                    if threads != 1:
                        lib.set_num_threads(threads)
                _saved = []


def blas_limited(method):
    """Decorate an engine method to run with one BLAS thread (:func:`one_blas_thread`)."""
    @functools.wraps(method)
    def limited(*args, **kwargs):
        with one_blas_thread():
            return method(*args, **kwargs)
    return limited


def _pool(n_jobs: int) -> ThreadPoolExecutor:
    with _lock:
        pool = _pools.get(n_jobs)
        if pool is None:
            pool = _pools[n_jobs] = ThreadPoolExecutor(
                max_workers=n_jobs, thread_name_prefix="gmm-explorer-em")
        return pool


#: Below this much work per E-step (N * K * D numbers) one thread is faster: handing
#: chunks to workers costs tens of microseconds, a step at N=300 a few hundred.
MIN_SHARED_WORK = 1 << 18


class ChunkPool:
    """Runs a function over contiguous groups of chunks on ``n_jobs`` threads.

    Parameters
    ----------
    n_jobs : int
        Worker threads (1: everything on the calling thread).
    """

    def __init__(self, n_jobs: int):
        self.n_jobs = int(n_jobs)

    def map_groups(self, work: Callable[[int, int], list], n_chunks: int,
                   size: int = MIN_SHARED_WORK) -> list:
        """``work(first, stop)`` over groups of chunk indices; the results, in chunk order.

        ``work`` returns one item per chunk of its group. With one worker, one
        chunk, or less than :data:`MIN_SHARED_WORK` of work (``size``), it runs
        on the calling thread.
        """
        groups = min(self.n_jobs, n_chunks) if size >= MIN_SHARED_WORK else 1
        if groups <= 1:
            return work(0, n_chunks)
        bounds = [round(i * n_chunks / groups) for i in range(groups + 1)]
        futures = [_pool(groups).submit(work, a, b) for a, b in zip(bounds, bounds[1:])]
        results: list = []
        for future in futures:  # in chunk order, whatever finished first
            results.extend(future.result())
        return results


def chunk_bounds(n_samples: int, step: int) -> Sequence[tuple]:
    """(start, stop) of each chunk of ``step`` rows."""
    return [(start, min(n_samples, start + step)) for start in range(0, n_samples, step)]
