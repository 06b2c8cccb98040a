"""``gmm-explorer fit --script / --r-script``: scripts that rebuild the best start elsewhere.

The best start is run again alone from its recipe (the fits ran batched, which
keeps no history), which gives its start (iteration 0) and tells where a
collapse remedy or a removal happened; the scripts then check against the
numbers the model file holds.
"""

from __future__ import annotations

import shlex
from dataclasses import replace

from gmm_explorer.cli.starts import BestFit, start_recipes
from gmm_explorer.data.reproduce import DataSource, reproduction, write_script
from gmm_explorer.data.reproduce_python import python_script
from gmm_explorer.data.reproduce_r import r_script


def write_scripts(args, data, std, result: BestFit, seeds, log) -> None:
    """Write ``args.script`` (Python, scikit-learn) and ``args.r_script`` (R, mclust).

    Parameters
    ----------
    args : argparse.Namespace
    data : Dataset
        As loaded (the data's own units).
    std : Standardizer
        The map to the units the fit ran in.
    result : BestFit
        The best start; ``ok``.
    seeds : list of int
    log : Log
    """
    recipe = start_recipes(args, args.covariance_type, args.components,
                               seeds)[result.best_start]
    engine = recipe.run(std.transform(data.X), n_jobs=args.jobs)
    history = engine.history
    source = DataSource.from_dataset(data, args.data, drop_missing=args.drop_missing,
                                     array_name=args.array)
    rep = reproduction(history, len(history) - 1, source, args.covariance_type,
                       args.reg_covar, recipe.settings.prior, standardizer=std,
                       origin="gmm-explorer " + " ".join(shlex.quote(a) for a in args.argv),
                       state_at=engine.state_at)  # the target may be a thinned state
    if rep.n_steps == result.n_iter and not rep.notes:
        # the model file's numbers (the batched run's), which the scripts must match
        rep = replace(rep, target=(result.weights, result.means, result.covariances))
    for note in rep.notes:
        log.note(f"the scripts stop at iteration {rep.n_steps}: {note}")
    if args.script:
        write_script(args.script, python_script(rep, data.X))
        log.note(f"Python script (scikit-learn) written to {args.script}"
                 + (f"; it refuses: {rep.python_refusal}" if rep.python_refusal else ""))
    if args.r_script:
        write_script(args.r_script, r_script(rep, data.X))
        log.note(f"R script (mclust) written to {args.r_script}")
