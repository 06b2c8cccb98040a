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
    assert len(X) > 4 * chunk_rows(6, 5, len(X))  # several chunks, so the workers share them
    runs = [history(X, n, covariance_type=covariance_type) for n in (1, 2, 4)]
    reference = runs[0]
    for em in runs[1:]:
        assert len(em.history) == len(reference.history)
        for a, b in zip(reference.history, em.history):
            for name in ("weights", "means", "covariances", "condition_numbers",
                         "effective_counts"):
                assert np.array_equal(getattr(a, name), getattr(b, name)), name
            assert a.log_likelihood == b.log_likelihood and a.objective == b.objective
        np.testing.assert_array_equal(em.predict_proba(X[:5000]),
                                      reference.predict_proba(X[:5000]))


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
    original = estep.log_densities_chunk

    def recording(*args):
        names.add(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(estep, "log_densities_chunk", recording)
    history(blobs(), 2)
    assert len({name for name in names if name.startswith("gmm-explorer-em")}) == 2
    names.clear()
    history(blobs(), 1)
    assert names == {threading.current_thread().name}
