"""A delimited file read in blocks: the same table wherever the blocks end, bounded memory.

Each file here is read with blocks of every size from one byte up, so that a block ends
inside a line, inside a quoted field that spans lines, between ``\\r`` and ``\\n`` and inside a
multi-byte character; the tables must be the ones a single block gives, and the ones the
file's content says.
"""

import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_explorer.data import DataError, LoadCancelled, load_data
from gmm_explorer.data.delimited import read_delimited
from gmm_explorer.data.quoted_records import join_quoted
from gmm_explorer.data.text_blocks import Blocks, complete_lines, survey

WHOLE = 1 << 20


def read(source, block_size=WHOLE, **kwargs):
    """``read_delimited`` on bytes, or on a path opened as the loader opens it."""
    if isinstance(source, (bytes, bytearray)):
        return read_delimited(source, "t.csv", block_size=block_size, **kwargs)
    with open(source, "rb", buffering=0) as fh:
        return read_delimited(fh, "t.csv", block_size=block_size, **kwargs)


def outcome(source, block_size=WHOLE, **kwargs):
    """Everything a table holds, comparable with ``==``; or the refusal and its line."""
    try:
        t = read(source, block_size, **kwargs)
    except DataError as exc:
        return ("refused", str(exc), exc.line)
    return (t.names, t.has_header, t.numeric, t.values.shape, t.values.tobytes(),
            t.missing.tolist(), t.lines.tolist(), {j: c.tolist() for j, c in t.text.items()},
            {j: list(s) for j, s in t.strays.items()}, t.delimiter, t.encoding,
            t.decimal_comma, t.notes)


def rows(n, sep=",", newline="\n"):
    return newline.join(f"{i}{sep}{i * 0.5}" for i in range(n))


# Files whose every byte position a block may end at (each is small).
FILES = {
    "header and rows": b"a,b\n1,2\n3,4\n5,6\n",
    "no final line end": b"a,b\n1,2\n3,4",
    "crlf": b"a,b\r\n1,2\r\n3,4\r\n5,6\r\n",
    "lone cr": b"a,b\r1,2\r3,4\r5,6\r",
    "quoted field over lines": b'a,b,kind\n1,2,"x\ny"\n3,4,z\n5,6,"p\r\nq"\n7,8,w\n',
    "quoted delimiter and quotes": b'a,b,kind\n1,2,"x, ""y"""\n3,4,z\n',
    "utf-8 characters": "h\u00f6he,\u20ac,kind\n1,2,\U0001d11e\n3,4,caf\u00e9\n".encode(),
    "utf-8 bom": b"\xef\xbb\xbfa,b\n1,2\n3,4\n",
    "utf-16": "a;b;kind\r\n1;2;\u00e9\r\n3;4;x\r\n".encode("utf-16"),
    "windows-1252": "Gr\u00f6\u00dfe,Preis \u20ac,y\n1,2,a\n3,4,b\n".encode("cp1252"),
    "latin-1 (a byte cp1252 leaves undefined)": b"a,b,y\n1,2,\x81\n3,4,\xe9\n",
    "comments and blank lines": b"# made by hand\na,b\n\n1,2\n  \n# note\n3,4\n\t\n5,6\n",
    "missing cells and a word": b"a,b\n1,\nNA,2\n3,oops\n4,5\n",
    "decimal commas": b"a;b\n1,5;2,25\n3,0;4,5\n",
    "whitespace": b"a b\n 1  2\n3\t4\n",
    "one column": b"x\n1\n2\n3\n",
    "no header, text column": b"1,2,a\n3,4,b\n5,6,a\n",
    "ragged row": b"a,b\n1,2\n3,4,5\n6,7\n",
    "unclosed quote": b'a,b,kind\n1,2,x\n3,4,"y\n5,6,z\n',
    "stray quote inside a row": b'a;b\n1;2\n3;"4\n5;6\n',
    "stray quote on the last row": b'a;b\n1;2\n3;"4\n',
    "mixed encodings": "a,b\n1,\u00e9\n".encode() + b"2,\xe9\n",
    "header only": b"a,b\n",
    "comments only": b"# a\n# b\n",
    "empty": b"",
}


@pytest.mark.parametrize("name", FILES)
def test_every_block_size_gives_the_same_table(name, tmp_path):
    content = FILES[name]
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    whole = outcome(content)
    assert outcome(path) == whole  # a file on disk, as a stream in memory
    for size in range(1, len(content) + 2):
        assert outcome(path, size) == whole, f"blocks of {size} bytes"
        assert outcome(content, size) == whole, f"blocks of {size} bytes, in memory"


def test_the_tables_are_what_the_files_say():
    t = read(FILES["quoted field over lines"], 3)
    np.testing.assert_array_equal(t.values, [[1, 2], [3, 4], [5, 6], [7, 8]])
    assert t.text[2].tolist() == ["x\ny", "z", "p\nq", "w"] and t.lines.tolist() == [2, 4, 5, 7]
    t = read(FILES["crlf"], 4)  # the first block ends between \r and \n
    assert t.lines.tolist() == [2, 3, 4] and t.values[-1].tolist() == [5, 6]
    t = read(FILES["utf-8 characters"], 5)  # blocks end inside the four bytes of U+1D11E
    assert t.names == ["h\u00f6he", "\u20ac", "kind"]
    assert t.text[2].tolist() == ["\U0001d11e", "caf\u00e9"] and t.encoding == "utf-8"
    t = read(FILES["comments and blank lines"], 2)
    assert t.lines.tolist() == [4, 7, 9] and t.names == ["a", "b"]
    t = read(FILES["missing cells and a word"], 3)
    assert t.missing.tolist() == [[False, True], [True, False], [False, True], [False, False]]
    assert t.strays == {1: [1, 4, "oops"]}
    t = read(FILES["windows-1252"], 1)
    assert t.names == ["Gr\u00f6\u00dfe", "Preis \u20ac", "y"] and t.encoding == "cp1252"
    assert t.notes == ["read as Windows-1252: the file is not UTF-8 (the first byte that is not, "
                       "0xf6, is on line 1) and holds no UTF-8 characters; save it as UTF-8 "
                       "if that is wrong"]
    assert read(FILES["latin-1 (a byte cp1252 leaves undefined)"], 1).encoding == "latin-1"
    t = read(FILES["utf-16"], 3)
    assert t.encoding == "utf-16" and t.text[2].tolist() == ["\u00e9", "x"]


def test_large_files_are_the_same_table_in_blocks_of_any_size(tmp_path):
    rng = np.random.default_rng(0)
    lines = ["a,b,kind"]
    for i in range(3000):
        kind = '"two\r\nlines"' if i % 97 == 0 else ("caf\u00e9" if i % 5 else "")
        lines.append(f"{rng.normal():.17g},{'NA' if i % 41 == 0 else i},{kind}")
        if i % 250 == 0:
            lines.append("# a comment, and a blank line")
            lines.append("")
    content = "\r\n".join(lines).encode()
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    whole = outcome(path)
    assert whole[3] == (3000, 2) and whole[6][:3] == [2, 6, 7]  # two lines, a comment, a blank
    for size in (7, 64, 1000, 4096, 65536):
        assert outcome(path, size) == whole


def test_rows_beyond_what_the_head_foretold():
    # long rows first: the first lines foretell few rows, and the arrays grow for the rest
    lines = ["a,b,kind"] + [f"{i},{i},{'x' * 2000}" for i in range(300)]
    lines += [f"{i},{'NA' if i == 150_000 else i + 0.5},y" for i in range(200_000)]
    content = ("\n".join(lines) + "\n").encode()
    small, whole = read(content, 1 << 16), read(content)
    assert small.values.shape == (200_300, 2) and small.lines[-1] == 200_301
    np.testing.assert_array_equal(small.values, whole.values)
    np.testing.assert_array_equal(small.missing, whole.missing)
    assert small.missing.sum() == 1 and small.missing[150_300, 1]
    assert small.text[2].tolist() == whole.text[2].tolist()


# --------------------------------------------------------------------------- encodings
def test_a_late_byte_that_is_not_utf8(tmp_path):
    body = rows(5000).encode()  # 5,000 lines of ASCII
    # no UTF-8 character anywhere: the whole file is read as Windows-1252, and said so
    t = read(b"a,b\n" + body + b"\n1,2\xe9\n", 4096)
    assert t.encoding == "cp1252" and "is on line 5002" in t.notes[0]
    # a UTF-8 character early, the bad byte late: refused at its line
    mixed = "a,\u00e9\n".encode() + body + b"\n1,2\xe9\n"
    with pytest.raises(DataError, match=r"line 5002: byte 0xe9 is not UTF-8, but the file also "
                                        r"holds UTF-8 characters") as info:
        read(mixed, 4096)
    assert info.value.line == 5002
    # the bad byte early, a UTF-8 character far after it, in another block: refused too
    mixed = b"a,b\xe9\n" + body + "\n1,\u00e9\n".encode()
    with pytest.raises(DataError, match=r"line 1: byte 0xe9 is not UTF-8"):
        read(mixed, 4096)
    # a sequence cut short by the end of the file is a bad byte like any other
    assert read(b"a,b\n1,2\n3,4\xc3", 2).encoding == "cp1252"


def test_utf16_that_does_not_decode_names_the_byte():
    content = "a,b\n1,2\n".encode("utf-16") + b"\x00"
    for size in (1, 3, WHOLE):
        with pytest.raises(DataError, match=r"cannot be decoded as such \(truncated data at "
                                            r"byte 18\)"):
            read(content, size)


# --------------------------------------------------------------------------- budgets
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("size", [5, 16, 64, WHOLE])
def test_a_line_over_the_fields_budget_across_blocks(monkeypatch, newline, size):
    monkeypatch.setenv("GMM_EXPLORER_MAX_FIELDS", "50")
    lines = ["a,b"] + ["1,2"] * 40 + [",".join(["1"] * 60)] + ["3,4"] * 40
    with pytest.raises(DataError, match=r"line 42: has 60 fields, more than the budget of 50"):
        read(newline.join(lines).encode(), size)


def test_a_huge_line_is_refused_without_being_held(tmp_path):
    path = tmp_path / "fields.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"1," * 3_000_000 + b"1\n")  # 6 MB on line 3
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=r"line 3: has 3,000,001 fields"):
            read(path, 1 << 16)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


# --------------------------------------------------------------------------- memory, progress
def test_the_file_is_never_held_whole(tmp_path):
    X = np.random.default_rng(1).normal(size=(40_000, 4))
    path = tmp_path / "t.csv"
    np.savetxt(path, X, delimiter=",", header="a,b,c,d", comments="", fmt="%.6f")
    tracemalloc.start()
    try:
        t = read(path, 1 << 16)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_allclose(t.values, X, atol=1e-6)
    # the table (values, missing, lines: 1.8 MB) and a block's lines, not the file's 1.8 MB
    # of text with a string for every line (the whole file in memory peaked at 13 MB)
    table = t.values.nbytes + t.missing.nbytes + t.lines.nbytes
    assert peak < table + (1 << 20)


def test_progress_and_cancel_between_blocks(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + rows(20_000).encode() + b"\n")
    seen = []
    read(path, 1 << 12, progress=seen.append, progress_span=(0.2, 0.8))
    assert 0.2 <= seen[0] and seen[-1] == pytest.approx(0.8)
    assert all(b >= a for a, b in zip(seen, seen[1:])) and len(seen) > 50
    calls = []
    with pytest.raises(LoadCancelled):
        read(path, 1 << 12, cancel=lambda: calls.append(1) or len(calls) > 40)
    assert len(calls) == 41  # stopped at once, in the first pass or the second


def test_a_file_cut_short_between_the_passes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + rows(1000).encode())
    with open(path, "rb", buffering=0) as fh:
        blocks = Blocks(fh, 256)
        surveyed = survey(blocks, "t.csv")
        with open(path, "r+b") as writer:
            writer.truncate(1000)
        with pytest.raises(DataError, match="changed while it was read"):
            list(complete_lines(blocks, surveyed, "t.csv"))


def test_the_loader_reads_quoted_fields_over_lines_by_blocks(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(FILES["quoted field over lines"])
    data = load_data(path)
    assert data.X.shape == (4, 2) and data.lines.tolist() == [2, 4, 5, 7]
    assert data.label_names == ("x\ny", "z", "p\nq", "w")


# --------------------------------------------------------------------------- the whole-file rules
_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def whole_file_encoding(data: bytes):
    """The rule as it was written when the whole file was decoded at once: (encoding, note
    or refusal, line)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
            return "utf-16", None, None
        except UnicodeDecodeError as exc:
            return "refused", f"{exc.reason} at byte {exc.start}", None
    try:
        data.decode("utf-8-sig")
        return "utf-8", None, None
    except UnicodeDecodeError as exc:
        bad = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
    line = data.count(b"\n", 0, bad) + 1
    if data.startswith(b"\xef\xbb\xbf") or _MULTIBYTE.search(data) is not None:
        return "refused", f"byte 0x{data[bad]:02x} is not UTF-8", line
    try:
        data.decode("cp1252")
        return "cp1252", f"0x{data[bad]:02x}, is on line {line}", None
    except UnicodeDecodeError:
        return "latin-1", f"0x{data[bad]:02x}, is on line {line}", None


def block_encoding(data: bytes, size: int):
    try:
        surveyed = survey(Blocks(data, size), "t.csv")
    except DataError as exc:
        return "refused", str(exc), exc.line
    return surveyed.encoding.name, surveyed.encoding.note, None


_BYTES = st.lists(st.sampled_from([b"a", b",", b"\n", b"\r", b"1", b"\xc3\xa9", b"\xe9", b"\x81",
                                   b"\xe2\x82\xac", b"\xf0\x9d\x84\x9e", b"\xc3", b"\xed\xa0\x80",
                                   b"\xef\xbb\xbf", b"\xff\xfe", b"\x00"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_BYTES, st.integers(1, 9))
def test_the_encoding_is_decided_for_the_whole_file_as_before(parts, size):
    data = b"".join(parts)
    want, said, line = whole_file_encoding(data)
    got, message, got_line = block_encoding(data, size)
    assert got == want
    if said is not None:
        assert said in message
    assert got_line == line


def joined_one_line_at_a_time(lines, delimiter):
    """Where quoted records end, as found when a record was joined one more line at a time
    and parsed again: (records, "open" and the line it opens on, or "closed")."""
    from gmm_explorer.data.quoted_records import _ends_in_quote

    def open_at_end(record):  # the csv module's own reading of one record's quotes
        return _ends_in_quote(record, delimiter)
    records, done = [], 0
    for i in [k for k, line in enumerate(lines) if line.count('"') % 2]:
        if i < done or not open_at_end(lines[i]):
            continue
        records += lines[done:i]
        record, j = lines[i], i
        while open_at_end(record):
            j += 1
            if j == len(lines):
                return records, "open", i
            record += "\n" + lines[j]
        records.append(record)
        done = j + 1
    return records + lines[done:], "closed", None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet='a1,;" \t', max_size=6), min_size=1, max_size=8),
       st.sampled_from([",", ";", "\t"]))
def test_quoted_records_end_where_rejoining_found_them(lines, delimiter):
    want, state, at = joined_one_line_at_a_time(lines, delimiter)
    if state == "open":
        with pytest.raises(DataError, match=f"line {at + 1}:"):
            join_quoted(lines, delimiter, "t.csv")
        records, _, rest = join_quoted(lines, delimiter, "t.csv", final=False)
        assert records == want and rest == at
    else:
        assert join_quoted(lines, delimiter, "t.csv")[0] == want
