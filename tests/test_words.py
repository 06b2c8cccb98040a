"""Counts in words, as every layer prints them."""

from gmm_explorer.engine.state import CollapseRecord
from gmm_explorer.words import counted, effective_points


def test_counts_take_the_singular_for_one_only():
    assert counted(1, "row") == "1 row" and counted(0, "row") == "0 rows"
    assert counted(1200, "row", commas=True) == "1,200 rows"
    assert counted(2, "match", "matches") == "2 matches"


def test_one_effective_point_is_singular_and_fractions_are_not():
    assert effective_points("1") == "1 effective point"
    assert effective_points("1.0") == "1.0 effective points"
    assert effective_points("0.5") == "0.5 effective points"
    assert effective_points("1, 1") == "1, 1 effective points"


def test_a_collapse_on_one_point_says_one_effective_point():
    record = CollapseRecord(components=(1,), iteration=7, reason="not positive definite",
                            effective_counts=(1.0,), smallest_eigenvalues=(-3e-18,),
                            condition_numbers=(float("inf"),), action="stopped")
    assert "(1 effective point, smallest eigenvalue" in record.describe()
