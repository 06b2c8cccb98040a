"""``python -m gmm_explorer``: the same as the ``gmm-explorer`` command."""

import sys

from gmm_explorer.cli import main

sys.exit(main())
