"""The workspace's shown state as a reproduce script (scikit-learn or mclust).

The script reads the data from the file the workspace opened when that file
still gives exactly the workspace's points (read with the window's options: its
columns and dropped rows); otherwise (built-in or
generated data, points edited by hand, a file changed since) it carries the
data itself and says why.
"""

from __future__ import annotations

import os

import numpy as np

from gmm_explorer.app.model.lab import EDITED_SUFFIX
from gmm_explorer.data import load_data
from gmm_explorer.data.reproduce import DataSource, Reproduction, reproduction


def workspace_source(workspace) -> DataSource:
    """Where the script gets the workspace's data (see the module's docstring)."""
    X, names, name = workspace.X, list(workspace.feature_names), workspace.data_name or ""
    if workspace.edited or name.endswith(EDITED_SUFFIX):
        return DataSource.embedded(X, names, f"{name}: points edited by hand, which no file "
                                   "holds")
    if name and os.path.isfile(name):
        loading = workspace.loading
        # read as the window read it: its columns, classes and dropped rows
        options = loading.file_options.load_kwargs() if loading.file_path == name else {}
        try:
            loaded = load_data(name, **options)
        except ValueError:
            loaded = None
        if loaded is not None and loaded.X.shape == X.shape and np.array_equal(loaded.X, X):
            return DataSource.from_dataset(loaded, name)
        return DataSource.embedded(X, names, f"{name} no longer gives the data the window "
                                   "holds")
    return DataSource.embedded(X, names, f"{name or 'data'}: built-in or generated in the "
                               "window, not read from a file")


def workspace_reproduction(workspace, index: int | None = None) -> Reproduction:
    """The reproduction of the shown iteration (or ``index``) of the workspace's fit.

    Raises
    ------
    ValueError
        There is no fit yet.
    """
    if workspace.fit is None or workspace.X is None:
        raise ValueError("there is no fit to reproduce: load or generate data first")
    fit = workspace.fit
    settings = fit.recipe.settings  # what made this fit, whatever the panel says now
    # the states as fitted (standardised ones for a standardised fit), with the map back
    history = fit.fit_history[:len(workspace.history)]
    return reproduction(history, workspace.current if index is None else index,
                        workspace_source(workspace), settings.covariance_type,
                        settings.reg_covar, settings.prior, standardizer=fit.standardizer,
                        origin="GMM Explorer's window", state_at=fit.fit_state_at)
