"""The command line asks for one BLAS thread before numpy loads."""

import os
import subprocess
import sys


def test_cli_sets_one_blas_thread_before_numpy():
    code = ("import os, sys; from gmm_explorer import cli; "
            "from gmm_explorer.blas import limit_blas_threads; "
            "assert 'numpy' not in sys.modules; print(limit_blas_threads(), "
            "os.environ['OPENBLAS_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["environment", "1"]
