"""Many starts of one model, run as recipes; the best sound one is kept.

``fit`` runs one model from its starts, ``select`` one per cell of its
table: the hierarchical start (deterministic), then ``--n-init`` starts with
``--init``, each a :class:`~gmm_explorer.engine.fits.FitRecipe` seeded from
the run seed (see :func:`~gmm_explorer.engine.fits.model_recipes`), so a cell
of ``select`` and the ``fit`` it suggests run the same starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gmm_explorer.data import Standardizer, check_fit_data
from gmm_explorer.data.errors import describe_column
from gmm_explorer.cli.common import UsageError
from gmm_explorer.data.budgets import check_covariances
from gmm_explorer.data.scaling import column_spread, ridge_distortion
from gmm_explorer.engine.fits import FitRecipe, model_recipes, run_recipes
from gmm_explorer.engine.options import ModelSettings


@dataclass
class BestFit:
    """The best start of one fit, in the data's own units.

    ``weights`` (K,), ``means`` (K, D) and full ``covariances`` (K, D, D) are
    None unless ``ok``; K is ``final_components`` (``remove`` may drop some).
    The counts and texts describe the starts that collapsed or failed.

    ``degenerate`` lists the best start's components that ended degenerate.

    The starts are ``n_starts`` recipes: 0 is the hierarchical start, ``i``
    (from 1) the one seeded by ``start_seeds[i - 1]``. ``best_start`` is the
    best recipe's index, ``best_init`` and ``best_seed`` what replay it.
    ``classification_cost`` is ICL minus BIC (``-2 sum_n log max_k r_nk``,
    the same in any units).
    """

    n_components: int
    covariance_type: str
    ok: bool
    weights: np.ndarray = None
    means: np.ndarray = None
    covariances: np.ndarray = None
    log_likelihood: float = float("nan")
    n_iter: int = 0
    converged: bool = False
    best_start: int = -1
    best_init: str = ""
    best_seed: int | None = None
    start_seeds: list = field(default_factory=list)
    n_starts: int = 0
    classification_cost: float = float("nan")
    n_collapsed: int = 0
    n_failed: int = 0
    collapse_text: str = ""
    failure_text: str = ""
    events: list = field(default_factory=list)
    final_components: int = 0
    degenerate: tuple = ()


def fit_settings(args, covariance_type, n_components) -> dict:
    """The settings a start runs with, as the model file records them."""
    return {
        "n_components": n_components,
        "covariance_type": covariance_type,
        "reg_covar": args.reg_covar,
        "prior": None if args.prior == "none" else args.prior,
        "on_collapse": args.on_collapse,
        "init": args.init,
        "max_condition": args.max_condition,
        "tol": args.tol,
    }


def start_recipes(args, covariance_type, n_components, seeds) -> list[FitRecipe]:
    """The hierarchical start, then one recipe per seed: the same settings, each its own seed.

    Raises
    ------
    ValueError
        The engine refuses the settings (then it would refuse every start).
    """
    settings = fit_settings(args, covariance_type, n_components)
    del settings["tol"]
    model = ModelSettings(**settings, random_state=None)
    return model_recipes(model, seeds, tol=args.tol, max_iter=args.max_iter)


class _StartLog:
    """Logs one model's starts as they run, and counts those that failed or collapsed.

    Parameters
    ----------
    log : Log
    prefixes : list of str
        Each start's name in the progress lines.
    standardizer : Standardizer
        Log-likelihoods are shown in the data's units.
    n_samples : int
    result : BestFit
        Its counts and texts are filled in.
    lines : bool
        Each start's end as a line of its own; else on the live line only (a
        terminal's, overwritten by the next).
    """

    def __init__(self, log, prefixes, standardizer, n_samples, result, lines=True):
        self.log, self.prefixes, self.result = log, prefixes, result
        self.standardizer, self.n_samples = standardizer, n_samples
        self.say = log.line if lines else log.live

    def _user_ll(self, state):
        return self.standardizer.log_likelihood_to_user(state.log_likelihood, self.n_samples)

    def step(self, index, state):
        """After each iteration: a line with -v, else the live line."""
        ll, prefix = self._user_ll(state), self.prefixes[index]
        if self.log.verbose:
            self.log.line(f"  {prefix} iteration {state.iteration:3d}: log-likelihood "
                          f"{ll:.6f}" + (f"  [{state.collapse.describe()}]"
                                         if state.collapse else ""))
        else:
            self.log.live(f"{prefix}: iteration {state.iteration}, log-likelihood {ll:.4f}")

    def finished(self, fit):
        """After each start: count it and say how it ended."""
        result, prefix = self.result, self.prefixes[fit.index]
        if fit.error is not None:
            result.n_failed += 1
            result.failure_text = fit.error
            self.say(f"{prefix}: failed ({fit.error})")
        elif fit.collapsed:
            result.n_collapsed += 1
            if fit.collapse is not None and not result.collapse_text:
                result.collapse_text = fit.collapse.describe()
            self.say(f"{prefix}: collapsed" + (f" at iteration {fit.collapse.iteration}"
                                               if fit.collapse is not None else ""))
        else:
            status = "converged" if fit.state.converged else "not converged"
            self.say(f"{prefix}: {fit.state.iteration} iterations, {status}, "
                     f"log-likelihood {self._user_ll(fit.state):.6f}"
                     + (f" ({len(fit.events)} re-seed/removal events)" if fit.events else ""))


def start_names(seeds, label="") -> list[str]:
    """Each start's name in the progress lines: the hierarchical start, then one per seed."""
    return [f"{label}hierarchical start"] + [f"{label}start {i + 1}/{len(seeds)}"
                                             for i in range(len(seeds))]


def fit_best(Z, n_components, covariance_type, args, seeds, standardizer, log, label=""):
    """Run the hierarchical start and one start per seed on standardised data, as recipes;
    keep the best sound one (:func:`fit_models` for one model).

    Returns
    -------
    BestFit
        ``ok`` is False when every start collapsed or failed.
    """
    return fit_models(Z, [n_components], covariance_type, args, seeds, standardizer, log,
                      label=label.replace("{", "{{").replace("}", "}}"))[0]


def fit_models(Z, component_counts, covariance_type, args, seeds, standardizer, log,
               label="", start_lines=True):
    """Every model of one covariance type, from the same starts; the best sound start
    of each.

    All their starts go to the engine in one list, so that it steps them
    together as one batch (one start at a time, with a line per iteration,
    when the log is verbose).

    Parameters
    ----------
    Z : ndarray of shape (N, D)
        The data in the units the fit runs in (``standardizer.transform(X)``).
    component_counts : list of int
    covariance_type : str
    args : argparse.Namespace
        The command's model options.
    seeds : list of int
        One per seeded start (see :func:`~gmm_explorer.engine.fits.start_seeds`).
    standardizer : Standardizer
        Maps the results back to the data's units.
    log : Log
    label : str
        Prefix of the progress lines, formatted with ``K`` (``select``'s cell).
    start_lines : bool
        A line for each start's end (else the live line only).

    Returns
    -------
    list of BestFit
        One per component count, in order; ``ok`` is False when every start
        collapsed or failed.
    """
    N = Z.shape[0]
    results, logs, recipes, owner = {}, {}, [], []
    for K in component_counts:
        prefixes = start_names(seeds, label.format(K=K))
        results[K] = BestFit(K, covariance_type, ok=False, start_seeds=list(seeds),
                             n_starts=len(prefixes))
        start_log = _StartLog(log, prefixes, standardizer, N, results[K], start_lines)
        try:
            starts = start_recipes(args, covariance_type, K, seeds)
        except ValueError as exc:  # refused settings: every start fails alike
            for prefix in prefixes:
                start_log.say(f"{prefix}: failed ({exc})")
            results[K].n_failed, results[K].failure_text = len(prefixes), str(exc)
            continue
        logs[K] = start_log
        recipes += starts
        owner += [(K, i) for i in range(len(starts))]

    def own(fit):
        """The fit with its index among its own model's starts."""
        return replace(fit, index=owner[fit.index][1])

    def finished(fit):
        logs[owner[fit.index][0]].finished(own(fit))

    def step(index, state):
        K, i = owner[index]
        logs[K].step(i, state)

    best = {}
    for fit in run_recipes(recipes, Z, progress=finished,
                           on_step=step if log.verbose else None, keep_engines=False,
                           n_jobs=args.jobs):
        K = owner[fit.index][0]
        if fit.ok and (K not in best or fit.state.objective > best[K].state.objective):
            best[K] = fit
    for K, fit in best.items():
        _keep_best(results[K], own(fit), standardizer, N)
        # ICL minus BIC: the cost of the hard classification, the same in any units
        results[K].classification_cost = fit.criteria["icl"] - fit.criteria["bic"]
    return [results[K] for K in component_counts]


def _keep_best(result, best, standardizer, n_samples):
    """Fill ``result`` from the best start's fit, in the data's units."""
    state = best.state
    w, m, c = standardizer.to_user(state.weights, state.means, state.covariances)
    result.ok = True
    result.weights, result.means, result.covariances = w, m, c
    result.log_likelihood = standardizer.log_likelihood_to_user(state.log_likelihood,
                                                                n_samples)
    result.n_iter = state.iteration
    result.converged = bool(state.converged)
    result.best_start = best.index
    result.best_init = best.recipe.settings.init
    result.best_seed = best.recipe.seed
    result.events = list(best.events)
    result.final_components = state.n_components
    # fewer than D + 1 effective points, or a volume negligible next to the data's: the
    # criteria reward such a component, so the choice and the report say so
    result.degenerate = tuple(k for k, status in enumerate(state.component_status)
                              if status == "degenerate")


def prepare(data, args, covariance_type, n_components_max):
    """Checks, and the standardiser the fit runs in."""
    notes = check_fit_data(data.X, n_components_max, data.feature_names, args.data,
                           covariance_type=covariance_type)
    check_covariances(n_components_max, data.n_features, args.data)
    if args.standardize:
        std = Standardizer.fit(data.X, covariance_type)
        notes = [n for n in notes if "scales differ" not in n] if covariance_type != \
            "spherical" else notes
    else:
        std = Standardizer.identity(data.n_features)
        distorted = ridge_distortion(data.X, args.reg_covar)
        if distorted is not None:
            j, variance = distorted
            notes.append(
                f"--reg-covar {args.reg_covar:g} is more than 1% of the variance of "
                f"{describe_column(data.feature_names[j], j)} ({variance:.3g}), so the "
                "ridge distorts that column; fit without --no-standardize, or lower "
                "--reg-covar")
    _check_ridge(data, args, std)
    return std, notes


#: A ridge above this many times the data's largest variance (in the units EM fits in)
#: makes every covariance essentially ``reg_covar * I``: every component the same blob.
MAX_RIDGE_RATIO = 100.0


def _check_ridge(data, args, std) -> None:
    """Refuse a ``--reg-covar`` that would swamp every covariance (the fit would mean nothing).

    Raises
    ------
    UsageError
        Naming ``--reg-covar``, the data's largest variance and what to use.
    """
    spread = column_spread(data.X)[1] / std.scale
    variance = float(np.max(spread ** 2))
    if args.reg_covar > MAX_RIDGE_RATIO * variance:
        units = "standardised" if args.standardize else "the data's own"
        raise UsageError(
            f"{args.data}: --reg-covar {args.reg_covar:g} is more than "
            f"{MAX_RIDGE_RATIO:g} times the largest variance of the data ({variance:.3g}, in "
            f"{units} units): every covariance would be the ridge alone and every component "
            f"the same wide blob; use a ridge well below the data's variance (the default is "
            f"1e-6)")
