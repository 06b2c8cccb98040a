"""The real command in a fresh interpreter: exit codes, stderr, Old Faithful, no Qt.

Few and fast: everything else about the commands runs in-process
(test_cli_commands.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAITHFUL = str(ROOT / "resources" / "faithful.csv")


def gmm_explorer(*argv, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "gmm_explorer", *map(str, argv)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_old_faithful_full_two_components(tmp_path):
    model = tmp_path / "faithful.json"
    result = gmm_explorer("fit", FAITHFUL, "--components", 2, "--n-init", 10,
                          "--output", model, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "log-likelihood -1130.264 (total)" in result.stdout
    content = json.loads(model.read_text())
    assert round(content["log_likelihood"], 3) == -1130.264
    assert content["covariance_type"] == "full" and len(content["weights"]) == 2


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,4,5\n")
    result = gmm_explorer("fit", bad, "-k", 2, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {bad}: line 3: has 3 fields where the header has 2; every row "
                      "needs the same number of values (look for a missing or extra comma, "
                      "or a comma inside unquoted text)"]
    result = gmm_explorer("fit", FAITHFUL, "--components", "many", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_headless_commands_never_import_qt(tmp_path):
    code = f"""
import sys
from gmm_explorer.cli import main
status = main(["fit", {FAITHFUL!r}, "-k", "2", "-q", "-o", "m.json", "--seed", "0"])
status += main(["predict", {FAITHFUL!r}, "--model", "m.json", "-q", "-o", "p.csv"])
loaded = sorted(m for m in sys.modules
                if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
                or m.startswith("gmm_explorer.app"))
print(status, loaded)
"""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"
    assert (tmp_path / "p.csv").read_text().count("\n") == 273
