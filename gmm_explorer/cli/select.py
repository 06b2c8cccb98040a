"""``gmm-explorer select``: BIC, AIC and ICL for every component count and covariance type
asked for."""

from __future__ import annotations

import math
import os
import shlex
from dataclasses import dataclass

from gmm_explorer.cli.common import (
    EXIT_OK, CollapseError, UsageError, check_writable, load, write_text,
)
from gmm_explorer.cli.parser import build_parser
from gmm_explorer.cli.starts import BestFit, fit_models, prepare
from gmm_explorer.engine.fits import start_seeds
from gmm_explorer.data import DataError, check_components
from gmm_explorer.data.errors import printable
from gmm_explorer.data.budgets import check_covariances
from gmm_explorer.data.model_file import n_parameters
from gmm_explorer.words import counted

#: Width of a column of the printed tables.
_CELL = 14
#: The criteria printed, in order (each a Cell attribute; lower is better).
_CRITERIA = ("bic", "aic", "icl")


@dataclass
class Cell:
    """One cell of the table: a component count and covariance type, and how it fitted.

    ``bic``, ``aic``, ``icl``, ``log_likelihood`` and ``n_parameters`` are
    set when the cell has a sound fit; otherwise ``why`` says what happened.
    """

    n_components: int
    covariance_type: str
    result: BestFit | None = None
    why: str = ""
    log_likelihood: float | None = None
    n_parameters: int | None = None
    bic: float | None = None
    aic: float | None = None
    icl: float | None = None

    @property
    def usable(self) -> bool:
        return self.bic is not None


def cmd_select(args, out, log) -> int:
    """Fit every cell, print the BIC, AIC and ICL tables and the best cells; ``--csv`` too.

    Raises
    ------
    CollapseError
        Every fit collapsed.
    UsageError, DataError
        No fit at all, or bad data or output path.
    """
    if args.csv:
        check_writable(args.csv, inputs=(args.data,))
    data = load(args, log)
    N = data.n_samples
    if max(args.components) > N:
        raise DataError(f"asks for up to {max(args.components)} components but the data have "
                        f"only {N} points; use --components 1-{min(N, 8)}", path=args.data)
    check_covariances(max(args.components), data.n_features, args.data)
    master, seeds = start_seeds(args.seed, args.n_init)
    cells = _fit_cells(data, args, seeds, log)
    usable = [c for c in cells if c.usable]
    if not usable:
        if any(c.why == "collapsed" for c in cells):
            raise CollapseError(
                f"{args.data}: every fit collapsed (a singular covariance); remedies: "
                "--reg-covar 1e-6, --prior conjugate, fewer --components, or --on-collapse "
                "reinitialize")
        raise UsageError(f"{args.data}: no model could be fitted "
                         f"({'; '.join(sorted({c.why for c in cells}))})")
    # a degenerate fit's criteria reward a component on a handful of points: starred only
    # when nothing else is sound (as the window's grid)
    sound = [c for c in usable if not c.result.degenerate] or usable
    best = {criterion: min(sound, key=lambda c: getattr(c, criterion))
            for criterion in _CRITERIA}
    out.write("\n".join(_report(args, data, cells, best, master)) + "\n")
    if args.csv:
        write_text(args.csv, _csv_table(cells, best))
        log.line(f"table written to {args.csv}")
    return EXIT_OK


def _fit_cells(data, args, seeds, log) -> list[Cell]:
    """Every cell, by covariance type then component count, each from the same start seeds."""
    cells = []
    for ctype in args.covariance_type:
        std, notes = prepare(data, args, ctype, 1)
        for n in notes:
            log.note(n)
        Z = std.transform(data.X)
        refused, fitted = {}, []
        for K in args.components:
            try:
                check_components(K, data.X, args.data)
            except DataError as exc:
                refused[K] = Cell(K, ctype, why=exc.reason)
            else:
                fitted.append(K)
        # one call for the whole column: the engine steps its starts as one batch
        # a line per cell; its starts' lines too with -v (a grid runs hundreds of starts)
        results = fit_models(Z, fitted, ctype, args, seeds, std, log,
                             label=ctype + " K={K} ", start_lines=log.verbose)
        scored = {result.n_components: _scored(result, data, log) for result in results}
        cells += [refused[K] if K in refused else scored[K] for K in args.components]
    return cells


def _scored(result: BestFit, data, log) -> Cell:
    """The cell of one fit, with its criteria when it is sound."""
    K, ctype, N = result.n_components, result.covariance_type, data.n_samples
    cell = Cell(K, ctype, result)
    if result.ok:
        p = n_parameters(ctype, result.final_components, data.n_features)
        ll = result.log_likelihood
        cell.log_likelihood, cell.n_parameters = ll, p
        cell.bic, cell.aic = -2 * ll + p * math.log(N), -2 * ll + 2 * p
        cell.icl = cell.bic + result.classification_cost
        log.line(f"{ctype} K={K}: log-likelihood {ll:.3f}, BIC {cell.bic:.3f}"
                 + _lost_starts(result))
    else:
        cell.why = "collapsed" if result.n_collapsed else "failed"
        log.line(f"{ctype} K={K}: {cell.why}" + _lost_starts(result))
    return cell


def _lost_starts(result: BestFit) -> str:
    """How many of a cell's starts collapsed or failed ('' when none did): its line says
    so, since each start's own line shows only with -v."""
    parts = [f"{n} {word}" for n, word in ((result.n_collapsed, "collapsed"),
                                           (result.n_failed, "failed")) if n]
    return f" ({', '.join(parts)} of {result.n_starts} starts)" if parts else ""


def _report(args, data, cells, best: dict, master) -> list[str]:
    """The lines printed on stdout: what was fitted, the three tables, the best cells."""
    n_init = args.n_init
    text = [
        # names and the file's name come from files: escaped, so they cannot drive a terminal
        printable(f"{os.path.basename(args.data)}: {counted(data.n_samples, 'point')}, "
                  f"{counted(data.n_features, 'feature')} ({', '.join(data.feature_names)})")
        + f"; best of the hierarchical start and {n_init} "
        f"seeded start{'s' if n_init != 1 else ''} per cell, run seed {master}",
        "BIC = -2 log L + p ln N, AIC = -2 log L + 2 p (scikit-learn's sign: LOWER is better; "
        "mclust prints -BIC, where higher is better).",
        "ICL = BIC - 2 sum log max_k r_nk: BIC plus the cost of classifying each point to its "
        "most probable component, so overlapping components pay (mclust's icl, sign flipped).",
        "* marks the best; 'collapsed' means every start had a singular covariance; "
        "! marks a fit with a degenerate component (fewer than D + 1 effective points, or a "
        "volume negligible next to the data's), starred only when no fit is sound.",
    ]
    for criterion in _CRITERIA:
        text.append("")
        text += _table(criterion, best[criterion], cells, args.components,
                       args.covariance_type)
    text.append("")
    by_bic = best["bic"]
    refit = _refit_command(args, by_bic.n_components, by_bic.covariance_type, master)
    for criterion in _CRITERIA:
        cell, name = best[criterion], criterion.upper()
        text.append(f"best by {name}: {cell.n_components} components, "
                    f"{cell.covariance_type} covariances ({name} {getattr(cell, criterion):.3f})"
                    + ("; degenerate, as every fit is" if cell.result.degenerate else "")
                    + (f"; fit it with: {refit}" if criterion == "bic" else ""))
    return text


def _table(criterion, best: Cell, cells, counts, types) -> list[str]:
    """One criterion's table: a row per component count, a column per covariance type."""
    lines = [f"{criterion.upper():>4}" + "".join(f"{t:>{_CELL}}" for t in types)]
    for K in counts:
        row = []
        for ctype in types:
            cell = next(c for c in cells if c.n_components == K and c.covariance_type == ctype)
            if cell.usable:
                mark = ("*" if cell is best else "") + ("!" if cell.result.degenerate else "")
                row.append(f"{mark or ' '}{getattr(cell, criterion):.3f}".rjust(_CELL))
            else:
                row.append((cell.why if len(cell.why) < _CELL - 1 else "refused").rjust(_CELL))
        lines.append(f"{K:>4}" + "".join(row))
    return lines


def _csv_table(cells, best: dict) -> str:
    """The ``--csv`` file: one row per cell, full precision.

    The columns of the earlier files keep their order; ``icl`` and
    ``best_icl`` come last, so that readers by position still work.
    """
    lines = ["n_components,covariance_type,log_likelihood,n_parameters,bic,aic,"
             "converged,status,best_bic,best_aic,icl,best_icl"]
    for c in cells:
        if c.usable:
            lines.append(",".join([
                str(c.n_components), c.covariance_type, repr(float(c.log_likelihood)),
                str(c.n_parameters), repr(float(c.bic)), repr(float(c.aic)),
                str(bool(c.result.converged)).lower(),
                "degenerate" if c.result.degenerate else "ok",
                str(c is best["bic"]).lower(), str(c is best["aic"]).lower(),
                repr(float(c.icl)), str(c is best["icl"]).lower()]))
        else:
            lines.append(f"{c.n_components},{c.covariance_type},,,,,,{_csv_cell(c.why)},"
                         "false,false,,false")
    return "\n".join(lines) + "\n"


def _csv_cell(text) -> str:
    text = str(text)
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _refit_command(args, n_components, covariance_type, master_seed) -> str:
    """The ``fit`` command that reproduces one cell of ``select``'s table exactly.

    Same starts (``--n-init`` and the run seed give the same per-start seeds)
    and every setting that changes the fit.
    """
    words = ["gmm-explorer", "fit", shlex.quote(args.data), "--components", str(n_components),
             "--covariance-type", covariance_type, "--n-init", str(args.n_init),
             "--seed", str(master_seed)]
    defaults = build_parser().parse_args(["fit", args.data, "--components", "1"])
    for flag, name in (("--reg-covar", "reg_covar"), ("--prior", "prior"), ("--init", "init"),
                       ("--max-iter", "max_iter"), ("--tol", "tol"), ("--array", "array"),
                       ("--delimiter", "delimiter"), ("--max-condition", "max_condition")):
        value = getattr(args, name)
        if value is not None and value != getattr(defaults, name):
            words += [flag, shlex.quote(str(value))]
    if args.columns:
        words += ["--columns", *(shlex.quote(str(c)) for c in args.columns)]
    if args.drop_missing:
        words.append("--drop-missing")
    if not args.standardize:
        words.append("--no-standardize")
    return " ".join(words)
