"""How a delimited text file is written: binary or text, delimiter, header, decimal commas, cells.

The decisions :func:`~gmm_explorer.data.delimited.read_delimited` makes from a sample of the
file's lines before it parses them all: whether its first bytes are text, sniff the
delimiter, detect a header row and decimal commas, and read one cell as a number, a
missing value or a word. The encoding is decided in ``text_encoding.py``.
"""

from __future__ import annotations

import csv
import re

#: Cells read as missing values (compared after stripping, case-insensitively).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "-nan", "null", "none", "?", "missing", "-", ".", "#n/a"}
)

_SNIFF_CANDIDATES = ("\t", ";", ",", None)  # None: runs of whitespace
_DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", None: "whitespace", " ": "space"}
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


def delimiter_name(delimiter) -> str:
    """A delimiter in words, for messages: ``","`` -> ``"comma"``."""
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def normalize_delimiter(delimiter):
    """Accept ``","``, ``";"``, ``"\\t"``, ``"tab"``, ``"whitespace"``, ``"space"``, ...

    Returns the one-character delimiter, or None for runs of whitespace.
    """
    if delimiter is None:
        return None
    names = {
        "tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "whitespace": None,
        "space": None, " ": None, "spaces": None, "pipe": "|",
    }
    key = delimiter.lower() if isinstance(delimiter, str) else delimiter
    if key in names:
        return names[key]
    if isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in "\"\r\n#":
        return delimiter
    raise ValueError(
        f"unknown delimiter {delimiter!r}: use one character such as ',' ';' '|', "
        "or 'tab' or 'whitespace'"
    )



# --------------------------------------------------------------------------- text or binary
def looks_binary(data: bytes) -> int | None:
    """Offset of the first byte that marks ``data`` as binary, or None for text."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with a byte-order mark
    nul = head.find(b"\x00")
    if nul >= 0:
        return nul
    control = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 11)) + b"\x7f"
    bad = [i for i, b in enumerate(head[:4096]) if b in control]
    if bad and len(bad) > max(2, len(head[:4096]) // 100):
        return bad[0]
    return None


# --------------------------------------------------------------------------- splitting
def splitter(delimiter, quoted: bool):
    """A function from a list of lines to a list of lists of cells."""
    if delimiter is None:
        return lambda lines: [line.split() for line in lines]
    if not quoted:
        return lambda lines: [line.split(delimiter) for line in lines]
    return lambda lines: _csv_rows(lines, delimiter)


def _csv_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    """Rows of the ``csv`` module; a record may span lines (a quoted field with a line end)."""
    try:
        return list(csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False))
    except csv.Error:
        # a record joined over a line end that this delimiter does not read as one quoted
        # field: its lines are read as the csv module reads a file's, and the caller sees
        # that the rows no longer match the records
        return list(csv.reader((part for line in lines for part in line.split("\n")),
                               delimiter=delimiter, quotechar='"', strict=False))


def number_or_none(cell: str, decimal_comma: bool):
    """float, ``"missing"`` for a missing-value token, or None for a word."""
    t = cell.strip()
    if t.lower() in MISSING_TOKENS:
        return "missing"
    if "_" not in t:
        try:
            return float(t)
        except ValueError:
            pass
    if decimal_comma and _DECIMAL_COMMA.fullmatch(t):
        return float(t.replace(",", "."))
    return None


def sniff_delimiter(sample_lines: list[str]):
    """The delimiter that splits every sample line into the same number (> 1) of cells.

    Tab, then semicolon, then comma, then whitespace are tried in that order
    (a semicolon file may use decimal commas). With no consistent candidate,
    the one that splits most lines into several cells wins, so that the
    ragged row is then reported with its line.
    """
    if not sample_lines:
        return ","
    best, best_score = ",", -1
    for cand in _SNIFF_CANDIDATES:
        if cand is not None and not any(cand in line for line in sample_lines):
            continue
        rows = splitter(cand, any('"' in line for line in sample_lines))(sample_lines)
        counts = [len(r) for r in rows]
        if counts[0] > 1 and all(c == counts[0] for c in counts):
            return cand
        score = sum(c > 1 for c in counts)
        if score > best_score:
            best, best_score = cand, score
    if best_score <= 0:
        return ","  # one column: the delimiter does not matter
    return best


def detect_decimal_comma(rows, delimiter) -> bool:
    if delimiter == ",":
        return False
    cells = [c.strip() for r in rows for c in r]
    commas = sum(1 for c in cells if _DECIMAL_COMMA.fullmatch(c))
    return commas > 0 and not any("." in c and number_or_none(c, False) is not None
                                  for c in cells)


def detect_header(rows, decimal_comma) -> bool:
    """The first row is a header when it has a word where the rows below have numbers.

    A first row of words only is also a header (a header-only file, or a
    table of text). A first row whose words sit in text columns (labels in a
    file without header) is data.
    """
    first = rows[0]
    kinds = [number_or_none(c, decimal_comma) for c in first]
    words = [j for j, k in enumerate(kinds) if k is None]
    if not words:
        return False
    if len(words) == len(first):
        return True
    below = rows[1:]
    for j in words:
        col = [number_or_none(r[j], decimal_comma) for r in below if j < len(r)]
        numbers = sum(1 for v in col if isinstance(v, float))
        texts = sum(1 for v in col if v is None)
        if numbers > texts:
            return True
    return False


def unique_names(raw: list[str]) -> list[str]:
    names, seen = [], set()
    for j, name in enumerate(raw):
        name = name.strip().strip('"').strip() or f"x{j}"
        base, k = name, 1
        while name in seen:
            name = f"{base}.{k}"
            k += 1
        seen.add(name)
        names.append(name)
    return names
