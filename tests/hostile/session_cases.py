"""Hostile session files (.gmmx), read as the window's File > Open reads them:
bad settings, truncation, NaN in X, a stopped collapse without components,
bombs and odd zip members."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from .binary_cases import shared_builders, shared_module
from .case import LOADS, REFUSED, Case, npy_bytes, write

N = 40


def good_session(folder) -> bytes:
    """A real session of 40 x 2 data, written by the program (tests/hostile_files.py)."""
    path = folder / ".good.gmmx"
    shared_module()._write_small_session(path)
    return path.read_bytes()


def rewritten(raw: bytes, manifest=None, members=None, drop=()) -> bytes:
    """``raw`` with its manifest changed by ``manifest`` and members replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name in drop:
                continue
            data = src.read(name)
            if name == "manifest.json" and manifest is not None:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content)
            if members and name in members:
                data = members[name]
            dst.writestr(name, data)
    return out.getvalue()


def session(name, change=None, expect=REFUSED, match=r"s\.gmmx", **kwargs) -> Case:
    def build(folder):
        raw = good_session(folder)
        body = change(raw, folder) if change else raw
        return [write(folder, "s.gmmx", body)]
    return Case(name, "session", build, entry="session", expect=expect, shape=(N, 2),
                match=match, **kwargs)


def manifest(fn):
    return lambda raw, folder: rewritten(raw, manifest=fn)


def setting(section, key, value):
    def fn(m):
        m[section][key] = value
    return manifest(fn)


def stopped_collapse(components):
    def fn(m):
        m["states"][1]["collapse"] = {
            "action": "stopped", "reason": "singular", "iteration": 1,
            "components": components, "effective_counts": [], "smallest_eigenvalues": [],
            "condition_numbers": []}
    return manifest(fn)


def with_x(X):
    return lambda raw, folder: rewritten(raw, members={"data/X.npy": npy_bytes(X)})


def cases() -> list[Case]:
    X = np.random.default_rng(0).standard_normal((N, 2))
    nan_x = X.copy()
    nan_x[3, 1] = np.nan
    return [
        session("session_good", expect=LOADS),
        session("session_empty_file", lambda raw, f: b""),
        session("session_truncated_half", lambda raw, f: raw[:len(raw) // 2],
                match=r"s\.gmmx.*truncated"),
        session("session_truncated_end", lambda raw, f: raw[:-10], match=r"s\.gmmx"),
        session("session_text_file", lambda raw, f: b"a,b\n1,2\n", match=r"s\.gmmx"),
        session("session_no_manifest", lambda raw, f: rewritten(raw, drop=("manifest.json",)),
                match=r"s\.gmmx.*manifest"),
        session("session_manifest_not_json", lambda raw, f: rewritten(
            raw, members={"manifest.json": b"{not json"}), match=r"s\.gmmx"),
        session("session_manifest_nested", lambda raw, f: rewritten(
            raw, members={"manifest.json": ("[" * 100_000 + "]" * 100_000).encode()}),
            match=r"s\.gmmx"),
        session("session_max_iter_text", setting("run", "max_iter", "abc"),
                match=r"s\.gmmx.*max_iter"),
        session("session_max_iter_negative", setting("run", "max_iter", -5),
                match=r"s\.gmmx.*max_iter"),
        session("session_delay_inf", setting("run", "delay", "inf"), match=r"s\.gmmx.*delay"),
        session("session_tol_nan", setting("run", "tol", "nan"), match=r"s\.gmmx.*tol"),
        session("session_components_zero", setting("model", "n_components", 0),
                match=r"s\.gmmx.*n_components"),
        session("session_reg_covar_true", setting("model", "reg_covar", True),
                match=r"s\.gmmx.*reg_covar"),
        session("session_covariance_type_bogus", setting("model", "covariance_type", "x"),
                match=r"s\.gmmx.*covariance_type"),
        session("session_stopped_collapse_no_components", stopped_collapse([]),
                match=r"s\.gmmx.*components"),
        session("session_stopped_collapse_bad_component", stopped_collapse([7]),
                match=r"s\.gmmx.*components"),
        session("session_current_out_of_range", manifest(lambda m: m.update(current=99)),
                match=r"s\.gmmx.*iteration 99 is not in the history"),
        session("session_shape_lies", setting("data", "shape", [41, 2]), match=r"s\.gmmx"),
        session("session_nan_in_x", with_x(nan_x), match=r"s\.gmmx.*NaN"),
        session("session_x_wrong_shape", with_x(X[:10]), match=r"s\.gmmx"),
        session("session_x_pickle", lambda raw, f: rewritten(raw, members={
            "data/X.npy": npy_bytes(np.array([[1, "a"]] * N, dtype=object))}),
            match=r"s\.gmmx.*(pickle|object)"),
        session("session_reference_missing", manifest(lambda m: m["data"].update(
            embedded=False, path="/nonexistent/d.csv")), match=r"d\.csv"),
        session("session_bomb", lambda raw, f: shared_builders(f).bomb_gmmx().read_bytes(),
                match=r"s\.gmmx.*GMM_EXPLORER_MAX_ZIP_RATIO"),
    ]
