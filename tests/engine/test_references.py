"""The correctness references of DESIGN.md: Old Faithful and the seed's scene."""

import subprocess
import sys

import numpy as np
import pytest

from gmm_explorer.datasets import load_builtin, seed_scene
from gmm_explorer.engine import GaussianMixtureEM, SingularCovarianceError


@pytest.mark.parametrize("covariance_type, n_components, expected", [
    ("full", 2, -1130.264),
    ("tied", 3, -1126.316),
])
def test_old_faithful_reaches_mclust_maximum(covariance_type, n_components, expected):
    X = load_builtin("faithful").X
    best = -np.inf
    for seed in range(20):
        em = GaussianMixtureEM(n_components, covariance_type=covariance_type, init="kmeans",
                               reg_covar=0.0, random_state=seed)
        em.initialize(X)
        best = max(best, em.run(max_iter=1000, tol=1e-10).log_likelihood)
    assert round(best, 3) == expected


def seed_runs(**settings):
    X, _ = seed_scene()
    runs = []
    for seed in range(10):
        em = GaussianMixtureEM(10, init="random_integers", random_state=seed, **settings)
        em.initialize(X)
        em.run(max_iter=20, tol=0)
        runs.append(em)
    return runs


def test_seed_scene_unregularised_collapses_are_reported_not_raised():
    runs = seed_runs(reg_covar=0.0)
    collapsed = [em for em in runs if em.state.collapse is not None]
    assert len(collapsed) >= 2
    for em in collapsed:
        record = em.state.collapse
        assert em.halted and em.state.iteration <= 20
        assert record.iteration == em.state.iteration
        assert em.state.component_status[record.component] == "singular"
        with pytest.raises(SingularCovarianceError) as info:
            em.step()
        message = str(info.value)
        assert f"Component {record.component}" in message
        assert f"iteration {record.iteration}" in message
        for remedy in ("reg_covar", "prior='conjugate'", "fewer components"):
            assert remedy in message
        assert isinstance(info.value, ValueError)


def test_seed_scene_with_ridge_runs_on_and_flags_degenerate_components():
    runs = seed_runs(reg_covar=1e-6)
    degenerate_seen = 0
    for em in runs:
        assert em.state.iteration == 20 and em.state.collapse is None
        assert "singular" not in em.state.component_status
        for count, status in zip(em.state.effective_counts, em.state.component_status):
            if count < 3:  # fewer than D + 1 effective points
                assert status == "degenerate"
                degenerate_seen += 1
    assert degenerate_seen >= 1


def test_seed_scene_with_prior_keeps_every_component_sound():
    for em in seed_runs(reg_covar=0.0, prior="conjugate"):
        assert em.state.iteration == 20
        for state in em.history:
            assert "singular" not in state.component_status
            assert np.all(np.isfinite(state.condition_numbers))


def test_engine_imports_no_qt():
    code = ("import sys, gmm_explorer.engine; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', "
            "'matplotlib', 'sklearn')]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_is_em_only():
    """The engine is the bottom layer: importing it loads no data, dataset or window code."""
    code = ("import sys, gmm_explorer.engine; "
            "bad = [m for m in sys.modules if m.split('.')[:2] in (['gmm_explorer', 'datasets'], "
            "['gmm_explorer', 'data'], ['gmm_explorer', 'app'])]; print(bad); "
            "sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    import gmm_explorer.engine as engine
    assert not {"load_builtin", "make_blobs", "seed_scene", "Dataset"} & set(dir(engine))
