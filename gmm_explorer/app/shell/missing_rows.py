"""A file refused for missing values: the window offers to drop those rows and load the rest."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


class MissingRowsOffer:
    """Asks, without blocking, whether to load a file again without its incomplete rows.

    The command line's answer is ``--drop-missing``; here the refusal itself offers it,
    with the count, instead of a dead end.
    """

    def __init__(self, window):
        self.window = window
        self.box: QMessageBox | None = None

    def offer(self, message: str) -> bool:
        """Offer to drop rows if the last load failed on missing values; False otherwise."""
        failure = self.window.workspace.loading.last_failure
        rows = getattr(failure[0], "missing_rows", 0) if failure else 0
        if not rows:
            return False
        self.window.last_error = message
        self.window.statusBar().showMessage(message, 15000)
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Question, "GMM Explorer", "",
                                   parent=self.window)
            self.box.setModal(False)
            self.drop_button = self.box.addButton("", QMessageBox.AcceptRole)
            self.box.addButton(QMessageBox.Cancel)
            self.drop_button.clicked.connect(self.drop_rows)
        self.box.setText(message)
        word = "row" if rows == 1 else "rows"
        self.box.setInformativeText(f"Drop the {rows:,} {word} with missing values and load "
                                    "the rest? (The command line's --drop-missing.)")
        self.drop_button.setText(f"Drop {rows:,} {word}")
        self.box.show()
        return True

    def drop_rows(self) -> None:
        """Load the refused file again, dropping its rows with missing values."""
        if self.box is not None:
            self.box.hide()
        try:
            self.window.workspace.loading.retry_dropping_missing()
        except ValueError as exc:
            self.window.show_error(str(exc))
