"""Scenes that provoke (or imitate) a collapse, each deterministic.

A :class:`Preset` bundles data, settings and a start. Its description says
what will happen and when; ``tests/datasets/test_presets.py`` runs every
preset headless and checks that it happens at the documented iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gmm_explorer.datasets.blob_maker import make_blobs, seed_scene


@dataclass(frozen=True)
class Preset:
    """A reproducible scene for the singularity lab.

    Attributes
    ----------
    name : str
        Used by ``--preset NAME`` and the Presets menu.
    title : str
    description : str
        What will happen and when, in plain words.
    X : ndarray of shape (N, D)
    settings : dict
        Keyword arguments for :class:`GaussianMixtureEM`.
    start : dict
        ``weights``, ``means``, ``covariances`` for ``initialize`` (may be
        empty: then ``settings["init"]`` and ``random_state`` decide).
    phenomenon : str
        ``"singular"`` (a collapse stops EM), ``"degenerate"`` or
        ``"ill-conditioned"`` (a high condition number that is no collapse).
    component : int
        The component concerned.
    iteration : int
        The iteration at which it shows.
    """

    name: str
    title: str
    description: str
    X: np.ndarray
    settings: dict
    start: dict = field(default_factory=dict)
    phenomenon: str = "singular"
    component: int = 0
    iteration: int = 0


def _from_means(means) -> dict:
    """``settings`` and ``start`` of an unregularised EM from the given means, shape (K, D).

    Equal weights and unit covariances; nothing keeps a covariance invertible (no ridge, no
    prior) and EM stops at the first collapse.
    """
    K, D = means.shape
    return dict(
        settings=dict(n_components=K, covariance_type="full", reg_covar=0.0, on_collapse="stop"),
        start=dict(weights=np.full(K, 1 / K), means=means, covariances=np.array([np.eye(D)] * K)),
    )


def _seed():
    X, _ = seed_scene()
    return Preset(
        name="seed",
        title="The seed question: ten stretched blobs, no ridge",
        description=(
            "Exactly the hand-written EM of the seed question: ten stretched blobs, K = 10, "
            "means at random integers, covariances 5 I, no ridge, no prior. At iteration 7, "
            "component 1 has shrunk onto two points: its ellipse is flat, its condition number "
            "shoots far above max_condition, and scipy's multivariate_normal would raise "
            "'singular matrix' here. EM stops there; pick a remedy."
        ),
        X=X,
        settings=dict(n_components=10, covariance_type="full", reg_covar=0.0, prior=None,
                      on_collapse="stop", init="random_integers", random_state=0,
                      init_covariance_scale=5.0),
        component=1, iteration=7,
    )


def _duplicates():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(80, 2) * 1.2, rng.randn(80, 2) * 1.2 + [7.0, 1.0],
                   np.tile([3.5, 6.0], (6, 1))])
    means = np.array([[0.0, 0.0], [7.0, 1.0], [3.2, 5.0]])
    return Preset(
        name="duplicates",
        title="Six identical points capture a component",
        description=(
            "Two round clusters and six copies of one point. Component 2 starts near the "
            "copies; by iteration 4 it holds only them, its covariance has shrunk to almost "
            "nothing (condition number far above max_condition) and EM stops. The "
            "likelihood of a Gaussian sitting on identical points has no upper bound."
        ),
        X=X,
        **_from_means(means),
        component=2, iteration=4,
    )


def _line():
    rng = np.random.RandomState(1)
    t = rng.uniform(-2.0, 2.0, 25)
    line = np.column_stack([t + 6.0, 0.5 * t + 4.0])
    X = np.vstack([rng.randn(120, 2) * 1.5, line])
    means = np.array([[0.0, 0.0], [6.0, 4.0]])
    return Preset(
        name="line",
        title="A cluster exactly on a line",
        description=(
            "A round cluster and 25 points lying exactly on a line. Component 1 settles on the "
            "line and its covariance becomes rank one (zero spread across the line): at "
            "iteration 5 its condition number passes max_condition and EM stops."
        ),
        X=X,
        **_from_means(means),
        component=1, iteration=5,
    )


def _outlier():
    rng = np.random.RandomState(2)
    X = np.vstack([rng.randn(100, 2), rng.randn(100, 2) + [6.0, 0.0], [[3.0, 14.0]]])
    means = np.array([[0.0, 0.0], [6.0, 0.0], [3.0, 12.0]])
    return Preset(
        name="outlier",
        title="A lone far point captured alone",
        description=(
            "Two clusters and one far outlier. Component 2 starts near the outlier and shrinks "
            "onto it alone: at iteration 2 it holds a single point, its covariance collapses "
            "and EM stops."
        ),
        X=X,
        **_from_means(means),
        component=2, iteration=2,
    )


def _too_many():
    X, _ = make_blobs(n_samples=150, centers=3, cluster_std=0.8, random_state=3)
    return Preset(
        name="too-many",
        title="Twenty components for three clusters",
        description=(
            "Three clusters of 50 points and K = 20 components started at random data points. "
            "Components fight over the same points; at iteration 16 component 18 is left with "
            "two points, fewer than D + 1 = 3, and its covariance collapses."
        ),
        X=X,
        settings=dict(n_components=20, covariance_type="full", reg_covar=0.0,
                      on_collapse="stop", init="random_from_data", random_state=0,
                      init_covariance_scale=0.5),
        component=18, iteration=16,
    )


def _scales():
    rng = np.random.RandomState(4)
    small = rng.randn(300, 1) * 1e-2
    large = rng.randn(300, 1) * 1e3
    X = np.hstack([small + np.repeat([[0.0], [0.1]], 150, axis=0),
                   large + np.repeat([[0.0], [5e3]], 150, axis=0)])
    return Preset(
        name="scales",
        title="Features on very different scales",
        description=(
            "One feature in hundredths, the other in thousands. Every covariance has a "
            "condition number near 1e10 from iteration 0 on (the ratio of the scales, squared), "
            "yet nothing collapses: each component keeps 150 points and a sound shape. A high "
            "condition number alone is about units; standardise the features to see it vanish."
        ),
        X=X,
        settings=dict(n_components=2, covariance_type="full", reg_covar=0.0, on_collapse="stop",
                      init="kmeans", random_state=0),
        phenomenon="ill-conditioned", component=0, iteration=0,
    )


_BUILDERS = {
    "seed": _seed, "duplicates": _duplicates, "line": _line, "outlier": _outlier,
    "too-many": _too_many, "scales": _scales,
}
PRESET_NAMES = tuple(_BUILDERS)


def load_preset(name):
    """The preset called ``name`` (one of :data:`PRESET_NAMES`)."""
    try:
        return _BUILDERS[name]()
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; the presets are "
                         f"{', '.join(PRESET_NAMES)}.") from None
