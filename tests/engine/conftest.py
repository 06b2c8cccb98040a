import numpy as np
import pytest


def three_blobs(seed=0, n=(200, 200, 100), dim=2):
    """Three well-separated, differently shaped blobs."""
    rng = np.random.RandomState(seed)
    shift = np.zeros(dim)
    shift[0] = 6.0
    stretch = np.eye(dim)
    stretch[0, 0] = 2.0
    if dim > 1:
        stretch[0, 1] = 0.5
    return np.vstack([
        rng.randn(n[0], dim) + shift,
        rng.randn(n[1], dim) @ stretch,
        0.5 * rng.randn(n[2], dim) - shift[::-1] - 3.0,
    ])


@pytest.fixture
def blobs():
    return three_blobs()


@pytest.fixture(name="three_blobs")
def three_blobs_fixture():
    """The blob maker itself, for tests that need several data sets."""
    return three_blobs
