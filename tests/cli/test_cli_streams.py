"""The real command fed by pipes: every row once, and one escaped line when it refuses.

A fresh interpreter per case, with a timeout: a hang fails the test instead of the suite.
"""

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def command(*argv, cwd, stdin=None, env=None, timeout=60):
    full = dict(os.environ, **(env or {}))
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "gmm_explorer", *map(str, argv)],
                          input=stdin, capture_output=True, cwd=cwd, env=full,
                          timeout=timeout)


@pytest.fixture
def csv(tmp_path) -> Path:
    """2,000 rows and a header: more than the 8 KB a buffered sniff used to swallow."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(0, 1, (1000, 2)), rng.normal(6, 1, (1000, 2))])
    path = tmp_path / "data.csv"
    np.savetxt(path, X, delimiter=",", header="a,b", comments="", fmt="%.6f")
    return path


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_a_piped_file_gives_exactly_its_rows(tmp_path, csv, name):
    if name != "-" and not os.path.exists(name):
        pytest.skip(f"{name} does not exist here")
    result = command("fit", name, "-k", 2, cwd=tmp_path, stdin=csv.read_bytes())
    assert result.returncode == 0, result.stderr
    assert b": 2000 points, 2 features (a, b)" in result.stderr
    model = json.loads((tmp_path / "stdin.model.json").read_text())
    assert model["provenance"]["data_sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipes_with_and_without_a_writer(tmp_path, csv):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    silent = command("fit", fifo, "-k", 2, cwd=tmp_path,
                     env={"GMM_EXPLORER_STREAM_WAIT": "1"}, timeout=30)
    assert silent.returncode == 2 and time.perf_counter() - t0 < 20
    assert silent.stderr.count(b"\n") == 1 and b"sent nothing for 1 s" in silent.stderr

    def write():
        time.sleep(0.5)
        with open(fifo, "wb") as fh:
            fh.write(csv.read_bytes())
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    fed = command("fit", fifo, "-k", 2, cwd=tmp_path, timeout=60)
    writer.join(10)
    assert fed.returncode == 0, fed.stderr
    assert b": 2000 points, 2 features (a, b)" in fed.stderr


def test_dev_zero_is_refused_fast(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    result = command("fit", "/dev/zero", "-k", 2, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(b"error: /dev/zero: is a device")


def test_escapes_and_newlines_from_files_are_printed_escaped(tmp_path):
    bad = tmp_path / "a\nb.csv"
    bad.write_bytes(b"x,\x1b]0;owned\x07\n1,2\n3,oops\n")
    result = command("fit", bad, "-k", 1, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count(b"\n") == 1 and b"\x1b" not in result.stderr
    assert b"a\\nb.csv: line 3" in result.stderr and b"\\x1b]0;owned\\x07" in result.stderr


def test_the_encoding_fallback_is_announced(tmp_path):
    path = tmp_path / "cp1252.csv"
    rows = "".join(f"{i},{i % 7}.5\n" for i in range(40))
    path.write_bytes(("Größe,Gewicht\n" + rows).encode("cp1252"))
    result = command("fit", path, "-k", 1, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note: read as Windows-1252".encode() in result.stderr
    assert "(Größe, Gewicht)".encode() in result.stderr
