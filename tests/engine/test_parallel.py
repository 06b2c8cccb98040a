"""The engine's own threading: the same bits for any n_jobs, one BLAS thread while it computes."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.estep import chunk_rows
from gmm_explorer.engine.parallel import ChunkPool, check_n_jobs, one_blas_thread

TYPES = ("full", "tied", "diag", "spherical")


def blobs(n=20_000, k=6, d=5, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.uniform(-8, 8, size=(k, d))
    return centers[rng.randint(k, size=n)] + rng.randn(n, d) * rng.uniform(0.5, 2.0, d)


def history(X, n_jobs, **settings):
    em = GaussianMixtureEM(n_components=6, random_state=0, n_jobs=n_jobs, **settings)
    em.initialize(X)
    em.run(max_iter=6, tol=0.0)
    return em


@pytest.mark.parametrize("covariance_type", TYPES)
def test_the_same_bits_for_any_n_jobs(covariance_type):
    X = blobs()
    # several chunks, so the workers share them
    assert len(X) > 4 * max(chunk_rows(6, 5, len(X)), chunk_rows(6, 5, len(X), expanded=True))
    runs = [history(X, n, covariance_type=covariance_type) for n in (1, 2, 4)]
    reference = runs[0]
    for em in runs[1:]:
        assert len(em.history) == len(reference.history)
        for a, b in zip(reference.history, em.history):
            for name in ("weights", "means", "covariances", "condition_numbers",
                         "effective_counts"):
                assert np.array_equal(getattr(a, name), getattr(b, name)), name
            assert a.log_likelihood == b.log_likelihood and a.objective == b.objective
        np.testing.assert_array_equal(em.predict_proba(X), reference.predict_proba(X))


def test_the_same_bits_with_the_prior_and_a_ridge():
    X = blobs(seed=1)
    one = history(X, 1, prior="conjugate", reg_covar=1e-3)
    four = history(X, 4, prior="conjugate", reg_covar=1e-3)
    assert [s.objective for s in one.history] == [s.objective for s in four.history]


def test_blas_runs_one_thread_inside_a_step_and_the_setting_comes_back():
    X = blobs(n=3000)
    seen = []
    with threadpool_limits(limits=2, user_api="blas"):
        before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
        em = GaussianMixtureEM(n_components=3, random_state=0)
        em.initialize(X)

        def record(state):
            seen.extend(lib["num_threads"] for lib in threadpool_info()
                        if lib["user_api"] == "blas")

        em.run(max_iter=2, tol=0.0, callback=record)
        after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert seen and set(seen) == {1}
    assert after == before


def test_blocks_in_several_threads_restore_once_the_last_ends():
    with threadpool_limits(limits=2, user_api="blas"):
        before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
        with one_blas_thread():
            with one_blas_thread():
                inner = {lib["num_threads"] for lib in threadpool_info()
                         if lib["user_api"] == "blas"}
            still = {lib["num_threads"] for lib in threadpool_info()
                     if lib["user_api"] == "blas"}
        after = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert inner == {1} and still == {1} and after == before


def test_groups_come_back_in_chunk_order():
    def work(first, stop):
        return list(range(first, stop))

    for n_jobs in (1, 2, 3, 8):
        assert ChunkPool(n_jobs).map_groups(work, 10) == list(range(10))
    assert ChunkPool(4).map_groups(work, 1) == [0]


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_n_jobs_must_be_a_count(bad):
    with pytest.raises(ValueError, match="n_jobs"):
        GaussianMixtureEM(n_jobs=bad)
    assert check_n_jobs(None) >= 1 and check_n_jobs(-1) == check_n_jobs(None)


def test_the_chunks_are_shared_among_worker_threads(monkeypatch):
    import threading

    from gmm_explorer.engine import estep

    names = set()
    original = estep.normalize_chunk

    def recording(*args):
        names.add(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(estep, "normalize_chunk", recording)
    history(blobs(), 2)
    # the caller runs the first group itself, a pool worker the other
    assert {name for name in names if name.startswith("gmm-explorer-em")}
    assert threading.current_thread().name in names
    names.clear()
    history(blobs(), 1)
    assert names == {threading.current_thread().name}


def test_numpy_integers_are_counts_too():
    assert check_n_jobs(np.int64(2)) == 2


def test_a_failing_group_leaves_no_worker_writing(monkeypatch):
    import threading
    import time

    from gmm_explorer.engine import estep

    X = blobs()
    em = GaussianMixtureEM(n_components=6, random_state=0, n_jobs=2)
    em.initialize(X)
    original, calls = estep.normalize_chunk, []

    def failing(*args):
        calls.append(threading.current_thread().name)
        if len(calls) == 2:
            raise MemoryError("no room")
        time.sleep(0.002)
        return original(*args)

    monkeypatch.setattr(estep, "normalize_chunk", failing)
    with pytest.raises(MemoryError):
        em.step()
    settled = len(calls)
    time.sleep(0.05)
    assert len(calls) == settled  # nothing went on writing after the step raised
    monkeypatch.setattr(estep, "normalize_chunk", original)
    em.rewind(0)
    again = em.step()
    fresh = GaussianMixtureEM(n_components=6, random_state=0, n_jobs=1)
    fresh.initialize(X)
    assert fresh.step().log_likelihood == again.log_likelihood


def test_a_forked_child_can_fit_after_the_parent_used_the_pool():
    import multiprocessing

    X = blobs()
    parent = history(X, 2).history[-1].log_likelihood
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        result = pool.apply_async(_child_fit, (X,))
        assert result.get(timeout=60) == parent


def _child_fit(X):
    return history(X, 2).history[-1].log_likelihood


def test_nested_use_runs_serially_instead_of_waiting_on_itself():
    def inner(first, stop):
        return list(range(first, stop))

    def outer(first, stop):
        return [sum(ChunkPool(2).map_groups(inner, 8, size=1 << 30))] * (stop - first)

    assert ChunkPool(2).map_groups(outer, 4, size=1 << 30) == [28] * 4


def test_workers_take_the_callers_numpy_error_settings():
    def divide(first, stop):
        return [np.float64(1.0) / np.float64(0.0) for _ in range(first, stop)]

    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            ChunkPool(2).map_groups(divide, 4, size=1 << 30)


def test_a_setting_made_meanwhile_survives_the_last_block():
    with threadpool_limits(limits=2, user_api="blas"):
        with one_blas_thread():
            threadpool_limits(limits=2, user_api="blas")  # someone else, meanwhile
        after = {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
    assert after == {2}


def test_a_block_in_another_thread_leaves_the_setting_alone():
    import threading

    # the count is the whole process's: an engine in another thread must leave it to the
    # caller, or two engines stepping in two threads would undo each other's setting
    seen = []

    def engine_thread():
        with one_blas_thread():
            seen.append({lib["num_threads"] for lib in threadpool_info()
                         if lib["user_api"] == "blas"})

    with threadpool_limits(limits=2, user_api="blas"):
        thread = threading.Thread(target=engine_thread)
        thread.start()
        thread.join()
        after = {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
    assert seen == [{2}] and after == {2}


def test_recipes_and_the_command_line_take_n_jobs():
    from gmm_explorer.engine import FitRecipe, ModelSettings, run_recipes

    X = blobs(n=8000)
    recipes = [FitRecipe(ModelSettings(n_components=3, random_state=seed), max_iter=5)
               for seed in (0, 1)]
    one = run_recipes(recipes, X, n_jobs=1)
    two = run_recipes(recipes, X, n_jobs=2)
    assert [r.state.log_likelihood for r in one] == [r.state.log_likelihood for r in two]
    assert two[0].engine.n_jobs == 2


def test_each_switch_reads_and_sets_the_library_threadpoolctl_sees():
    from gmm_explorer.engine import parallel

    switches = parallel._blas_controller()
    assert switches  # numpy's BLAS at least
    with threadpool_limits(limits=2, user_api="blas"):
        assert [switch.get() for switch in switches] == \
            [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
        for switch in switches:
            switch.set(1)
        assert {lib["num_threads"] for lib in threadpool_info()
                if lib["user_api"] == "blas"} == {1}


class _Library:
    """A stand-in for a threadpoolctl controller, counting through its methods."""

    internal_api, threading_layer, dynlib = "openblas", "pthreads", object()

    def __init__(self):
        self.count = 3

    def get_num_threads(self):
        return self.count

    def set_num_threads(self, count):
        self.count = count


@pytest.mark.parametrize("change", [{}, {"threading_layer": "openmp"},
                                    {"internal_api": "mkl"}])
def test_a_library_without_openblas_functions_keeps_the_controllers_methods(change):
    from gmm_explorer.engine.parallel import _ThreadSwitch

    library = _Library()
    for name, value in change.items():
        setattr(library, name, value)
    switch = _ThreadSwitch(library)
    switch.set(1)
    assert library.count == 1 and switch.get() == 1
