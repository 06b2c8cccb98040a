"""Shared test set-up: Qt runs offscreen (no display on CI machines), one BLAS thread."""

import importlib.util
import os

import pytest

from gmm_explorer.blas import limit_blas_threads

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As the program does (gmm_explorer.cli): EM's matrix products are small and a
# second BLAS thread on a busy two-core machine made some tests 20x slower.
limit_blas_threads()


@pytest.fixture
def hostile(tmp_path):
    """Builders of hostile input files in ``tmp_path`` (see tests/hostile_files.py)."""
    spec = importlib.util.spec_from_file_location(
        "hostile_files", os.path.join(os.path.dirname(__file__), "hostile_files.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HostileFiles(tmp_path)
