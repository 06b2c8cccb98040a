"""Each component's identity (EMState.component_ids) lasts its whole life."""

import numpy as np
import pytest

from gmm_explorer.datasets import load_preset
from gmm_explorer.engine import GaussianMixtureEM
from gmm_explorer.engine.state import EMState


@pytest.fixture
def removed():
    preset = load_preset("seed")
    em = GaussianMixtureEM(**{**preset.settings, "on_collapse": "remove"})
    em.initialize(preset.X)
    em.run(max_iter=12, tol=0.0)
    return em


def test_a_removal_keeps_the_others_identities(removed):
    h = removed.history
    np.testing.assert_array_equal(h[6].component_ids, np.arange(10))
    np.testing.assert_array_equal(h[7].component_ids, [0, 2, 3, 4, 5, 6, 7, 8, 9])
    assert h[7].collapse.components == (1,) and h[7].collapse.component_ids == (1,)
    assert "component(s) 1 removed" in h[7].events[0]


def test_identities_are_read_only_and_shared_while_unchanged(removed):
    h = removed.history
    assert all(not st.component_ids.flags.writeable for st in h)
    assert h[1].component_ids is h[0].component_ids  # no copy per state
    assert h[8].component_ids is h[7].component_ids
    with pytest.raises(ValueError):
        h[0].component_ids[0] = 5


def test_rewind_brings_the_identities_back(removed):
    removed.rewind(3)
    state = removed.step()
    np.testing.assert_array_equal(state.component_ids, np.arange(10))
    for _ in range(4):
        state = removed.step()
    np.testing.assert_array_equal(state.component_ids, [0, 2, 3, 4, 5, 6, 7, 8, 9])


def test_identities_must_match_the_components():
    with pytest.raises(ValueError, match="one identity per component"):
        EMState(iteration=0, weights=np.full(2, 0.5), means=np.zeros((2, 1)),
                covariances=np.ones((2, 1, 1)), log_likelihood=-1.0, objective=-1.0,
                condition_numbers=np.ones(2), effective_counts=np.ones(2),
                component_status=("ok", "ok"), component_ids=np.arange(3))
