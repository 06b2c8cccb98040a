"""The app's layers, checked on the source: data flow engine -> fits -> workspace -> views.

Views, panels and the shell read states and records; they import nothing from
the engine, build no engine and start no thread. Only app/model does, and the
runner is the one owner of worker threads.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "gmm_explorer" / "app"
OUTSIDE_MODEL = sorted(p for layer in ("views", "panels", "shell")
                       for p in (APP / layer).glob("*.py"))


def _imports(path: Path) -> set:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _names(path: Path) -> set:
    return {node.id for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Name)} | {
        node.attr for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)}


def test_the_layers_exist_and_hold_modules():
    assert len(OUTSIDE_MODEL) > 20
    assert (APP / "model" / "runner.py").exists() and (APP / "model" / "workspace.py").exists()


@pytest.mark.parametrize("path", OUTSIDE_MODEL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_panels_and_shell_never_reach_the_engine(path):
    engine = {name for name in _imports(path) if name.startswith("gmm_explorer.engine")}
    assert not engine, f"{path.name} imports {engine}; read states from the workspace instead"
    assert "GaussianMixtureEM" not in _names(path), f"{path.name} builds an engine"


@pytest.mark.parametrize("path", OUTSIDE_MODEL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_thread_starts_outside_the_model(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    subclasses = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                  and any(getattr(b, "id", getattr(b, "attr", "")) in ("QThread", "Thread")
                          for b in node.bases)]
    assert not subclasses, f"{path.name} defines threads {subclasses}; the runner owns them"
    made = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("QThread", "Thread")]
    assert not made, f"{path.name} makes a thread at line(s) {made}; the runner owns them"


def test_only_the_runner_makes_worker_threads():
    makers = []
    for path in sorted((APP / "model").glob("*.py")):
        calls = {node.func.id for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        if calls & {"RunWorker", "LoadWorker", "JobWorker"}:
            makers.append(path.name)
    assert makers == ["runner.py"]
