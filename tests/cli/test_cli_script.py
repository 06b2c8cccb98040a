"""fit --script / --r-script: the written scripts rebuild the model file's state."""

import io
import subprocess
import sys
from pathlib import Path

from gmm_explorer.cli.common import EXIT_OK
from gmm_explorer.cli.run import run_command
from gmm_explorer.data import read_model

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
IRIS = str(RESOURCES / "iris.csv")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_script(path):
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_standardised_fit_script_reproduces(tmp_path):
    script, r_script, model = tmp_path / "iris.py", tmp_path / "iris.R", tmp_path / "m.json"
    code, out, err = run("fit", IRIS, "-k", 3, "--covariance-type", "diag", "--seed", 1,
                         "--output", model, "--script", script, "--r-script", r_script)
    assert code == EXIT_OK, err
    assert f"written to {script}" in err and f"written to {r_script}" in err
    text = script.read_text()
    n_iter = read_model(model)["n_iter"]
    assert f"max_iter={n_iter}" in text and "CENTER = np.array([0.0" not in text
    assert "Standardised: the fit ran on Z" in text
    code, out, err = run_script(script)
    assert (code, out) == (0, "reproduced\n"), err
    r_text = r_script.read_text()
    assert 'MODEL <- "VVI"' in r_text and f"N_STEPS <- {n_iter}" in r_text
    assert "reg_covar = 1e-06" in r_text and "mclust has no counterpart" in r_text


def test_semicolon_file_with_a_dropped_row_reproduces(tmp_path):
    rows = ["a;b;c"] + [f"{(i * 7919) % 97 / 10:.1f};{(i * 104729) % 89 / 3:.4f};"
                        f"{((i * 31) % 53) * 0.25:.2f}".replace(".", ",") for i in range(120)]
    rows[40] = "1,5;2,0;"  # a missing feature, dropped with --drop-missing
    data = tmp_path / "semi.csv"
    data.write_text("\n".join(rows) + "\n")
    script = tmp_path / "semi.py"
    code, out, err = run("fit", data, "-k", 2, "--covariance-type", "spherical", "--seed", 2,
                         "--drop-missing", "--no-standardize", "--columns", "a", "c",
                         "--output", tmp_path / "m.json", "--script", script)
    assert code == EXIT_OK, err
    text = script.read_text()
    assert "DELIMITER = ';'" in text and "DROP_MISSING = True" in text
    assert "COLUMNS = (0, 2)" in text
    assert read_model(tmp_path / "m.json")["provenance"]["n_dropped"] == 1
    code, out, err = run_script(script)
    assert (code, out) == (0, "reproduced\n"), err


def test_script_in_a_missing_folder_is_refused_first(tmp_path):
    model = tmp_path / "m.json"
    code, out, err = run("fit", IRIS, "-k", 2, "--output", model,
                         "--script", tmp_path / "nowhere" / "x.py")
    assert code != EXIT_OK and "nowhere" in err and "folder does not exist" in err
    assert not model.exists()
