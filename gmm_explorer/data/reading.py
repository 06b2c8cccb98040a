"""The first steps of loading a file: sniff its kind, read its bytes, refuse what is not text.

Every function raises :class:`~gmm_explorer.data.errors.DataError` with the file's name and
what to do; :func:`read_bytes` reports progress and checks for a cancel between blocks.
"""

from __future__ import annotations

from pathlib import Path

from gmm_explorer.data import numpy_files, text_format
from gmm_explorer.data.errors import DataError, LoadCancelled

_READ_BLOCK = 1 << 22  # 4 MiB


def sniff_kind(p: Path) -> str:
    """``"npy"``, ``"npz"`` or ``"text"``, from the file's first bytes (not its name)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise DataError("cannot be read: permission denied; check the file's permissions",
                        path=str(p)) from None
    if head.startswith(numpy_files.NPY_MAGIC):
        return "npy"
    if head.startswith(numpy_files.ZIP_MAGIC):
        return "npz"
    return "text"


def check_kind_and_suffix(kind: str, p: Path, source: str) -> None:
    """Refuse a ``.npy`` or ``.npz`` name on a file that is not NumPy's."""
    suffix = p.suffix.lower()
    if kind == "text" and suffix in (".npy", ".npz"):
        raise DataError(
            f"is named {suffix} but is not a NumPy file (it does not start with NumPy's "
            f"{'header' if suffix == '.npy' else 'zip signature'}); save it again with "
            f"np.{'save' if suffix == '.npy' else 'savez'}, or rename it if it is text",
            path=source)


def read_bytes(p: Path, path, progress, cancel, share) -> bytes:
    """The whole file, read in blocks; ``progress`` goes from 0 to ``share`` meanwhile.

    Raises
    ------
    LoadCancelled
        When ``cancel()`` returns True between two blocks.
    DataError
        When the file cannot be read.
    """
    try:
        size = p.stat().st_size
        buf = bytearray(size)
        view = memoryview(buf)
        done = 0
        with open(p, "rb") as fh:
            while done < size:
                if cancel is not None and cancel():
                    raise LoadCancelled(path)
                n = fh.readinto(view[done:done + _READ_BLOCK])
                if not n:
                    break
                done += n
                if progress is not None:
                    progress(share * done / size)
            rest = fh.read()  # the file grew while we read it
        view.release()
        if done < size:
            del buf[done:]
        return bytes(buf) + rest if rest else buf
    except PermissionError:
        raise DataError("cannot be read: permission denied; check the file's permissions",
                        path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file; give a data file inside it",
                        path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc}); check the file",
                        path=path) from None


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
