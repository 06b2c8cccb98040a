"""The data's covariance in chunks: np.cov's numbers, without a centred copy of the data."""

import tracemalloc

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM, covariance
from gmm_explorer.engine.covariance import data_covariance


@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("shape", [(2, 1), (300, 2), (5000, 7), (65536, 3)])
def test_up_to_one_chunk_it_is_np_cov_bit_for_bit(shape, ddof):
    rng = np.random.default_rng(shape[0])
    X = rng.normal(size=shape) * rng.uniform(0.1, 50, shape[1]) + rng.uniform(-30, 30, shape[1])
    expected = np.atleast_2d(np.cov(X, rowvar=False, ddof=ddof))
    assert np.array_equal(data_covariance(X, ddof), expected)


def test_over_many_chunks_it_agrees_with_np_cov_to_rounding(monkeypatch):
    monkeypatch.setattr(covariance, "_COVARIANCE_ROWS", 1000)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(25_500, 4)) @ rng.normal(size=(4, 4)) + 1e3
    np.testing.assert_allclose(data_covariance(X), np.cov(X, rowvar=False, ddof=0),
                               rtol=1e-12, atol=0)


def test_initialize_needs_no_centred_copy_of_the_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400_000, 10))  # 32 MB
    X.flags.writeable = False  # the engine's own already: no copy of it either
    # one worker: each has its own chunk buffers, which on many cores outweigh the rest
    em = GaussianMixtureEM(2, init="random_from_data", random_state=0, n_jobs=1)
    tracemalloc.start()
    em.initialize(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # the responsibilities (6.4 MB) and chunk-sized temporaries (10.5 MB); np.cov's
    # centred copy of X alone was 32 MB
    assert peak < 0.6 * X.nbytes, peak / X.nbytes
