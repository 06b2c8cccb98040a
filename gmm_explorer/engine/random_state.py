"""``random_state`` as scikit-learn reads it: the one definition, used by EM and by the datasets.

It lives in the engine because the engine is the bottom layer and imports nothing from above it:
``GaussianMixtureEM(random_state=...)`` needs it, and ``gmm_explorer.datasets`` (the generators,
``make_blobs``) imports it from here rather than the engine importing data.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_random_state"]


def check_random_state(seed) -> np.random.RandomState:
    """Turn ``seed`` into a :class:`numpy.random.RandomState`, as scikit-learn does.

    ``None`` (or the ``np.random`` module) gives numpy's global ``RandomState``; an integer a
    new ``RandomState(seed)``; a ``RandomState`` is returned as is (and so is advanced by
    whatever draws from it). Anything else is a ``ValueError``.
    """
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.RandomState(seed)
    if isinstance(seed, np.random.RandomState):
        return seed
    raise ValueError(
        f"random_state={seed!r} cannot seed a numpy.random.RandomState; "
        "give None, an integer or a numpy.random.RandomState"
    )
