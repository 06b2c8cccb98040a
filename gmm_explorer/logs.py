"""Where GMM Explorer writes what a user should not have to read: one log file, Qt-free.

The window's error reporter and the command line's error boundary both append to
``gmm-explorer.log`` in ``$GMM_EXPLORER_LOG_DIR``, else platformdirs' user log folder
(``~/.local/state/gmm-explorer/log`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

LOG_NAME = "gmm-explorer.log"
ENV_LOG_DIR = "GMM_EXPLORER_LOG_DIR"


def log_folder() -> Path:
    """Where the log goes: ``$GMM_EXPLORER_LOG_DIR`` or the platform's user log folder."""
    override = os.environ.get(ENV_LOG_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir("gmm-explorer", appauthor=False))
