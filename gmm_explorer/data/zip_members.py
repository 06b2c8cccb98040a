"""Reading members of a zip archive (``.npz``, ``.gmmx``) within the budgets.

A zip's directory says how big each member is, how it is compressed, and
whether it is encrypted or a symbolic link; all of it is checked here before
a byte is decompressed. An ``.npy`` member's header is then read from the
stream and its claimed shape checked against ``GMM_EXPLORER_MAX_VALUES`` and
against the member's size, and only then is the array allocated and filled
chunk by chunk, so a zip bomb or a lying header is refused having read at most
the budget (and, for a bomb, usually nothing at all).
"""

from __future__ import annotations

import stat
import zipfile
import zlib

import numpy as np

from gmm_explorer.data.budgets import RATIO_FLOOR_BYTES, budget, check_values, human_bytes
from gmm_explorer.data.errors import DataError

#: The methods Python's zipfile decompresses; np.savez writes the first two.
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
            zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
_CHUNK = 1 << 20
#: Errors a damaged member raises while it is decompressed or parsed.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, SyntaxError,
           TypeError, RecursionError, UnicodeDecodeError, OverflowError, NotImplementedError,
           RuntimeError, LookupError)


def checked_info(zf: zipfile.ZipFile, name: str, path) -> zipfile.ZipInfo:
    """The member's directory entry, refused if it cannot or must not be read.

    Raises
    ------
    DataError
        Missing, encrypted, a symbolic link or folder, an unknown compression
        method, or an expansion ratio over ``GMM_EXPLORER_MAX_ZIP_RATIO``.
    """
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise DataError(f"has no member {name!r}; save the file again", path=path) from None
    if info.flag_bits & 0x1:
        raise DataError(f"member {name!r} is encrypted; GMM Explorer reads no passwords: "
                        "save the data again without encryption", path=path)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode) or info.is_dir():
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "a folder"
        raise DataError(f"member {name!r} is {kind}, not an array; save the data again with "
                        "np.savez", path=path)
    if info.compress_type not in _METHODS:
        raise DataError(f"member {name!r} uses compression method {info.compress_type}, "
                        f"which cannot be read (only {', '.join(_METHODS.values())}); save "
                        "the data again with np.savez or np.savez_compressed", path=path)
    limit = budget("GMM_EXPLORER_MAX_ZIP_RATIO")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > limit:
        raise DataError(
            f"member {name!r} would expand from {human_bytes(info.compress_size)} to "
            f"{human_bytes(info.file_size)} ({ratio:,.0f} times), more than the budget of "
            f"{limit:,} times (a zip bomb, or data that are almost all the same value); raise "
            "the budget with the environment variable GMM_EXPLORER_MAX_ZIP_RATIO if you "
            "trust the file", path=path)
    return info


def read_member_bytes(zf: zipfile.ZipFile, name: str, path, cap: int) -> bytes:
    """A small member's bytes (a manifest), refused past ``cap`` whatever the directory says."""
    info = checked_info(zf, name, path)
    if info.file_size > cap:
        raise DataError(f"member {name!r} is {human_bytes(info.file_size)}, more than the "
                        f"{human_bytes(cap)} it may take", path=path)
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except _DAMAGE as exc:
        raise DataError(f"member {name!r} cannot be read ({exc}); the file may be damaged: "
                        "save it again", path=path) from None
    if len(data) > cap:
        raise DataError(f"member {name!r} holds more than the {human_bytes(cap)} it may take "
                        "(its size in the zip directory is wrong)", path=path)
    return data


def read_npy_member(zf: zipfile.ZipFile, name: str, path, *, pickle_help: str) -> np.ndarray:
    """An ``.npy`` member as an array, checked against the budgets before it is allocated.

    Parameters
    ----------
    zf : zipfile.ZipFile
    name : str
        The member, e.g. ``"X.npy"``.
    path : str
        The archive, for messages.
    pickle_help : str
        What to say about an object array (numpy stores those pickled; never unpickled).
    """
    info = checked_info(zf, name, path)
    label = f"array {name.removesuffix('.npy')!r}"
    fmt = np.lib.format
    try:
        with zf.open(info) as fh:
            version = fmt.read_magic(fh)
            read_header = fmt.read_array_header_1_0 if version == (1, 0) else \
                fmt.read_array_header_2_0
            shape, fortran, dtype = read_header(fh)
            if dtype.hasobject:
                raise DataError(f"{label}: {pickle_help}", path=path)
            if any(int(n) < 0 for n in shape):
                raise ValueError(f"negative shape {shape}")
            check_values(shape, path, what=label, itemsize=dtype.itemsize)
            count = int(np.prod(shape, dtype=object))
            need = count * dtype.itemsize
            offset = fh.tell()
            # np.save writes nothing after the data: a member longer than its header's
            # shape says has rows the header does not count, which would be dropped silently
            if offset + need != info.file_size:
                raise DataError(
                    f"{label}: its header says shape {tuple(shape)} ({human_bytes(need)}) but "
                    f"the member holds {human_bytes(max(info.file_size - offset, 0))}; the "
                    "file is damaged or was not written by numpy: save it again", path=path)
            array = np.empty(count, dtype=dtype)
            view = memoryview(array.view(np.uint8).reshape(-1)) if need else memoryview(b"")
            done = 0
            while done < need:
                got = fh.readinto(view[done:done + _CHUNK])
                if not got:
                    raise EOFError(f"the data end after {done} of {need} bytes")
                done += got
    except DataError:
        raise
    except MemoryError:
        raise DataError(f"{label} does not fit in this machine's memory; lower the budget "
                        "GMM_EXPLORER_MAX_VALUES or use a smaller file", path=path) from None
    except _DAMAGE as exc:
        raise DataError(f"{label} cannot be read ({type(exc).__name__}: {exc}); the file may "
                        "be damaged: save it again with np.savez", path=path) from None
    if fortran and len(shape) > 1:
        return array.reshape(shape[::-1]).transpose()
    return array.reshape(shape)
