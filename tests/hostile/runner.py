"""Run one case and say what happened: the outcome classes the census counts.

A case runs in this process (fast: the CLI's ``run_command``, the window's
``load_and_prepare``, ``read_session``, the engine) or in a fresh interpreter
(streams, pipes, devices; peak memory, the child's own high-water mark; and every case in the
census, so that an older program that hangs or swells cannot take the census
with it). A child gets an address-space cap, so a swelling input ends in a
MemoryError instead of exhausting the machine.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .case import COLLAPSE, LOADS, OK, REFUSED

# Outcome classes.
CORRECT, CLEAR, UNCLEAR = "correct", "clear one-line error", "unclear error"
TRACEBACK, HANG, WRONG, MEMORY = "traceback", "hang", "wrong result", "memory over budget"
CLASSES = (CORRECT, CLEAR, UNCLEAR, TRACEBACK, HANG, WRONG, MEMORY)

#: Seconds a real process may take (a loaded two-core machine; the slowest
#: correct case takes a few seconds).
TIMEOUT = 60
#: What a run may add to the peak beyond twice the data's size: Python objects,
#: modules imported late (the peak is measured from after the program's imports).
SLACK = 8 << 20
#: A child's address space: past it an allocation fails instead of swapping.
ADDRESS_CAP = 3 << 30
TESTS = Path(__file__).resolve().parents[1]
ESCAPE = "\x1b"


@dataclass
class Observed:
    code: int | None          # exit status; None: timed out
    out: str = ""
    err: str = ""
    seconds: float = 0.0
    peak: int = 0             # bytes the run added to the peak, real processes only


# ------------------------------------------------------------------ in-process
def execute(case, folder: Path, entry: str | None = None) -> Observed:
    """Run ``case`` here; ``entry="window"`` reads its file with the window's loader."""
    entry = entry or case.entry
    began = time.perf_counter()
    built = case.build(folder)
    try:
        if entry == "cli":
            from gmm_explorer.cli.run import run_command
            out, err = io.StringIO(), io.StringIO()
            code = run_command([str(a) for a in built], stdout=out, stderr=err)
            seen = Observed(code, out.getvalue(), err.getvalue())
        else:
            seen = _call(entry, case, built)
    except BaseException as exc:  # what escaped the entry point is the finding
        if isinstance(exc, KeyboardInterrupt):
            raise
        seen = Observed(1, "", "".join(traceback.format_exception(exc)))
    seen.seconds = time.perf_counter() - began
    return seen


def _call(entry, case, built) -> Observed:
    """The window's loader, the session reader or the engine, as an exit status."""
    from gmm_explorer.data import DataError
    try:
        if entry == "window":
            from gmm_explorer.app.model.load_worker import load_and_prepare
            # older versions took no options: a case without any still runs there
            options = {"load_options": case.window} if case.window else {}
            got = load_and_prepare(str(built[1]), progress=lambda f: None,
                                   cancelled=lambda: False, **options)
            shape = got.data.X.shape
        elif entry == "load":
            from gmm_explorer.data import load_data
            shape = load_data(str(built[1])).X.shape
        elif entry == "session":
            from gmm_explorer.data.session_file import read_session
            shape = read_session(str(built[0])).X.shape
        else:
            shape = built()
    except (DataError, ValueError, TypeError) as exc:
        return Observed(2, "", f"error: {exc}\n")
    # what an engine call accepted may be anything: only a shape is a shape
    if not (isinstance(shape, tuple) and all(isinstance(n, int) for n in shape)):
        return Observed(0, f"accepted, returned {type(shape).__name__}", "")
    return Observed(0, "shape %s" % json.dumps(list(shape)), "")


# ------------------------------------------------------------------ real process
CHILD = r"""
import json, os, resource, sys


def peak_kb():
    # VmHWM is this program image's own peak; ru_maxrss keeps the forking
    # parent's across exec, which hid a child's growth behind a large parent
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


cap = int(os.environ.pop("HOSTILE_ADDRESS_CAP"))
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
report, mode = sys.argv[1], sys.argv[2]
code = 1
# the program's modules first: the peak the run adds is measured from here
import numpy, scipy.linalg, scipy.special
import gmm_explorer.cli.run, gmm_explorer.data, gmm_explorer.engine
if mode == "window":
    import gmm_explorer.app.model.load_worker
if mode != "main":  # the corpus too: building its cases is not the run
    sys.path.insert(0, os.environ.pop("HOSTILE_TESTS"))
    from pathlib import Path
    from hostile.corpus import BY_NAME
    from hostile.runner import execute
before = peak_kb()
try:
    if mode == "main":
        from gmm_explorer.cli import main
        code = main(sys.argv[3:])
    else:
        seen = execute(BY_NAME[sys.argv[4]], Path(sys.argv[3]), mode)
        sys.stdout.write(seen.out)
        sys.stderr.write(seen.err)
        code = seen.code
finally:
    with open(report, "w") as fh:
        fh.write(str(peak_kb() - before))
sys.exit(code)
"""


def spawn(case, folder: Path, entry: str | None = None, python: str = sys.executable,
          timeout: float = TIMEOUT) -> Observed:
    """Run ``case`` in a fresh interpreter ``python``; a timeout is a hang."""
    entry = entry or case.entry
    folder = Path(folder)
    report = folder / ".peak"
    env = dict(os.environ, **case.env, HOSTILE_ADDRESS_CAP=str(ADDRESS_CAP),
               HOSTILE_TESTS=str(TESTS), GMM_EXPLORER_LOG_DIR=str(folder / ".logs"))
    if entry == "cli" and case.process:
        argv = ["main", *map(str, case.build(folder))]
    else:
        if case.memory:  # made here: making the input is not the run whose peak counts
            case.build(folder)
        argv = [entry, str(folder), case.name]
    began = time.perf_counter()
    proc = subprocess.Popen([python, "-c", CHILD, str(report), *argv], cwd=folder, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(case.stdin or b"", timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        code = None
    seen = Observed(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                    time.perf_counter() - began)
    try:
        seen.peak = int(report.read_text()) << 10
    except (OSError, ValueError):
        pass
    return seen


# ------------------------------------------------------------------ outcome
def shape_of(case, seen: Observed, entry: str):
    """(rows, columns) the run reports, or None."""
    if entry != "cli":
        m = re.match(r"shape (\[.*\])", seen.out)
        return tuple(json.loads(m.group(1))) if m else None
    if seen.out.startswith("line,"):  # predict's CSV
        return (len(seen.out.strip().splitlines()) - 1, None)
    m = re.search(r"([\d,]+) points?, (\d+) features?", seen.out)
    return (int(m.group(1).replace(",", "")), int(m.group(2))) if m else None


def classify(case, seen: Observed, folder: Path, entry: str | None = None) -> tuple[str, str]:
    """(outcome class, why) of a run of ``case``."""
    entry = entry or case.entry
    expect = case.window_expect if entry == "window" and case.window_expect else case.expect
    if seen.code is None:
        return HANG, f"no answer in {TIMEOUT} s"
    if "Traceback" in seen.err or "internal error" in seen.err:
        return TRACEBACK, seen.err.strip()[-300:]
    if seen.code == 1 and re.search(r"memory", seen.err, re.I):
        return MEMORY, seen.err.strip()[:200]
    if seen.code == 1:  # a bug, in whatever words
        return TRACEBACK, seen.err.strip()[-300:]
    if case.memory and seen.peak > SLACK + 2 * case.memory:
        return MEMORY, f"the run added {seen.peak >> 20} MiB to the peak for " \
                       f"{case.memory >> 20} MiB of data"
    if ESCAPE in seen.err or ESCAPE in seen.out:
        return WRONG, "a raw escape character reached the terminal"
    problem = case.after(folder) if case.after else None
    if problem:
        return WRONG, problem
    if expect == REFUSED:
        if seen.code == 0:
            return WRONG, f"accepted: {seen.out[:200]!r}"
        if seen.code != 2:
            return WRONG, f"exit {seen.code}: {seen.err.strip()[:200]}"
        if re.search(r"memory", seen.err, re.I) and not re.search(case.match, "memory"):
            return MEMORY, seen.err.strip()[:200]
        lines = seen.err.splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            return UNCLEAR, f"{len(lines)} lines: {seen.err[:300]!r}"
        if not re.search(case.match, lines[0]):
            return UNCLEAR, f"does not match {case.match!r}: {lines[0][:300]}"
        return CLEAR, ""
    want = {LOADS: 0, OK: 0, COLLAPSE: 3}[expect]
    if seen.code != want:
        if re.search(r"memory", seen.err, re.I):
            return MEMORY, seen.err.strip()[:200]
        return WRONG, f"exit {seen.code} (expected {want}): {seen.err.strip()[:300]}"
    if expect == LOADS:
        got = shape_of(case, seen, entry)
        want_shape = case.shape
        if got is None or got[0] != want_shape[0] or (
                want_shape[1] is not None and got[1] is not None and got[1] != want_shape[1]):
            return WRONG, f"shape {got}, expected {want_shape}"
    return CORRECT, ""


def expected_class(case, entry: str | None = None) -> str:
    """The class a correct program earns on ``case``."""
    expect = case.window_expect if entry == "window" and case.window_expect else case.expect
    return CLEAR if expect == REFUSED else CORRECT
