"""The engine's own threading: one BLAS thread per worker, chunks of N over all cores.

EM's matrix products are small (a chunk of a few thousand rows against K * D
columns), so a multi-threaded BLAS mostly starts and synchronises its threads
on every call: with OpenBLAS's default threads one step at N=1e5, K=10, D=10
took three times as long as with one. The engine therefore

- limits BLAS to one thread while it computes (:func:`one_blas_thread`; threadpoolctl,
  the library scikit-learn uses, finds the BLAS libraries; the caller's setting is
  restored afterwards), whatever the environment says, and
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
import operator
import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Callable, Sequence

import numpy as np

_lock = threading.Lock()
_controller = None  # a _ThreadSwitch per loaded BLAS library, made once
_pool_executor: ThreadPoolExecutor | None = None  # shared by every engine in the process
_pool_size = 0
_users = 0  # one_blas_thread() blocks open now (main thread only)
_saved: list = []  # (library, its thread count) to restore when the last block ends
_in_worker = threading.local()  # set in the pool's threads: nested use runs serially


def _reset_after_fork() -> None:
    """A forked child has none of the parent's threads: start the module afresh there."""
    global _lock, _controller, _pool_executor, _pool_size, _users, _saved
    _lock = threading.Lock()
    _controller, _pool_executor, _pool_size, _users, _saved = None, None, 0, 0, []


if hasattr(os, "register_at_fork"):  # POSIX only
    os.register_at_fork(after_in_child=_reset_after_fork)


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
    if n_jobs is None:
        return available_cores()
    try:
        count = None if isinstance(n_jobs, bool) else operator.index(n_jobs)
    except TypeError:
        count = None
    if count == -1:
        return available_cores()
    if count is None or count < 1:
        raise ValueError(f"n_jobs={n_jobs!r} must be a whole number >= 1, or None or -1 for "
                         f"every core.")
    return count


def _blas_controller():
    """The thread switches of the BLAS libraries loaded now (:class:`_ThreadSwitch`;
    scanning them takes milliseconds, so it is done once; a library loaded later is
    found on a rescan)."""
    global _controller
    with _lock:
        if _controller is None:
            from threadpoolctl import ThreadpoolController  # loaded on the first step only

            libraries = ThreadpoolController().select(user_api="blas").lib_controllers
            _controller = [_ThreadSwitch(lib) for lib in libraries]
        return _controller


#: (prefix, suffix) of OpenBLAS's function names in its builds (threadpoolctl's list):
#: its own, 64-bit-integer builds, and the scipy-openblas wheels numpy and scipy ship.
_OPENBLAS_AFFIXES = tuple((prefix, suffix) for prefix in ("", "scipy_")
                          for suffix in ("", "64_", "_64"))


class _ThreadSwitch:
    """Reads and sets one BLAS library's thread count.

    Every step sets the count and gives it back, four calls a library; through
    threadpoolctl's controller (the fallback) each call took about 1.8 µs of a
    small step of 180, through OpenBLAS's own functions by ctypes about 0.4.
    Those are looked up on the controller's ``dynlib``, the library's own handle
    (so another library's function cannot answer), under the names OpenBLAS's
    builds use, and trusted only when they read the count the controller reads.
    An OpenMP build (whose count is per thread) or another library keeps the
    controller's methods. The direct calls skip threadpoolctl's rule that only
    the first thread to set a count may change it; the engine sets counts from
    the main thread only (:func:`one_blas_thread`) either way.
    """

    def __init__(self, library):
        self.get, self.set = library.get_num_threads, library.set_num_threads
        direct = _openblas_functions(library)
        if direct is not None:
            self.get, self.set = direct


def _openblas_functions(library):
    """(get, set) thread-count functions of a pthreads OpenBLAS, or None."""
    if getattr(library, "internal_api", None) != "openblas" or \
            getattr(library, "threading_layer", None) != "pthreads":
        return None
    dynlib = getattr(library, "dynlib", None)
    for prefix, suffix in _OPENBLAS_AFFIXES:
        get = getattr(dynlib, f"{prefix}openblas_get_num_threads{suffix}", None)
        set_ = getattr(dynlib, f"{prefix}openblas_set_num_threads{suffix}", None)
        if get is not None and set_ is not None and get() == library.get_num_threads():
            return get, set_
    return None


def rescan_blas() -> None:
    """Find BLAS libraries loaded since the first step (scipy's, say)."""
    global _controller
    with _lock:
        _controller = None


@contextmanager
def one_blas_thread():
    """BLAS runs one thread inside the block; the caller's setting is restored after.

    Only on the main thread: OpenBLAS keeps one thread count for the whole
    process, so engines stepping in two threads would undo each other's setting
    (one giving the count back while the other computes). A block in any other
    thread changes nothing and the caller's setting applies (``gmm-explorer``
    sets one BLAS thread before numpy loads, for its worker threads). Nested
    blocks limit once; at the end each library gets back its count, unless
    someone set it otherwise meanwhile. While the main thread computes, other
    threads' BLAS calls run one thread too.
    """
    limiting = _enter()
    try:
        yield
    finally:
        if limiting:
            _leave()


def _enter() -> bool:
    """Start a block of :func:`one_blas_thread`; whether it must be ended with :func:`_leave`."""
    global _users, _saved
    if threading.current_thread() is not threading.main_thread():
        return False
    if _users == 0:
        _saved = [(lib, lib.get()) for lib in _blas_controller()]
        for lib, threads in _saved:
            if threads != 1:
                lib.set(1)
    _users += 1
    return True


def _leave() -> None:
    global _users, _saved
    _users -= 1
    if _users == 0:
        for lib, threads in _saved:
            if threads != 1 and lib.get() == 1:
                lib.set(threads)
        _saved = []


def blas_limited(method):
    """Decorate an engine method to run with one BLAS thread (:func:`one_blas_thread`;
    without a generator's context manager, which took a few microseconds a step)."""
    @functools.wraps(method)
    def limited(*args, **kwargs):
        limiting = _enter()
        try:
            return method(*args, **kwargs)
        finally:
            if limiting:
                _leave()
    return limited


def _pool(n_jobs: int) -> ThreadPoolExecutor:
    """The one pool of worker threads, grown (never shrunk) to ``n_jobs`` threads."""
    global _pool_executor, _pool_size
    with _lock:
        if _pool_executor is None or _pool_size < n_jobs:
            old = _pool_executor
            _pool_executor = ThreadPoolExecutor(max_workers=n_jobs,
                                                thread_name_prefix="gmm-explorer-em",
                                                initializer=_mark_worker)
            _pool_size = n_jobs
            if old is not None:
                old.shutdown(wait=False)  # its threads end once their tasks are done
        return _pool_executor


def _mark_worker() -> None:
    _in_worker.active = True


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
        on the calling thread. Otherwise the calling thread runs the first group
        itself while pool threads run the others: one thread fewer to wake (on a
        virtual machine a sleeping core can take milliseconds to start).
        """
        groups = min(self.n_jobs, n_chunks) if size >= MIN_SHARED_WORK else 1
        if groups <= 1 or getattr(_in_worker, "active", False):  # nested: no waiting on itself
            return work(0, n_chunks)
        bounds = [round(i * n_chunks / groups) for i in range(groups + 1)]
        # numpy's error settings are per thread: the workers take the caller's
        errors = np.geterr()
        pool = _pool(groups - 1)
        futures = [pool.submit(_with_errors, errors, work, a, b)
                   for a, b in zip(bounds[1:], bounds[2:])]
        try:
            results = list(work(bounds[0], bounds[1]))
            for future in futures:  # in chunk order, whatever finished first
                results.extend(future.result())
            return results
        finally:
            # an error (or Ctrl-C) in one group: no other group keeps writing after it
            for future in futures:
                future.cancel()
            wait(futures)


def _with_errors(errors: dict, work: Callable[[int, int], list], first: int, stop: int):
    with np.errstate(**errors):
        return work(first, stop)


@functools.lru_cache(maxsize=64, typed=True)
def chunk_bounds(n_samples: int, step: int) -> Sequence[tuple]:
    """(start, stop) of each chunk of ``step`` rows (cached: every step asks again)."""
    return tuple((start, min(n_samples, start + step)) for start in range(0, n_samples, step))
