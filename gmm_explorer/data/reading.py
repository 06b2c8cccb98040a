"""Checks on a file once read (by ``opener.py``): its name, and whether it is text.

Every function raises :class:`~gmm_explorer.data.errors.DataError` with the file's name and
what to do.
"""

from __future__ import annotations

from pathlib import Path

from gmm_explorer.data import text_format
from gmm_explorer.data.errors import DataError


def check_kind_and_suffix(kind: str, p: Path, source: str) -> None:
    """Refuse a ``.npy`` or ``.npz`` name on a file that is not NumPy's."""
    suffix = p.suffix.lower()
    if kind == "text" and suffix in (".npy", ".npz"):
        raise DataError(
            f"is named {suffix} but is not a NumPy file (it does not start with NumPy's "
            f"{'header' if suffix == '.npy' else 'zip signature'}); save it again with "
            f"np.{'save' if suffix == '.npy' else 'savez'}, or rename it if it is text",
            path=source)


def check_text(data: bytes, delimiter, source: str) -> None:
    """Refuse an empty file, binary data and an unknown delimiter, before parsing."""
    if len(data) < 65536 and not data.strip():
        raise DataError("is empty; give a file with a header line and rows of numbers",
                        path=source)
    bad = text_format.looks_binary(data)
    if bad is not None:
        raise DataError(
            f"is not a text table: it holds binary data (byte {bad} is "
            f"0x{data[bad]:02x}); GMM Explorer reads delimited text (.csv, .tsv, .txt) "
            "and NumPy .npy/.npz files, so export your data to one of those",
            path=source)
    try:
        text_format.normalize_delimiter(delimiter)
    except ValueError as exc:
        raise DataError(str(exc), path=source) from None
