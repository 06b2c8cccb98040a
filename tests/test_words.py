"""Counts in words, where every layer prints them."""

from gmm_explorer.engine.state import CollapseRecord
from gmm_explorer.words import counted, effective_points


def test_one_is_singular_and_every_other_count_plural():
    assert counted(1, "feature") == "1 feature"
    assert [counted(n, "row") for n in (0, 2)] == ["0 rows", "2 rows"]
    assert counted(1200, "row", commas=True) == "1,200 rows"
    assert counted(2, "match", "matches") == "2 matches"


def test_a_one_column_file_is_described_in_the_singular(tmp_path):
    from gmm_explorer.data import load_data

    path = tmp_path / "one.csv"
    path.write_text("waiting\n" + "\n".join(str(60 + i % 30) for i in range(40)) + "\n")
    assert "40 points, 1 feature (waiting)" in load_data(path).describe()


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
