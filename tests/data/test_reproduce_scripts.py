"""Reproduce scripts: generated, run with this Python, and they print 'reproduced'."""

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gmm_explorer.data import load_data
from gmm_explorer.data.reproduce import DataSource, reproduction, write_script
from gmm_explorer.data.reproduce_python import python_script
from gmm_explorer.data.reproduce_r import r_script
from gmm_explorer.datasets import seed_scene
from gmm_explorer.engine import GaussianMixtureEM

FAITHFUL = str(Path(__file__).resolve().parents[2] / "resources" / "faithful.csv")


def run_script(path):
    """Run a script with the test's Python; (return code, stdout, stderr)."""
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def faithful_fit(covariance_type, n_steps=12, **settings):
    data = load_data(FAITHFUL)
    em = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=3, **settings)
    em.initialize(data.X)
    for _ in range(n_steps):
        em.step()
    return data, em


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_python_script_reproduces_each_type(covariance_type, tmp_path):
    data, em = faithful_fit(covariance_type)
    rep = reproduction(em.history, 12, DataSource.from_dataset(data, FAITHFUL),
                       covariance_type, 1e-6, None)
    path = tmp_path / "again.py"
    write_script(path, python_script(rep, data.X))
    code, out, err = run_script(path)
    assert (code, out) == (0, "reproduced\n"), err
    text = path.read_text()
    assert f"max_iter={12}" in text and "tol=0" in text
    assert repr(float(em.history[12].means[0, 0])) in text  # full precision


def test_a_wrong_expected_parameter_fails(tmp_path):
    data, em = faithful_fit("full")
    rep = reproduction(em.history, 12, DataSource.from_dataset(data, FAITHFUL), "full",
                       1e-6, None)
    w, m, c = rep.target
    wrong = replace(rep, target=(w, m * (1 + 1e-7), c))  # ten times the tolerance
    path = tmp_path / "wrong.py"
    write_script(path, python_script(wrong, data.X))
    code, out, err = run_script(path)
    assert code != 0 and "reproduced" not in out
    assert "not reproduced: the means differ" in err


def test_a_changed_data_file_is_named(tmp_path):
    data, em = faithful_fit("diag", n_steps=3)
    copy = tmp_path / "faithful.csv"
    copy.write_text(open(FAITHFUL).read().replace("3.6,79", "3.7,79", 1))
    rep = reproduction(em.history, 3, DataSource.from_dataset(data, copy), "diag", 1e-6, None)
    path = tmp_path / "again.py"
    write_script(path, python_script(rep, data.X))
    code, _, err = run_script(path)
    assert code != 0 and "differ from the data the fit used" in err


def test_npz_array_is_read_again(tmp_path):
    X = load_data(FAITHFUL).X[::-1]
    path = tmp_path / "arrays.npz"
    np.savez(path, other=np.zeros(3), X2=X)
    data = load_data(path, array_name="X2")
    em = GaussianMixtureEM(2, covariance_type="spherical", random_state=0)
    em.initialize(data.X)
    em.run(max_iter=7, tol=0)
    n = len(em.history) - 1
    rep = reproduction(em.history, n, DataSource.from_dataset(data, path, array_name="X2"),
                       "spherical", 1e-6, None)
    script = tmp_path / "again.py"
    write_script(script, python_script(rep, data.X))
    assert "ARRAY_NAME = 'X2'" in script.read_text()
    code, out, err = run_script(script)
    assert (code, out) == (0, "reproduced\n"), err


def test_embedded_data_after_a_collapse_remedy(tmp_path):
    X, _ = seed_scene()
    em = GaussianMixtureEM(10, reg_covar=0.0, init="random_integers", random_state=0,
                           on_collapse="reinitialize")
    em.initialize(X)
    em.run(max_iter=15, tol=0)
    first = min(s.iteration for s in em.history if s.collapse is not None)
    rep = reproduction(em.history, 15, DataSource.embedded(X, ["x0", "x1"], "the seed scene"),
                       "full", 0.0, None)
    assert rep.n_steps == first - 1 < 15
    text = python_script(rep)
    assert "LIMIT: the state shown was iteration 15" in text
    assert "reinitialize" in text and "embedded in this script (the seed scene)" in text
    path = tmp_path / "collapse.py"
    write_script(path, text)
    code, out, err = run_script(path)
    assert (code, out) == (0, "reproduced\n"), err


def test_the_prior_is_refused_by_python_and_kept_by_r(tmp_path):
    data, em = faithful_fit("full", n_steps=5, prior="conjugate")
    rep = reproduction(em.history, 5, DataSource.from_dataset(data, FAITHFUL), "full", 1e-6,
                       "conjugate")
    path = tmp_path / "prior.py"
    write_script(path, python_script(rep, data.X))
    code, out, err = run_script(path)
    assert code != 0 and "cannot reproduce with scikit-learn" in err and "prior" in err
    assert "NOT REPRODUCIBLE WITH SCIKIT-LEARN" in path.read_text()
    assert "priorControl()" in r_script(rep, data.X) and "PRIOR <- TRUE" in r_script(rep,
                                                                                   data.X)


TYPES_AND_MODELS = [("full", "VVV"), ("tied", "EEE"), ("diag", "VVI"), ("spherical", "VII")]


def faithful_r_script(covariance_type):
    data, em = faithful_fit(covariance_type, n_steps=6, reg_covar=0.0)
    rep = reproduction(em.history, 6, DataSource.from_dataset(data, FAITHFUL),
                       covariance_type, 0.0, None)
    return rep, r_script(rep, data.X)


@pytest.mark.parametrize("covariance_type,model", TYPES_AND_MODELS)
def test_r_script_shape(covariance_type, model):
    rep, text = faithful_r_script(covariance_type)
    assert f'MODEL <- "{model}"' in text and "N_STEPS <- 6" in text
    assert f'DATA_FILE <- "{rep.source.path}"' in text
    assert "for (step in seq_len(N_STEPS))" in text and "PRIOR <- FALSE" in text
    assert "emControl(itmax = 5)" in text  # em()'s own count: one M-step after me()
    for name in ("START_PRO", "START_MEAN", "START_SIGMA", "EXPECTED_SIGMA"):
        assert f"{name} <- " in text
    # the numbers are written exactly
    w, m, c = rep.start
    assert repr(float(m[1, 0])) in text and repr(float(c[2, 0, 1])) in text


@pytest.mark.skipif(shutil.which("Rscript") is None,
                    reason="Rscript is not installed: the R scripts are checked for shape only")
@pytest.mark.parametrize("covariance_type,model", TYPES_AND_MODELS)
def test_r_script_runs_in_r(covariance_type, model, tmp_path):
    _, text = faithful_r_script(covariance_type)
    path = tmp_path / "again.R"
    write_script(path, text)
    done = subprocess.run(["Rscript", str(path)], capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.strip().endswith("reproduced"), done.stderr


def test_unwritable_script_path_is_named(tmp_path):
    with pytest.raises(ValueError, match="no_such_folder.*folder does not exist"):
        write_script(tmp_path / "no_such_folder" / "x.py", "print()\n")
