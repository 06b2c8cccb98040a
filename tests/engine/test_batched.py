"""Fits stepped together in a batch equal the same recipes run alone."""

import numpy as np
import pytest

from gmm_explorer.datasets.builtin import load_builtin
from gmm_explorer.engine import batched
from gmm_explorer.engine.fits import FitRecipe, model_recipes, run_recipes, start_seeds
from gmm_explorer.engine.options import ModelSettings

TYPES = ("full", "tied", "diag", "spherical")


@pytest.fixture(scope="module")
def faithful():
    X = load_builtin("faithful").X
    return (X - X.mean(axis=0)) / X.std(axis=0)


def grid(types=TYPES, ks=range(1, 7), n_init=3, **settings):
    _, seeds = start_seeds(7, n_init)
    recipes = []
    for covariance_type in types:
        for k in ks:
            model = ModelSettings(n_components=k, covariance_type=covariance_type, **settings)
            recipes += model_recipes(model, seeds, tol=1e-6, max_iter=300)
    return recipes


def assert_same_fits(batch, alone):
    assert [r.index for r in batch] == [r.index for r in alone]
    for a, b in zip(batch, alone):
        assert (a.error is None) == (b.error is None)
        if a.state is None:
            continue
        assert a.state.iteration == b.state.iteration and a.state.converged == b.state.converged
        assert a.collapsed == b.collapsed
        # relative to the numbers' own scale: a mean near 0 is near 0 in the data's units
        spread = np.sqrt(np.max(np.diagonal(b.state.covariances, axis1=1, axis2=2)))
        scales = {"weights": 1.0, "means": np.max(np.abs(b.state.means)) + spread,
                  "covariances": spread ** 2, "effective_counts": len(b.state.weights)}
        for name, scale in scales.items():
            np.testing.assert_allclose(getattr(a.state, name), getattr(b.state, name),
                                       rtol=1e-10, atol=1e-10 * scale, err_msg=name)
        assert a.state.log_likelihood == pytest.approx(b.state.log_likelihood, rel=1e-10)
        assert a.state.component_status == b.state.component_status
        for key in ("bic", "icl", "aic"):
            assert a.criteria[key] == pytest.approx(b.criteria[key], rel=1e-10)


def test_a_batched_grid_equals_every_recipe_run_alone(faithful):
    recipes = grid()
    seen = []
    batch = run_recipes(recipes, faithful, progress=seen.append, keep_engines=False)
    alone = run_recipes(recipes, faithful, keep_engines=True)
    assert sorted(r.index for r in seen) == list(range(len(recipes)))
    assert all(r.engine is None for r in batch)
    assert_same_fits(batch, alone)


def test_the_whitened_differences_serve_where_the_expansion_would_lose_digits(
        faithful, monkeypatch):
    recipes = grid(types=("full", "diag"), ks=(2, 3, 4))
    used = []
    original = batched.log_densities_chunk

    def recording(*args):
        used.append(True)
        return original(*args)

    monkeypatch.setattr(batched, "EXPANSION_BOUND", 1.0)  # every fit takes the exact road
    monkeypatch.setattr(batched, "log_densities_chunk", recording)
    batch = run_recipes(recipes, faithful, keep_engines=False)
    assert used
    assert_same_fits(batch, run_recipes(recipes, faithful, keep_engines=True))


def test_a_collapsing_start_leaves_the_batch_and_ends_as_it_would_alone():
    rng = np.random.RandomState(3)
    # two identical points: a start that gives them a component collapses there
    X = np.vstack([rng.randn(60, 2), rng.randn(60, 2) + 6, np.tile([[9.0, -3.0]], (2, 1))])
    _, seeds = start_seeds(11, 8)
    model = ModelSettings(n_components=3, covariance_type="full", reg_covar=0.0,
                          init="random_from_data")
    recipes = model_recipes(model, seeds, tol=1e-6, max_iter=200)
    batch = run_recipes(recipes, X, keep_engines=False)
    alone = run_recipes(recipes, X, keep_engines=True)
    assert any(r.collapsed for r in alone) and not all(r.collapsed for r in alone)
    assert_same_fits(batch, alone)
    for a, b in zip(batch, alone):
        assert (a.collapse is None) == (b.collapse is None)
        if b.collapse is not None:
            assert a.collapse.iteration == b.collapse.iteration


def test_fits_with_a_prior_and_refused_recipes_run_alone(faithful):
    recipes = grid(types=("tied",), ks=(2, 3), n_init=2, prior="conjugate")
    recipes.append(FitRecipe.seeded(ModelSettings(n_components=400), 1))  # K above N
    batch = run_recipes(recipes, faithful, keep_engines=False)
    alone = run_recipes(recipes, faithful, keep_engines=True)
    assert batch[-1].error is not None and batch[-1].error == alone[-1].error
    assert_same_fits(batch, alone)


def test_cancelling_returns_the_finished_fits_only(faithful):
    recipes = grid(types=("full",), ks=range(1, 7), n_init=2)
    asked = []

    def cancel():
        asked.append(True)
        return len(asked) > 40

    batch = run_recipes(recipes, faithful, cancel=cancel, keep_engines=False)
    assert 0 < len(batch) < len(recipes)
    alone = run_recipes([recipes[r.index] for r in batch], faithful, keep_engines=True)
    for a, b in zip(batch, alone):
        assert a.state.log_likelihood == pytest.approx(b.state.log_likelihood, rel=1e-10)


def test_large_data_are_not_batched(monkeypatch):
    rng = np.random.RandomState(0)
    X = rng.randn(500, 2)
    recipes = grid(types=("full",), ks=(2, 3), n_init=2)
    monkeypatch.setattr(batched, "MAX_BLOCK", 500 * 3)  # room for less than two fits
    calls = []
    monkeypatch.setattr(batched, "run_batch", lambda *a, **k: calls.append(a) or True)
    results = run_recipes(recipes, X, keep_engines=False)
    assert not calls and len(results) == len(recipes)


def test_wide_data_are_not_batched_for_the_rows_the_batch_would_keep(monkeypatch):
    import tracemalloc

    # small fits, but [x, 1, products] of every point is 231 numbers a row at D = 20:
    # 4.6 million for 20,000 rows, more than a batch may hold
    rng = np.random.RandomState(1)
    X = rng.randn(20_000, 20) + np.repeat(rng.randn(2, 20) * 4, 10_000, axis=0)
    recipes = grid(types=("diag",), ks=(2,), n_init=2)
    calls = []
    real = batched.run_batch
    monkeypatch.setattr(batched, "run_batch", lambda *a, **k: calls.append(a) or real(*a, **k))

    def peak_of(some):
        tracemalloc.start()
        out = run_recipes(some, X, keep_engines=False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return out, peak

    results, peak = peak_of(recipes)
    assert not calls and all(r.error is None for r in results)
    # one fit at a time: the memory of the largest alone, not the rows' 37 MB
    assert peak <= 1.1 * max(peak_of([recipe])[1] for recipe in recipes) + (1 << 20)
    assert peak < (21 + 210) * 20_000 * 8
    assert_same_fits(results, run_recipes(recipes, X))


def test_the_same_bits_for_any_number_of_workers(faithful, monkeypatch):
    monkeypatch.setattr(batched, "_SHARED_WORK", 0)  # share even these small pieces
    monkeypatch.setattr(batched, "_PIECE", 2000)  # and make many of them
    recipes = grid(types=("full", "diag"), ks=(1, 3, 5))
    one, two = (run_recipes(recipes, faithful, keep_engines=False, n_jobs=n) for n in (1, 2))
    for a, b in zip(one, two):
        assert a.state.iteration == b.state.iteration
        assert a.state.log_likelihood == b.state.log_likelihood
        assert np.array_equal(a.state.covariances, b.state.covariances)
        assert a.criteria == b.criteria


def test_data_far_from_the_origin_keep_their_digits_as_alone():
    # the engine keeps means in the data's units and centres them again: the batch does too
    X = 1e6 + np.random.default_rng(0).normal(0, 1e-2, (200, 2))
    recipes = grid(ks=(1, 2, 3), n_init=2)
    assert_same_fits(run_recipes(recipes, X, keep_engines=False),
                     run_recipes(recipes, X, keep_engines=True))


def test_a_fit_run_alone_outside_the_batch_stops_on_cancel_too(faithful):
    # a prior keeps a fit out of the batch; it must still stop between its iterations
    model = ModelSettings(n_components=3, prior="conjugate", random_state=0)
    recipes = [FitRecipe(model, tol=0.0, max_iter=100_000)]
    asked = []

    def cancel():
        asked.append(True)
        return len(asked) > 5

    assert run_recipes(recipes, faithful, cancel=cancel, keep_engines=False) == []
    assert len(asked) <= 7  # stopped after a few iterations, not a hundred thousand
