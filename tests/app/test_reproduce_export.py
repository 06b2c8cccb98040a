"""File > Export > Reproduce script…: the shown state, rebuilt by the written script."""

import subprocess
import sys
from pathlib import Path

FAITHFUL = Path(__file__).resolve().parents[2] / "resources" / "faithful.csv"


def run_script(path):
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_built_in_data_are_embedded_and_reproduced(window, tmp_path):
    ws = window.workspace
    ws.set_model(n_components=3, reg_covar=1e-6)
    for _ in range(6):
        window.step()
    ws.step_back()  # the shown iteration, not the last, is reproduced
    assert ws.current == 5
    path = tmp_path / "again.py"
    assert window.desktop.export("script", path), window.last_error
    text = path.read_text()
    assert "max_iter=5" in text and "embedded in this script" in text
    code, out, err = run_script(path)
    assert (code, out) == (0, "reproduced\n"), err


def test_an_opened_file_is_read_again_and_r_is_written(window, tmp_path):
    ws = window.workspace
    assert window.open_file(str(FAITHFUL))
    ws.set_model(n_components=2, covariance_type="tied")
    for _ in range(4):
        window.step()
    path = tmp_path / "again.py"
    assert window.desktop.export("script", path), window.last_error
    assert f"else {str(FAITHFUL)!r}" in path.read_text()  # the file it read, unless told
    assert ws.standardize  # a file is fitted standardised: the script standardises too
    code, out, err = run_script(path)
    assert (code, out) == (0, "reproduced\n"), err
    r_path = tmp_path / "again.R"
    assert window.desktop.export("script", r_path), window.last_error
    r_text = r_path.read_text()
    assert 'MODEL <- "EEE"' in r_text and "N_STEPS <- 4" in r_text
    assert f'DATA_FILE <- "{FAITHFUL}"' in r_text


def test_export_menu_entry_has_a_tooltip(window):
    action = window.desktop.actions["export_script"]
    assert action in window.desktop.export_menu.actions()
    assert "scikit-learn" in action.toolTip() and "mclust" in action.toolTip()


def test_a_file_read_with_the_windows_options_is_read_again_so(window, tmp_path):
    from gmm_explorer.app.model.file_options import FileOptions

    ws = window.workspace
    assert window.open_file(str(FAITHFUL), options=FileOptions(columns=("waiting",)))
    ws.set_model(n_components=2, covariance_type="full")
    for _ in range(3):
        window.step()
    path = tmp_path / "one_column.py"
    assert window.desktop.export("script", path), window.last_error
    assert "embedded" not in path.read_text()  # the file, read with the same column
    code, out, err = run_script(path)
    assert (code, out) == (0, "reproduced\n"), err


def test_the_script_reads_its_data_from_elsewhere_when_told(window, tmp_path):
    import shutil

    assert window.open_file(str(FAITHFUL))
    for _ in range(2):
        window.step()
    path = tmp_path / "again.py"
    assert window.desktop.export("script", path), window.last_error
    moved = tmp_path / "elsewhere.csv"
    shutil.copy(FAITHFUL, moved)
    done = subprocess.run([sys.executable, str(path), str(moved)], capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "reproduced\n"), done.stderr
    done = subprocess.run([sys.executable, str(path), str(tmp_path / "gone.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "no such file" in done.stderr and len(done.stderr.strip().splitlines()) == 1
