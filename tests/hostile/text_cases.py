"""Hostile text data files: encodings, control characters, quotes, ragged rows,
missing and odd numbers, odd shapes and names. Each is fitted by ``fit`` (and read
by the window's loader with the same options)."""

from __future__ import annotations

import numpy as np

from .case import LOADS, REFUSED, Case, blobs, csv_text, fit_args, write

N = 40  # rows of the good data


def text(name, content, expect=LOADS, shape=(N, 2), match="", extra=(), file="d.csv",
         window=None, k=None, window_expect=None) -> Case:
    """A ``fit`` of one text file; ``content`` is text, bytes or a function of the folder."""
    opts = dict(window or {})
    if "--drop-missing" in extra:
        opts["drop_missing"] = True
    if "--columns" in extra:
        i = list(extra).index("--columns")
        opts["columns"] = [c for c in extra[i + 1:] if not str(c).startswith("-")]
    kk = ["-k", str(k)] if k is not None else []

    def build(folder):
        body = content(folder) if callable(content) else content
        return fit_args(write(folder, file, body), folder, *kk, *extra)
    return Case(name, "text", build, expect=expect, shape=shape, match=match, window=opts,
                window_expect=window_expect)


X = blobs()
GOOD = csv_text(X)
ROWS = GOOD.splitlines()


def with_row(i, row):
    """GOOD with data row ``i`` replaced."""
    lines = list(ROWS)
    lines[1 + i] = row
    return "\n".join(lines) + "\n"


def cases() -> list[Case]:
    c = []
    c += [
        text("good_csv", GOOD),
        text("good_tsv", csv_text(X, sep="\t"), file="d.tsv"),
        text("good_whitespace", csv_text(X, sep="   "), file="d.txt"),
        text("semicolons", csv_text(X, sep=";")),
        text("decimal_commas", csv_text(X, sep=";").replace(".", ",")),
        text("no_header", csv_text(X, names=None)),
        text("crlf_lines", GOOD.replace("\n", "\r\n")),
        text("cr_only_lines", GOOD.replace("\n", "\r")),
        text("utf8_bom", "\ufeff" + GOOD),
        text("utf16_bom", GOOD.encode("utf-16")),
        text("latin1_header", csv_text(X, names=("Größe", "b")).encode("latin-1")),
        text("utf8_umlaut_header", csv_text(X, names=("Größe", "b"))),
        text("mixed_utf8_and_latin1", csv_text(X, names=("Größe", "b")).encode()
             + "ä".encode("latin-1") + b",1.0\n", REFUSED, match=r"line 42"),
        text("nul_bytes", GOOD.replace("\n1", "\n\x001", 1), REFUSED, match=r"d\.csv"),
        text("random_bytes", np.random.RandomState(1).bytes(3000), REFUSED, match=r"d\.csv"),
        text("gzip_named_csv", b"\x1f\x8b\x08\x00" + bytes(200), REFUSED, match=r"d\.csv"),
        text("empty_file", "", REFUSED, match=r"d\.csv.*empty|empty.*d\.csv"),
        text("blank_lines_only", "\n\n\n  \n", REFUSED, match=r"d\.csv"),
        text("header_only", "a,b\n", REFUSED, match=r"d\.csv.*(no data|no rows|header)"),
        text("comments_only", "# a comment\n# another\n", REFUSED, match=r"d\.csv"),
        text("comment_lines_between", GOOD.replace("\n", "\n# note\n", 3)),
        text("trailing_blank_lines", GOOD + "\n\n\n\n"),
        # an empty last field on every line is an empty column, not a second delimiter
        text("trailing_delimiter", "\n".join(r + "," for r in ROWS) + "\n", REFUSED,
             match=r"d\.csv.*missing.*x2"),
        text("quoted_numbers", "\n".join(",".join(f'"{v}"' for v in r.split(","))
                                          for r in ROWS) + "\n"),
        text("one_row", csv_text(X[:1]), REFUSED, match=r"d\.csv.*(row|point)"),
        text("one_row_one_component", csv_text(X[:1]), REFUSED, k=1,
             match=r"d\.csv.*(row|point)"),
        text("two_rows", csv_text(X[[0, -1]]), shape=(2, 2)),
        text("one_column", csv_text(X[:, :1], names=("a",)), shape=(N, 1)),
        text("constant_column", csv_text(np.c_[X[:, 0], np.ones(N)]), REFUSED,
             match=r"d\.csv.*\bb\b.*(constant|same value)", window_expect=LOADS),
        text("all_constant", csv_text(np.ones((N, 2))), REFUSED,
             match=r"d\.csv.*(constant|same value)", window_expect=LOADS),
        text("tiny_scale_1e-300", csv_text(X * 1e-300, fmt="%.6e"), REFUSED,
             match=r"d\.csv.*'a'.*underflows.*multiply it by 1e299", window_expect=LOADS),
        text("huge_scale_1e300", csv_text(X * 1e300, fmt="%.6e"), REFUSED,
             match=r"d\.csv.*'a'.*beyond float64.*divide it by 1e300", window_expect=LOADS),
        text("mixed_scales", csv_text(np.c_[X[:, 0] * 1e-300, X[:, 1] * 1e300], fmt="%.6e"),
             REFUSED, match=r"d\.csv.*'a'.*underflows", window_expect=LOADS),
        text("subnormal_values", csv_text(X * 1e-310, fmt="%.6e"), REFUSED,
             match=r"d\.csv.*'a'.*underflows", window_expect=LOADS),
        text("overflow_literal_1e999", with_row(3, "1e999,1.0"), REFUSED,
             match=r"d\.csv.*(line 5|row)"),
        text("big_integers", "\n".join([ROWS[0]] + [f"{10**25 + i * 10**23},{v.split(',')[1]}"
                                                    for i, v in enumerate(ROWS[1:])]) + "\n"),
        text("signs_and_exponents", with_row(0, "+1.5E+0,-0")),
    ]
    for label, cell in [("nan", "nan"), ("inf", "inf"), ("minus_inf", "-inf"),
                        ("empty", ""), ("na", "NA"), ("word", "abc"), ("question", "?"),
                        ("hex", "0x10"), ("thousands", '"1,234"')]:
        bad = with_row(5, f"{cell},1.0")
        c.append(text(f"cell_{label}", bad, REFUSED, match=r"d\.csv.*(line 7|row)"))
        c.append(text(f"cell_{label}_dropped", bad, shape=(N - 1, 2),
                      extra=("--drop-missing",)))
    c += [
        text("all_rows_missing_dropped", "a,b\n" + "nan,1\n" * 10, REFUSED,
             extra=("--drop-missing",), match=r"d\.csv"),
        text("text_column_as_classes", "a,b,kind\n" + "\n".join(
            f"{r},{'x' if i < 20 else 'y'}" for i, r in enumerate(ROWS[1:])) + "\n"),
        text("text_columns_only", "a,b\n" + "x,y\n" * 10, REFUSED, match=r"d\.csv.*numeric"),
        text("ragged_long_row", with_row(4, "1.0,2.0,3.0"), REFUSED,
             match=r"d\.csv.*line 6"),
        text("ragged_short_row", with_row(4, "1.0"), REFUSED, match=r"d\.csv.*line 6"),
        # renamed visibly (a, a.1), so that --columns and a model can tell them apart
        text("duplicate_names", csv_text(X, names=("a", "a"))),
        text("columns_missing_name", GOOD, REFUSED, extra=("--columns", "a", "zz"),
             match=r"zz"),
        text("columns_index_out_of_range", GOOD, REFUSED, extra=("--columns", "0", "7"),
             match=r"\b7\b"),
        text("columns_one_of_two", GOOD, shape=(N, 1), extra=("--columns", "b")),
        text("columns_repeated", GOOD, REFUSED, extra=("--columns", "a", "a"),
             match=r"\ba\b.*(twice|duplicate|more than once)|(twice|duplicate).*\ba\b"),
        text("escape_in_header", csv_text(X, names=("\x1b]0;owned\x07a", "b"))),
        text("escape_in_cell", with_row(2, "\x1b[2J,1.0"), REFUSED,
             match=r"d\.csv.*\\x1b"),
        text("newline_in_quoted_name", csv_text(X, names=('"two\nlines"', "b"))),
        text("multiline_quoted_class", "a,b,kind\n" + "\n".join(
            f'{r},"x\ny"' if i < 20 else f"{r},z" for i, r in enumerate(ROWS[1:])) + "\n"),
        text("unclosed_quote", with_row(8, '"1.0,2.0'), REFUSED, match=r"d\.csv.*line 10"),
        text("long_name_1mb", csv_text(X, names=("n" * 1_000_000, "b"))),
        text("long_cell_1mb", with_row(1, "1" * 1_000_000 + ",2"), REFUSED,
             match=r"d\.csv"),
        text("many_fields", "a,b\n1,2\n" + "1," * 200_000 + "1\n", REFUSED,
             match=r"GMM_EXPLORER_MAX_FIELDS.*|line 3"),
        text("wide_2000_columns", lambda f: csv_text(
            np.random.RandomState(0).rand(60, 2000), names=None, fmt="%.2f"), REFUSED,
            match=r"GMM_EXPLORER_MAX_FEATURES"),
        text("ten_columns", csv_text(blobs(N, 10), names=[f"c{i}" for i in range(10)]),
             shape=(N, 10)),
        # the content decides, not the name
        text("npy_named_csv", lambda f: _npy(X)),
        text("csv_named_npy", GOOD, REFUSED, file="d.npy", match=r"d\.npy"),
        text("newline_in_file_name", GOOD, file="d\nx.csv"),
        text("empty_file_newline_name", "", REFUSED, file="e\nx.csv",
             match=r"^error: [^\n]*e\\nx\.csv"),
        text("escape_in_file_name", "", REFUSED, file="e\x1b[31mx.csv",
             match=r"e\\x1b\[31mx\.csv"),
    ]
    return c


def _npy(array) -> bytes:
    from .case import npy_bytes
    return npy_bytes(array)
