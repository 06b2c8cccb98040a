"""README's section on data and the command line stays true: its fit output is the
real output, and its Python snippets run."""

import io
import re
import shutil
from pathlib import Path

from gmm_explorer.cli.run import run_command

ROOT = Path(__file__).resolve().parents[2]


def data_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- section: data -->")
    end = text.index("<!-- section:", start + 10)
    return text[start:end]


def test_readme_fit_output_is_the_real_output(tmp_path, monkeypatch):
    block = re.search(r"```console\n\$ gmm-explorer (fit .+?)\n(.+?)```", data_section(),
                      re.S)
    argv, shown = block.group(1).split(), block.group(2)
    shutil.copy(ROOT / "resources" / "faithful.csv", tmp_path)
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert run_command(argv, stdout=out, stderr=err) == 0, err.getvalue()
    assert out.getvalue() == shown


def test_readme_python_snippets_run(tmp_path, monkeypatch):
    shutil.copy(ROOT / "resources" / "faithful.csv", tmp_path)
    (tmp_path / "resources").symlink_to(ROOT / "resources")
    monkeypatch.chdir(tmp_path)
    assert run_command(["fit", "faithful.csv", "-k", "2", "--seed", "0", "-q",
                        "-o", "faithful.json"], stdout=io.StringIO()) == 0
    snippets = re.findall(r"```python\n(.+?)```", data_section(), re.S)
    assert len(snippets) >= 3
    for code in snippets:
        exec(compile(code, "README.md", "exec"), {})
