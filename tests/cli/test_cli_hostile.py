"""Hostile input on the command line: one line, exit 2, bounded memory, no hang.

The hostile files come from the ``hostile`` fixture (tests/hostile_files.py).
Most cases run in-process; the zip bomb also runs as a real process, whose
peak resident memory is read from ``getrusage(RUSAGE_CHILDREN)`` in a fresh
interpreter that starts only that process.
"""

import io
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import gmm_explorer.cli.run as cli_run
from gmm_explorer.cli.common import EXIT_INTERNAL, EXIT_USAGE
from gmm_explorer.cli.parser import MAX_COMPONENTS, MAX_COUNTS, MAX_STARTS, parse_components

ROOT = Path(__file__).resolve().parents[2]
FAITHFUL = str(ROOT / "resources" / "faithful.csv")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    code = cli_run.run_command([str(a) for a in argv], stdout=out, stderr=err)
    return code, err.getvalue(), time.perf_counter() - began


def one_line(err, *words):
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: "), err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize("maker, words", [
    ("bomb_npz", ("GMM_EXPLORER_MAX_ZIP_RATIO", "4.2 GB")),
    ("lying_npy", ("GMM_EXPLORER_MAX_VALUES", "8.0 TB")),
    ("lying_npz", ("GMM_EXPLORER_MAX_VALUES", "8.0 TB")),
    ("bad_header_npz", ("Cannot parse header",)),
    ("encrypted_npz", ("encrypted",)),
    ("unknown_compression_npz", ("compression method 99",)),
    ("symlink_npz", ("symbolic link",)),
    ("wide_csv", ("GMM_EXPLORER_MAX_FEATURES", "800.0 MB")),
    ("many_fields_csv", ("GMM_EXPLORER_MAX_FIELDS", "line 4")),
])
def test_hostile_data_file_is_one_line_and_exit_2(hostile, tmp_path, maker, words):
    path = getattr(hostile, maker)()
    code, err, seconds = run("fit", path, "-k", 2, "-q", "-o", tmp_path / "m.json")
    assert code == EXIT_USAGE
    one_line(err, str(path), *words)
    assert seconds < 10
    assert not (tmp_path / "m.json").exists()


def test_huge_component_range_is_refused_without_building_it():
    code, err, seconds = run("select", FAITHFUL, "-k", "1-100000000000")
    assert code == EXIT_USAGE
    one_line(err, "-k/--components", f"{MAX_COMPONENTS:,}", "100,000,000,000")
    assert seconds < 2


def test_too_many_component_counts_are_refused():
    with pytest.raises(Exception, match=f"at most {MAX_COUNTS:,}"):
        parse_components(f"1-{MAX_COUNTS + 1}")
    assert parse_components(f"1-{MAX_COUNTS},{MAX_COUNTS}") == list(range(1, MAX_COUNTS + 1))
    assert parse_components("2-4,3-6,9") == [2, 3, 4, 5, 6, 9]


def test_huge_single_component_count_for_fit():
    code, err, _ = run("fit", FAITHFUL, "-k", 10**12)
    assert code == EXIT_USAGE
    one_line(err, "-k/--components", f"at most {MAX_COMPONENTS:,}")


def test_huge_n_init_is_refused_with_why():
    code, err, seconds = run("fit", FAITHFUL, "-k", 2, "--n-init", "1000000000000")
    assert code == EXIT_USAGE
    one_line(err, "--n-init", f"at most {MAX_STARTS:,} starts", "full EM run")
    assert seconds < 2


@pytest.mark.parametrize("extra", [(), ("--no-standardize",)])
def test_a_ridge_that_swamps_every_covariance_is_refused(tmp_path, extra):
    code, err, _ = run("fit", FAITHFUL, "-k", 2, "--reg-covar", "1e308", "-q", "-o",
                       tmp_path / "m.json", *extra)
    assert code == EXIT_USAGE
    one_line(err, "faithful.csv", "--reg-covar 1e+308", "largest variance")
    assert not (tmp_path / "m.json").exists()


def test_a_large_but_sane_ridge_still_fits(tmp_path):
    """10 times the variance in standardised units is odd but still a mixture: it runs."""
    code, err, _ = run("fit", FAITHFUL, "-k", 2, "--reg-covar", "10", "-q", "-o",
                       tmp_path / "m.json", "--seed", 0)
    assert code == 0, err
    assert json.loads((tmp_path / "m.json").read_text())["covariance_type"] == "full"


def test_non_finite_ridge_is_refused():
    code, err, _ = run("fit", FAITHFUL, "-k", 2, "--reg-covar", "inf")
    assert code == EXIT_USAGE
    one_line(err, "--reg-covar", "finite")


def test_a_bug_is_one_line_naming_a_log_with_the_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("GMM_EXPLORER_LOG_DIR", str(tmp_path / "logs"))

    def broken(args, out, log):
        raise KeyError("a bug's own words")

    monkeypatch.setitem(cli_run.COMMANDS, "fit", broken)
    code, err, _ = run("fit", FAITHFUL, "-k", 2)
    assert code == EXIT_INTERNAL
    one_line(err, "internal error", "KeyError")
    log = Path(err.split("the traceback is in ")[1].split("; please")[0])
    assert log == tmp_path / "logs" / "gmm-explorer.log"
    text = log.read_text()
    assert "Traceback" in text and "a bug's own words" in text and "fit" in text


def test_running_out_of_memory_is_exit_2_naming_the_budgets(monkeypatch):
    def hungry(args, out, log):
        raise MemoryError()

    monkeypatch.setitem(cli_run.COMMANDS, "fit", hungry)
    code, err, _ = run("fit", FAITHFUL, "-k", 2)
    assert code == EXIT_USAGE
    one_line(err, "out of memory", "GMM_EXPLORER_MAX_VALUES")


def test_runtime_warnings_go_to_a_log_not_stderr(monkeypatch, tmp_path):
    """Under the program's default filters a warning is recorded in a file, never printed."""
    monkeypatch.setenv("GMM_EXPLORER_LOG_DIR", str(tmp_path / "logs"))

    def noisy(args, out, log):
        np.log(np.zeros(1))  # divide by zero: a RuntimeWarning
        return 0

    monkeypatch.setitem(cli_run.COMMANDS, "fit", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        with np.errstate(divide="warn"):
            code, err, _ = run("fit", FAITHFUL, "-k", 2)
    assert code == 0 and err == ""
    text = (tmp_path / "logs" / "gmm-explorer.log").read_text()
    assert "warnings" in text and "RuntimeWarning: divide by zero" in text


def _peak_rss_of(command, cwd):
    """(exit status, stderr, peak resident MB) of ``python *command``.

    An intermediate interpreter runs it so that RUSAGE_CHILDREN holds only that process
    (this test process may have had hungrier children before).
    """
    probe = ("import resource, subprocess, sys, json\n"
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
             "print(json.dumps([r.returncode, r.stderr, peak]))\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, *map(str, command)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    code, err, peak_kb = json.loads(done.stdout)
    return code, err, peak_kb / 1024


def test_zip_bomb_peak_memory_of_fit_in_a_real_process(hostile, tmp_path):
    path = hostile.bomb_npz()
    code, err, peak_mb = _peak_rss_of(
        ["-m", "gmm_explorer", "fit", path, "-k", 2, "-o", tmp_path / "m.json"], tmp_path)
    assert code == EXIT_USAGE, err
    one_line(err, str(path), "GMM_EXPLORER_MAX_ZIP_RATIO")
    # the interpreter with numpy and scipy takes about 80 MB; the 4.2 GB the bomb
    # inflates to are never allocated (before the budgets: more than 11 GB)
    assert peak_mb < 500, peak_mb


def test_zip_bomb_in_a_session_file_peak_memory_in_a_real_process(hostile, tmp_path):
    path = hostile.bomb_gmmx()
    script = ("import sys\n"
              "from gmm_explorer.data.session_file import read_session\n"
              "from gmm_explorer.data import DataError\n"
              "try:\n    read_session(sys.argv[1])\n"
              "except DataError as exc:\n    sys.exit(f'error: {exc}')\n")
    code, err, peak_mb = _peak_rss_of(["-c", script, path], tmp_path)
    assert code == 1, err
    one_line(err, str(path), "GMM_EXPLORER_MAX_ZIP_RATIO")
    assert peak_mb < 500, peak_mb


@pytest.mark.parametrize("command", ["fit", "select"])
def test_covariances_beyond_the_values_budget_are_refused_before_fitting(
        tmp_path, monkeypatch, command):
    """K x D x D covariances are counted against GMM_EXPLORER_MAX_VALUES before EM starts."""
    path = tmp_path / "d.csv"
    np.savetxt(path, np.random.RandomState(0).rand(300, 20), delimiter=",")
    monkeypatch.setenv("GMM_EXPLORER_MAX_VALUES", "10000")  # the data: 6,000 values
    code, err, seconds = run(command, path, "-k", 30, "-q",
                             *(["-o", tmp_path / "m.json"] if command == "fit" else []))
    assert code == EXIT_USAGE
    one_line(err, "30 x 20 x 20 covariances", "12,000 values", "GMM_EXPLORER_MAX_VALUES")
    assert seconds < 5


@pytest.mark.parametrize("command", ["fit", "select"])
def test_names_from_the_file_reach_stdout_escaped(tmp_path, command):
    # A column name can hold a terminal escape (retitling or clearing the terminal):
    # the report on stdout shows it escaped, as the messages on stderr do.
    path = tmp_path / "esc.csv"
    rows = np.random.RandomState(0).standard_normal((30, 2))
    path.write_text("\x1b]0;owned\x07a,b\n" + "\n".join(f"{x},{y}" for x, y in rows) + "\n")
    out = io.StringIO()
    k = ["-k", "2", "-o", str(tmp_path / "m.json")] if command == "fit" else ["-k", "1-2"]
    code = cli_run.run_command([command, str(path), *k, "-q", "--seed", "0"],
                               stdout=out, stderr=io.StringIO())
    assert code == 0
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "\\x1b]0;owned\\x07a" in out.getvalue()


@pytest.mark.parametrize("value", ["0.5", "0.999"])
def test_a_condition_bound_below_one_is_refused_as_the_argument(value, tmp_path):
    # It used to reach the engine and be reported as "d.csv: no start could be fitted".
    code, err, _ = run("fit", FAITHFUL, "-k", 2, "--max-condition", value,
                       "-o", tmp_path / "m.json")
    assert code == EXIT_USAGE
    one_line(err, "argument --max-condition", ">= 1", value)
    assert FAITHFUL not in err
    assert run("fit", FAITHFUL, "-k", 2, "-q", "--max-condition", "1",
               "-o", tmp_path / "m.json")[0] in (0, 3)
