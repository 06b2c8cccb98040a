"""Every preset does what its description says, at the iteration it names."""

import numpy as np
import pytest

from gmm_explorer.datasets import PRESET_NAMES, load_preset
from gmm_explorer.engine import GaussianMixtureEM

COLLAPSING = [name for name in PRESET_NAMES if load_preset(name).phenomenon == "singular"]


def run(preset, **overrides):
    em = GaussianMixtureEM(**{**preset.settings, **overrides})
    em.initialize(preset.X, **preset.start)
    em.run(max_iter=40, tol=0)
    return em


@pytest.mark.parametrize("name", COLLAPSING)
def test_collapse_happens_where_the_description_says(name):
    preset = load_preset(name)
    em = run(preset)
    record = em.state.collapse
    assert record is not None and record.action == "stopped"
    assert record.iteration == preset.iteration
    assert preset.component in record.components
    assert f"iteration {preset.iteration}" in preset.description
    assert f"omponent {preset.component}" in preset.description
    # Nothing was singular before the documented iteration.
    for state in em.history[:-1]:
        assert "singular" not in state.component_status


@pytest.mark.parametrize("name", COLLAPSING)
def test_prior_cures_every_collapsing_preset(name):
    em = run(load_preset(name), prior="conjugate")
    assert all("singular" not in s.component_status for s in em.history)


@pytest.mark.parametrize("name", COLLAPSING)
def test_ridge_keeps_every_preset_invertible(name):
    em = run(load_preset(name), reg_covar=1e-6)
    assert em.state.collapse is None and not em.halted
    assert np.all(np.isfinite(em.state.condition_numbers))


def test_scales_is_ill_conditioned_not_collapsed():
    preset = load_preset("scales")
    em = run(preset)
    assert em.state.collapse is None
    for state in em.history:
        assert state.component_status == ("ok", "ok")
        assert np.all(state.condition_numbers > 1e9)
        assert np.all(state.condition_numbers < em.max_condition)
    np.testing.assert_allclose(sorted(em.state.effective_counts), [150, 150], rtol=1e-6)


def test_seed_preset_is_the_seed_setup():
    preset = load_preset("seed")
    assert preset.X.shape == (1000, 2)
    assert preset.settings["init"] == "random_integers"
    assert preset.settings["reg_covar"] == 0.0 and preset.settings["prior"] is None
    assert preset.settings["n_components"] == 10 and preset.iteration <= 20


def test_unknown_preset():
    with pytest.raises(ValueError, match="unknown preset 'sed'; the presets are seed"):
        load_preset("sed")
