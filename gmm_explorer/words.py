"""Counts in words: "1 feature", "2 features", "1,000 rows" (every layer prints some)."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None, *, commas: bool = False) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (``plural`` for irregular nouns).

    >>> counted(1, "row"), counted(3, "row"), counted(2, "match", "matches")
    ('1 row', '3 rows', '2 matches')
    """
    number = f"{n:,}" if commas else str(n)
    return f"{number} {noun if n == 1 else (plural or noun + 's')}"


def effective_points(counts: str) -> str:
    """``counts`` (one or more effective counts, already formatted) and "effective
    point(s)": a count that reads exactly ``"1"`` is one point, ``"1.0"`` or two are not.

    >>> effective_points("1"), effective_points("1.9"), effective_points("1, 1")
    ('1 effective point', '1.9 effective points', '1, 1 effective points')
    """
    return f"{counts} effective point{'' if counts == '1' else 's'}"
