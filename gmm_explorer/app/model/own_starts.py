"""What a set of starts (the selection grid's, the atlas's) was made with, so that
choosing one of its fits does not change the question the set answers.

Choosing a fit puts its recipe's seed and kind of start (often the hierarchical
start) in the workspace's model, so that stepping replays it exactly. The set
must not read that as a new question (stale), nor run the chosen start's seed
and kind next time: :class:`OwnStarts` remembers the set's own master seed and
kind of start, and those its chosen fits put in the model since.
"""

from __future__ import annotations

from dataclasses import replace

from gmm_explorer.app.model.settings import ModelSettings


class OwnStarts:
    """The master seed and kind of start of a set of starts, and what its choices put in
    the model."""

    def __init__(self):
        self.master: int | None = None
        self.init: str | None = None
        self._seeds: set = set()
        self._inits: set = set()

    def model(self, model: ModelSettings) -> ModelSettings:
        """``model`` with the set's own kind of start where a chosen fit put another."""
        if self.init is not None and model.init in self._inits:
            return replace(model, init=self.init)
        return model

    def master_seed(self, model: ModelSettings) -> int | None:
        """The master seed to run with: the set's own where a chosen fit put its seed."""
        return self.master if model.random_state in self._seeds else model.random_state

    def ran(self, model: ModelSettings, master: int) -> None:
        """The set ran ``model``'s kind of start from ``master`` (the model's own seed is
        the set's too: None, a fresh draw each time, must not read as a change)."""
        self.master, self._seeds = master, {master, model.random_state}
        self.init, self._inits = model.init, {model.init}

    def chose(self, recipe) -> None:
        """A fit of the set, made by ``recipe``, went into the model."""
        self._seeds.add(recipe.seed)
        self._inits.add(recipe.settings.init)

    def owns_seed(self, seed) -> bool:
        """Whether ``seed`` in the model is the set's own or one of its chosen fits'."""
        return seed in self._seeds
