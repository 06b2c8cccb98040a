"""fit, select and predict run in-process: outputs, exit codes, one-line errors."""

import csv
import io
import json
import os
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from gmm_explorer.cli.common import EXIT_COLLAPSE, EXIT_OK, EXIT_USAGE, UsageError
from gmm_explorer.cli.parser import build_parser, parse_components
from gmm_explorer.cli.run import run_command
from gmm_explorer.data import load_data, load_model, read_model
from gmm_explorer.engine.fits import FitRecipe
from gmm_explorer.engine.options import (
    COLLAPSE_POLICIES, COVARIANCE_TYPES, INIT_METHODS, PRIORS, ModelSettings,
)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
FAITHFUL = str(RESOURCES / "faithful.csv")
IRIS = str(RESOURCES / "iris.csv")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(err, *words):
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------- fit
def test_fit_writes_the_model_and_summarises(tmp_path):
    model = tmp_path / "faithful.json"
    code, out, err = run("fit", FAITHFUL, "--components", 2, "--seed", 3, "--n-init", 2,
                         "--output", model)
    assert code == EXIT_OK, err
    assert "log-likelihood -1130.264" in out and "BIC" in out and str(model) in out
    assert "hierarchical start:" in err  # every fit's starts include it, named first
    assert "start 1/2" in err and "start 2/2" in err  # progress on stderr
    info = read_model(model)
    assert info["n_components"] == 2 and info["n_samples"] == 272
    prov = info["provenance"]
    assert prov["data_file"] == FAITHFUL and prov["columns"] == ["eruptions", "waiting"]
    assert prov["settings"]["seed"] == 3 and prov["settings"]["n_init"] == 2
    assert prov["settings"]["covariance_type"] == "full"
    assert prov["command"].startswith("gmm-explorer fit ")
    assert len(prov["data_sha256"]) == 64


def test_fit_is_reproducible_with_a_seed(tmp_path):
    args = ["fit", IRIS, "-k", 3, "--init", "random_from_data", "--seed", 7, "-q"]
    run(*args, "-o", tmp_path / "a.json")
    run(*args, "-o", tmp_path / "b.json")
    a, b = read_model(tmp_path / "a.json"), read_model(tmp_path / "b.json")
    np.testing.assert_array_equal(a["means"], b["means"])


def test_fit_quiet_columns_and_verbose(tmp_path):
    code, out, err = run("fit", IRIS, "-k", 2, "--columns", "Petal.Length", "Petal.Width",
                         "-q", "-o", tmp_path / "m.json", "--seed", 0)
    assert code == EXIT_OK and err == ""
    assert read_model(tmp_path / "m.json")["feature_names"] == ["Petal.Length", "Petal.Width"]
    code, out, err = run("fit", FAITHFUL, "-k", 2, "-v", "-o", tmp_path / "m.json",
                         "--seed", 0, "--covariance-type", "tied", "--prior", "conjugate")
    assert code == EXIT_OK and "iteration   1: log-likelihood" in err


def test_fit_default_output_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("fit", FAITHFUL, "-k", 1, "-q")
    assert code == EXIT_OK and (tmp_path / "faithful.model.json").exists()


def test_collapse_under_stop_has_its_own_exit_status(tmp_path):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(60, 2)), np.tile([[0.5, 0.5]], (60, 1))])
    path = tmp_path / "dups.csv"
    np.savetxt(path, X, delimiter=",")
    code, out, err = run("fit", path, "-k", 3, "--reg-covar", 0, "--seed", 0, "-q",
                         "-o", tmp_path / "m.json")
    assert code == EXIT_COLLAPSE
    assert_one_line_error(err, str(path), "every start (2, the hierarchical one included) "
                          "collapsed", "Remedies")
    assert not (tmp_path / "m.json").exists()
    code, out, err = run("fit", path, "-k", 3, "--reg-covar", 0, "--seed", 0, "-q",
                         "--on-collapse", "remove", "-o", tmp_path / "m.json")
    assert code == EXIT_OK, err
    assert "removed after collapsing" in out


@pytest.mark.parametrize("argv, words", [
    (["fit", FAITHFUL], ["--components"]),
    (["fit", FAITHFUL, "-k", "0"], ["at least 1"]),
    (["fit", FAITHFUL, "-k", "two"], ["whole number"]),
    (["fit", FAITHFUL, "-k", "2", "--covariance-type", "round"], ["full, tied"]),
    (["fit", FAITHFUL, "-k", "2", "--covariance-type", "full,diag"], ["select"]),
    (["fit", FAITHFUL, "-k", "2", "--reg-covar", "-1"], [">= 0"]),
    (["fit", FAITHFUL, "-k", "2", "--init", "best"], ["kmeans"]),
    (["fit", FAITHFUL, "-k", "2", "--bogus"], ["--bogus", "gmm-explorer fit --help"]),
    (["select", FAITHFUL, "--components", "5-1"], ["1-8"]),
    (["predict", FAITHFUL], ["--model"]),
    (["fit", FAITHFUL, "-k", "300"], [FAITHFUL, "only 272 points"]),
    (["fit", FAITHFUL, "-k", "2", "--columns", "height"], [FAITHFUL, "'eruptions'"]),
    (["fit", "/no/such/file.csv", "-k", "2"], ["/no/such/file.csv", "no such file"]),
    (["fit", FAITHFUL, "-k", "2", "-o", "/no/such/dir/m.json"], ["/no/such/dir/m.json"]),
    # the data file after --columns, which read it as a column
    (["fit", "--columns", "waiting", FAITHFUL, "-k", "2"],
     [f"--columns took {FAITHFUL} as a column name", f"gmm-explorer fit {FAITHFUL} --columns"]),
    (["select", "-k", "1-2", "--columns", "waiting", FAITHFUL], ["gmm-explorer select"]),
    (["fit", "--columns", "waiting", "/no/such/file.csv"], ["required: DATA"]),
    # as argparse reads --columns: the last one, an abbreviation, negative positions, stdin
    (["fit", "--columns", "x", "--columns", "waiting", FAITHFUL], [f"took {FAITHFUL} as"]),
    (["fit", "--col", "waiting", FAITHFUL, "-k", "2"], [f"took {FAITHFUL} as"]),
    (["fit", "--columns", "0", "-1", FAITHFUL, "-k", "2"], [f"took {FAITHFUL} as"]),
    (["fit", "-k", "2", "--columns", "waiting", "-"], ["took - as a column name"]),
])
def test_bad_arguments_and_input_exit_2_with_one_line(argv, words):
    code, out, err = run(*argv)
    assert code == EXIT_USAGE
    assert_one_line_error(err, *words)


def test_bad_data_file_names_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,4\n5,six\n")
    code, _, err = run("fit", path, "-k", 1)
    assert code == EXIT_USAGE
    assert_one_line_error(err, f"error: {path}: line 4:", "'y'", "'six'")


def test_missing_values_and_drop_missing(tmp_path):
    path = tmp_path / "gaps.csv"
    rows = [f"{i},{(i * 7) % 11}" for i in range(30)]
    rows[4] = "4,"
    path.write_text("x,y\n" + "\n".join(rows) + "\n")
    code, _, err = run("fit", path, "-k", 2)
    assert code == EXIT_USAGE
    assert_one_line_error(err, "1 value in 1 row is missing", "line 6", "--drop-missing")
    code, out, err = run("fit", path, "-k", 2, "--drop-missing", "-o", tmp_path / "m.json")
    assert code == EXIT_OK and "note: 1 row" in err
    assert read_model(tmp_path / "m.json")["provenance"]["n_dropped"] == 1


@pytest.mark.parametrize("command", ["fit", "select", "predict"])
def test_help_has_an_example(command, capsys):
    code, _, _ = run(command, "--help")
    assert code == EXIT_OK
    text = capsys.readouterr().out
    assert "example" in text and f"gmm-explorer {command}" in text


# --------------------------------------------------------------------------- select
def test_select_table_and_csv(tmp_path):
    out_csv = tmp_path / "sel.csv"
    code, out, err = run("select", FAITHFUL, "--components", "1-3", "--covariance-type",
                         "full,tied", "--seed", 0, "-q", "--csv", out_csv)
    assert code == EXIT_OK, err
    assert "lower is better" in out.lower() and "mclust" in out
    bic = out.split("\n\n")[1].splitlines()
    assert bic[0].split() == ["BIC", "full", "tied"]
    assert [line.split()[0] for line in bic[1:]] == ["1", "2", "3"]
    assert sum(line.count("*") for line in bic[1:]) == 1
    assert "best by BIC: 3 components, tied" in out  # mclust's choice for Old Faithful
    rows = list(csv.DictReader(out_csv.open()))
    assert len(rows) == 6
    best = [r for r in rows if r["best_bic"] == "true"]
    assert len(best) == 1 and best[0]["covariance_type"] == "tied"
    full2 = next(r for r in rows if r["n_components"] == "2" and r["covariance_type"] == "full")
    assert round(float(full2["log_likelihood"]), 3) == -1130.264
    assert float(full2["bic"]) == pytest.approx(
        -2 * float(full2["log_likelihood"]) + 11 * np.log(272))



@pytest.mark.parametrize("verbose", [False, True])
def test_select_logs_a_line_per_cell_and_per_start_only_with_v(verbose):
    code, _, err = run("select", FAITHFUL, "-k", "1-2", "--covariance-type", "full,diag",
                       "--n-init", 2, "--seed", 0, *(["-v"] if verbose else []))
    assert code == EXIT_OK, err
    cells = [line for line in err.splitlines() if re.match(r"(full|diag) K=\d: ", line)]
    assert len(cells) == 4 and all("BIC" in line for line in cells)
    starts = [line for line in err.splitlines() if "start 2/2: " in line and "iterations" in line]
    assert len(starts) == (4 if verbose else 0)


def test_a_cells_line_says_how_many_of_its_starts_collapsed(tmp_path):
    data = tmp_path / "stack.csv"
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(40, 2)), np.tile([[3.0, 3.0]], (12, 1))])
    np.savetxt(data, X, delimiter=",", header="a,b", comments="")
    code, _, err = run("select", data, "-k", "3-4", "--covariance-type", "full",
                       "--n-init", 3, "--seed", 0, "--reg-covar", 0, "--no-standardize")
    lines = [line for line in err.splitlines() if line.startswith("full K=")]
    assert len(lines) == 2, err
    assert any(re.search(r"\(\d collapsed of 4 starts\)", line) for line in lines), lines


def test_select_prints_icl_beside_bic_and_aic_and_its_csv_has_it(tmp_path):
    out_csv, model = tmp_path / "sel.csv", tmp_path / "m.json"
    code, out, err = run("select", FAITHFUL, "--components", "1-3", "--covariance-type",
                         "full,tied", "--seed", 0, "-q", "--csv", out_csv)
    assert code == EXIT_OK, err
    assert "best of the hierarchical start and 1 seeded start per cell" in out
    assert "ICL = BIC - 2 sum log max_k r_nk" in out
    tables = out.split("\n\n")
    assert [t.split()[0] for t in tables[1:4]] == ["BIC", "AIC", "ICL"]
    icl = tables[3].splitlines()
    assert icl[0].split() == ["ICL", "full", "tied"]
    assert sum(line.count("*") for line in icl[1:]) == 1
    best_line = next(line for line in out.splitlines() if line.startswith("best by ICL: "))
    rows = list(csv.DictReader(out_csv.open()))
    assert list(rows[0])[-2:] == ["icl", "best_icl"]  # new columns last: old readers work
    best = [r for r in rows if r["best_icl"] == "true"]
    assert len(best) == 1 and min(float(r["icl"]) for r in rows) == float(best[0]["icl"])
    assert best_line.startswith(f"best by ICL: {best[0]['n_components']} components, "
                                f"{best[0]['covariance_type']} covariances "
                                f"(ICL {float(best[0]['icl']):.3f})")
    for r in rows:
        assert float(r["icl"]) >= float(r["bic"])  # the classification cost is never negative
        if r["n_components"] == "1":
            assert float(r["icl"]) == float(r["bic"])
    # The engine's own ICL of the same model, fitted by `fit` from the same starts.
    code, _, err = run("fit", FAITHFUL, "-k", 2, "--seed", 0, "-q", "-o", model)
    assert code == EXIT_OK, err
    full2 = next(r for r in rows if r["n_components"] == "2" and r["covariance_type"] == "full")
    assert float(full2["icl"]) == pytest.approx(
        load_model(model).icl(load_data(FAITHFUL).X), rel=1e-9)


def test_select_on_old_faithful_reaches_mclusts_optima_with_the_hierarchical_start(tmp_path):
    """mclust's EEE (tied) K=3 and VVV (full) K=2 log-likelihoods, in the data's units."""
    out_csv = tmp_path / "sel.csv"
    code, out, err = run("select", FAITHFUL, "--components", "1-9", "--n-init", 10,
                         "--covariance-type", "full,tied", "--seed", 0, "--tol", "1e-8",
                         "--csv", out_csv)
    assert code == EXIT_OK, err
    assert "best by BIC: 3 components, tied covariances" in out
    assert "tied K=3: log-likelihood -1126.316," in err
    assert "full K=2: log-likelihood -1130.264," in err
    rows = {(r["n_components"], r["covariance_type"]): r
            for r in csv.DictReader(out_csv.open())}
    assert round(float(rows["3", "tied"]["log_likelihood"]), 3) == -1126.316
    assert round(float(rows["2", "full"]["log_likelihood"]), 3) == -1130.264


def test_parse_components():
    assert parse_components("1-4") == [1, 2, 3, 4]
    assert parse_components("2,5,3-4") == [2, 3, 4, 5]


# --------------------------------------------------------------------------- predict
def test_predict_rows_labels_probabilities(tmp_path):
    model = tmp_path / "iris.json"
    run("fit", IRIS, "-k", 3, "--seed", 0, "-q", "-o", model)
    out_csv = tmp_path / "labels.csv"
    code, out, err = run("predict", IRIS, "--model", model, "--output", out_csv)
    assert code == EXIT_OK, err
    rows = list(csv.reader(out_csv.open()))
    assert rows[0] == ["line", "label", "p_0", "p_1", "p_2"]
    assert len(rows) == 151 and rows[1][0] == "2"
    P = np.array([[float(v) for v in r[2:]] for r in rows[1:]])
    labels = np.array([int(r[1]) for r in rows[1:]])
    np.testing.assert_allclose(P.sum(axis=1), 1, atol=1e-12)
    np.testing.assert_array_equal(labels, P.argmax(axis=1))
    X = load_data(IRIS).X
    np.testing.assert_allclose(P, load_model(model).predict_proba(X), atol=1e-10)
    # stdout when no --output
    code, out, _ = run("predict", IRIS, "--model", model, "-q")
    assert out.splitlines()[0] == "line,label,p_0,p_1,p_2" and len(out.splitlines()) == 151


def test_predict_picks_the_models_columns_by_name(tmp_path):
    model = tmp_path / "petals.json"
    run("fit", IRIS, "-k", 2, "--columns", "Petal.Width", "Petal.Length", "-q", "--seed", 0,
        "-o", model)
    code, out, err = run("predict", IRIS, "--model", model, "-q")
    assert code == EXIT_OK, err
    code, out, err = run("predict", FAITHFUL, "--model", model)
    assert code == EXIT_USAGE
    assert_one_line_error(err, "--columns", "Petal.Width")


def test_predict_with_a_bad_model_file(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"weights": [1]}))
    code, _, err = run("predict", FAITHFUL, "--model", bad)
    assert code == EXIT_USAGE
    assert_one_line_error(err, str(bad), "not a GMM Explorer model file")


def test_select_suggests_a_fit_that_reproduces_its_best_cell():
    code, out, _ = run("select", FAITHFUL, "--components", "1-3", "--covariance-type", "all",
                       "--reg-covar", "0.001")
    assert code == EXIT_OK
    line = next(l for l in out.splitlines() if l.startswith("best by BIC"))
    best_bic = float(re.search(r"\(BIC ([-0-9.]+)\)", line).group(1))
    command = shlex.split(line.split("fit it with: ", 1)[1])
    assert command[:2] == ["gmm-explorer", "fit"] and "--reg-covar" in command
    code, fit_out, _ = run(*command[1:], "-q", "--output", os.devnull)
    assert code == EXIT_OK
    assert f"BIC {best_bic:.3f}" in fit_out


# --------------------------------------------------------------------------- vocabulary
@pytest.mark.parametrize("flag, dest, vocabulary", [
    ("--init", "init", INIT_METHODS),
    ("--on-collapse", "on_collapse", COLLAPSE_POLICIES),
    ("--prior", "prior", tuple("none" if p is None else p for p in PRIORS)),
])
def test_the_command_lines_choices_are_the_vocabulary(flag, dest, vocabulary):
    parser = build_parser()
    for command in ("fit", "select"):
        for value in vocabulary:
            args = parser.parse_args([command, FAITHFUL, "-k", "2", flag, value])
            assert getattr(args, dest) == value
        with pytest.raises(UsageError) as refused:
            parser.parse_args([command, FAITHFUL, "-k", "2", flag, "other"])
        listed = re.search(r"choose from (.+?)\)", str(refused.value)).group(1)
        assert re.findall(r"'([^']+)'", listed) == list(vocabulary)


def test_the_command_lines_covariance_types_are_the_vocabulary():
    parser = build_parser()
    args = parser.parse_args(["select", FAITHFUL])
    assert args.covariance_type == list(COVARIANCE_TYPES)
    for ctype in COVARIANCE_TYPES:
        assert parser.parse_args(["fit", FAITHFUL, "-k", "1", "--covariance-type",
                                  ctype]).covariance_type == ctype
    code, _, err = run("fit", FAITHFUL, "-k", "2", "--covariance-type", "round")
    assert code == EXIT_USAGE and ", ".join(COVARIANCE_TYPES) in err


def test_a_start_runs_the_recipe_its_seed_names(tmp_path):
    """A model file's best start replays as a recipe: same settings, init and seed, same fit."""
    model = tmp_path / "m.json"
    code, _, err = run("fit", FAITHFUL, "-k", 2, "--n-init", 3, "--seed", 5, "-q",
                       "--no-standardize", "-o", model)
    assert code == EXIT_OK, err
    info = read_model(model)
    settings = dict(info["provenance"]["settings"])
    recipe = FitRecipe(
        ModelSettings(**{k: settings[k] for k in (
            "n_components", "covariance_type", "reg_covar", "prior", "on_collapse",
            "max_condition")}, init=info["provenance"]["best_start_init"],
                      random_state=info["provenance"]["best_start_seed"]),
        tol=settings["tol"], max_iter=settings["max_iter"])
    state = recipe.run(load_data(FAITHFUL).X).state
    np.testing.assert_array_equal(state.means, info["means"])
    assert state.iteration == info["n_iter"]


def test_a_model_won_by_the_hierarchical_start_says_so_and_replays(tmp_path):
    rng = np.random.RandomState(0)
    X = np.vstack([np.c_[rng.normal(0, 10, 300), rng.normal(0, 0.5, 300)],
                   np.c_[rng.normal(0, 10, 300), rng.normal(3, 0.5, 300)]])
    data, model = tmp_path / "stretched.csv", tmp_path / "m.json"
    np.savetxt(data, X, delimiter=",", header="x,y", comments="")
    code, out, err = run("fit", data, "-k", 2, "--init", "k-means++", "--seed", 1,
                         "--no-standardize", "-q", "-o", model)
    assert code == EXIT_OK, err
    assert ("best start hierarchical, best of 2 (the hierarchical and 1 seeded; "
            "run seed 1)") in out
    info = read_model(model)
    prov = info["provenance"]
    assert prov["n_starts"] == 2 and prov["hierarchical_start"] is True
    assert prov["best_start"] == 0 and prov["best_start_init"] == "hierarchical"
    assert prov["best_start_seed"] == prov["settings"]["start_seeds"][0]
    assert prov["settings"]["init"] == "k-means++"  # the seeded starts' own init
    recipe = FitRecipe(ModelSettings(n_components=2, init="hierarchical",
                                     random_state=prov["best_start_seed"]),
                       tol=prov["settings"]["tol"], max_iter=prov["settings"]["max_iter"])
    state = recipe.run(X).state
    np.testing.assert_array_equal(state.means, info["means"])
    assert state.iteration == info["n_iter"]
    assert load_model(model).n_components == 2  # the current loader reads it


def test_degenerate_fits_are_flagged_and_starred_only_when_nothing_is_sound(tmp_path):
    # five points: every K >= 2 puts a component on a point or two (fewer than D + 1)
    five = tmp_path / "five.csv"
    five.write_text("".join(Path(FAITHFUL).read_text().splitlines(keepends=True)[:6]))
    out_csv = tmp_path / "sel.csv"
    code, out, err = run("select", five, "-k", "1-5", "--n-init", 1, "--seed", 0,
                         "--csv", out_csv)
    assert code == EXIT_OK, err
    bic = out.split("\n\n")[1].splitlines()
    starred = [line for line in bic[1:] if "*" in line]
    assert len(starred) == 1 and starred[0].split()[0] == "1"  # not the lowest BIC
    assert all("!" in cell for line in bic[2:] for cell in line.split()[1:])
    rows = list(csv.DictReader(out_csv.open()))
    assert {r["status"] for r in rows if r["n_components"] != "1"} == {"degenerate"}
    assert {r["status"] for r in rows if r["n_components"] == "1"} == {"ok"}
    assert "best by BIC: 1 components, full" in out
    code, out, err = run("fit", five, "-k", 5, "-o", tmp_path / "m.json")
    assert code == EXIT_OK and "ended degenerate" in err and "--prior conjugate" in err
    code, out, err = run("fit", five, "-k", 1, "-o", tmp_path / "one.json")
    assert code == EXIT_OK and "degenerate" not in err
