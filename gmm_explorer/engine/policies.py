"""What EM does when an M-step leaves a covariance singular: the ``on_collapse`` policies.

:class:`CollapsePolicies` is a mixin of :class:`~gmm_explorer.engine.em.GaussianMixtureEM`
(kept apart so that the EM loop reads as one): it records the collapse, and
stops, re-seeds the component at the worst-explained point, removes it
(the others keep their identities), or goes on with the pseudo-inverse.
"""

from __future__ import annotations

import numpy as np

from gmm_explorer.engine import estep
from gmm_explorer.engine.covariance import from_full, to_full
from gmm_explorer.engine.state import CollapseRecord, shared_ids
from gmm_explorer.words import effective_points

_ACTIONS = {"stop": "stopped", "reinitialize": "reinitialized", "remove": "removed",
            "continue": "continued"}


class CollapsePolicies:
    """The ``on_collapse`` policies, for the engine's step."""

    def _apply_policy(self, previous, iteration, params, counts, spec, reasons):
        """The parameters after the policy, the collapse record (or None), events, and
        whether the parameters are new (a re-seed or a removal).

        Parameters
        ----------
        previous : EMState
        iteration : int
        params : tuple
            ``(weights, means, native covariances)`` from the M-step.
        counts : ndarray of shape (K,)
        spec : diagnostics.Spectrum
        reasons : list of str or None, length K
            Why each component is singular, or None.
        """
        weights, means, cov = params
        K = means.shape[0]
        eigenvalues, condition = spec.eigenvalues, spec.condition
        collapsed = [k for k, r in enumerate(reasons) if r is not None]
        collapse, events, changed = None, (), False
        action = _ACTIONS[self.on_collapse]
        if action == "removed" and len(collapsed) == K:
            action = "stopped"
            events = ("every component collapsed, so none can be removed: stopped",)
        already = {k for k, s in enumerate(previous.component_status) if s == "singular"}
        if action != "continued" or set(collapsed) - already or K != previous.n_components:
            collapse = CollapseRecord(
                components=tuple(collapsed), iteration=iteration,
                reason=reasons[collapsed[0]],
                effective_counts=tuple(float(counts[k]) for k in collapsed),
                smallest_eigenvalues=tuple(float(eigenvalues[k, 0]) for k in collapsed),
                condition_numbers=tuple(float(condition[k]) for k in collapsed),
                action=action, component_ids=tuple(int(self._ids[k]) for k in collapsed),
            )
        if action == "reinitialized":
            weights, means, cov, events = self._reseed(weights, means, cov, collapsed)
            changed = True
        elif action == "removed":
            weights, means, cov, events = self._remove(weights, means, cov, collapsed)
            changed = True
        return (weights, means, cov), collapse, events, changed

    def _reseed(self, weights, means, cov, collapsed):
        """Re-seed collapsed components at the worst-explained points."""
        K, D = means.shape
        dens, log_weights = self._densities_cache
        point = np.empty(self._X.shape[0])
        estep.e_step(self._X, self._center, dens, log_weights, point_out=point, pool=self._pool,
                     keep=False)
        worst = np.argsort(point)
        means = means.copy()
        full = to_full(cov, self.covariance_type, K, D)
        weights = weights.copy()
        events = []
        for k, n in zip(collapsed, worst):
            means[k] = self._X[n]
            full[k] = self._data_covariance
            weights[k] = 1.0 / K
            events.append(f"component {self._ids[k]} re-seeded at data point {int(n)} with the data's "
                          f"covariance")
        weights /= weights.sum()
        if self.covariance_type == "tied":
            full[:] = self._data_covariance
        return weights, means, from_full(full, self.covariance_type, weights), tuple(events)

    def _remove(self, weights, means, cov, collapsed):
        """Drop collapsed components; renormalise the weights."""
        K, D = means.shape
        keep = np.setdiff1d(np.arange(K), collapsed)
        weights = weights[keep] / weights[keep].sum()
        means = means[keep]
        if self.covariance_type != "tied":
            cov = cov[keep]
        self.n_components = len(keep)
        self._resp = np.empty((len(keep), self._X.shape[0]))
        gone = self._ids[collapsed]
        self._ids = shared_ids(self._ids[keep])
        events = (f"component(s) {', '.join(map(str, gone))} removed; "
                  f"{len(keep)} remain",)
        return weights, means, cov, events

    def collapse_message(self) -> str:
        """The last collapse in words: the component, the iteration, the numbers and the
        remedies (settings of the engine and of its scikit-learn estimator alike)."""
        record = next((s.collapse for s in reversed(self.history) if s.collapse), None)
        k, it = record.names[0], record.iteration
        n, lam, cond = (record.effective_counts[0], record.smallest_eigenvalues[0],
                        record.condition_numbers[0])
        fewer = max(1, self.n_components - len(record.components))
        return (
            f"Component {k} collapsed at iteration {it}: its covariance is singular "
            f"({record.reason}; {effective_points(f'{n:.3g}')}, smallest eigenvalue {lam:.3g}, "
            f"condition number {cond:.3g}), so its Gaussian density is undefined and the "
            f"likelihood can grow without bound. EM stopped there (on_collapse='stop'). "
            f"Remedies: add a ridge with reg_covar (for example reg_covar=1e-6, as "
            f"scikit-learn), use the conjugate prior (prior='conjugate'), use fewer "
            f"components (n_components={fewer}), or choose on_collapse='reinitialize', "
            f"'remove' or 'continue'."
        )

    def _halt_message(self):
        return self.collapse_message() + (" Call rewind(iteration) or initialize(X) to start "
                                          "again.")
