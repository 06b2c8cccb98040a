"""One BLAS thread: EM's matrix products are small, and the window needs a core.

``gmm_explorer.cli.main`` calls :func:`limit_blas_threads` before anything
imports numpy, so the environment variables suffice (no threadpoolctl needed).

On a two-core machine a second BLAS thread mostly spins: measured here, one
engine step at N=1e5, K=10 took about 90 ms with OpenBLAS's default threads
and 7 ms with one, and a run in the worker thread left the GUI thread no
core to paint on. The program therefore asks for one BLAS thread.
"""

from __future__ import annotations

import os
import sys

_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(n: int = 1) -> str:
    """Limit BLAS to ``n`` threads; return how (for logs and benchmarks).

    Before numpy is imported the environment variables do it (unless the
    user set them); afterwards ``threadpoolctl`` does, when installed.
    Returns ``"environment"``, ``"threadpoolctl"``, ``"user"`` (the user's
    environment says otherwise and is respected) or ``"unavailable"``.
    """
    if any(os.environ.get(v) not in (None, str(n)) for v in _VARIABLES):
        return "user"
    if "numpy" not in sys.modules:
        for v in _VARIABLES:
            os.environ.setdefault(v, str(n))
        return "environment"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "unavailable"
    threadpool_limits(limits=n, user_api="blas")
    return "threadpoolctl"
