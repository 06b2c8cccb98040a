"""Hostile inputs to the one opener: streams, pipes, devices, encodings, escapes, quotes.

Every input is generated in ``tmp_path``; nothing binary is committed. Each case says what a
user would notice: the exact rows, or one clear line, quickly, and never a hang.
"""

import io
import os
import sys
import threading
import time

import numpy as np
import pytest

from gmm_explorer.data import DataError, LoadCancelled, load_data, read_model
from gmm_explorer.data.errors import printable
from gmm_explorer.data.opener import LIMIT_VARIABLE, WAIT_VARIABLE, read_input
from gmm_explorer.data.session_file import read_session

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def table(n=2000, seed=0) -> tuple[bytes, np.ndarray]:
    """A 2-column CSV with a header, larger than any read buffer's first block."""
    X = np.random.default_rng(seed).normal(size=(n, 2)).round(6)
    buf = io.StringIO()
    np.savetxt(buf, X, delimiter=",", header="a,b", comments="", fmt="%.6f")
    return buf.getvalue().encode(), X


def one_line(err: Exception) -> str:
    text = str(err)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text
    assert text.isprintable(), repr(text)
    return text


def write_later(path, content: bytes, delay=0.2) -> threading.Thread:
    """A writer that opens the pipe after the reader (as a user starting it second would)."""
    def run():
        time.sleep(delay)
        with open(path, "wb") as fh:
            fh.write(content)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# --------------------------------------------------------------------------- streams
@pytest.fixture
def stdin_pipe(monkeypatch):
    """Standard input replaced by a pipe that a thread fills with the given bytes."""
    def install(content: bytes):
        r, w = os.pipe()

        def feed():
            try:
                with os.fdopen(w, "wb") as fh:
                    fh.write(content)
            except BrokenPipeError:  # the reader refused the stream before its end
                pass
        threading.Thread(target=feed, daemon=True).start()
        stream = os.fdopen(r, "r")
        monkeypatch.setattr(sys, "stdin", stream)
        return stream
    yield install


def test_dash_reads_stdin_whole(stdin_pipe):
    content, X = table()
    stdin_pipe(content)
    data = load_data("-")
    assert data.X.shape == X.shape and data.feature_names == ("a", "b")
    np.testing.assert_array_equal(data.X, X)


def test_a_stream_over_its_budget_is_refused_naming_the_variable(stdin_pipe, monkeypatch):
    content, _ = table()
    monkeypatch.setenv(LIMIT_VARIABLE, "10K")
    stdin_pipe(content)
    with pytest.raises(DataError) as info:
        load_data("-")
    assert LIMIT_VARIABLE in one_line(info.value) and "10,240 bytes" in str(info.value)


@pytest.mark.parametrize("variable, value", [(LIMIT_VARIABLE, "lots"), (LIMIT_VARIABLE, "0"),
                                             (WAIT_VARIABLE, "-1"), (WAIT_VARIABLE, "soon")])
def test_a_bad_budget_setting_is_named(stdin_pipe, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    stdin_pipe(b"a,b\n1,2\n3,4\n")
    with pytest.raises(DataError) as info:
        load_data("-")
    assert one_line(info.value).startswith(variable) and repr(value) in str(info.value)


def test_numpy_data_from_a_pipe_are_refused_with_what_to_do(stdin_pipe):
    buf = io.BytesIO()
    np.save(buf, np.ones((3, 2)))
    stdin_pipe(buf.getvalue())
    with pytest.raises(DataError, match="cannot be read from a pipe; save it to a file"):
        load_data("-")


@needs_fifo
def test_a_named_pipe_with_a_writer_gives_every_row(tmp_path):
    content, X = table()
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    writer = write_later(fifo, content)
    data = load_data(fifo)
    writer.join(5)
    np.testing.assert_array_equal(data.X, X)


@needs_fifo
def test_a_named_pipe_without_a_writer_is_refused_not_waited_on(tmp_path, monkeypatch):
    monkeypatch.setenv(WAIT_VARIABLE, "0.5")
    fifo = tmp_path / "silent.csv"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    with pytest.raises(DataError) as info:
        load_data(fifo)
    assert time.perf_counter() - t0 < 5
    assert "sent nothing" in one_line(info.value) and WAIT_VARIABLE in str(info.value)


@needs_fifo
def test_a_load_from_a_silent_pipe_can_be_cancelled(tmp_path, monkeypatch):
    monkeypatch.setenv(WAIT_VARIABLE, "600")  # only the cancel can end it
    fifo = tmp_path / "silent.csv"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    with pytest.raises(LoadCancelled):
        load_data(fifo, cancel=lambda: time.perf_counter() - t0 > 0.3)
    assert time.perf_counter() - t0 < 5


# --------------------------------------------------------------------------- not files
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_at_once(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    t0 = time.perf_counter()
    with pytest.raises(DataError) as info:
        load_data(device)
    assert time.perf_counter() - t0 < 1
    assert "is a device" in one_line(info.value)


def test_a_folder_is_refused_with_files_inside_it(tmp_path):
    (tmp_path / "inside.csv").write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(DataError, match="is a folder, not a file; .* such as inside.csv"):
        load_data(tmp_path)


def test_a_regular_file_is_read_once_with_progress(tmp_path):
    content, X = table()
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    seen = []
    opened = read_input(path, progress=seen.append)
    assert opened.kind == "text" and opened.data == content and seen[-1] == 1.0


@needs_fifo
def test_model_and_session_files_refuse_pipes_and_devices(tmp_path, monkeypatch):
    monkeypatch.setenv(WAIT_VARIABLE, "0.3")
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="sent nothing"):
        read_model(fifo)
    with pytest.raises(DataError, match="is a pipe"):
        read_session(fifo)
    if os.path.exists("/dev/zero"):
        with pytest.raises(DataError, match="is a device"):
            read_model("/dev/zero")
        with pytest.raises(DataError, match="is a device"):
            read_session("/dev/zero")


# --------------------------------------------------------------------------- encodings
def test_a_stray_latin1_byte_in_utf8_is_refused_at_its_line(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("Größe,y\n1,2\n3,4\n".encode() + b"5,6\nx\xf6,7\n")
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.line == 5
    assert "0xf6 is not UTF-8" in one_line(info.value) and "Windows-1252" in str(info.value)


def test_a_whole_windows_1252_file_is_read_so_and_announced(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Größe,Preis €,y\n1,2,a\n3,4,b\n".encode("cp1252"))
    data = load_data(path)
    assert data.feature_names == ("Größe", "Preis €") and data.encoding == "cp1252"
    assert any(note.startswith("read as Windows-1252") for note in data.notes)


def test_utf8_with_a_bom_is_utf8_without_the_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "Größe,y\n1,2\n3,4\n".encode())
    data = load_data(path)
    assert data.feature_names == ("Größe", "y") and data.encoding == "utf-8"
    assert data.notes == ()


def test_a_bom_followed_by_a_stray_byte_is_refused(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfa,y\n1,2\n3,\xe94\n")
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.line == 3


# --------------------------------------------------------------------------- escapes
def test_a_header_with_a_terminal_escape_is_shown_escaped(tmp_path):
    path = tmp_path / "esc.csv"
    # a header and no rows; long enough that three control bytes do not make it binary
    path.write_bytes(b"\x1b[31mred\x07" + b"a" * 400 + b",\x1b[2Jb\n")
    with pytest.raises(DataError) as info:
        load_data(path)
    text = one_line(info.value)
    assert "(\\x1b[31mred\\x07aaa" in text and ", \\x1b[2Jb)" in text


def test_a_file_name_with_a_newline_is_one_line(tmp_path):
    path = tmp_path / "two\nlines.csv"
    path.write_text("a,b\n1,x\n3,4\n")
    with pytest.raises(DataError) as info:
        load_data(path)
    assert "two\\nlines.csv" in one_line(info.value)


def test_printable_keeps_letters_and_escapes_controls():
    assert printable("Größe α") == "Größe α"
    assert printable("a\tb\r\n\x00\x9b\u202e\udcff") == "a\\tb\\r\\n\\x00\\x9b\\u202e\\udcff"


# --------------------------------------------------------------------------- quotes
def test_a_quoted_field_may_span_lines(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('x,y,note\n1,2,"two\nlines"\n3,4,one\n5,6,"a ""q""\n\n# kept\nend"\n'
                    '7,8,"12"" pipe"\n9,10,12" pipe\n')
    data = load_data(path)
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]])
    assert list(data.lines) == [2, 4, 5, 9, 10]
    classes = [data.label_names[k] for k in data.labels]
    assert classes == ["two\nlines", "one", 'a "q"\n\n# kept\nend', '12" pipe', '12" pipe']


def test_a_quote_never_closed_is_named_at_its_line(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text('x,y,note\n1,2,ok\n3,4,"never\n5,6,closed\n')
    with pytest.raises(DataError) as info:
        load_data(path)
    assert info.value.line == 3 and "never closed" in one_line(info.value)


def test_a_numpy_header_that_undercounts_its_data_is_refused(tmp_path):
    # np.load reads what the header says and ignores the rest: a header claiming 10 rows
    # of a 40-row array would silently drop 30 of them.
    import zipfile

    X = np.arange(80.0).reshape(40, 2)
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f8", "fortran_order": False, "shape": (10, 2)})
    lying = head.getvalue() + X.tobytes()
    npy = tmp_path / "short.npy"
    npy.write_bytes(lying)
    with pytest.raises(DataError, match=r"short\.npy.*shape \(10, 2\).*appended"):
        load_data(npy)
    npz = tmp_path / "short.npz"
    with zipfile.ZipFile(npz, "w") as zf:
        zf.writestr("X.npy", lying)
    with pytest.raises(DataError, match=r"short\.npz.*shape \(10, 2\)"):
        load_data(npz)
    np.save(npy, X)
    assert load_data(npy).X.shape == (40, 2)
