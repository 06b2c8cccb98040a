"""Hostile arguments on the command line: component counts and ranges, numeric
options out of range or not numbers, outputs that are inputs, folders or read-only
files. Each runs on the good 40 x 2 data."""

from __future__ import annotations

import os

from .case import (COLLAPSE, LOADS, OK, REFUSED, Case, absent, blobs, csv_text, fit_args,
                   unchanged, write)

N = 40
GOOD = csv_text().encode()


def arg(name, *extra, expect=REFUSED, match="", command="fit", shape=(N, 2), **kwargs) -> Case:
    """``fit d.csv <extra>`` (or ``select d.csv <extra>``); the output must not appear
    when refused."""
    def build(folder):
        data = write(folder, "d.csv", GOOD)
        if command == "fit":
            return fit_args(data, folder, *extra)
        return ["select", str(data), "-q", "--seed", "0", "--n-init", "1", *map(str, extra)]
    after = absent("m.json") if expect == REFUSED and command == "fit" else None
    kind = "write" if name.startswith(("output_", "script_")) else "argument"
    return Case(name, kind, build, expect=expect, match=match, shape=shape,
                after=kwargs.pop("after", after), **kwargs)


def option_cases(option, bad: dict) -> list[Case]:
    """One refused case per bad value of ``option``; the message names the option."""
    flag = option.lstrip("-")
    return [arg(f"{flag}_{label}", option, value, match=f"{option}|{flag}")
            for label, value in bad.items()]


def cases() -> list[Case]:
    c = [
        arg("k_zero", "-k", "0", match=r"-k/--components"),
        arg("k_negative", "-k", "-1", match=r"-k/--components|components"),
        arg("k_nan", "-k", "nan", match=r"-k/--components"),
        arg("k_fraction", "-k", "1.5", match=r"-k/--components"),
        arg("k_word", "-k", "abc", match=r"-k/--components"),
        arg("k_10_to_12", "-k", str(10**12), match=r"-k/--components.*10,000"),
        arg("k_more_than_rows", "-k", "41", match=r"41.*40|40.*41"),
        # one component per point: each held by the ridge, a fit that is legitimate
        arg("k_equals_rows", "-k", "40", expect=LOADS),
        arg("k_one", "-k", "1", expect=LOADS),
        arg("select_range_huge", "-k", "1-100000000000", command="select",
            match=r"-k/--components.*100,000,000,000"),
        arg("select_range_reversed", "-k", "5-2", command="select", match=r"5-2"),
        arg("select_range_empty", "-k", "", command="select", match=r"-k/--components"),
        arg("select_range_2000_counts", "-k", "1-2000", command="select",
            match=r"-k/--components.*1,000"),
        arg("select_range_from_zero", "-k", "0-3", command="select", match=r"-k/--components"),
        arg("select_range_double_comma", "-k", "1,,2", command="select", expect=OK),
        arg("select_range_beyond_rows", "-k", "1-50", command="select", match=r"50|rows|points"),
        arg("select_small", "-k", "1-2", command="select", expect=OK),
        arg("covariance_type_bogus", "--covariance-type", "banana",
            match=r"--covariance-type|banana"),
        arg("reg_covar_zero_collapses", "--reg-covar", "0", expect=LOADS),
        arg("collapse_without_ridge", "--reg-covar", "0", "-k", "2", expect=COLLAPSE),
        arg("script_is_the_data", "--script", "d.csv", match=r"d\.csv",
            after=_data_kept),
        arg("output_is_the_data", "-o", "d.csv", match=r"d\.csv", after=_data_kept),
        arg("output_is_a_folder", "-o", "sub", match=r"sub"),
        arg("output_in_missing_folder", "-o", "no/such/m.json", match=r"no/such"),
        arg("output_read_only", "-o", "ro.json", match=r"ro\.json.*read-only",
            after=_read_only_kept),
        arg("output_dev_full", "-o", "/dev/full", match=r"/dev/full"),
    ]
    c += option_cases("--n-init", {"zero": 0, "negative": -1, "huge": 10**12, "nan": "nan"})
    c += option_cases("--max-iter", {"negative": -5, "nan": "nan", "word": "ten"})
    c.append(arg("max_iter_10_to_30", "--max-iter", 10**30, expect=LOADS))  # stops converged
    c += option_cases("--tol", {"negative": -1, "nan": "nan", "inf": "inf", "word": "x"})
    c += option_cases("--reg-covar", {"negative": -1, "nan": "nan", "inf": "inf",
                                      "1e308": "1e308"})
    c += option_cases("--max-condition", {"zero": 0, "negative": -1, "nan": "nan",
                                          "below_one": 0.5})
    c += option_cases("--seed", {"negative": -1, "huge": 2**70, "word": "abc"})
    c += option_cases("--delimiter", {"two_chars": "ab", "empty": ""})
    c += option_cases("-j", {"zero": 0, "negative": -1})
    c.append(arg("j_10_to_9", "-j", 10**9, expect=LOADS))  # no more threads than chunks
    return [_placed(case) for case in c]


def _placed(case: Case) -> Case:
    """Resolve the few relative outputs to the case's folder and make what they need."""
    def build(folder):
        argv = case.build(folder)
        for i, a in enumerate(argv):
            if a in ("d.csv", "sub", "ro.json", "no/such/m.json") and i > 1:
                argv[i] = str(folder / a)
        if str(folder / "sub") in argv:
            (folder / "sub").mkdir(exist_ok=True)
        if str(folder / "ro.json") in argv:
            write(folder, "ro.json", b"kept")
            os.chmod(folder / "ro.json", 0o444)
        if case.name == "collapse_without_ridge":
            X = blobs()
            X[:20] = 1.0
            write(folder, "d.csv", csv_text(X))
        return argv
    return Case(case.name, case.kind, build, expect=case.expect, shape=case.shape,
                match=case.match, after=case.after)


def _data_kept(folder):
    return unchanged(folder / "d.csv", GOOD)(folder)


def _read_only_kept(folder):
    return unchanged(folder / "ro.json", b"kept")(folder)

