"""ICL against its definition: BIC plus twice the entropy of the hard classification."""

import numpy as np
import pytest

from gmm_explorer.engine import GaussianMixtureEM


def test_icl_is_bic_plus_the_cost_of_the_hard_classification():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(150, 2), rng.randn(150, 2) + [2.5, 0]])  # overlapping pair
    em = GaussianMixtureEM(n_components=2, random_state=0)
    em.initialize(X)
    em.run(max_iter=50)
    resp = em.predict_proba(X)
    hard = np.log(resp[np.arange(len(X)), resp.argmax(axis=1)]).sum()
    assert em.icl() == pytest.approx(em.bic() - 2 * hard, rel=1e-12)
    assert em.icl() > em.bic() + 1.0  # overlapping clusters pay for their uncertainty
    far = np.vstack([rng.randn(150, 2), rng.randn(150, 2) + [40, 0]])
    em.initialize(far)
    em.run(max_iter=50)
    assert abs(em.icl() - em.bic()) < 1e-6  # separated clusters classify with certainty
