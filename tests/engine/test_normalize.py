"""Responsibilities from weighted log densities: the floor below which they are 0."""

import numpy as np
import pytest
from scipy.special import logsumexp

from gmm_explorer.engine.estep import LOG_RESP_FLOOR, normalize_chunk


def _exact(log_prob):
    """Responsibilities and log mixture densities by scipy, column by column."""
    log_total = logsumexp(log_prob, axis=0)
    return np.exp(log_prob - log_total), log_total


@pytest.mark.parametrize("with_infinite_column", [False, True])
def test_terms_far_below_the_largest_are_exactly_zero(with_infinite_column):
    # Column 0 has log ratios -720 and -800 (denormal and zero under plain exp),
    # column 1 -650 and -699 (kept), column 2 a term of -inf.
    log_prob = np.array([[0.0, 3.0, 1.0],
                         [-720.0, 3.0 - 650.0, -np.inf],
                         [-800.0, 3.0 - 699.0, 1.0 - 50.0]])
    if with_infinite_column:  # forces the path for non-finite peaks on the others
        log_prob = np.column_stack([log_prob, [-np.inf] * 3])
    expected, expected_log = _exact(log_prob[:, :3])
    resp = log_prob.copy()
    point = normalize_chunk(resp)
    assert resp[1, 0] == 0.0 and resp[2, 0] == 0.0 and resp[1, 2] == 0.0
    assert expected[1, 0] > 0.0  # plain exp would give a (denormal) non-zero
    # Above the floor, nothing changes beyond rounding.
    kept = expected >= np.exp(LOG_RESP_FLOOR) * 1e16
    np.testing.assert_allclose(resp[:, :3][kept], expected[kept], rtol=1e-13)
    assert resp[2, 1] > 0.0  # -699 is above the floor
    # log(1 + 1e-313) is lost: an absolute error far below any last digit that matters.
    np.testing.assert_allclose(point[:3], expected_log, rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(resp.sum(axis=0), 1.0, rtol=1e-15)
    assert np.all(resp >= 0.0)
