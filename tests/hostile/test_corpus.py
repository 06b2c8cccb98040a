"""The hostile corpus (corpus.py): every case held to its expected outcome.

No traceback, no hang, no wrong result, a refusal in one line that names the
file, parameter or budget, and peak memory under twice the data's size where a
case measures it. The file cases are read by the window's loader too, which
must agree: the same shape, or a one-line refusal. A case with a ``known``
defect is expected to fail (strictly: once fixed, it must be marked fixed).
"""

import pytest

from .corpus import CASES
from .runner import classify, execute, expected_class, spawn


def _params(cases):
    return [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.known)]
                         if c.known else []) for c in cases]


@pytest.fixture(autouse=True)
def _logs_here(tmp_path, monkeypatch):
    # a bug's traceback goes to a log: this test's folder, not the user's
    monkeypatch.setenv("GMM_EXPLORER_LOG_DIR", str(tmp_path / ".logs"))


@pytest.mark.parametrize("case", _params(CASES))
def test_each_hostile_case_has_its_expected_outcome(case, tmp_path):
    seen = spawn(case, tmp_path) if case.process else execute(case, tmp_path)
    outcome, why = classify(case, seen, tmp_path)
    assert outcome == expected_class(case), f"{outcome}: {why}"


FILE_CASES = [c for c in CASES if c.window is not None and c.entry == "cli"]


@pytest.mark.parametrize("case", _params(FILE_CASES))
def test_the_windows_loader_agrees_on_each_file(case, tmp_path):
    seen = execute(case, tmp_path, "window")
    outcome, why = classify(case, seen, tmp_path, "window")
    assert outcome == expected_class(case, "window"), f"{outcome}: {why}"


def test_the_corpus_is_large_and_covers_every_entry():
    assert len(CASES) >= 150
    kinds = {c.kind for c in CASES}
    assert {"text", "numpy", "zip", "model", "session", "argument", "stream", "engine",
            "write", "memory"} <= kinds
    assert {c.entry for c in CASES} == {"cli", "session", "engine", "load"}
    assert sum(c.memory > 0 for c in CASES) >= 4 and sum(c.process for c in CASES) >= 10
