"""Shared test set-up: Qt runs offscreen (no display on CI machines), one BLAS thread."""

import os

from gmm_explorer.blas import limit_blas_threads

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As the program does (gmm_explorer.cli): EM's matrix products are small and a
# second BLAS thread on a busy two-core machine made some tests 20x slower.
limit_blas_threads()
