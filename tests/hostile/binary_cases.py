"""Hostile NumPy files: malformed and lying headers, odd dtypes and shapes, zip
members that are bombs, encrypted, of an unknown method or symbolic links. The
zip builders are the shared ones of tests/hostile_files.py."""

from __future__ import annotations

import importlib.util
import io
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

from .case import LOADS, REFUSED, Case, blobs, fit_args, npy_bytes, npy_header, write

N = 40
X = blobs()


def shared_module():
    """tests/hostile_files.py, loaded by path as conftest loads it (tests/ is no package)."""
    if "hostile_files" not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "hostile_files.py"
        spec = importlib.util.spec_from_file_location("hostile_files", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["hostile_files"] = module
    return sys.modules["hostile_files"]


def shared_builders(folder):
    """tests/hostile_files.py's HostileFiles for ``folder``."""
    return shared_module().HostileFiles(Path(folder))


def file_case(name, content, expect=LOADS, shape=(N, 2), match="", file="d.npy", extra=(),
              window=None, **more) -> Case:
    opts = dict(window or {})

    def build(folder):
        body = content(folder) if callable(content) else content
        return fit_args(write(folder, file, body), folder, *extra)
    return Case(name, "numpy", build, expect=expect, shape=shape, match=match, window=opts,
                **more)


def shared(name, maker, match, memory=0, **kwargs) -> Case:
    """A case built by one of tests/hostile_files.py's makers."""
    def build(folder):
        return fit_args(getattr(shared_builders(folder), maker)(**kwargs), folder)
    return Case(name, "zip", build, expect=REFUSED, match=match, window={},
                process=bool(memory), memory=memory)


def npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def raw_npy(header_text: bytes, body=bytes(48), magic=b"\x93NUMPY\x01\x00") -> bytes:
    text = header_text + b" " * (118 - len(header_text)) + b"\n"
    return magic + struct.pack("<H", len(text)) + text + body


def zip_of(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def cases() -> list[Case]:
    good = npy_bytes(X)
    c = [
        file_case("npy_good", good),
        file_case("npy_float32", npy_bytes(X.astype(np.float32))),
        file_case("npy_float16", npy_bytes(X.astype(np.float16))),
        file_case("npy_int", npy_bytes((X * 100).astype(np.int64))),
        file_case("npy_big_endian", npy_bytes(X.astype(">f8"))),
        file_case("npy_fortran_order", npy_bytes(np.asfortranarray(X))),
        file_case("npy_one_dimensional", npy_bytes(X[:, 0]), shape=(N, 1)),
        file_case("npy_three_dimensional", npy_bytes(np.zeros((4, 5, 2))), REFUSED,
                  match=r"d\.npy.*(dimension|shape)"),
        file_case("npy_zero_rows", npy_bytes(np.zeros((0, 2))), REFUSED, match=r"d\.npy"),
        file_case("npy_zero_columns", npy_bytes(np.zeros((40, 0))), REFUSED, match=r"d\.npy"),
        file_case("npy_scalar", npy_bytes(np.float64(3.0)), REFUSED, match=r"d\.npy"),
        file_case("npy_object_pickle", npy_bytes(np.array([[1, "a"]] * 5, dtype=object)),
                  REFUSED, match=r"d\.npy.*(pickle|object)"),
        file_case("npy_complex", npy_bytes(X.astype(complex)), REFUSED,
                  match=r"d\.npy.*complex"),
        file_case("npy_strings", npy_bytes(X.astype(str)), REFUSED, match=r"d\.npy"),
        file_case("npy_datetime", npy_bytes(np.zeros((40, 2), "datetime64[s]")), REFUSED,
                  match=r"d\.npy"),
        file_case("npy_structured", npy_bytes(np.rec.fromarrays(X.T, names="a,b"))),
        file_case("npy_structured_constant", npy_bytes(np.zeros(40, [("a", "f8"), ("b", "f8")])),
                  REFUSED, match=r"d\.npy.*'a'.*constant", window_expect=LOADS),
        file_case("npy_nan_cell", npy_bytes(np.where(np.eye(40, 2) > 0, np.nan, X)), REFUSED,
                  match=r"d\.npy.*(NaN|missing)"),
        file_case("npy_inf_cell", npy_bytes(np.where(np.eye(40, 2) > 0, np.inf, X)), REFUSED,
                  match=r"d\.npy.*(inf|missing)"),
        file_case("npy_truncated", good[:-100], REFUSED, match=r"d\.npy"),
        file_case("npy_extra_bytes", good + bytes(800), REFUSED, match=r"d\.npy.*header"),
        file_case("npy_header_undercounts", npy_header((10, 2)) + X.tobytes(), REFUSED,
                  match=r"d\.npy.*shape \(10, 2\)"),
        file_case("npz_member_undercounts", zip_of({"X.npy": npy_header((10, 2)) + X.tobytes()}),
                  REFUSED, file="d.npz", match=r"d\.npz.*shape \(10, 2\)"),
        file_case("npy_header_not_python", raw_npy(
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2 +), }"), REFUSED,
            match=r"d\.npy.*header"),
        file_case("npy_header_call", raw_npy(
            b"{'descr': '<f8', 'fortran_order': False, 'shape': __import__('os'), }"),
            REFUSED, match=r"d\.npy"),
        file_case("npy_negative_shape", raw_npy(
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (-5, 2), }"), REFUSED,
            match=r"d\.npy"),
        file_case("npy_bad_descr", raw_npy(
            b"{'descr': 'zz', 'fortran_order': False, 'shape': (3, 2), }"), REFUSED,
            match=r"d\.npy"),
        file_case("npy_bad_magic", b"\x93NUMPX" + good[6:], REFUSED, match=r"d\.npy"),
        file_case("npy_version_9", raw_npy(
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
            magic=b"\x93NUMPY\x09\x00"), REFUSED, match=r"d\.npy"),
        file_case("npy_header_length_huge", b"\x93NUMPY\x01\x00\xff\xff" + bytes(100),
                  REFUSED, match=r"d\.npy"),
        file_case("npy_lying_8tb", npy_header((10**12, 1)) + bytes(64), REFUSED,
                  match=r"d\.npy.*GMM_EXPLORER_MAX_VALUES"),
        file_case("npy_lying_small", npy_header((1000, 2)) + bytes(64), REFUSED,
                  match=r"d\.npy"),
        file_case("npy_wide_2000", npy_bytes(np.random.RandomState(0).rand(60, 2000)),
                  REFUSED, match=r"GMM_EXPLORER_MAX_FEATURES"),
        file_case("npz_good", npz(X=X), file="d.npz"),
        file_case("npz_two_arrays", npz(A=X, B=X[:5]), REFUSED, file="d.npz",
                  match=r"d\.npz.*'A', 'B'.*--array"),
        file_case("npz_two_arrays_x_taken", npz(X=X, Y=X[:5]), file="d.npz"),
        file_case("npz_two_arrays_chosen", npz(A=X[:5], B=X), file="d.npz",
                  extra=("--array", "B"), window={"array_name": "B"}),
        file_case("npz_array_missing", npz(X=X), REFUSED, file="d.npz",
                  extra=("--array", "nope"), match=r"nope", window={"array_name": "nope"}),
        file_case("npz_empty_zip", zip_of({}), REFUSED, file="d.npz", match=r"d\.npz"),
        file_case("npz_truncated", npz(X=X)[:-30], REFUSED, file="d.npz", match=r"d\.npz"),
        file_case("npz_member_not_npy", zip_of({"X.npy": b"hello"}), REFUSED, file="d.npz",
                  match=r"d\.npz"),
        file_case("npz_member_pickle", zip_of({"X.npy": npy_bytes(
            np.array([[1, "a"]] * 5, dtype=object))}), REFUSED, file="d.npz",
            match=r"d\.npz.*(pickle|object)"),
        file_case("npz_member_path_traversal", zip_of({"../../X.npy": good}), file="d.npz",
                  expect=LOADS),
        file_case("npz_not_a_zip", b"PK\x03\x04" + bytes(100), REFUSED, file="d.npz",
                  match=r"d\.npz"),
        shared("npz_bomb_4gb", "bomb_npz", r"bomb\.npz.*GMM_EXPLORER_MAX_ZIP_RATIO"),
        shared("npz_bomb_4gb_memory", "bomb_npz", r"GMM_EXPLORER_MAX_ZIP_RATIO",
               memory=4 << 20),
        shared("npz_bomb_with_crc", "bomb_npz", r"GMM_EXPLORER_MAX_ZIP_RATIO", n_mb=64,
               with_crc=True),
        shared("npy_lying_8tb_memory", "lying_npy", r"GMM_EXPLORER_MAX_VALUES", memory=1024),
        shared("npz_lying_8tb", "lying_npz", r"lying\.npz.*GMM_EXPLORER_MAX_VALUES"),
        shared("npz_bad_header", "bad_header_npz", r"badheader\.npz.*header"),
        shared("npz_encrypted", "encrypted_npz", r"encrypted\.npz.*encrypted"),
        shared("npz_compression_99", "unknown_compression_npz",
               r"method99\.npz.*compression method 99"),
        shared("npz_symlink_member", "symlink_npz", r"symlink\.npz.*symbolic link"),
        shared("csv_wide_10000", "wide_csv", r"wide\.csv.*GMM_EXPLORER_MAX_FEATURES"),
        shared("csv_fields_50_million", "many_fields_csv", r"GMM_EXPLORER_MAX_FIELDS",
               memory=100 << 20),
    ]
    return c
