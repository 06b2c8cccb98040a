"""Recipes replay bit for bit; many run together, report as they finish, and stop on cancel."""

import dataclasses

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.fits import FitRecipe, model_recipes, run_recipe, run_recipes
from gmm_explorer.engine.options import ModelSettings

# Two loose clusters and five copies of one far point: a third component started on the
# copies collapses onto them at a known iteration (see test_policies.py).
_RNG = np.random.RandomState(0)
DUPLICATES = np.vstack([_RNG.randn(60, 2), _RNG.randn(60, 2) + [6, 0],
                        np.tile([[3.0, 8.0]], (5, 1))])
ONTO_COPIES = dict(weights=np.full(3, 1 / 3), means=[[0.0, 0.0], [6.0, 0.0], [3.0, 7.5]],
                   covariances=np.array([np.eye(2)] * 3))


def assert_same_history(a, b):
    assert len(a) == len(b)
    for s, t in zip(a, b):
        for f in dataclasses.fields(s):
            x, y = getattr(s, f.name), getattr(t, f.name)
            if isinstance(x, np.ndarray):
                assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f.name
            else:
                assert x == y, f.name


def recipe(seed=0, **settings):
    base = dict(n_components=3, reg_covar=0.0, on_collapse="reinitialize", init="random")
    return FitRecipe(ModelSettings(**{**base, **settings, "random_state": seed}), tol=1e-8,
                     max_iter=40)


def test_a_recipe_replays_bit_for_bit(blobs):
    r = recipe(seed=4, n_components=8, init="random_integers")
    first, second = r.run(blobs), r.run(blobs)
    assert first is not second and len(first.history) > 2
    assert_same_history(first.history, second.history)
    again = run_recipe(r, blobs)
    assert_same_history(first.history, again.engine.history)
    assert again.state is again.engine.history[-1]


def test_a_recipe_is_its_settings_tol_and_start(blobs):
    r = recipe(seed=2)
    em = GaussianMixtureEM(**r.settings.engine_kwargs(), tol=r.tol)
    em.initialize(blobs)
    em.run(max_iter=r.max_iter)
    assert_same_history(em.history, r.run(blobs).history)
    assert FitRecipe.seeded(r.settings, 9).seed == 9 and r.seed == 2
    assert r.build().get_params()["tol"] == r.tol


def test_an_explicit_start_is_initialize_with_those_parameters(blobs):
    means = blobs[[0, 250, 450]]
    r = FitRecipe(ModelSettings(n_components=3, random_state=1), max_iter=15, means=means)
    em = GaussianMixtureEM(**r.settings.engine_kwargs(), tol=r.tol)
    em.initialize(blobs, means=means)
    em.run(max_iter=15)
    fitted = r.run(blobs)
    assert_same_history(em.history, fitted.history)
    np.testing.assert_array_equal(fitted.history[0].means, means)
    assert not r.explicit_start and r.means.flags.writeable is False


def test_a_full_explicit_start_needs_no_seed_but_a_bare_start_does():
    settings = ModelSettings(n_components=3, reg_covar=0.0, random_state=None)
    r = FitRecipe(settings, **ONTO_COPIES)
    assert r.explicit_start
    assert_same_history(r.run(DUPLICATES).history, r.run(DUPLICATES).history)
    with pytest.raises(ValueError, match="replays only from a seed"):
        FitRecipe(settings, means=ONTO_COPIES["means"])
    with pytest.raises(ValueError, match="max_iter"):
        FitRecipe(ModelSettings(), max_iter=-1)
    with pytest.raises(ValueError, match="tol=-1 must be a finite number >= 0"):
        FitRecipe(ModelSettings(), tol=-1)


def test_a_collapsed_or_refused_recipe_does_not_stop_the_others():
    stop = FitRecipe(ModelSettings(n_components=3, reg_covar=0.0, on_collapse="stop"),
                     max_iter=50, **ONTO_COPIES)
    sound = FitRecipe(ModelSettings(n_components=2, random_state=0), max_iter=50)
    too_many = FitRecipe(ModelSettings(n_components=500, random_state=0))
    reported = []
    results = run_recipes([sound, stop, too_many, sound], DUPLICATES, progress=reported.append)
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert [r.recipe for r in results] == [sound, stop, too_many, sound]
    assert reported == results
    assert [r.ok for r in results] == [True, False, False, True]
    collapsed = results[1]
    assert collapsed.collapsed and collapsed.error is None
    assert collapsed.collapse.action == "stopped" and collapsed.collapse.components == (2,)
    assert collapsed.engine.halted and collapsed.state is collapsed.engine.history[-1]
    refused = results[2]
    assert refused.engine is None and refused.state is None and not refused.collapsed
    assert "n_components=500 is more than the 125 data points" in refused.error
    assert_same_history(results[0].engine.history, results[3].engine.history)


def test_re_seeds_are_recorded_and_a_reseeded_fit_is_sound():
    r = FitRecipe(ModelSettings(n_components=3, reg_covar=0.0, on_collapse="reinitialize"),
                  max_iter=30, **ONTO_COPIES)
    result = run_recipe(r, DUPLICATES)
    assert result.ok and result.collapse.action == "reinitialized"
    assert result.events and "re-seeded" in result.events[0]


def test_cancel_between_fits_returns_the_finished_ones(blobs):
    recipes = [recipe(seed=s) for s in range(5)]
    done = []
    results = run_recipes(recipes, blobs, progress=done.append, cancel=lambda: len(done) >= 2)
    assert [r.index for r in results] == [0, 1] and len(done) == 2


def test_cancel_between_iterations_stops_the_fit_under_way(blobs):
    steps = []
    results = run_recipes([recipe(seed=0), recipe(seed=1)], blobs,
                          on_step=lambda i, state: steps.append((i, state.iteration)),
                          cancel=lambda: len(steps) >= 3)
    assert results == [] and steps == [(0, 1), (0, 2), (0, 3)]


def test_without_engines_the_results_keep_states_that_replay(blobs):
    recipes = [recipe(seed=s) for s in range(3)]
    kept = run_recipes(recipes, blobs)
    lean = run_recipes(recipes, blobs, keep_engines=False)  # batched: the same to rounding
    assert all(r.engine is None for r in lean)
    for a, b in zip(kept, lean):
        assert_same_history([a.state], [b.recipe.run(blobs).state])
        assert b.state.iteration == a.state.iteration
        assert b.state.log_likelihood == pytest.approx(a.state.log_likelihood, rel=1e-10)
        np.testing.assert_allclose(b.state.means, a.state.means, rtol=1e-10,
                                   atol=1e-10 * np.abs(a.state.means).max())


def test_every_models_starts_begin_with_the_hierarchical_start(blobs):
    settings = ModelSettings(n_components=3, init="random", random_state=None)
    recipes = model_recipes(settings, [11, 12, 13], tol=1e-6, max_iter=50)
    assert [r.settings.init for r in recipes] == ["hierarchical", "random", "random", "random"]
    assert [r.seed for r in recipes] == [11, 11, 12, 13]
    assert all(r.tol == 1e-6 and r.max_iter == 50 for r in recipes)
    assert all(r.settings.covariance_type == "full" for r in recipes)
    own = model_recipes(dataclasses.replace(settings, init="hierarchical"), [11, 12])
    assert [r.settings.init for r in own] == ["hierarchical"] * 3
    with pytest.raises(ValueError, match="at least one seed"):
        model_recipes(settings, [])
