"""README's two opening commands stay true: CI runs the second one verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def opening_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_readme_opens_with_install_launch_and_install_test():
    launch, test = opening_commands()
    assert "pip install" in launch and launch.rstrip().endswith("gmm-explorer")
    assert 'pip install -e ".[test]"' in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    _, test = opening_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test.strip() in [line.strip() for line in ci.splitlines()]


def test_readme_engine_snippet_runs(capsys):
    """The engine section's example imports what exists and shows the seed's collapse."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- section: engine -->")
    section = text[start:text.index("<!-- section:", start + 10)]
    code = re.findall(r"```python\n(.+?)```", section, re.S)[0]
    exec(compile(code, "README.md", "exec"), {})
    assert "component 1" in capsys.readouterr().out
