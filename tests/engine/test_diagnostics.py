"""Per-component health: the spectrum and the singular reasons, usual case and edges alike."""

import numpy as np
import pytest
from scipy import linalg

from gmm_explorer.engine.diagnostics import (
    DEGENERATE_SCALE_RATIO, REASON_CONDITION, REASON_NOT_PD, REASON_UNRESOLVED,
    RESOLUTION_ULPS, component_status, resolution_floor, singular_reasons, spectrum,
)


def reference_spectrum(full, floor):
    """The rule written out one component at a time, without any shortcut."""
    eigenvalues = np.linalg.eigvalsh(full)
    condition, positive = [], []
    for k, matrix in enumerate(full):
        try:
            linalg.cholesky(matrix, lower=True)
            ok = True
        except linalg.LinAlgError:
            ok = False
        smallest, largest = eigenvalues[k, 0], eigenvalues[k, -1]
        ok = ok and (floor is None or smallest > floor[k])
        positive.append(ok)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            condition.append(largest / smallest if ok and smallest > 0 else np.inf)
    return eigenvalues, np.array(condition), np.array(positive)


def covariances(scales):
    """(K, 2, 2) rotated diagonal matrices with the given eigenvalue pairs."""
    c, s = np.cos(0.3), np.sin(0.3)
    rotation = np.array([[c, -s], [s, c]])
    return np.array([rotation @ np.diag(pair) @ rotation.T for pair in scales])


CASES = {
    "healthy": [(1.0, 2.0), (0.5, 3.0)],
    "near overflow": [(1e-300, 1e-299), (1e-150, 1e150)],  # ratios 10 and 1e300
    "ratio past float64": [(5e-302, 2.25), (1.0, 1.0)],
    "not positive definite": [(-1e-3, 1.0), (1.0, 2.0)],
    "zero eigenvalue": [(0.0, 1.0), (1.0, 1.0)],
    "tiny but resolved": [(1e-30, 1.0), (1.0, 1.0)],
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("floor", [None, np.array([1e-12, 1e-12])])
def test_the_spectrum_follows_the_rule_in_every_case(name, floor):
    full = covariances(CASES[name])
    with np.errstate(all="raise"):  # no warning escapes, whichever path is taken
        spec = spectrum(full, floor)
    eigenvalues, condition, positive = reference_spectrum(full, floor)
    np.testing.assert_array_equal(spec.eigenvalues, eigenvalues)
    np.testing.assert_array_equal(spec.positive, positive)
    np.testing.assert_allclose(spec.condition, condition, rtol=1e-15)
    assert [factor is not None for factor in spec.lower] == positive.tolist()


def test_singular_reasons_in_the_usual_case_and_each_kind():
    healthy = np.array([1.5, 3.0])
    assert singular_reasons(healthy, np.array([True, True]), 1e12) == [None, None]
    eigen = np.array([[-1e-3, 1.0], [1e-40, 1.0], [1.0, 2e13], [1.0, 2.0]])
    reasons = singular_reasons(np.array([np.inf, np.inf, 2e13, 2.0]),
                               np.array([False, False, True, True]), 1e12, eigen)
    assert reasons == [REASON_NOT_PD, REASON_UNRESOLVED, REASON_CONDITION, None]
    # a NaN condition number is not above the limit, as the loop has always had it
    assert singular_reasons(np.array([np.nan, 1.0]), np.array([True, True]), 1e12) == \
        [None, None]
    assert singular_reasons(np.zeros(0), np.zeros(0, dtype=bool), 1e12) == []


def test_the_resolution_floor_follows_its_formula_bit_for_bit():
    # the formula written with numpy's elementwise calls; magnitudes from 1e-300 to 1e300
    rng = np.random.RandomState(1)
    ulps = RESOLUTION_ULPS * np.finfo(float).eps
    for _ in range(500):
        means = rng.randn(5, 3) * 10.0 ** rng.uniform(-300, 300, size=(5, 3))
        scale = 10.0 ** rng.uniform(-300, 300)
        with np.errstate(over="ignore"):
            expected = (ulps * np.maximum(np.abs(means).max(axis=1), scale)) ** 2
        assert np.array_equal(resolution_floor(means, scale), expected)
    nan_row = resolution_floor(np.array([[np.nan, 1.0], [2.0, 3.0]]), 1.0)
    assert np.isnan(nan_row[0]) and nan_row[1] == (ulps * 3.0) ** 2


def reference_status(eigenvalues, condition, positive, counts, max_condition, data_log_det):
    """The status rule written out one component at a time, without any shortcut."""
    D = eigenvalues.shape[1]
    statuses = []
    for k in range(len(condition)):
        if not positive[k] or condition[k] > max_condition:
            statuses.append("singular")
            continue
        degenerate = counts[k] < D + 1
        if data_log_det is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_det = np.log(eigenvalues[k]).sum()
            degenerate = degenerate or \
                0.5 * (log_det - data_log_det) / D < np.log(DEGENERATE_SCALE_RATIO)
        statuses.append("degenerate" if degenerate else "ok")
    return tuple(statuses)


def test_statuses_follow_the_rule_in_the_usual_case_and_at_every_edge():
    rng = np.random.RandomState(2)
    odd = np.array([0.0, -1.0, np.nan, np.inf, 1e-300])
    seen = set()
    for _ in range(3000):
        K, D = rng.randint(1, 6), rng.randint(1, 5)
        eigenvalues = np.sort(rng.uniform(0.5, 2.0, (K, D)), axis=1)
        condition = rng.uniform(1.0, 10.0, K)
        positive = np.ones(K, dtype=bool)
        counts = rng.uniform(D + 1, 50.0, K)
        if rng.rand() < 0.5:  # half the cases have one thing wrong somewhere
            k = rng.randint(K)
            change = rng.randint(5)
            if change == 0:
                eigenvalues[k, rng.randint(D)] = rng.choice(odd)
            elif change == 1:
                condition[k] = rng.choice([np.nan, np.inf, 1e13])
            elif change == 2:
                positive[k] = False
            elif change == 3:
                counts[k] = rng.choice([np.nan, D + 0.5, D + 1.0])
            else:
                eigenvalues[k] *= 1e-7  # a tiny volume
        data_log_det = None if rng.rand() < 0.1 else rng.uniform(-5, 5)
        expected = reference_status(eigenvalues, condition, positive, counts, 1e12,
                                    data_log_det)
        with np.errstate(all="raise"):  # nor any warning, on either path
            got = component_status(eigenvalues, condition, positive, counts, 1e12,
                                   data_log_det)
        assert got == expected
        seen.update(expected)
    assert seen == {"ok", "degenerate", "singular"}
