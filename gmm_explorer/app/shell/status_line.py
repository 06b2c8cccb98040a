"""The status bar: the shown iteration's numbers in steady fields, and messages cut at a word.

:class:`StatusLine` is a mixin of :class:`~gmm_explorer.app.shell.window.ExplorerWindow`
(kept apart so each module has one job); it reads the window's ``workspace`` and writes
only the status bar.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.app.views.steady_text import SteadyLabel, cut_at_word

_LOGLIK_TIP = "Total log-likelihood of the data at the shown iteration"
_CONVERGED_TIP = ("Whether EM has converged, by scikit-learn's rule: the objective per data point "
                  "changed by less than tol from the iteration before last to the last one, "
                  "and EM then took one more M-step, to this iteration")
_PSEUDO_TIP = ("This state has singular components evaluated as scipy's allow_singular does: EM "
               "follows a pseudo log-likelihood, which is not comparable with a true one and can "
               "grow without bound, so no change of it means convergence.")
#: Pixels between a status message and the first field (the size grip's and frames' room).
STATUS_MARGIN = 24


class StatusLine:
    """Iteration, log-likelihood, change and convergence; transient messages beside them."""

    _status_source = ""

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        from gmm_explorer.app.panels.load_progress import LoadProgress

        self.load_progress = LoadProgress(self.workspace)
        bar.addPermanentWidget(self.load_progress)
        self.status_labels = {}
        for name, tip in (("iteration", "Shown iteration"),
                          ("loglik", _LOGLIK_TIP),
                          ("change", "Change of the objective from the iteration before, in "
                                     "total and per data point"),
                          ("converged", _CONVERGED_TIP)):
            label = SteadyLabel()  # changes every Step (steady_text.py)
            label.setToolTip(tip)
            label.setContentsMargins(6, 0, 6, 0)
            bar.addPermanentWidget(label)
            self.status_labels[name] = label

    def show_message(self, message: str, full: str | None = None) -> None:
        """A transient message in the status bar, short enough to leave the fields readable.

        A message too long for the room left of the permanent fields is cut at a
        word and ends with '…'. The full text (``full``, else the message) is
        the status bar's tooltip.
        """
        bar = self.statusBar()
        self.last_message = full or message
        self._status_source = message  # cut again when the window's width changes
        bar.setToolTip(full or message)
        bar.showMessage(self.short_message(message), 10000)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """A message shown in a wider window is cut again for this width (at a word)."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._recut_message()

    def _recut_message(self) -> None:
        """Cut the shown message again: the window or a field's width changed."""
        bar = self.statusBar()
        if self._status_source and bar.currentMessage():
            bar.showMessage(self.short_message(self._status_source), 10000)

    def short_message(self, message: str) -> str:
        """``message`` as the status bar shows it (see :meth:`show_message`)."""
        bar = self.statusBar()
        fields = [w for w in (*self.status_labels.values(), self.load_progress)
                  if not w.isHidden()]
        # the fields' widths (fixed: steady_text.py), each with the bar's spacing; when the bar
        # is laid out, also the leftmost field's place, whichever leaves less room
        room = self.width() - sum(w.sizeHint().width() + 6 for w in fields) - STATUS_MARGIN
        if bar.isVisible() and fields:
            room = min(room, min(w.geometry().left() for w in fields) - STATUS_MARGIN)
        return cut_at_word(message, bar.fontMetrics(), max(room, 120))

    def _show_state_in_status_bar(self) -> None:
        """The shown state's numbers in the fields (cleared without data)."""
        s = self.workspace
        state = s.state
        labels = self.status_labels
        if state is None:
            for label in labels.values():
                label.setText("")
            return
        widths = [label.width() for label in labels.values()]
        labels["iteration"].setText(f"iteration {state.iteration}")
        labels["loglik"].setText(f"log-likelihood {state.log_likelihood:,.3f}")
        change = s.change()
        pseudo = s.is_pseudo()
        labels["loglik"].setToolTip(_LOGLIK_TIP + (
            f". EM followed the pseudo value {state.pseudo_log_likelihood:,.1f} (allow_singular), "
            "which is not comparable with it" if pseudo else ""))
        if pseudo:  # EM followed allow_singular's pseudo values: no change worth reading
            labels["change"].setText("change not comparable")
        elif np.isnan(change):
            labels["change"].setText("change —")
        else:  # tol is per point: show that too, or "converged" beside +0.5 puzzles
            per_point = change / max(len(s.X), 1)
            labels["change"].setText(f"change {change:+.3g} ({per_point:+.1e} per point)")
        if state.collapse is not None:  # what the collapse policy did, in a word or two
            text = {"stopped": "collapsed", "removed": "component removed",
                    "reinitialized": "component re-seeded",
                    "continued": "singular, continued"}[state.collapse.action]
            style = f"color: {self._text_color('bad')}; font-weight: bold;"
        elif pseudo:
            text, style = "pseudo (allow_singular)", f"color: {self._text_color('bad')};"
        elif s.is_converged():
            text, style = "converged", f"color: {self._text_color('good')}; font-weight: bold;"
        else:
            text, style = "not converged", f"color: {self._text_color('muted')};"
        label = labels["converged"]
        label.setToolTip(_PSEUDO_TIP if pseudo else _CONVERGED_TIP)
        label.setText(text)
        if label.styleSheet() != style:  # a new style sheet re-polishes the label
            label.setStyleSheet(style)
        if widths != [label.width() for label in labels.values()]:  # a field widened (rare)
            self._recut_message()
