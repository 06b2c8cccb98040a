"""The atomic writer never leaves its litter, never replaces a read-only file unasked,
and the command line never writes over its own input."""

import io
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from gmm_explorer.cli.common import EXIT_USAGE
from gmm_explorer.cli.run import run_command
from gmm_explorer.files import (
    STALE_AFTER, ReadOnlyTargetError, atomic_write_text, replacing_read_only,
)

FAITHFUL = Path(__file__).resolve().parents[1] / "resources" / "faithful.csv"


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _one_error_line(err):
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_stale_temporaries_of_ours_are_cleaned_on_the_next_write(tmp_path):
    target = tmp_path / "model.json"
    stale = tmp_path / ".model.json.tmp-abc123.json"  # what a killed writer leaves
    young = tmp_path / ".model.json.tmp-def456.json"  # perhaps another writer at work
    other = tmp_path / ".other.json.tmp-abc123.json"  # another target's
    mine = tmp_path / "notes.tmp"  # the person's own file
    for path in (stale, young, other, mine):
        path.write_text("half")
    old = time.time() - STALE_AFTER - 60
    for path in (stale, other, mine):
        os.utime(path, (old, old))
    atomic_write_text(target, "whole")
    assert target.read_text() == "whole"
    assert not stale.exists()
    assert young.exists() and other.exists() and mine.exists()


def test_stale_temporaries_named_the_earlier_way_are_cleaned_too(tmp_path):
    earlier = tmp_path / ".tmp-k3j_9x0a.json"  # mkstemp's name before temporaries named
    young = tmp_path / ".tmp-a1b2c3d4.json"   # their target
    unlike = tmp_path / ".tmp-notes.json"
    for path in (earlier, young, unlike):
        path.write_text("half")
    old = time.time() - STALE_AFTER - 60
    for path in (earlier, unlike):
        os.utime(path, (old, old))
    atomic_write_text(tmp_path / "m.json", "whole", suffix=".json")
    assert not earlier.exists() and young.exists() and unlike.exists()


def test_a_read_only_target_is_refused_unless_agreed(tmp_path):
    target = tmp_path / "kept.csv"
    target.write_text("precious")
    target.chmod(0o444)
    with pytest.raises(ReadOnlyTargetError):
        atomic_write_text(target, "new")
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.csv"]  # no temporary left
    with replacing_read_only(target):
        atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444  # still read-only, as it was
    with pytest.raises(ReadOnlyTargetError):  # the agreement was for that one write
        atomic_write_text(target, "newer")


def test_predict_refuses_to_write_over_its_input(tmp_path):
    data = tmp_path / "data.csv"
    shutil.copy(FAITHFUL, data)
    model = tmp_path / "m.json"
    code, _, err = _run("fit", data, "-k", "2", "--seed", "0", "-o", model)
    assert code == 0, err
    before = data.read_bytes()
    for output in (data, model):
        code, _, err = _run("predict", data, "--model", model, "-o", output)
        assert code == EXIT_USAGE
        line = _one_error_line(err)
        assert str(output) in line and "is also this command's input" in line
    assert data.read_bytes() == before
    # the same file by another name is the same file
    code, _, err = _run("predict", data, "--model", model, "-o",
                        tmp_path / "." / "data.csv")
    assert code == EXIT_USAGE and "input" in _one_error_line(err)


def test_fit_refuses_its_input_as_output(tmp_path):
    data = tmp_path / "data.csv"
    shutil.copy(FAITHFUL, data)
    before = data.read_bytes()
    code, _, err = _run("fit", data, "-k", "2", "-o", data)
    assert code == EXIT_USAGE and "is also this command's input" in _one_error_line(err)
    assert data.read_bytes() == before


def test_the_command_line_refuses_a_read_only_output(tmp_path):
    model = tmp_path / "m.json"
    model.write_text("{}")
    model.chmod(0o444)
    code, _, err = _run("fit", FAITHFUL, "-k", "2", "--seed", "0", "-o", model)
    assert code == EXIT_USAGE
    line = _one_error_line(err)
    assert str(model) in line and "read-only" in line
    assert model.read_text() == "{}"
