"""Counts in words, where every layer prints them."""

from gmm_explorer.words import counted


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
