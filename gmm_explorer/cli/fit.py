"""``gmm-explorer fit``: the best of several starts, written as a model file."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from gmm_explorer.cli.classes import class_report
from gmm_explorer.cli.common import (
    EXIT_OK,
    CollapseError,
    UsageError,
    check_writable,
    load,
)
from gmm_explorer.cli.script import write_scripts
from gmm_explorer.cli.starts import (
    BestFit,
    fit_best,
    fit_settings,
    prepare,
)
from gmm_explorer.data.errors import printable
from gmm_explorer.data.model_file import build_model_dict, write_json_atomic
from gmm_explorer.data.model_reading import engine_from_parameters
from gmm_explorer.engine.fits import start_seeds
from gmm_explorer.files import file_sha256
from gmm_explorer.words import counted


def cmd_fit(args, out, log) -> int:
    """Fit ``args.components`` components from the hierarchical start and ``args.n_init``
    seeded starts; write the best.

    The summary goes to ``out``, progress and notes to ``log``.

    Raises
    ------
    CollapseError
        Every start collapsed: no model is written.
    UsageError, DataError
        No start could be fitted, or bad data or output path.
    """
    stem = "stdin" if args.data == "-" else Path(args.data).stem  # not "-.model.json"
    output = args.output or (stem + ".model.json")
    check_writable(output, inputs=(args.data,))
    for script in (args.script, args.r_script):
        if script:
            check_writable(script, inputs=(args.data,))
    data = load(args, log)
    K, ctype = args.components, args.covariance_type
    std, notes = prepare(data, args, ctype, K)
    for n in notes:
        log.note(n)
    master, seeds = start_seeds(args.seed, args.n_init)
    result = fit_best(std.transform(data.X), K, ctype, args, seeds, std, log)
    if not result.ok:
        if result.n_collapsed:
            raise CollapseError(_collapse_message(result, args))
        raise UsageError(f"{args.data}: no start could be fitted ({result.failure_text})")
    content = _model_content(args, data, std, result, master, seeds)
    write_json_atomic(output, content)
    if args.script or args.r_script:
        write_scripts(args, data, std, result, seeds, log)
    lines = _summary(args, data, result, content, master, seeds)
    if data.labels is not None:
        # each row's most probable component under the model written (the data's units)
        em = engine_from_parameters(result.weights, result.means, result.covariances, ctype)
        lines += class_report(data, em.predict(data.X), result.final_components)
    lines.append(f"model written to {output}")
    out.write("\n".join(lines) + "\n")
    if not result.converged:
        log.note(f"the best start did not converge in {args.max_iter} iterations; "
                 "raise --max-iter")
    if result.degenerate:
        log.note(degenerate_note(result, data.n_features))
    return EXIT_OK


def degenerate_note(result: BestFit, n_features: int) -> str:
    """The warning for a fit with degenerate components, in plain words."""
    which = ", ".join(str(k) for k in result.degenerate)
    many = len(result.degenerate) > 1
    return (f"component{'s' if many else ''} {which} of the best start ended degenerate "
            f"(fewer than D + 1 = {n_features + 1} effective points, or a volume negligible "
            f"next to the data's): the log-likelihood and BIC reward "
            f"{'them' if many else 'it'}, not the data; try fewer components, or "
            f"--prior conjugate")


def _model_content(args, data, std, result: BestFit, master, seeds) -> dict:
    """The model file's content: the best start's parameters and where they came from.

    ``best_start`` counts the hierarchical start as 0 and ``start_seeds[i]``
    as ``i + 1``; ``best_start_init`` and ``best_start_seed`` replay it
    (the settings' ``init`` and that seed as ``random_state``).
    """
    K, ctype = args.components, args.covariance_type
    settings = {
        **fit_settings(args, ctype, K), "n_init": args.n_init, "max_iter": args.max_iter,
        "seed": master, "seed_given": args.seed is not None,
        "start_seeds": seeds, "standardize": bool(args.standardize),
        "reg_covar_units": "standardised" if args.standardize else "data",
        "drop_missing": bool(args.drop_missing), "delimiter": args.delimiter,
        "array": args.array,
    }
    provenance = _provenance(args, data, settings, {
        "n_starts": result.n_starts, "hierarchical_start": True,
        "best_start": result.best_start, "best_start_init": result.best_init,
        "best_start_seed": result.best_seed,
        "n_collapsed_starts": result.n_collapsed, "n_failed_starts": result.n_failed,
        "events": result.events,
    })
    return build_model_dict(
        result.weights, result.means, result.covariances, ctype,
        log_likelihood=result.log_likelihood, n_samples=data.n_samples,
        n_iter=result.n_iter, converged=result.converged, feature_names=data.feature_names,
        provenance=provenance, standardization=None if std.is_identity else std,
    )


def _summary(args, data, result: BestFit, content, master, seeds) -> list[str]:
    """The lines printed on stdout (README shows them; tests pin them)."""
    N, K, ctype = data.n_samples, args.components, args.covariance_type
    kept = result.final_components
    lines = [
        f"data       {args.data}: {counted(N, 'point')}, {counted(data.n_features, 'feature')} "
        f"({', '.join(data.feature_names)})",
        f"model      {kept} components, {ctype} covariances"
        + (f" ({K - kept} removed after collapsing)" if kept != K else ""),
        f"best start {_start_name(result, seeds)}; run seed {master}): "
        f"{result.n_iter} iterations, "
        + ("converged" if result.converged else f"not converged after --max-iter "
           f"{args.max_iter}"),
        f"log-likelihood {result.log_likelihood:.3f} (total), "
        f"{result.log_likelihood / N:.5f} per point",
        f"BIC {content['bic']:.3f}   AIC {content['aic']:.3f}   ({content['n_parameters']} "
        "parameters; lower is better)",
    ]
    if result.n_collapsed:
        lines.append(f"collapsed  {result.n_collapsed} of {result.n_starts} starts (left out)")
    lines.append("component  weight   mean")
    for k in range(kept):
        lines.append(f"{k:9d}  {result.weights[k]:.4f}   "
                     f"{_fmt_mean(data.feature_names, result.means[k])}")
    # names and the file's name come from files: escaped, so they cannot drive a terminal
    return [printable(line) for line in lines]


def _start_name(result: BestFit, seeds) -> str:
    """Which start won, its seed, and of how many (ends inside an open parenthesis)."""
    which = ("hierarchical" if result.best_start == 0 else
             f"seeded {result.best_start} (seed {seeds[result.best_start - 1]})")
    return (f"{which}, best of {len(seeds) + 1} (the hierarchical and "
            f"{len(seeds)} seeded")


def _collapse_message(result: BestFit, args) -> str:
    """Why there is no model, and the remedies the arguments have not tried yet."""
    remedies = []
    if args.reg_covar < 1e-6:
        remedies.append("a ridge (--reg-covar 1e-6)")
    else:
        remedies.append(f"a larger ridge (--reg-covar {args.reg_covar * 100:g})")
    if args.prior == "none":
        remedies.append("the conjugate prior (--prior conjugate)")
    if result.n_components > 1:
        remedies.append(f"fewer components (--components {result.n_components - 1})")
    remedies.append("--on-collapse reinitialize or remove")
    what = result.collapse_text or "a covariance became singular"
    return (f"{args.data}: every start ({result.n_starts}, the hierarchical one included) "
            f"collapsed; the first: {what} Remedies: {', '.join(remedies)}.")


def _provenance(args, data, settings, extra=None) -> dict:
    """Where the model came from: the data file (with its hash), columns, settings, command."""
    prov = {
        "data_file": args.data,
        "data_file_absolute": os.path.abspath(args.data),
        # a stream cannot be read again: the loader hashed the bytes it read
        "data_sha256": data.stream_sha256 or file_sha256(args.data),
        "columns": list(data.feature_names),
        "column_positions": list(data.columns),
        "label_column": data.label_column,
        "n_dropped": data.n_dropped,
        "settings": settings,
        "command": "gmm-explorer " + " ".join(shlex.quote(a) for a in args.argv),
    }
    prov.update(extra or {})
    return prov


def _fmt_mean(names, mean, limit=6) -> str:
    parts = [f"{n}={v:.4g}" for n, v in zip(names, mean)]
    if len(parts) > limit:
        parts = parts[:limit] + [f"... ({len(names) - limit} more)"]
    return ", ".join(parts)
