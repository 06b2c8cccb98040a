"""How a data file is read and fitted: the window's counterpart of ``fit``'s data options."""

from __future__ import annotations

from dataclasses import dataclass

from gmm_explorer.data.scaling import ridge_distortion
from gmm_explorer.words import counted

#: ``label_column`` value that asks for no known classes, even where the file has a text column.
NO_CLASSES = ""


@dataclass(frozen=True)
class FileOptions:
    """The command line's data options, for the window's loads.

    Attributes
    ----------
    columns : tuple of str or None
        The features, by name (``--columns``); None takes every numeric column.
    label_column : str or None
        The column of known classes (``--classes``); None lets the loader take the
        first text column, :data:`NO_CLASSES` takes none.
    drop_missing : bool
        Drop rows with a missing or non-finite feature (``--drop-missing``).
    standardize : bool
        Fit in standardised units, show the data's own (``--no-standardize`` turns it
        off); on by default for files, as ``fit`` does.
    """

    columns: tuple[str, ...] | None = None
    label_column: str | None = None
    drop_missing: bool = False
    standardize: bool = True

    def load_kwargs(self) -> dict:
        """Keyword arguments of :func:`gmm_explorer.data.load_data` for these options."""
        return {"columns": None if self.columns is None else list(self.columns),
                "label_column": None if self.label_column == NO_CLASSES else self.label_column,
                "drop_missing": self.drop_missing}


def fit_notes(workspace) -> list[str]:
    """What a person should know about how the shown data are fitted, in plain words.

    The rows a file lost to missing values, and (fitting in the data's own units) a
    ridge ``reg_covar`` that distorts a small-variance column, as ``fit`` warns.
    """
    ws, notes = workspace, []
    dataset = ws.loading.dataset
    if dataset is not None and dataset.n_dropped:
        lines = ", ".join(str(n) for n in dataset.dropped_lines[:5])
        more = ", …" if dataset.n_dropped > 5 else ""
        notes.append(f"{counted(dataset.n_dropped, 'row', commas=True)} with missing values "
                     f"dropped (line{'s' if dataset.n_dropped > 1 else ''} {lines}{more}).")
    reg = ws.model.reg_covar
    if ws.X is not None and not ws.standardize and reg > 0:
        cached = getattr(ws, "_ridge_check", None)
        if cached is None or cached[0] is not ws.X or cached[1] != reg:
            ws._ridge_check = (ws.X, reg, ridge_distortion(ws.X, reg))
        distorted = ws._ridge_check[2]
        if distorted is not None:
            j, variance = distorted
            notes.append(f"reg_covar {reg:g} is more than 1% of the variance of "
                         f"{ws.feature_names[j]!r} ({variance:.3g}): the ridge distorts that "
                         "column. Tick Standardise, or lower reg_covar.")
    return notes
