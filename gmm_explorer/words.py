"""Counts in words: "1 feature", "2 features", "1,000 rows" (every layer prints some)."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None, *, commas: bool = False) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (``plural`` for irregular nouns).

    >>> counted(1, "row"), counted(3, "row"), counted(2, "match", "matches")
    ('1 row', '3 rows', '2 matches')
    """
    number = f"{n:,}" if commas else str(n)
    return f"{number} {noun if n == 1 else (plural or noun + 's')}"
